// The test hook that drives output-allocator callbacks as TensorRT does for a data-dependent output.
#include "output_allocator.hpp"

extern "C" {

TRTS_API trts_status trts_debug_drive_output_allocator(trts_output_allocator_desc const* desc, char const* tensor_name,
    uint64_t const* sizes, int32_t nb_sizes, trts_dims const* dims, void** out_pointers) noexcept
{
    TRTS_GUARD_BEGIN
    TRTS_REQUIRE(trts::struct_size_ok(desc), "desc is NULL or its struct_size is too small (call trts_output_allocator_desc_init)");
    TRTS_REQUIRE(desc->reallocate != nullptr, "desc->reallocate is NULL");
    TRTS_REQUIRE(tensor_name != nullptr, "tensor_name is NULL");
    TRTS_REQUIRE(nb_sizes >= 0 && (sizes != nullptr || nb_sizes == 0), "sizes/nb_sizes are inconsistent");
    TRTS_REQUIRE(out_pointers != nullptr || nb_sizes == 0, "out_pointers is NULL");
    TRTS_REQUIRE(dims != nullptr, "dims is NULL");
    TRTS_REQUIRE(dims->nb_dims >= 0 && dims->nb_dims <= TRTS_MAX_DIMS, "dims->nb_dims must be within 0.." + std::to_string(TRTS_MAX_DIMS));
    trts::OutputAllocatorCallbacks const callbacks(*desc);
    void* current = nullptr;
    for (int32_t i = 0; i < nb_sizes; ++i)
    {
        current = callbacks.reallocate(tensor_name, current, sizes[i], 256, nullptr);
        out_pointers[i] = current;
    }
    callbacks.notify_shape(tensor_name, *dims);
    return TRTS_OK;
    TRTS_GUARD_END
}

} // extern "C"
