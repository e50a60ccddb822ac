// Execution context: shapes, addresses, profiles, user-managed memory, output allocators, profiler, enqueueV3.
#include "output_allocator.hpp"
#include "trt_common.hpp"

namespace trts {

/// IOutputAllocator forwarding to the C callbacks (output_allocator.hpp); owned by the context, so it outlives
/// TensorRT's use of it.
class OutputAllocatorBridge final : public nvinfer1::IOutputAllocator {
public:
    explicit OutputAllocatorBridge(trts_output_allocator_desc const& desc) : callbacks_(desc) {}

    void* reallocateOutputAsync(char const* tensorName, void* currentMemory, uint64_t size, uint64_t alignment,
        cudaStream_t stream) noexcept override
    {
        return callbacks_.reallocate(tensorName, currentMemory, size, alignment, static_cast<void*>(stream));
    }

    void notifyShape(char const* tensorName, nvinfer1::Dims const& dims) noexcept override
    {
        callbacks_.notify_shape(tensorName, from_trt(dims));
    }

private:
    OutputAllocatorCallbacks callbacks_;
};

/// IProfiler forwarding per-layer times to a C callback.
class ProfilerBridge final : public nvinfer1::IProfiler {
public:
    ProfilerBridge(trts_layer_time_fn callback, void* user) : callback_(callback), user_(user) {}

    void reportLayerTime(char const* layerName, float ms) noexcept override { callback_(user_, layerName, ms); }

private:
    trts_layer_time_fn callback_;
    void* user_;
};

} // namespace trts

trts_context::~trts_context() = default;

namespace {

trts_status check_tensor(trts_context const* context, char const* tensor_name, nvinfer1::TensorIOMode expected)
{
    TRTS_REQUIRE(context != nullptr, "context is NULL");
    TRTS_REQUIRE(tensor_name != nullptr, "tensor_name is NULL");
    auto const mode = context->engine->getTensorIOMode(tensor_name);
    if (mode == nvinfer1::TensorIOMode::kNONE)
        return trts::fail(TRTS_E_NOT_FOUND, std::string("the engine has no IO tensor named '") + tensor_name + "'");
    if (expected != nvinfer1::TensorIOMode::kNONE && mode != expected)
        return trts::fail(TRTS_E_INVALID_ARGUMENT, std::string("'") + tensor_name + "' is not an " +
            (expected == nvinfer1::TensorIOMode::kINPUT ? "input" : "output") + " of the engine");
    return TRTS_OK;
}

} // namespace

extern "C" {

TRTS_API trts_status trts_context_create(trts_engine* engine, trts_allocation_strategy strategy,
    trts_context** out_context) noexcept
{
    TRTS_GUARD_BEGIN
    TRTS_REQUIRE(out_context != nullptr, "out_context is NULL");
    *out_context = nullptr;
    TRTS_REQUIRE(engine != nullptr, "engine is NULL");
    nvinfer1::ExecutionContextAllocationStrategy s{};
    TRTS_REQUIRE(trts::to_trt(strategy, s), "strategy is not a trts_allocation_strategy value");
    trts::clear_last_logged_error();
    auto ctx = std::make_unique<trts_context>();
    ctx->runtime = engine->runtime;
    ctx->engine = engine->engine;
    ctx->context.reset(engine->engine->createExecutionContext(s));
    if (!ctx->context)
        return trts::fail(TRTS_E_RUNTIME, trts::with_logged_error("createExecutionContext failed (out of device memory?)"));
    *out_context = ctx.release();
    return TRTS_OK;
    TRTS_GUARD_END
}

TRTS_API trts_status trts_context_destroy(trts_context* context) noexcept
{
    TRTS_GUARD_BEGIN
    delete context;
    return TRTS_OK;
    TRTS_GUARD_END
}

TRTS_API trts_status trts_context_set_input_shape(trts_context* context, char const* tensor_name, trts_dims const* dims) noexcept
{
    TRTS_GUARD_BEGIN
    if (auto s = check_tensor(context, tensor_name, nvinfer1::TensorIOMode::kINPUT); s != TRTS_OK)
        return s;
    TRTS_REQUIRE(dims != nullptr, "dims is NULL");
    nvinfer1::Dims d{};
    TRTS_REQUIRE(trts::to_trt(*dims, d), "dims.nb_dims must be within 0.." + std::to_string(TRTS_MAX_DIMS));
    trts::clear_last_logged_error();
    if (!context->context->setInputShape(tensor_name, d))
        return trts::fail(TRTS_E_INVALID_ARGUMENT, trts::with_logged_error(
            std::string("input '") + tensor_name + "': shape outside the selected optimization profile"));
    return TRTS_OK;
    TRTS_GUARD_END
}

TRTS_API trts_status trts_context_get_tensor_shape(trts_context const* context, char const* tensor_name,
    trts_dims* out_dims) noexcept
{
    TRTS_GUARD_BEGIN
    if (auto s = check_tensor(context, tensor_name, nvinfer1::TensorIOMode::kNONE); s != TRTS_OK)
        return s;
    TRTS_REQUIRE(out_dims != nullptr, "out_dims is NULL");
    *out_dims = trts::from_trt(context->context->getTensorShape(tensor_name));
    return TRTS_OK;
    TRTS_GUARD_END
}

TRTS_API trts_status trts_context_set_tensor_address(trts_context* context, char const* tensor_name, void* address) noexcept
{
    TRTS_GUARD_BEGIN
    if (auto s = check_tensor(context, tensor_name, nvinfer1::TensorIOMode::kNONE); s != TRTS_OK)
        return s;
    trts::clear_last_logged_error();
    if (!context->context->setTensorAddress(tensor_name, address))
        return trts::fail(TRTS_E_INVALID_ARGUMENT, trts::with_logged_error(
            std::string("tensor '") + tensor_name + "': address rejected (misaligned or NULL?)"));
    return TRTS_OK;
    TRTS_GUARD_END
}

TRTS_API trts_status trts_context_set_optimization_profile(trts_context* context, int32_t profile_index, void* stream) noexcept
{
    TRTS_GUARD_BEGIN
    TRTS_REQUIRE(context != nullptr, "context is NULL");
    int32_t const profiles = context->engine->getNbOptimizationProfiles();
    if (profile_index < 0 || profile_index >= profiles)
        return trts::fail(TRTS_E_INVALID_ARGUMENT, "profile index " + std::to_string(profile_index) +
            " is out of range (the engine has " + std::to_string(profiles) + ")");
    trts::clear_last_logged_error();
    if (!context->context->setOptimizationProfileAsync(profile_index, static_cast<cudaStream_t>(stream)))
        return trts::fail(TRTS_E_RUNTIME, trts::with_logged_error("setOptimizationProfileAsync failed"));
    return TRTS_OK;
    TRTS_GUARD_END
}

TRTS_API trts_status trts_context_get_device_memory_size(trts_context const* context, uint64_t* out_size) noexcept
{
    TRTS_GUARD_BEGIN
    TRTS_REQUIRE(context != nullptr, "context is NULL");
    TRTS_REQUIRE(out_size != nullptr, "out_size is NULL");
#if TRTS_TRT_AT_LEAST(10, 1)
    int64_t const size = context->engine->getDeviceMemorySizeForProfileV2(context->context->getOptimizationProfile());
#else
    // TensorRT 10.0 has only the size_t form (the V2 calls arrived in 10.1).
    auto const size = static_cast<int64_t>(context->engine->getDeviceMemorySizeForProfile(context->context->getOptimizationProfile()));
#endif
    if (size < 0)
        return trts::fail(TRTS_E_INTERNAL, trts::with_logged_error("TensorRT reported no device memory size"));
    *out_size = static_cast<uint64_t>(size);
    return TRTS_OK;
    TRTS_GUARD_END
}

TRTS_API trts_status trts_context_set_device_memory(trts_context* context, void* memory, uint64_t size) noexcept
{
    TRTS_GUARD_BEGIN
    TRTS_REQUIRE(context != nullptr, "context is NULL");
    TRTS_REQUIRE(memory != nullptr, "memory is NULL");
#if TRTS_TRT_AT_LEAST(10, 1)
    context->context->setDeviceMemoryV2(memory, static_cast<int64_t>(size));
#else
    // setDeviceMemory takes no size on 10.0: check it here instead.
    auto const needed = static_cast<uint64_t>(
        context->engine->getDeviceMemorySizeForProfile(context->context->getOptimizationProfile()));
    if (size < needed)
        return trts::fail(TRTS_E_INVALID_ARGUMENT, "device memory of " + std::to_string(size) +
            " bytes is smaller than the " + std::to_string(needed) + " bytes the active profile needs");
    context->context->setDeviceMemory(memory);
#endif
    return TRTS_OK;
    TRTS_GUARD_END
}

TRTS_API trts_status trts_context_set_output_allocator(trts_context* context, char const* tensor_name,
    trts_output_allocator_desc const* desc) noexcept
{
    TRTS_GUARD_BEGIN
    if (auto s = check_tensor(context, tensor_name, nvinfer1::TensorIOMode::kOUTPUT); s != TRTS_OK)
        return s;
    std::string const name(tensor_name);
    if (desc == nullptr)
    {
        context->context->setOutputAllocator(tensor_name, nullptr);
        context->output_allocators.erase(name);
        return TRTS_OK;
    }
    TRTS_REQUIRE(trts::struct_size_ok(desc), "desc->struct_size is too small (call trts_output_allocator_desc_init)");
    TRTS_REQUIRE(desc->reallocate != nullptr, "desc->reallocate is NULL");
    trts::clear_last_logged_error();
    auto bridge = std::make_unique<trts::OutputAllocatorBridge>(*desc);
    // Make room in the map before TensorRT sees the bridge: a failed insertion must never leave TensorRT holding a
    // pointer to a destroyed bridge. The previous bridge (if any) stays alive until TensorRT has switched.
    auto& slot = context->output_allocators[name];
    if (!context->context->setOutputAllocator(tensor_name, bridge.get()))
    {
        if (!slot)
            context->output_allocators.erase(name);
        return trts::fail(TRTS_E_INVALID_ARGUMENT, trts::with_logged_error("output '" + name + "': allocator rejected"));
    }
    slot = std::move(bridge);
    return TRTS_OK;
    TRTS_GUARD_END
}

TRTS_API trts_status trts_context_set_profiler(trts_context* context, trts_layer_time_fn callback, void* user) noexcept
{
    TRTS_GUARD_BEGIN
    TRTS_REQUIRE(context != nullptr, "context is NULL");
    if (callback == nullptr)
    {
        context->context->setProfiler(nullptr);
        context->profiler.reset();
        return TRTS_OK;
    }
    auto bridge = std::make_unique<trts::ProfilerBridge>(callback, user);
    context->context->setProfiler(bridge.get());
    // As trtexec does: enqueue only records timing events, so it stays asynchronous and capturable into a CUDA graph;
    // trts_context_report_to_profiler turns them into per-layer times afterwards.
    context->context->setEnqueueEmitsProfile(false);
    context->profiler = std::move(bridge);
    return TRTS_OK;
    TRTS_GUARD_END
}

TRTS_API trts_status trts_context_report_to_profiler(trts_context* context) noexcept
{
    TRTS_GUARD_BEGIN
    TRTS_REQUIRE(context != nullptr, "context is NULL");
    if (!context->profiler)
        return trts::fail(TRTS_E_INVALID_ARGUMENT, "the context has no profiler (trts_context_set_profiler first)");
    trts::clear_last_logged_error();
    if (!context->context->reportToProfiler())
        return trts::fail(TRTS_E_RUNTIME, trts::with_logged_error(
            "reportToProfiler failed (no enqueue since the profiler was set, or the stream is still capturing)"));
    return TRTS_OK;
    TRTS_GUARD_END
}

TRTS_API trts_status trts_context_enqueue(trts_context* context, void* stream) noexcept
{
    TRTS_GUARD_BEGIN
    TRTS_REQUIRE(context != nullptr, "context is NULL");
    trts::clear_last_logged_error();
    if (!context->context->enqueueV3(static_cast<cudaStream_t>(stream)))
        return trts::fail(TRTS_E_RUNTIME, trts::with_logged_error(
            "enqueueV3 failed (missing input shapes or tensor addresses?)"));
    return TRTS_OK;
    TRTS_GUARD_END
}

} // extern "C"
