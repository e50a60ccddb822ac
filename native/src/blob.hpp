// trts_blob: a read-only byte buffer; full mode adds a subclass that owns TensorRT's IHostMemory without copying.
#pragma once

#include "internal.hpp"

struct trts_blob {
    virtual ~trts_blob();
    virtual void const* data() const noexcept = 0;
    virtual uint64_t size() const noexcept = 0;
};

namespace trts {

/// A blob holding its own copy of the bytes.
class OwnedBlob final : public trts_blob {
public:
    OwnedBlob(void const* data, uint64_t size);
    void const* data() const noexcept override;
    uint64_t size() const noexcept override;

private:
    std::vector<unsigned char> bytes_;
};

} // namespace trts
