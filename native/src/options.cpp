// _init functions of the versioned options structs; real in both build modes so callers can always prepare them.
#include "internal.hpp"

#if TRTSHARP_WITH_TENSORRT
#include <NvInferVersion.h>
#define TRTS_DEFAULT_STRONGLY_TYPED (NV_TENSORRT_MAJOR >= 11 ? 1 : 0)
#else
#define TRTS_DEFAULT_STRONGLY_TYPED 0
#endif

extern "C" {

TRTS_API trts_status trts_network_options_init(trts_network_options* options) noexcept
{
    TRTS_GUARD_BEGIN
    TRTS_REQUIRE(options != nullptr, "options is NULL");
    *options = trts_network_options{};
    options->struct_size = sizeof(trts_network_options);
    options->strongly_typed = TRTS_DEFAULT_STRONGLY_TYPED;
    options->parser_verbosity = TRTS_SEVERITY_WARNING;
    return TRTS_OK;
    TRTS_GUARD_END
}

TRTS_API trts_status trts_tensor_info_init(trts_tensor_info* info) noexcept
{
    TRTS_GUARD_BEGIN
    TRTS_REQUIRE(info != nullptr, "info is NULL");
    *info = trts_tensor_info{};
    info->struct_size = sizeof(trts_tensor_info);
    info->name = "";
    return TRTS_OK;
    TRTS_GUARD_END
}

TRTS_API trts_status trts_output_allocator_desc_init(trts_output_allocator_desc* desc) noexcept
{
    TRTS_GUARD_BEGIN
    TRTS_REQUIRE(desc != nullptr, "desc is NULL");
    *desc = trts_output_allocator_desc{};
    desc->struct_size = sizeof(trts_output_allocator_desc);
    return TRTS_OK;
    TRTS_GUARD_END
}

} // extern "C"
