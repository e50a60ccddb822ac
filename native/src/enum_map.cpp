// TrtSharp's stable enums <-> TensorRT's. Only enumerator names are used, so each TensorRT version's own values apply.
#include "trt_common.hpp"

namespace trts {

using nvinfer1::BuilderFlag;

bool is_weak_typing_flag(trts_builder_flag flag) noexcept
{
    switch (flag)
    {
    case TRTS_BUILDER_FLAG_FP16:
    case TRTS_BUILDER_FLAG_INT8:
    case TRTS_BUILDER_FLAG_BF16:
    case TRTS_BUILDER_FLAG_FP8:
    case TRTS_BUILDER_FLAG_INT4:
    case TRTS_BUILDER_FLAG_OBEY_PRECISION_CONSTRAINTS:
    case TRTS_BUILDER_FLAG_PREFER_PRECISION_CONSTRAINTS: return true;
    default: return false;
    }
}

bool to_trt(trts_builder_flag flag, BuilderFlag& out) noexcept
{
    switch (flag)
    {
    case TRTS_BUILDER_FLAG_TF32: out = BuilderFlag::kTF32; return true;
    case TRTS_BUILDER_FLAG_REFIT: out = BuilderFlag::kREFIT; return true;
    case TRTS_BUILDER_FLAG_SPARSE_WEIGHTS: out = BuilderFlag::kSPARSE_WEIGHTS; return true;
    case TRTS_BUILDER_FLAG_VERSION_COMPATIBLE: out = BuilderFlag::kVERSION_COMPATIBLE; return true;
    case TRTS_BUILDER_FLAG_EXCLUDE_LEAN_RUNTIME: out = BuilderFlag::kEXCLUDE_LEAN_RUNTIME; return true;
    case TRTS_BUILDER_FLAG_DISABLE_TIMING_CACHE: out = BuilderFlag::kDISABLE_TIMING_CACHE; return true;
    case TRTS_BUILDER_FLAG_ERROR_ON_TIMING_CACHE_MISS: out = BuilderFlag::kERROR_ON_TIMING_CACHE_MISS; return true;
    case TRTS_BUILDER_FLAG_DISABLE_COMPILATION_CACHE: out = BuilderFlag::kDISABLE_COMPILATION_CACHE; return true;
    case TRTS_BUILDER_FLAG_STRIP_PLAN: out = BuilderFlag::kSTRIP_PLAN; return true;
    case TRTS_BUILDER_FLAG_REFIT_IDENTICAL: out = BuilderFlag::kREFIT_IDENTICAL; return true;
    case TRTS_BUILDER_FLAG_WEIGHT_STREAMING: out = BuilderFlag::kWEIGHT_STREAMING; return true;
    case TRTS_BUILDER_FLAG_DEBUG: out = BuilderFlag::kDEBUG; return true;
    case TRTS_BUILDER_FLAG_GPU_FALLBACK: out = BuilderFlag::kGPU_FALLBACK; return true;
#if TRTS_TRT_AT_LEAST(10, 8)
    case TRTS_BUILDER_FLAG_EDITABLE_TIMING_CACHE: out = BuilderFlag::kEDITABLE_TIMING_CACHE; return true;
#else
    case TRTS_BUILDER_FLAG_EDITABLE_TIMING_CACHE: return false;
#endif
#if NV_TENSORRT_MAJOR < 11
    case TRTS_BUILDER_FLAG_FP16: out = BuilderFlag::kFP16; return true;
    case TRTS_BUILDER_FLAG_INT8: out = BuilderFlag::kINT8; return true;
    case TRTS_BUILDER_FLAG_BF16: out = BuilderFlag::kBF16; return true;
    case TRTS_BUILDER_FLAG_FP8: out = BuilderFlag::kFP8; return true;
#if TRTS_TRT_AT_LEAST(10, 1)
    case TRTS_BUILDER_FLAG_INT4: out = BuilderFlag::kINT4; return true;
#else
    case TRTS_BUILDER_FLAG_INT4: return false;
#endif
    case TRTS_BUILDER_FLAG_OBEY_PRECISION_CONSTRAINTS: out = BuilderFlag::kOBEY_PRECISION_CONSTRAINTS; return true;
    case TRTS_BUILDER_FLAG_PREFER_PRECISION_CONSTRAINTS: out = BuilderFlag::kPREFER_PRECISION_CONSTRAINTS; return true;
#else
    case TRTS_BUILDER_FLAG_FP16:
    case TRTS_BUILDER_FLAG_INT8:
    case TRTS_BUILDER_FLAG_BF16:
    case TRTS_BUILDER_FLAG_FP8:
    case TRTS_BUILDER_FLAG_INT4:
    case TRTS_BUILDER_FLAG_OBEY_PRECISION_CONSTRAINTS:
    case TRTS_BUILDER_FLAG_PREFER_PRECISION_CONSTRAINTS: return false;
#endif
    }
    return false;
}

bool to_trt(trts_memory_pool pool, nvinfer1::MemoryPoolType& out) noexcept
{
    using nvinfer1::MemoryPoolType;
    switch (pool)
    {
    case TRTS_MEMORY_POOL_WORKSPACE: out = MemoryPoolType::kWORKSPACE; return true;
    case TRTS_MEMORY_POOL_DLA_MANAGED_SRAM: out = MemoryPoolType::kDLA_MANAGED_SRAM; return true;
    case TRTS_MEMORY_POOL_DLA_LOCAL_DRAM: out = MemoryPoolType::kDLA_LOCAL_DRAM; return true;
    case TRTS_MEMORY_POOL_DLA_GLOBAL_DRAM: out = MemoryPoolType::kDLA_GLOBAL_DRAM; return true;
    case TRTS_MEMORY_POOL_TACTIC_DRAM: out = MemoryPoolType::kTACTIC_DRAM; return true;
    case TRTS_MEMORY_POOL_TACTIC_SHARED_MEMORY: out = MemoryPoolType::kTACTIC_SHARED_MEMORY; return true;
    }
    return false;
}

bool to_trt(trts_profile_selector selector, nvinfer1::OptProfileSelector& out) noexcept
{
    using nvinfer1::OptProfileSelector;
    switch (selector)
    {
    case TRTS_PROFILE_SELECTOR_MIN: out = OptProfileSelector::kMIN; return true;
    case TRTS_PROFILE_SELECTOR_OPT: out = OptProfileSelector::kOPT; return true;
    case TRTS_PROFILE_SELECTOR_MAX: out = OptProfileSelector::kMAX; return true;
    }
    return false;
}

bool to_trt(trts_profiling_verbosity verbosity, nvinfer1::ProfilingVerbosity& out) noexcept
{
    using nvinfer1::ProfilingVerbosity;
    switch (verbosity)
    {
    case TRTS_PROFILING_VERBOSITY_LAYER_NAMES_ONLY: out = ProfilingVerbosity::kLAYER_NAMES_ONLY; return true;
    case TRTS_PROFILING_VERBOSITY_NONE: out = ProfilingVerbosity::kNONE; return true;
    case TRTS_PROFILING_VERBOSITY_DETAILED: out = ProfilingVerbosity::kDETAILED; return true;
    }
    return false;
}

bool to_trt(trts_hardware_compat level, nvinfer1::HardwareCompatibilityLevel& out) noexcept
{
    using nvinfer1::HardwareCompatibilityLevel;
    switch (level)
    {
    case TRTS_HARDWARE_COMPAT_NONE: out = HardwareCompatibilityLevel::kNONE; return true;
    case TRTS_HARDWARE_COMPAT_AMPERE_PLUS: out = HardwareCompatibilityLevel::kAMPERE_PLUS; return true;
    case TRTS_HARDWARE_COMPAT_SAME_COMPUTE_CAPABILITY:
#if TRTS_TRT_AT_LEAST(10, 9)
        out = HardwareCompatibilityLevel::kSAME_COMPUTE_CAPABILITY;
        return true;
#else
        return false;
#endif
    }
    return false;
}

bool to_trt(trts_allocation_strategy strategy, nvinfer1::ExecutionContextAllocationStrategy& out) noexcept
{
    using nvinfer1::ExecutionContextAllocationStrategy;
    switch (strategy)
    {
    case TRTS_ALLOCATION_STRATEGY_STATIC: out = ExecutionContextAllocationStrategy::kSTATIC; return true;
    case TRTS_ALLOCATION_STRATEGY_ON_PROFILE_CHANGE: out = ExecutionContextAllocationStrategy::kON_PROFILE_CHANGE; return true;
    case TRTS_ALLOCATION_STRATEGY_USER_MANAGED: out = ExecutionContextAllocationStrategy::kUSER_MANAGED; return true;
    }
    return false;
}

bool to_trt(trts_severity severity, nvinfer1::ILogger::Severity& out) noexcept
{
    using S = nvinfer1::ILogger::Severity;
    switch (severity)
    {
    case TRTS_SEVERITY_INTERNAL_ERROR: out = S::kINTERNAL_ERROR; return true;
    case TRTS_SEVERITY_ERROR: out = S::kERROR; return true;
    case TRTS_SEVERITY_WARNING: out = S::kWARNING; return true;
    case TRTS_SEVERITY_INFO: out = S::kINFO; return true;
    case TRTS_SEVERITY_VERBOSE: out = S::kVERBOSE; return true;
    }
    return false;
}

trts_severity from_trt(nvinfer1::ILogger::Severity severity) noexcept
{
    using S = nvinfer1::ILogger::Severity;
    switch (severity)
    {
    case S::kINTERNAL_ERROR: return TRTS_SEVERITY_INTERNAL_ERROR;
    case S::kERROR: return TRTS_SEVERITY_ERROR;
    case S::kWARNING: return TRTS_SEVERITY_WARNING;
    case S::kINFO: return TRTS_SEVERITY_INFO;
    case S::kVERBOSE: return TRTS_SEVERITY_VERBOSE;
    }
    return TRTS_SEVERITY_ERROR;
}

trts_data_type from_trt(nvinfer1::DataType type) noexcept
{
    using nvinfer1::DataType;
    switch (type)
    {
    case DataType::kFLOAT: return TRTS_DATA_TYPE_FLOAT;
    case DataType::kHALF: return TRTS_DATA_TYPE_HALF;
    case DataType::kBF16: return TRTS_DATA_TYPE_BF16;
    case DataType::kINT8: return TRTS_DATA_TYPE_INT8;
    case DataType::kUINT8: return TRTS_DATA_TYPE_UINT8;
    case DataType::kINT32: return TRTS_DATA_TYPE_INT32;
    case DataType::kINT64: return TRTS_DATA_TYPE_INT64;
    case DataType::kBOOL: return TRTS_DATA_TYPE_BOOL;
    case DataType::kFP8: return TRTS_DATA_TYPE_FP8;
    case DataType::kINT4: return TRTS_DATA_TYPE_INT4;
#if TRTS_TRT_AT_LEAST(10, 8)
    case DataType::kFP4: return TRTS_DATA_TYPE_FP4;
#endif
#if TRTS_TRT_AT_LEAST(10, 12)
    case DataType::kE8M0: return TRTS_DATA_TYPE_E8M0;
#endif
    }
    return TRTS_DATA_TYPE_UNKNOWN;
}

trts_tensor_format from_trt(nvinfer1::TensorFormat format) noexcept
{
    using nvinfer1::TensorFormat;
    switch (format)
    {
    case TensorFormat::kLINEAR: return TRTS_TENSOR_FORMAT_LINEAR;
    case TensorFormat::kCHW2: return TRTS_TENSOR_FORMAT_CHW2;
    case TensorFormat::kHWC8: return TRTS_TENSOR_FORMAT_HWC8;
    case TensorFormat::kCHW4: return TRTS_TENSOR_FORMAT_CHW4;
    case TensorFormat::kCHW16: return TRTS_TENSOR_FORMAT_CHW16;
    case TensorFormat::kCHW32: return TRTS_TENSOR_FORMAT_CHW32;
    case TensorFormat::kDHWC8: return TRTS_TENSOR_FORMAT_DHWC8;
    case TensorFormat::kCDHW32: return TRTS_TENSOR_FORMAT_CDHW32;
    case TensorFormat::kHWC: return TRTS_TENSOR_FORMAT_HWC;
    case TensorFormat::kDLA_LINEAR: return TRTS_TENSOR_FORMAT_DLA_LINEAR;
    case TensorFormat::kDLA_HWC4: return TRTS_TENSOR_FORMAT_DLA_HWC4;
    case TensorFormat::kHWC16: return TRTS_TENSOR_FORMAT_HWC16;
    case TensorFormat::kDHWC: return TRTS_TENSOR_FORMAT_DHWC;
    }
    return TRTS_TENSOR_FORMAT_UNKNOWN;
}

trts_tensor_io_mode from_trt(nvinfer1::TensorIOMode mode) noexcept
{
    using nvinfer1::TensorIOMode;
    switch (mode)
    {
    case TensorIOMode::kNONE: return TRTS_TENSOR_IO_MODE_NONE;
    case TensorIOMode::kINPUT: return TRTS_TENSOR_IO_MODE_INPUT;
    case TensorIOMode::kOUTPUT: return TRTS_TENSOR_IO_MODE_OUTPUT;
    }
    return TRTS_TENSOR_IO_MODE_NONE;
}

trts_parser_error_code from_trt(nvonnxparser::ErrorCode code) noexcept
{
    using nvonnxparser::ErrorCode;
    switch (code)
    {
    case ErrorCode::kSUCCESS: return TRTS_PARSER_ERROR_UNKNOWN;
    case ErrorCode::kINTERNAL_ERROR: return TRTS_PARSER_ERROR_INTERNAL;
    case ErrorCode::kMEM_ALLOC_FAILED: return TRTS_PARSER_ERROR_MEM_ALLOC_FAILED;
    case ErrorCode::kMODEL_DESERIALIZE_FAILED: return TRTS_PARSER_ERROR_MODEL_DESERIALIZE_FAILED;
    case ErrorCode::kINVALID_VALUE: return TRTS_PARSER_ERROR_INVALID_VALUE;
    case ErrorCode::kINVALID_GRAPH: return TRTS_PARSER_ERROR_INVALID_GRAPH;
    case ErrorCode::kINVALID_NODE: return TRTS_PARSER_ERROR_INVALID_NODE;
    case ErrorCode::kUNSUPPORTED_GRAPH: return TRTS_PARSER_ERROR_UNSUPPORTED_GRAPH;
    case ErrorCode::kUNSUPPORTED_NODE: return TRTS_PARSER_ERROR_UNSUPPORTED_NODE;
    case ErrorCode::kUNSUPPORTED_NODE_ATTR: return TRTS_PARSER_ERROR_UNSUPPORTED_NODE_ATTR;
    case ErrorCode::kUNSUPPORTED_NODE_INPUT: return TRTS_PARSER_ERROR_UNSUPPORTED_NODE_INPUT;
    case ErrorCode::kUNSUPPORTED_NODE_DATATYPE: return TRTS_PARSER_ERROR_UNSUPPORTED_NODE_DATATYPE;
    case ErrorCode::kUNSUPPORTED_NODE_DYNAMIC: return TRTS_PARSER_ERROR_UNSUPPORTED_NODE_DYNAMIC;
    case ErrorCode::kUNSUPPORTED_NODE_SHAPE: return TRTS_PARSER_ERROR_UNSUPPORTED_NODE_SHAPE;
    case ErrorCode::kREFIT_FAILED: return TRTS_PARSER_ERROR_REFIT_FAILED;
    }
    return TRTS_PARSER_ERROR_UNKNOWN;
}

bool to_trt(trts_dims const& dims, nvinfer1::Dims& out) noexcept
{
    if (dims.nb_dims < 0 || dims.nb_dims > nvinfer1::Dims::MAX_DIMS)
        return false;
    out = nvinfer1::Dims{};
    out.nbDims = dims.nb_dims;
    for (int32_t i = 0; i < dims.nb_dims; ++i)
        out.d[i] = dims.d[i];
    return true;
}

trts_dims from_trt(nvinfer1::Dims const& dims) noexcept
{
    trts_dims out{};
    // TensorRT reports nbDims = -1 for an unknown shape; keep that, it is the caller's signal.
    out.nb_dims = dims.nbDims;
    for (int32_t i = 0; i < dims.nbDims && i < TRTS_MAX_DIMS; ++i)
        out.d[i] = dims.d[i];
    return out;
}

std::string with_logged_error(std::string message)
{
    auto logged = last_logged_error();
    if (!logged.empty())
        message += ": " + logged;
    return message;
}

char const* missing_since(trts_builder_flag flag) noexcept
{
#if !TRTS_TRT_AT_LEAST(10, 1)
    if (flag == TRTS_BUILDER_FLAG_INT4)
        return "10.1";
#endif
#if !TRTS_TRT_AT_LEAST(10, 8)
    if (flag == TRTS_BUILDER_FLAG_EDITABLE_TIMING_CACHE)
        return "10.8";
#endif
    (void) flag;
    return nullptr;
}

char const* missing_since(trts_hardware_compat level) noexcept
{
#if !TRTS_TRT_AT_LEAST(10, 9)
    if (level == TRTS_HARDWARE_COMPAT_SAME_COMPUTE_CAPABILITY)
        return "10.9";
#else
    (void) level;
#endif
    return nullptr;
}

trts_status needs_newer_tensorrt(std::string const& what, char const* version) noexcept
{
    try
    {
        return fail(TRTS_E_UNSUPPORTED, what + " needs TensorRT " + version + " or newer; this shim was built against TensorRT " +
            std::to_string(NV_TENSORRT_MAJOR) + "." + std::to_string(NV_TENSORRT_MINOR) + "." +
            std::to_string(NV_TENSORRT_PATCH) + " (rebuild it against a newer TensorRT, or leave the option off)");
    }
    catch (...)
    {
        return fail(TRTS_E_UNSUPPORTED, what.c_str(), ": needs a newer TensorRT than this shim was built against");
    }
}

trts_status weak_typing_removed(char const* what) noexcept
{
    return fail(TRTS_E_UNSUPPORTED, what,
        " is not available with this TensorRT: TensorRT 11 removed weak typing (precision flags, the INT8 calibrator). "
        "Put precision in the ONNX model instead: INT8/FP8 through QuantizeLinear/DequantizeLinear (Q/DQ) nodes "
        "(trtsharp quantize), FP16/BF16 through AutoCast.");
}

} // namespace trts
