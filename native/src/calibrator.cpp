// Legacy INT8 calibrator callbacks and the test hook that drives them as TensorRT would.
#include "calibrator.hpp"

bool trts_calibrator::get_batch(void** bindings, char const* const* names, int32_t nb_bindings) noexcept
{
    if (desc.get_batch == nullptr)
        return false;
    return desc.get_batch(desc.user, names, bindings, nb_bindings) != 0;
}

void const* trts_calibrator::read_cache(uint64_t& length) noexcept
{
    length = 0;
    if (desc.read_cache == nullptr)
        return nullptr;
    void const* data = nullptr;
    uint64_t size = 0;
    if (desc.read_cache(desc.user, &data, &size) == 0 || data == nullptr || size == 0)
        return nullptr;
    length = size;
    return data;
}

void trts_calibrator::write_cache(void const* data, uint64_t length) noexcept
{
    if (desc.write_cache != nullptr)
        desc.write_cache(desc.user, data, length);
}

extern "C" {

TRTS_API trts_status trts_calibrator_desc_init(trts_calibrator_desc* desc) noexcept
{
    TRTS_GUARD_BEGIN
    TRTS_REQUIRE(desc != nullptr, "desc is NULL");
    *desc = trts_calibrator_desc{};
    desc->struct_size = sizeof(trts_calibrator_desc);
    desc->algorithm = TRTS_CALIBRATION_ALGORITHM_ENTROPY2;
    desc->batch_size = 1;
    return TRTS_OK;
    TRTS_GUARD_END
}

TRTS_API trts_status trts_calibrator_create(trts_calibrator_desc const* desc, trts_calibrator** out_calibrator) noexcept
{
    TRTS_GUARD_BEGIN
    TRTS_REQUIRE(out_calibrator != nullptr, "out_calibrator is NULL");
    *out_calibrator = nullptr;
    TRTS_REQUIRE(trts::struct_size_ok(desc), "desc is NULL or its struct_size is too small (call trts_calibrator_desc_init)");
    TRTS_REQUIRE(desc->algorithm == TRTS_CALIBRATION_ALGORITHM_ENTROPY2 || desc->algorithm == TRTS_CALIBRATION_ALGORITHM_MINMAX,
        "desc->algorithm is not a trts_calibration_algorithm value");
    TRTS_REQUIRE(desc->batch_size >= 1, "desc->batch_size must be at least 1");
    TRTS_REQUIRE(desc->get_batch != nullptr, "desc->get_batch is NULL");
    *out_calibrator = new trts_calibrator(*desc);
    return TRTS_OK;
    TRTS_GUARD_END
}

TRTS_API trts_status trts_calibrator_destroy(trts_calibrator* calibrator) noexcept
{
    TRTS_GUARD_BEGIN
    delete calibrator;
    return TRTS_OK;
    TRTS_GUARD_END
}

TRTS_API trts_status trts_debug_drive_calibrator(trts_calibrator* calibrator, char const* const* names, int32_t nb_names,
    int32_t max_batches, void** out_last_bindings, int32_t* out_batches, uint64_t* out_cache_bytes_read) noexcept
{
    TRTS_GUARD_BEGIN
    TRTS_REQUIRE(calibrator != nullptr, "calibrator is NULL");
    TRTS_REQUIRE(nb_names >= 0 && (names != nullptr || nb_names == 0), "names/nb_names are inconsistent");
    TRTS_REQUIRE(max_batches >= 0, "max_batches is negative");
    TRTS_REQUIRE(out_last_bindings != nullptr || nb_names == 0, "out_last_bindings is NULL");
    TRTS_REQUIRE(out_batches != nullptr && out_cache_bytes_read != nullptr, "out_batches or out_cache_bytes_read is NULL");
    for (int32_t i = 0; i < nb_names; ++i)
        TRTS_REQUIRE(names[i] != nullptr, "names[" + std::to_string(i) + "] is NULL");

    // Same order as TensorRT: a usable cache short-circuits calibration entirely.
    uint64_t cache_size = 0;
    calibrator->read_cache(cache_size);
    *out_cache_bytes_read = cache_size;
    *out_batches = 0;
    if (cache_size != 0)
        return TRTS_OK;

    std::vector<void*> bindings(static_cast<size_t>(nb_names), nullptr);
    int32_t batches = 0;
    while (batches < max_batches && calibrator->get_batch(bindings.data(), names, nb_names))
    {
        ++batches;
        for (int32_t i = 0; i < nb_names; ++i)
            out_last_bindings[i] = bindings[static_cast<size_t>(i)];
    }
    *out_batches = batches;

    std::string cache = "trtsharp-debug-cache;batches=" + std::to_string(batches) + ";inputs=";
    for (int32_t i = 0; i < nb_names; ++i)
        cache += (i == 0 ? "" : ",") + std::string(names[i]);
    calibrator->write_cache(cache.data(), cache.size());
    return TRTS_OK;
    TRTS_GUARD_END
}

} // extern "C"
