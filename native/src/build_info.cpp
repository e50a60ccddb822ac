// Build information, ABI version and the call-overhead probe.
#include "internal.hpp"

#if TRTSHARP_WITH_TENSORRT
#include <NvInferVersion.h>
#include <cuda_runtime_api.h>
#endif

extern "C" {

TRTS_API trts_status trts_noop(void) noexcept
{
    return TRTS_OK;
}

TRTS_API trts_status trts_get_abi_version(int32_t* out_version) noexcept
{
    TRTS_GUARD_BEGIN
    TRTS_REQUIRE(out_version != nullptr, "out_version is NULL");
    *out_version = TRTS_ABI_VERSION;
    return TRTS_OK;
    TRTS_GUARD_END
}

TRTS_API trts_status trts_build_info_init(trts_build_info* info) noexcept
{
    TRTS_GUARD_BEGIN
    TRTS_REQUIRE(info != nullptr, "info is NULL");
    *info = trts_build_info{};
    info->struct_size = sizeof(trts_build_info);
    return TRTS_OK;
    TRTS_GUARD_END
}

TRTS_API trts_status trts_get_build_info(trts_build_info* out_info) noexcept
{
    TRTS_GUARD_BEGIN
    TRTS_REQUIRE(trts::struct_size_ok(out_info), "out_info is NULL or its struct_size is too small (call trts_build_info_init)");
    out_info->abi_version = TRTS_ABI_VERSION;
#if TRTSHARP_WITH_TENSORRT
    out_info->mode = TRTS_BUILD_MODE_FULL;
    out_info->tensorrt_major = NV_TENSORRT_MAJOR;
    out_info->tensorrt_minor = NV_TENSORRT_MINOR;
    out_info->tensorrt_patch = NV_TENSORRT_PATCH;
    out_info->tensorrt_build = NV_TENSORRT_BUILD;
    out_info->cuda_runtime_version = CUDART_VERSION;
    out_info->supports_weak_typing = NV_TENSORRT_MAJOR < 11 ? 1 : 0;
#else
    out_info->mode = TRTS_BUILD_MODE_CORE_ONLY;
    out_info->tensorrt_major = out_info->tensorrt_minor = out_info->tensorrt_patch = out_info->tensorrt_build = 0;
    out_info->cuda_runtime_version = 0;
    out_info->supports_weak_typing = 0;
#endif
    return TRTS_OK;
    TRTS_GUARD_END
}

} // extern "C"
