// Full-mode internals: TensorRT includes, handle definitions and enum mapping. Never included in core-only builds.
#pragma once

#include "blob.hpp"
#include "calibrator.hpp"
#include "internal.hpp"

#include <NvInfer.h>
#include <NvOnnxParser.h>
#include <cuda_runtime_api.h>

#include <map>
#include <memory>

/// True when the TensorRT headers compiled against are at least major.minor (NV_TENSORRT_MAJOR/MINOR exist in every
/// 10.x and 11.x NvInferVersion.h; from 10.11 they alias TRT_*_ENTERPRISE).
#define TRTS_TRT_AT_LEAST(major, minor)                                                                            \
    (NV_TENSORRT_MAJOR > (major) || (NV_TENSORRT_MAJOR == (major) && NV_TENSORRT_MINOR >= (minor)))

namespace trts {

/// TRTS_E_UNSUPPORTED for a feature newer than the TensorRT this shim was built against.
trts_status needs_newer_tensorrt(std::string const& what, char const* version) noexcept;
/// The TensorRT version a builder flag or compatibility level first appeared in, when this build lacks it; else nullptr.
char const* missing_since(trts_builder_flag flag) noexcept;
char const* missing_since(trts_hardware_compat level) noexcept;

/// The one ILogger handed to TensorRT; forwards to the registered C callback.
nvinfer1::ILogger& trt_logger() noexcept;

/// Message for TensorRT-10-only features on TensorRT 11.
trts_status weak_typing_removed(char const* what) noexcept;

bool to_trt(trts_builder_flag flag, nvinfer1::BuilderFlag& out) noexcept;
bool is_weak_typing_flag(trts_builder_flag flag) noexcept;
bool to_trt(trts_memory_pool pool, nvinfer1::MemoryPoolType& out) noexcept;
bool to_trt(trts_profile_selector selector, nvinfer1::OptProfileSelector& out) noexcept;
bool to_trt(trts_profiling_verbosity verbosity, nvinfer1::ProfilingVerbosity& out) noexcept;
bool to_trt(trts_hardware_compat level, nvinfer1::HardwareCompatibilityLevel& out) noexcept;
bool to_trt(trts_allocation_strategy strategy, nvinfer1::ExecutionContextAllocationStrategy& out) noexcept;
bool to_trt(trts_severity severity, nvinfer1::ILogger::Severity& out) noexcept;
trts_severity from_trt(nvinfer1::ILogger::Severity severity) noexcept;
trts_data_type from_trt(nvinfer1::DataType type) noexcept;
trts_tensor_format from_trt(nvinfer1::TensorFormat format) noexcept;
trts_tensor_io_mode from_trt(nvinfer1::TensorIOMode mode) noexcept;
trts_parser_error_code from_trt(nvonnxparser::ErrorCode code) noexcept;

/// Validates and converts dimensions; false if nb_dims is out of range.
bool to_trt(trts_dims const& dims, nvinfer1::Dims& out) noexcept;
trts_dims from_trt(nvinfer1::Dims const& dims) noexcept;

/// Appends TensorRT's most recent logged error to a failure message.
std::string with_logged_error(std::string message);

/// A blob owning TensorRT's IHostMemory (no copy of large plans).
class HostMemoryBlob final : public trts_blob {
public:
    explicit HostMemoryBlob(std::unique_ptr<nvinfer1::IHostMemory> memory) : memory_(std::move(memory)) {}
    void const* data() const noexcept override { return memory_->data(); }
    uint64_t size() const noexcept override { return memory_->size(); }

private:
    std::unique_ptr<nvinfer1::IHostMemory> memory_;
};

} // namespace trts

// Handles own TensorRT objects; members are declared parent-first so destruction runs child-first, and children
// hold shared_ptrs to their parents so the caller may destroy handles in any order.
struct trts_builder {
    std::shared_ptr<nvinfer1::IBuilder> builder;
};

struct trts_network {
    std::shared_ptr<nvinfer1::IBuilder> builder;
    std::unique_ptr<nvinfer1::INetworkDefinition> network;
    // The parser owns the weights the network refers to, so it lives as long as the network.
    std::unique_ptr<nvonnxparser::IParser> parser;
};

struct trts_builder_config {
    std::shared_ptr<nvinfer1::IBuilder> builder;
    std::unique_ptr<nvinfer1::ITimingCache> timing_cache;
    // Type-erased so this header does not depend on TensorRT 10's calibrator classes (gone in 11).
    std::shared_ptr<void> calibrator;
    std::unique_ptr<nvinfer1::IBuilderConfig> config;
};

struct trts_runtime {
    std::shared_ptr<nvinfer1::IRuntime> runtime;
};

struct trts_engine {
    std::shared_ptr<nvinfer1::IRuntime> runtime;
    std::shared_ptr<nvinfer1::ICudaEngine> engine;
};

namespace trts {
class OutputAllocatorBridge;
class ProfilerBridge;
} // namespace trts

struct trts_context {
    std::shared_ptr<nvinfer1::IRuntime> runtime;
    std::shared_ptr<nvinfer1::ICudaEngine> engine;
    std::map<std::string, std::unique_ptr<trts::OutputAllocatorBridge>> output_allocators;
    std::unique_ptr<trts::ProfilerBridge> profiler;
    std::unique_ptr<nvinfer1::IExecutionContext> context;
    ~trts_context();
};
