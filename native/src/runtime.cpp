// Runtime, engine deserialization, IO metadata, profiles, serialization and the engine inspector.
#include "trt_common.hpp"

#include <algorithm>

namespace {

// A profile index the engine has and the name of one of its inputs: what both profile queries need.
trts_status check_profile_input(nvinfer1::ICudaEngine const& e, char const* tensor_name, int32_t profile_index)
{
    int32_t const profiles = e.getNbOptimizationProfiles();
    if (profile_index < 0 || profile_index >= profiles)
        return trts::fail(TRTS_E_INVALID_ARGUMENT, "profile index " + std::to_string(profile_index) +
            " is out of range (the engine has " + std::to_string(profiles) + ")");
    if (e.getTensorIOMode(tensor_name) != nvinfer1::TensorIOMode::kINPUT)
        return trts::fail(TRTS_E_NOT_FOUND, std::string("'") + tensor_name + "' is not an input of the engine");
    return TRTS_OK;
}

} // namespace

extern "C" {

TRTS_API trts_status trts_runtime_create(trts_runtime** out_runtime) noexcept
{
    TRTS_GUARD_BEGIN
    TRTS_REQUIRE(out_runtime != nullptr, "out_runtime is NULL");
    *out_runtime = nullptr;
    trts::clear_last_logged_error();
    std::shared_ptr<nvinfer1::IRuntime> runtime(nvinfer1::createInferRuntime(trts::trt_logger()));
    if (!runtime)
        return trts::fail(TRTS_E_RUNTIME, trts::with_logged_error("createInferRuntime failed (is a CUDA device available?)"));
    *out_runtime = new trts_runtime{std::move(runtime)};
    return TRTS_OK;
    TRTS_GUARD_END
}

TRTS_API trts_status trts_runtime_destroy(trts_runtime* runtime) noexcept
{
    TRTS_GUARD_BEGIN
    delete runtime;
    return TRTS_OK;
    TRTS_GUARD_END
}

TRTS_API trts_status trts_runtime_set_engine_host_code_allowed(trts_runtime* runtime, int32_t allowed) noexcept
{
    TRTS_GUARD_BEGIN
    TRTS_REQUIRE(runtime != nullptr, "runtime is NULL");
    runtime->runtime->setEngineHostCodeAllowed(allowed != 0);
    return TRTS_OK;
    TRTS_GUARD_END
}

TRTS_API trts_status trts_runtime_deserialize_engine(trts_runtime* runtime, void const* data, uint64_t size,
    trts_engine** out_engine) noexcept
{
    TRTS_GUARD_BEGIN
    TRTS_REQUIRE(out_engine != nullptr, "out_engine is NULL");
    *out_engine = nullptr;
    TRTS_REQUIRE(runtime != nullptr, "runtime is NULL");
    TRTS_REQUIRE(data != nullptr && size != 0, "data is NULL or size is 0");
    trts::clear_last_logged_error();
    std::shared_ptr<nvinfer1::ICudaEngine> engine(
        runtime->runtime->deserializeCudaEngine(data, static_cast<std::size_t>(size)));
    if (!engine)
        return trts::fail(TRTS_E_RUNTIME, trts::with_logged_error(
            "TensorRT could not deserialize the plan (built by another TensorRT version or for another GPU?)"));
    *out_engine = new trts_engine{runtime->runtime, std::move(engine)};
    return TRTS_OK;
    TRTS_GUARD_END
}

TRTS_API trts_status trts_engine_destroy(trts_engine* engine) noexcept
{
    TRTS_GUARD_BEGIN
    delete engine;
    return TRTS_OK;
    TRTS_GUARD_END
}

TRTS_API trts_status trts_engine_serialize(trts_engine const* engine, trts_blob** out_plan) noexcept
{
    TRTS_GUARD_BEGIN
    trts::clear_last_logged_error();
    TRTS_REQUIRE(out_plan != nullptr, "out_plan is NULL");
    *out_plan = nullptr;
    TRTS_REQUIRE(engine != nullptr, "engine is NULL");
    std::unique_ptr<nvinfer1::IHostMemory> plan(engine->engine->serialize());
    if (!plan)
        return trts::fail(TRTS_E_INTERNAL, trts::with_logged_error("engine serialization failed"));
    *out_plan = new trts::HostMemoryBlob(std::move(plan));
    return TRTS_OK;
    TRTS_GUARD_END
}

TRTS_API trts_status trts_engine_get_io_count(trts_engine const* engine, int32_t* out_count) noexcept
{
    TRTS_GUARD_BEGIN
    TRTS_REQUIRE(engine != nullptr, "engine is NULL");
    TRTS_REQUIRE(out_count != nullptr, "out_count is NULL");
    *out_count = engine->engine->getNbIOTensors();
    return TRTS_OK;
    TRTS_GUARD_END
}

TRTS_API trts_status trts_engine_get_io_info(trts_engine const* engine, int32_t index, trts_tensor_info* out_info) noexcept
{
    TRTS_GUARD_BEGIN
    TRTS_REQUIRE(engine != nullptr, "engine is NULL");
    TRTS_REQUIRE(trts::struct_size_ok(out_info), "out_info is NULL or its struct_size is too small");
    auto const& e = *engine->engine;
    int32_t const count = e.getNbIOTensors();
    if (index < 0 || index >= count)
        return trts::fail(TRTS_E_INVALID_ARGUMENT,
            "IO tensor index " + std::to_string(index) + " is out of range (count " + std::to_string(count) + ")");
    char const* name = e.getIOTensorName(index);
    out_info->name = name;
    out_info->mode = trts::from_trt(e.getTensorIOMode(name));
    out_info->data_type = trts::from_trt(e.getTensorDataType(name));
    out_info->format = trts::from_trt(e.getTensorFormat(name));
    out_info->shape = trts::from_trt(e.getTensorShape(name));
    out_info->location = e.getTensorLocation(name) == nvinfer1::TensorLocation::kHOST ? TRTS_TENSOR_LOCATION_HOST
                                                                                      : TRTS_TENSOR_LOCATION_DEVICE;
    out_info->is_shape_inference_io = e.isShapeInferenceIO(name) ? 1 : 0;
    return TRTS_OK;
    TRTS_GUARD_END
}

TRTS_API trts_status trts_engine_get_profile_count(trts_engine const* engine, int32_t* out_count) noexcept
{
    TRTS_GUARD_BEGIN
    TRTS_REQUIRE(engine != nullptr, "engine is NULL");
    TRTS_REQUIRE(out_count != nullptr, "out_count is NULL");
    *out_count = engine->engine->getNbOptimizationProfiles();
    return TRTS_OK;
    TRTS_GUARD_END
}

TRTS_API trts_status trts_engine_get_profile_shape(trts_engine const* engine, char const* tensor_name, int32_t profile_index,
    trts_profile_selector selector, trts_dims* out_dims) noexcept
{
    TRTS_GUARD_BEGIN
    TRTS_REQUIRE(engine != nullptr, "engine is NULL");
    TRTS_REQUIRE(tensor_name != nullptr, "tensor_name is NULL");
    TRTS_REQUIRE(out_dims != nullptr, "out_dims is NULL");
    nvinfer1::OptProfileSelector sel{};
    TRTS_REQUIRE(trts::to_trt(selector, sel), "selector is not a trts_profile_selector value");
    auto const& e = *engine->engine;
    if (trts_status const s = check_profile_input(e, tensor_name, profile_index); s != TRTS_OK)
        return s;
    *out_dims = trts::from_trt(e.getProfileShape(tensor_name, profile_index, sel));
    return TRTS_OK;
    TRTS_GUARD_END
}

TRTS_API trts_status trts_engine_get_profile_values(trts_engine const* engine, char const* tensor_name,
    int32_t profile_index, trts_profile_selector selector, int64_t* out_values, int32_t capacity,
    int32_t* out_count) noexcept
{
    TRTS_GUARD_BEGIN
    TRTS_REQUIRE(engine != nullptr, "engine is NULL");
    TRTS_REQUIRE(tensor_name != nullptr, "tensor_name is NULL");
    TRTS_REQUIRE(out_count != nullptr, "out_count is NULL");
    TRTS_REQUIRE(capacity >= 0 && (out_values != nullptr || capacity == 0), "out_values is NULL but capacity is not 0");
    *out_count = 0;
    nvinfer1::OptProfileSelector sel{};
    TRTS_REQUIRE(trts::to_trt(selector, sel), "selector is not a trts_profile_selector value");
    auto const& e = *engine->engine;
    if (trts_status const s = check_profile_input(e, tensor_name, profile_index); s != TRTS_OK)
        return s;
    if (!e.isShapeInferenceIO(tensor_name))
        return TRTS_OK;
    // A shape tensor is a scalar or a vector: its value count is its element count.
    nvinfer1::Dims const dims = e.getTensorShape(tensor_name);
    int64_t count = 1;
    for (int32_t i = 0; i < dims.nbDims; ++i)
        count *= dims.d[i] < 0 ? 0 : dims.d[i];
    if (count <= 0)
        return TRTS_OK;
    int32_t const n = static_cast<int32_t>(count);
    *out_count = n;
    if (n > capacity)
        return trts::fail(TRTS_E_BUFFER_TOO_SMALL, "'" + std::string(tensor_name) + "' has " + std::to_string(n) +
            " profile values; capacity is " + std::to_string(capacity));
#if TRTS_TRT_AT_LEAST(10, 11)
    // Profiles set through setShapeValuesV2 answer only the V2 query, those set through the deprecated int32 call
    // only the old one (10.x); TensorRT 11 has V2 alone.
    if (int64_t const* v = e.getProfileTensorValuesV2(tensor_name, profile_index, sel))
    {
        std::copy(v, v + n, out_values);
        return TRTS_OK;
    }
#endif
#if NV_TENSORRT_MAJOR < 11
    if (int32_t const* v = e.getProfileTensorValues(tensor_name, profile_index, sel))
    {
        std::copy(v, v + n, out_values);
        return TRTS_OK;
    }
#endif
    return trts::fail(TRTS_E_NOT_FOUND, std::string("the engine has no profile values for shape tensor '") + tensor_name + "'");
    TRTS_GUARD_END
}

TRTS_API trts_status trts_engine_get_inspector_json(trts_engine const* engine, trts_context const* context,
    trts_blob** out_json) noexcept
{
    TRTS_GUARD_BEGIN
    trts::clear_last_logged_error();
    TRTS_REQUIRE(out_json != nullptr, "out_json is NULL");
    *out_json = nullptr;
    TRTS_REQUIRE(engine != nullptr, "engine is NULL");
    std::unique_ptr<nvinfer1::IEngineInspector> inspector(engine->engine->createEngineInspector());
    if (!inspector)
        return trts::fail(TRTS_E_INTERNAL, trts::with_logged_error("createEngineInspector failed"));
    if (context != nullptr && !inspector->setExecutionContext(context->context.get()))
        return trts::fail(TRTS_E_INVALID_ARGUMENT, "the context does not belong to this engine");
    char const* json = inspector->getEngineInformation(nvinfer1::LayerInformationFormat::kJSON);
    if (json == nullptr)
        return trts::fail(TRTS_E_INTERNAL, trts::with_logged_error("engine inspector returned nothing"));
    *out_json = new trts::OwnedBlob(json, std::char_traits<char>::length(json));
    return TRTS_OK;
    TRTS_GUARD_END
}

} // extern "C"
