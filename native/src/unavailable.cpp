// Core-only build: every TensorRT entry point reports TRTS_E_UNAVAILABLE with a message naming what to install.
// Compiled only when CMake did not find TensorRT; the full build compiles the real implementations instead.
#include "internal.hpp"

namespace trts {

trts_status unavailable(char const* function) noexcept
{
    try
    {
        return fail(TRTS_E_UNAVAILABLE, std::string(function) +
        ": this trtsharp_native was built without TensorRT (core-only). Install TensorRT 10.x or 11.x (libnvinfer, "
        "libnvonnxparser and their headers) plus the CUDA runtime, then rebuild the shim with "
        "'cmake -S . -B build/native -DTensorRT_ROOT=<tensorrt dir> && cmake --build build/native'.");
    }
    catch (...)
    {
        return TRTS_E_UNAVAILABLE;
    }
}

} // namespace trts

extern "C" {

TRTS_API trts_status trts_get_tensorrt_library_version(int32_t* out_version) noexcept
{
    (void) out_version;
    return trts::unavailable("trts_get_tensorrt_library_version");
}

TRTS_API trts_status trts_builder_create(trts_builder** out_builder) noexcept
{
    if (out_builder != nullptr)
        *out_builder = nullptr;
    return trts::unavailable("trts_builder_create");
}

TRTS_API trts_status trts_builder_destroy(trts_builder* builder) noexcept
{
    // No handle can exist without TensorRT, so only NULL can reach here legitimately.
    if (builder == nullptr)
        return TRTS_OK;
    return trts::unavailable("trts_builder_destroy");
}

TRTS_API trts_status trts_network_create_from_onnx_file(trts_builder* builder, trts_network_options const* options, char const* path, trts_network** out_network) noexcept
{
    if (out_network != nullptr)
        *out_network = nullptr;
    (void) builder; (void) options; (void) path;
    return trts::unavailable("trts_network_create_from_onnx_file");
}

TRTS_API trts_status trts_network_create_from_onnx_bytes(trts_builder* builder, trts_network_options const* options, void const* data, uint64_t size, char const* model_path, trts_network** out_network) noexcept
{
    if (out_network != nullptr)
        *out_network = nullptr;
    (void) builder; (void) options; (void) data; (void) size; (void) model_path;
    return trts::unavailable("trts_network_create_from_onnx_bytes");
}

TRTS_API trts_status trts_network_destroy(trts_network* network) noexcept
{
    // No handle can exist without TensorRT, so only NULL can reach here legitimately.
    if (network == nullptr)
        return TRTS_OK;
    return trts::unavailable("trts_network_destroy");
}

TRTS_API trts_status trts_network_get_io_count(trts_network const* network, int32_t* out_inputs, int32_t* out_outputs) noexcept
{
    (void) network; (void) out_inputs; (void) out_outputs;
    return trts::unavailable("trts_network_get_io_count");
}

TRTS_API trts_status trts_network_get_io_info(trts_network const* network, int32_t is_output, int32_t index, trts_tensor_info* out_info) noexcept
{
    (void) network; (void) is_output; (void) index; (void) out_info;
    return trts::unavailable("trts_network_get_io_info");
}

TRTS_API trts_status trts_builder_config_create(trts_builder* builder, trts_builder_config** out_config) noexcept
{
    if (out_config != nullptr)
        *out_config = nullptr;
    (void) builder;
    return trts::unavailable("trts_builder_config_create");
}

TRTS_API trts_status trts_builder_config_destroy(trts_builder_config* config) noexcept
{
    // No handle can exist without TensorRT, so only NULL can reach here legitimately.
    if (config == nullptr)
        return TRTS_OK;
    return trts::unavailable("trts_builder_config_destroy");
}

TRTS_API trts_status trts_builder_config_set_memory_pool_limit(trts_builder_config* config, trts_memory_pool pool, uint64_t bytes) noexcept
{
    (void) config; (void) pool; (void) bytes;
    return trts::unavailable("trts_builder_config_set_memory_pool_limit");
}

TRTS_API trts_status trts_builder_config_set_flag(trts_builder_config* config, trts_builder_flag flag, int32_t enabled) noexcept
{
    (void) config; (void) flag; (void) enabled;
    return trts::unavailable("trts_builder_config_set_flag");
}

TRTS_API trts_status trts_builder_config_set_optimization_level(trts_builder_config* config, int32_t level) noexcept
{
    (void) config; (void) level;
    return trts::unavailable("trts_builder_config_set_optimization_level");
}

TRTS_API trts_status trts_builder_config_set_profiling_verbosity(trts_builder_config* config, trts_profiling_verbosity verbosity) noexcept
{
    (void) config; (void) verbosity;
    return trts::unavailable("trts_builder_config_set_profiling_verbosity");
}

TRTS_API trts_status trts_builder_config_set_hardware_compat(trts_builder_config* config, trts_hardware_compat level) noexcept
{
    (void) config; (void) level;
    return trts::unavailable("trts_builder_config_set_hardware_compat");
}

TRTS_API trts_status trts_builder_config_add_optimization_profile(trts_builder_config* config, trts_profile_shape const* shapes, int32_t nb_shapes, trts_profile_values const* values, int32_t nb_values, int32_t* out_profile_index) noexcept
{
    if (out_profile_index != nullptr)
        *out_profile_index = -1;
    (void) config; (void) shapes; (void) nb_shapes; (void) values; (void) nb_values;
    return trts::unavailable("trts_builder_config_add_optimization_profile");
}

TRTS_API trts_status trts_builder_config_set_calibration_profile(trts_builder_config* config, trts_profile_shape const* shapes, int32_t nb_shapes) noexcept
{
    (void) config; (void) shapes; (void) nb_shapes;
    return trts::unavailable("trts_builder_config_set_calibration_profile");
}

TRTS_API trts_status trts_builder_config_set_timing_cache(trts_builder_config* config, void const* data, uint64_t size, int32_t ignore_mismatch) noexcept
{
    (void) config; (void) data; (void) size; (void) ignore_mismatch;
    return trts::unavailable("trts_builder_config_set_timing_cache");
}

TRTS_API trts_status trts_builder_config_get_timing_cache(trts_builder_config const* config, trts_blob** out_blob) noexcept
{
    if (out_blob != nullptr)
        *out_blob = nullptr;
    (void) config;
    return trts::unavailable("trts_builder_config_get_timing_cache");
}

TRTS_API trts_status trts_builder_config_set_int8_calibrator(trts_builder_config* config, trts_calibrator* calibrator) noexcept
{
    (void) config; (void) calibrator;
    return trts::unavailable("trts_builder_config_set_int8_calibrator");
}

TRTS_API trts_status trts_builder_build_serialized_network(trts_builder* builder, trts_network* network, trts_builder_config* config, trts_blob** out_plan) noexcept
{
    if (out_plan != nullptr)
        *out_plan = nullptr;
    (void) builder; (void) network; (void) config;
    return trts::unavailable("trts_builder_build_serialized_network");
}

TRTS_API trts_status trts_runtime_create(trts_runtime** out_runtime) noexcept
{
    if (out_runtime != nullptr)
        *out_runtime = nullptr;
    return trts::unavailable("trts_runtime_create");
}

TRTS_API trts_status trts_runtime_destroy(trts_runtime* runtime) noexcept
{
    // No handle can exist without TensorRT, so only NULL can reach here legitimately.
    if (runtime == nullptr)
        return TRTS_OK;
    return trts::unavailable("trts_runtime_destroy");
}

TRTS_API trts_status trts_runtime_set_engine_host_code_allowed(trts_runtime* runtime, int32_t allowed) noexcept
{
    (void) runtime; (void) allowed;
    return trts::unavailable("trts_runtime_set_engine_host_code_allowed");
}

TRTS_API trts_status trts_runtime_deserialize_engine(trts_runtime* runtime, void const* data, uint64_t size, trts_engine** out_engine) noexcept
{
    if (out_engine != nullptr)
        *out_engine = nullptr;
    (void) runtime; (void) data; (void) size;
    return trts::unavailable("trts_runtime_deserialize_engine");
}

TRTS_API trts_status trts_engine_destroy(trts_engine* engine) noexcept
{
    // No handle can exist without TensorRT, so only NULL can reach here legitimately.
    if (engine == nullptr)
        return TRTS_OK;
    return trts::unavailable("trts_engine_destroy");
}

TRTS_API trts_status trts_engine_serialize(trts_engine const* engine, trts_blob** out_plan) noexcept
{
    if (out_plan != nullptr)
        *out_plan = nullptr;
    (void) engine;
    return trts::unavailable("trts_engine_serialize");
}

TRTS_API trts_status trts_engine_get_io_count(trts_engine const* engine, int32_t* out_count) noexcept
{
    (void) engine; (void) out_count;
    return trts::unavailable("trts_engine_get_io_count");
}

TRTS_API trts_status trts_engine_get_io_info(trts_engine const* engine, int32_t index, trts_tensor_info* out_info) noexcept
{
    (void) engine; (void) index; (void) out_info;
    return trts::unavailable("trts_engine_get_io_info");
}

TRTS_API trts_status trts_engine_get_profile_count(trts_engine const* engine, int32_t* out_count) noexcept
{
    (void) engine; (void) out_count;
    return trts::unavailable("trts_engine_get_profile_count");
}

TRTS_API trts_status trts_engine_get_profile_shape(trts_engine const* engine, char const* tensor_name, int32_t profile_index, trts_profile_selector selector, trts_dims* out_dims) noexcept
{
    (void) engine; (void) tensor_name; (void) profile_index; (void) selector; (void) out_dims;
    return trts::unavailable("trts_engine_get_profile_shape");
}

TRTS_API trts_status trts_engine_get_profile_values(trts_engine const* engine, char const* tensor_name, int32_t profile_index, trts_profile_selector selector, int64_t* out_values, int32_t capacity, int32_t* out_count) noexcept
{
    if (out_count != nullptr)
        *out_count = 0;
    (void) engine; (void) tensor_name; (void) profile_index; (void) selector; (void) out_values; (void) capacity;
    return trts::unavailable("trts_engine_get_profile_values");
}

TRTS_API trts_status trts_engine_get_inspector_json(trts_engine const* engine, trts_context const* context, trts_blob** out_json) noexcept
{
    if (out_json != nullptr)
        *out_json = nullptr;
    (void) engine; (void) context;
    return trts::unavailable("trts_engine_get_inspector_json");
}

TRTS_API trts_status trts_context_create(trts_engine* engine, trts_allocation_strategy strategy, trts_context** out_context) noexcept
{
    if (out_context != nullptr)
        *out_context = nullptr;
    (void) engine; (void) strategy;
    return trts::unavailable("trts_context_create");
}

TRTS_API trts_status trts_context_destroy(trts_context* context) noexcept
{
    // No handle can exist without TensorRT, so only NULL can reach here legitimately.
    if (context == nullptr)
        return TRTS_OK;
    return trts::unavailable("trts_context_destroy");
}

TRTS_API trts_status trts_context_set_input_shape(trts_context* context, char const* tensor_name, trts_dims const* dims) noexcept
{
    (void) context; (void) tensor_name; (void) dims;
    return trts::unavailable("trts_context_set_input_shape");
}

TRTS_API trts_status trts_context_get_tensor_shape(trts_context const* context, char const* tensor_name, trts_dims* out_dims) noexcept
{
    (void) context; (void) tensor_name; (void) out_dims;
    return trts::unavailable("trts_context_get_tensor_shape");
}

TRTS_API trts_status trts_context_set_tensor_address(trts_context* context, char const* tensor_name, void* address) noexcept
{
    (void) context; (void) tensor_name; (void) address;
    return trts::unavailable("trts_context_set_tensor_address");
}

TRTS_API trts_status trts_context_set_optimization_profile(trts_context* context, int32_t profile_index, void* stream) noexcept
{
    (void) context; (void) profile_index; (void) stream;
    return trts::unavailable("trts_context_set_optimization_profile");
}

TRTS_API trts_status trts_context_get_device_memory_size(trts_context const* context, uint64_t* out_size) noexcept
{
    (void) context; (void) out_size;
    return trts::unavailable("trts_context_get_device_memory_size");
}

TRTS_API trts_status trts_context_set_device_memory(trts_context* context, void* memory, uint64_t size) noexcept
{
    (void) context; (void) memory; (void) size;
    return trts::unavailable("trts_context_set_device_memory");
}

TRTS_API trts_status trts_context_set_output_allocator(trts_context* context, char const* tensor_name, trts_output_allocator_desc const* desc) noexcept
{
    (void) context; (void) tensor_name; (void) desc;
    return trts::unavailable("trts_context_set_output_allocator");
}

TRTS_API trts_status trts_context_set_profiler(trts_context* context, trts_layer_time_fn callback, void* user) noexcept
{
    (void) context; (void) callback; (void) user;
    return trts::unavailable("trts_context_set_profiler");
}

TRTS_API trts_status trts_context_report_to_profiler(trts_context* context) noexcept
{
    (void) context;
    return trts::unavailable("trts_context_report_to_profiler");
}

TRTS_API trts_status trts_context_enqueue(trts_context* context, void* stream) noexcept
{
    (void) context; (void) stream;
    return trts::unavailable("trts_context_enqueue");
}

} // extern "C"
