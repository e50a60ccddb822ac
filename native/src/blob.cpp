// Byte buffers handed to the caller: serialized plans, timing caches, inspector JSON.
#include "blob.hpp"

#include <cstring>

trts_blob::~trts_blob() = default;

namespace trts {

OwnedBlob::OwnedBlob(void const* data, uint64_t size) : bytes_(static_cast<size_t>(size))
{
    if (size != 0)
        std::memcpy(bytes_.data(), data, static_cast<size_t>(size));
}

void const* OwnedBlob::data() const noexcept
{
    return bytes_.data();
}

uint64_t OwnedBlob::size() const noexcept
{
    return bytes_.size();
}

} // namespace trts

extern "C" {

TRTS_API trts_status trts_blob_create(void const* data, uint64_t size, trts_blob** out_blob) noexcept
{
    TRTS_GUARD_BEGIN
    TRTS_REQUIRE(out_blob != nullptr, "out_blob is NULL");
    *out_blob = nullptr;
    TRTS_REQUIRE(data != nullptr || size == 0, "data is NULL but size is not 0");
    *out_blob = new trts::OwnedBlob(data, size);
    return TRTS_OK;
    TRTS_GUARD_END
}

TRTS_API trts_status trts_blob_get(trts_blob const* blob, void const** out_data, uint64_t* out_size) noexcept
{
    TRTS_GUARD_BEGIN
    TRTS_REQUIRE(blob != nullptr, "blob is NULL");
    TRTS_REQUIRE(out_data != nullptr && out_size != nullptr, "out_data or out_size is NULL");
    *out_data = blob->data();
    *out_size = blob->size();
    return TRTS_OK;
    TRTS_GUARD_END
}

TRTS_API trts_status trts_blob_copy_to(trts_blob const* blob, void* buffer, uint64_t capacity, uint64_t* out_size) noexcept
{
    TRTS_GUARD_BEGIN
    TRTS_REQUIRE(blob != nullptr, "blob is NULL");
    TRTS_REQUIRE(out_size != nullptr, "out_size is NULL");
    *out_size = blob->size();
    if (capacity < blob->size())
        return trts::fail(TRTS_E_BUFFER_TOO_SMALL,
            "buffer holds " + std::to_string(capacity) + " bytes; the blob needs " + std::to_string(blob->size()));
    TRTS_REQUIRE(buffer != nullptr || blob->size() == 0, "buffer is NULL");
    if (blob->size() != 0)
        std::memcpy(buffer, blob->data(), static_cast<size_t>(blob->size()));
    return TRTS_OK;
    TRTS_GUARD_END
}

TRTS_API trts_status trts_blob_destroy(trts_blob* blob) noexcept
{
    TRTS_GUARD_BEGIN
    delete blob;
    return TRTS_OK;
    TRTS_GUARD_END
}

} // extern "C"
