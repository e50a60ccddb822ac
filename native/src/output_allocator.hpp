// Output-allocator callbacks, independent of TensorRT so the test hook can drive them in core-only builds too.
// The TensorRT adapter (context.cpp) forwards IOutputAllocator's virtual methods here.
#pragma once

#include "internal.hpp"

namespace trts {

struct OutputAllocatorCallbacks {
    explicit OutputAllocatorCallbacks(trts_output_allocator_desc const& d) : desc(d) {}

    /// reallocateOutputAsync: memory of at least size bytes (current_memory when big enough), or nullptr.
    void* reallocate(char const* tensor_name, void* current_memory, uint64_t size, uint64_t alignment, void* stream) const noexcept
    {
        return desc.reallocate(desc.user, tensor_name, current_memory, size, alignment, stream);
    }

    /// notifyShape: the output's final shape.
    void notify_shape(char const* tensor_name, trts_dims const& dims) const noexcept
    {
        if (desc.notify_shape != nullptr)
            desc.notify_shape(desc.user, tensor_name, &dims);
    }

    trts_output_allocator_desc desc;
};

} // namespace trts
