/*
 * trtsharp.h — the flat C ABI of the TrtSharp native shim over NVIDIA TensorRT.
 *
 * Conventions (see native/README.md):
 *  - Every function returns trts_status (TRTS_OK = 0); results come back through out-parameters, which come last.
 *    Exceptions: trts_last_error_message() and trts_status_name() return strings directly.
 *  - After a failure, trts_last_error_message() returns a thread-local UTF-8 message, valid until the next
 *    trts_ call on the same thread.
 *  - Handles are opaque. A child handle keeps its parent alive inside the shim (context -> engine -> runtime),
 *    so handles may be destroyed in any order. Destroying NULL is a no-op that returns TRTS_OK.
 *  - Options structs start with struct_size; fill them with their _init function before changing fields.
 *  - Enums are TrtSharp's own stable values, mapped to TensorRT inside the shim.
 *  - Callbacks take `void* user` first and must not unwind (no exceptions/longjmp across the ABI).
 *  - All strings are UTF-8, NUL-terminated.
 *  - A core-only build (no TensorRT found at build time) returns TRTS_E_UNAVAILABLE from every TensorRT entry point.
 */
#ifndef TRTSHARP_TRTSHARP_H
#define TRTSHARP_TRTSHARP_H

#include <stdint.h>

#if defined(_WIN32)
#if defined(TRTSHARP_BUILDING)
#define TRTS_API __declspec(dllexport)
#else
#define TRTS_API __declspec(dllimport)
#endif
#else
#define TRTS_API __attribute__((visibility("default")))
#endif

#if defined(__cplusplus)
#define TRTS_NOEXCEPT noexcept
extern "C" {
#else
#define TRTS_NOEXCEPT
#endif

/** Version of this ABI; bumped on any incompatible change. */
#define TRTS_ABI_VERSION 3
/** Maximum tensor rank, equal to TensorRT's Dims::MAX_DIMS. */
#define TRTS_MAX_DIMS 8

/* ------------------------------------------------------------------------------------------------ enums */

/** Result of every call. */
typedef enum trts_status {
    TRTS_OK = 0,
    TRTS_E_INVALID_ARGUMENT = 1,
    TRTS_E_UNAVAILABLE = 2,
    TRTS_E_UNSUPPORTED = 3,
    TRTS_E_PARSE = 4,
    TRTS_E_BUILD = 5,
    TRTS_E_CUDA = 6,
    TRTS_E_OUT_OF_MEMORY = 7,
    TRTS_E_INTERNAL = 8,
    TRTS_E_NOT_FOUND = 9,
    TRTS_E_BUFFER_TOO_SMALL = 10,
    TRTS_E_IO = 11,
    TRTS_E_RUNTIME = 12
} trts_status;

/** How the library was built. */
typedef enum trts_build_mode {
    TRTS_BUILD_MODE_CORE_ONLY = 0,
    TRTS_BUILD_MODE_FULL = 1
} trts_build_mode;

/** Log message severity (most severe first). */
typedef enum trts_severity {
    TRTS_SEVERITY_INTERNAL_ERROR = 0,
    TRTS_SEVERITY_ERROR = 1,
    TRTS_SEVERITY_WARNING = 2,
    TRTS_SEVERITY_INFO = 3,
    TRTS_SEVERITY_VERBOSE = 4
} trts_severity;

/** Tensor element type. */
typedef enum trts_data_type {
    TRTS_DATA_TYPE_UNKNOWN = 0,
    TRTS_DATA_TYPE_FLOAT = 1,
    TRTS_DATA_TYPE_HALF = 2,
    TRTS_DATA_TYPE_BF16 = 3,
    TRTS_DATA_TYPE_INT8 = 4,
    TRTS_DATA_TYPE_UINT8 = 5,
    TRTS_DATA_TYPE_INT32 = 6,
    TRTS_DATA_TYPE_INT64 = 7,
    TRTS_DATA_TYPE_BOOL = 8,
    TRTS_DATA_TYPE_FP8 = 9,
    TRTS_DATA_TYPE_INT4 = 10,
    TRTS_DATA_TYPE_FP4 = 11,
    TRTS_DATA_TYPE_E8M0 = 12
} trts_data_type;

/** Whether an engine tensor is an input or an output. */
typedef enum trts_tensor_io_mode {
    TRTS_TENSOR_IO_MODE_NONE = 0,
    TRTS_TENSOR_IO_MODE_INPUT = 1,
    TRTS_TENSOR_IO_MODE_OUTPUT = 2
} trts_tensor_io_mode;

/** Where an engine IO tensor's data lives: shape tensors (values that decide shapes) are read from host memory. */
typedef enum trts_tensor_location {
    TRTS_TENSOR_LOCATION_DEVICE = 0,
    TRTS_TENSOR_LOCATION_HOST = 1
} trts_tensor_location;

/** Memory layout of an engine tensor. */
typedef enum trts_tensor_format {
    TRTS_TENSOR_FORMAT_UNKNOWN = 0,
    TRTS_TENSOR_FORMAT_LINEAR = 1,
    TRTS_TENSOR_FORMAT_CHW2 = 2,
    TRTS_TENSOR_FORMAT_HWC8 = 3,
    TRTS_TENSOR_FORMAT_CHW4 = 4,
    TRTS_TENSOR_FORMAT_CHW16 = 5,
    TRTS_TENSOR_FORMAT_CHW32 = 6,
    TRTS_TENSOR_FORMAT_DHWC8 = 7,
    TRTS_TENSOR_FORMAT_CDHW32 = 8,
    TRTS_TENSOR_FORMAT_HWC = 9,
    TRTS_TENSOR_FORMAT_DLA_LINEAR = 10,
    TRTS_TENSOR_FORMAT_DLA_HWC4 = 11,
    TRTS_TENSOR_FORMAT_HWC16 = 12,
    TRTS_TENSOR_FORMAT_DHWC = 13
} trts_tensor_format;

/** Builder flags. Those marked "TensorRT 10 only" return TRTS_E_UNSUPPORTED on TensorRT 11 (use Q/DQ or AutoCast). */
typedef enum trts_builder_flag {
    TRTS_BUILDER_FLAG_TF32 = 0,
    TRTS_BUILDER_FLAG_REFIT = 1,
    TRTS_BUILDER_FLAG_SPARSE_WEIGHTS = 2,
    TRTS_BUILDER_FLAG_VERSION_COMPATIBLE = 3,
    TRTS_BUILDER_FLAG_EXCLUDE_LEAN_RUNTIME = 4,
    TRTS_BUILDER_FLAG_DISABLE_TIMING_CACHE = 5,
    TRTS_BUILDER_FLAG_ERROR_ON_TIMING_CACHE_MISS = 6,
    TRTS_BUILDER_FLAG_DISABLE_COMPILATION_CACHE = 7,
    TRTS_BUILDER_FLAG_STRIP_PLAN = 8,
    TRTS_BUILDER_FLAG_REFIT_IDENTICAL = 9,
    TRTS_BUILDER_FLAG_WEIGHT_STREAMING = 10,
    TRTS_BUILDER_FLAG_DEBUG = 11,
    TRTS_BUILDER_FLAG_GPU_FALLBACK = 12,
    TRTS_BUILDER_FLAG_EDITABLE_TIMING_CACHE = 13,
    /* TensorRT 10 only (weak typing): */
    TRTS_BUILDER_FLAG_FP16 = 100,
    TRTS_BUILDER_FLAG_INT8 = 101,
    TRTS_BUILDER_FLAG_BF16 = 102,
    TRTS_BUILDER_FLAG_FP8 = 103,
    TRTS_BUILDER_FLAG_INT4 = 104,
    TRTS_BUILDER_FLAG_OBEY_PRECISION_CONSTRAINTS = 105,
    TRTS_BUILDER_FLAG_PREFER_PRECISION_CONSTRAINTS = 106
} trts_builder_flag;

/** Builder memory pools. */
typedef enum trts_memory_pool {
    TRTS_MEMORY_POOL_WORKSPACE = 0,
    TRTS_MEMORY_POOL_DLA_MANAGED_SRAM = 1,
    TRTS_MEMORY_POOL_DLA_LOCAL_DRAM = 2,
    TRTS_MEMORY_POOL_DLA_GLOBAL_DRAM = 3,
    TRTS_MEMORY_POOL_TACTIC_DRAM = 4,
    TRTS_MEMORY_POOL_TACTIC_SHARED_MEMORY = 5
} trts_memory_pool;

/** Which shape of an optimization profile. */
typedef enum trts_profile_selector {
    TRTS_PROFILE_SELECTOR_MIN = 0,
    TRTS_PROFILE_SELECTOR_OPT = 1,
    TRTS_PROFILE_SELECTOR_MAX = 2
} trts_profile_selector;

/** How much layer information the engine keeps (for the inspector and profiler). */
typedef enum trts_profiling_verbosity {
    TRTS_PROFILING_VERBOSITY_LAYER_NAMES_ONLY = 0,
    TRTS_PROFILING_VERBOSITY_NONE = 1,
    TRTS_PROFILING_VERBOSITY_DETAILED = 2
} trts_profiling_verbosity;

/** Hardware compatibility of built engines. */
typedef enum trts_hardware_compat {
    TRTS_HARDWARE_COMPAT_NONE = 0,
    TRTS_HARDWARE_COMPAT_AMPERE_PLUS = 1,
    TRTS_HARDWARE_COMPAT_SAME_COMPUTE_CAPABILITY = 2
} trts_hardware_compat;

/** Execution context device-memory allocation strategy. */
typedef enum trts_allocation_strategy {
    TRTS_ALLOCATION_STRATEGY_STATIC = 0,
    TRTS_ALLOCATION_STRATEGY_ON_PROFILE_CHANGE = 1,
    TRTS_ALLOCATION_STRATEGY_USER_MANAGED = 2
} trts_allocation_strategy;

/** Legacy INT8 calibration algorithm (TensorRT 10 only). */
typedef enum trts_calibration_algorithm {
    TRTS_CALIBRATION_ALGORITHM_ENTROPY2 = 0,
    TRTS_CALIBRATION_ALGORITHM_MINMAX = 1
} trts_calibration_algorithm;

/** ONNX parser error codes. */
typedef enum trts_parser_error_code {
    TRTS_PARSER_ERROR_UNKNOWN = 0,
    TRTS_PARSER_ERROR_INTERNAL = 1,
    TRTS_PARSER_ERROR_MEM_ALLOC_FAILED = 2,
    TRTS_PARSER_ERROR_MODEL_DESERIALIZE_FAILED = 3,
    TRTS_PARSER_ERROR_INVALID_VALUE = 4,
    TRTS_PARSER_ERROR_INVALID_GRAPH = 5,
    TRTS_PARSER_ERROR_INVALID_NODE = 6,
    TRTS_PARSER_ERROR_UNSUPPORTED_GRAPH = 7,
    TRTS_PARSER_ERROR_UNSUPPORTED_NODE = 8,
    TRTS_PARSER_ERROR_UNSUPPORTED_NODE_ATTR = 9,
    TRTS_PARSER_ERROR_UNSUPPORTED_NODE_INPUT = 10,
    TRTS_PARSER_ERROR_UNSUPPORTED_NODE_DATATYPE = 11,
    TRTS_PARSER_ERROR_UNSUPPORTED_NODE_DYNAMIC = 12,
    TRTS_PARSER_ERROR_UNSUPPORTED_NODE_SHAPE = 13,
    TRTS_PARSER_ERROR_REFIT_FAILED = 14
} trts_parser_error_code;

/* ------------------------------------------------------------------------------------------------ handles */

typedef struct trts_blob trts_blob;
typedef struct trts_calibrator trts_calibrator;
typedef struct trts_builder trts_builder;
typedef struct trts_network trts_network;
typedef struct trts_builder_config trts_builder_config;
typedef struct trts_runtime trts_runtime;
typedef struct trts_engine trts_engine;
typedef struct trts_context trts_context;

/* ------------------------------------------------------------------------------------------------ callbacks */

/** A tensor shape; -1 marks a dynamic dimension. */
typedef struct trts_dims {
    int32_t nb_dims;
    int32_t reserved;
    int64_t d[TRTS_MAX_DIMS];
} trts_dims;


/** Receives log messages. Called from any thread, possibly concurrently. */
typedef void (*trts_log_fn)(void* user, trts_severity severity, char const* message);
/** Fills bindings[i] with a device pointer for names[i]; returns 1 when a batch was provided, 0 when done. */
typedef int32_t (*trts_calib_get_batch_fn)(void* user, char const* const* names, void** bindings, int32_t nb_bindings);
/** Returns 1 and sets *out_data and *out_size to a cache that stays valid until the calibrator is destroyed, or 0. */
typedef int32_t (*trts_calib_read_cache_fn)(void* user, void const** out_data, uint64_t* out_size);
/** Receives a calibration cache to persist. */
typedef void (*trts_calib_write_cache_fn)(void* user, void const* data, uint64_t size);
/** Receives the time of one layer after an enqueue. */
typedef void (*trts_layer_time_fn)(void* user, char const* layer_name, float milliseconds);
/** Returns device memory of at least size bytes for an output (or current_memory if it is big enough), or NULL. */
typedef void* (*trts_output_reallocate_fn)(
    void* user, char const* tensor_name, void* current_memory, uint64_t size, uint64_t alignment, void* stream);
/** Reports the final shape of an output with a data-dependent shape. */
typedef void (*trts_output_shape_fn)(void* user, char const* tensor_name, trts_dims const* dims);

/* ------------------------------------------------------------------------------------------------ structs */

/** What the library was built with. */
typedef struct trts_build_info {
    uint32_t struct_size;
    int32_t abi_version;
    trts_build_mode mode;
    /** TensorRT version compiled against (0 in core-only mode). */
    int32_t tensorrt_major;
    int32_t tensorrt_minor;
    int32_t tensorrt_patch;
    int32_t tensorrt_build;
    /** CUDA runtime version compiled against, e.g. 12080 (0 in core-only mode). */
    int32_t cuda_runtime_version;
    /** 1 when precision flags and the legacy INT8 calibrator are available (TensorRT 10). */
    int32_t supports_weak_typing;
    int32_t reserved;
} trts_build_info;

/** One ONNX parser error. Strings stay valid until the next trts_ call on this thread. */
typedef struct trts_parser_error {
    uint32_t struct_size;
    trts_parser_error_code code;
    /** Index of the failing node, or -1. */
    int32_t node_index;
    int32_t line;
    char const* node_name;
    char const* node_operator;
    char const* description;
    char const* source_file;
    char const* source_function;
} trts_parser_error;

/** Options for creating a network from ONNX. */
typedef struct trts_network_options {
    uint32_t struct_size;
    /** 1: strongly typed network (always the case on TensorRT 11). Default 0 on TensorRT 10. */
    int32_t strongly_typed;
    /** Parser log verbosity as a trts_severity; default TRTS_SEVERITY_WARNING. */
    trts_severity parser_verbosity;
    int32_t reserved;
} trts_network_options;

/** One input's shapes within an optimization profile. */
typedef struct trts_profile_shape {
    char const* input_name;
    trts_dims min;
    trts_dims opt;
    trts_dims max;
} trts_profile_shape;

/** One shape-tensor input's values within an optimization profile (each array holds nb_values entries). Since ABI 3. */
typedef struct trts_profile_values {
    char const* input_name;
    int32_t nb_values;
    int32_t reserved;
    int64_t const* min;
    int64_t const* opt;
    int64_t const* max;
} trts_profile_values;

/** Metadata of one network or engine IO tensor. name stays valid while the owning handle lives. */
typedef struct trts_tensor_info {
    uint32_t struct_size;
    trts_tensor_io_mode mode;
    trts_data_type data_type;
    trts_tensor_format format;
    char const* name;
    trts_dims shape;
    /** Engine tensors: TensorRT's getTensorLocation (network tensors: always DEVICE). Since ABI 2. */
    trts_tensor_location location;
    /** Engine tensors: 1 when isShapeInferenceIO (a shape tensor whose values shapes depend on). Since ABI 2. */
    int32_t is_shape_inference_io;
} trts_tensor_info;

/** Legacy INT8 calibrator callbacks (TensorRT 10 only). */
typedef struct trts_calibrator_desc {
    uint32_t struct_size;
    trts_calibration_algorithm algorithm;
    /** Batch size reported to TensorRT (explicit-batch networks ignore it; keep 1). */
    int32_t batch_size;
    int32_t reserved;
    void* user;
    trts_calib_get_batch_fn get_batch;
    trts_calib_read_cache_fn read_cache;
    trts_calib_write_cache_fn write_cache;
} trts_calibrator_desc;

/** Output allocator for outputs with data-dependent shapes. */
typedef struct trts_output_allocator_desc {
    uint32_t struct_size;
    int32_t reserved;
    void* user;
    trts_output_reallocate_fn reallocate;
    trts_output_shape_fn notify_shape;
} trts_output_allocator_desc;

/* ------------------------------------------------------------------------------------------------ core */

/** Thread-local message of the last failure on this thread ("" if none). Valid until the next call on this thread. */
TRTS_API char const* trts_last_error_message(void) TRTS_NOEXCEPT;
/** The constant name of a status, e.g. "TRTS_E_UNAVAILABLE". */
TRTS_API char const* trts_status_name(trts_status status) TRTS_NOEXCEPT;
/** Does nothing; measures call overhead. */
TRTS_API trts_status trts_noop(void) TRTS_NOEXCEPT;
/** Returns TRTS_ABI_VERSION of the loaded library. */
TRTS_API trts_status trts_get_abi_version(int32_t* out_version) TRTS_NOEXCEPT;
/** Fills build information (call trts_build_info_init first). */
TRTS_API trts_status trts_build_info_init(trts_build_info* info) TRTS_NOEXCEPT;
TRTS_API trts_status trts_get_build_info(trts_build_info* out_info) TRTS_NOEXCEPT;
/** Version of the TensorRT library actually loaded (major*10000+minor*100+patch), not the headers. */
TRTS_API trts_status trts_get_tensorrt_library_version(int32_t* out_version) TRTS_NOEXCEPT;

/** Number of ONNX parser errors recorded by the last failed parse on this thread. */
TRTS_API trts_status trts_last_parser_error_count(int32_t* out_count) TRTS_NOEXCEPT;
/** One parser error of the last failed parse on this thread (call trts_parser_error_init first). */
TRTS_API trts_status trts_parser_error_init(trts_parser_error* error) TRTS_NOEXCEPT;
TRTS_API trts_status trts_last_parser_error(int32_t index, trts_parser_error* out_error) TRTS_NOEXCEPT;

/** Registers the global logger (NULL removes it). Messages less severe than min_severity are dropped.
 *  Must not be called from inside the callback. */
TRTS_API trts_status trts_set_logger(trts_log_fn callback, void* user, trts_severity min_severity) TRTS_NOEXCEPT;
/** Test hook: sends a message through the same trampoline TensorRT's messages take. */
TRTS_API trts_status trts_debug_emit_log(trts_severity severity, char const* message) TRTS_NOEXCEPT;

/** Byte buffers returned by the shim (serialized engines, timing caches, inspector JSON). */
TRTS_API trts_status trts_blob_create(void const* data, uint64_t size, trts_blob** out_blob) TRTS_NOEXCEPT;
TRTS_API trts_status trts_blob_get(trts_blob const* blob, void const** out_data, uint64_t* out_size) TRTS_NOEXCEPT;
/** Copies the blob into a caller buffer; TRTS_E_BUFFER_TOO_SMALL (with *out_size set) if capacity is short. */
TRTS_API trts_status trts_blob_copy_to(trts_blob const* blob, void* buffer, uint64_t capacity, uint64_t* out_size) TRTS_NOEXCEPT;
TRTS_API trts_status trts_blob_destroy(trts_blob* blob) TRTS_NOEXCEPT;

/** Legacy calibrator object (callbacks only; usable with TensorRT 10 builder configs). */
TRTS_API trts_status trts_calibrator_desc_init(trts_calibrator_desc* desc) TRTS_NOEXCEPT;
TRTS_API trts_status trts_calibrator_create(trts_calibrator_desc const* desc, trts_calibrator** out_calibrator) TRTS_NOEXCEPT;
TRTS_API trts_status trts_calibrator_destroy(trts_calibrator* calibrator) TRTS_NOEXCEPT;
/** Test hook: drives the calibrator the way TensorRT does (read cache; if none, get batches until 0 or max_batches,
 *  then write a cache "trtsharp-debug-cache;batches=N;inputs=a,b"). out_last_bindings receives the pointers of the
 *  last batch (nb_names entries). */
TRTS_API trts_status trts_debug_drive_calibrator(trts_calibrator* calibrator, char const* const* names, int32_t nb_names,
    int32_t max_batches, void** out_last_bindings, int32_t* out_batches, uint64_t* out_cache_bytes_read) TRTS_NOEXCEPT;

/* ------------------------------------------------------------------------------------------------ builder */

TRTS_API trts_status trts_builder_create(trts_builder** out_builder) TRTS_NOEXCEPT;
TRTS_API trts_status trts_builder_destroy(trts_builder* builder) TRTS_NOEXCEPT;

TRTS_API trts_status trts_network_options_init(trts_network_options* options) TRTS_NOEXCEPT;
/** Parses an ONNX file (external data next to it). TRTS_E_PARSE: see trts_last_parser_error. */
TRTS_API trts_status trts_network_create_from_onnx_file(trts_builder* builder, trts_network_options const* options,
    char const* path, trts_network** out_network) TRTS_NOEXCEPT;
/** Parses ONNX bytes; model_path (may be NULL) is the model's path, used to locate external data. */
TRTS_API trts_status trts_network_create_from_onnx_bytes(trts_builder* builder, trts_network_options const* options,
    void const* data, uint64_t size, char const* model_path, trts_network** out_network) TRTS_NOEXCEPT;
TRTS_API trts_status trts_network_destroy(trts_network* network) TRTS_NOEXCEPT;
TRTS_API trts_status trts_network_get_io_count(trts_network const* network, int32_t* out_inputs, int32_t* out_outputs) TRTS_NOEXCEPT;
TRTS_API trts_status trts_tensor_info_init(trts_tensor_info* info) TRTS_NOEXCEPT;
/** is_output 0: input index; 1: output index. */
TRTS_API trts_status trts_network_get_io_info(trts_network const* network, int32_t is_output, int32_t index,
    trts_tensor_info* out_info) TRTS_NOEXCEPT;

TRTS_API trts_status trts_builder_config_create(trts_builder* builder, trts_builder_config** out_config) TRTS_NOEXCEPT;
TRTS_API trts_status trts_builder_config_destroy(trts_builder_config* config) TRTS_NOEXCEPT;
TRTS_API trts_status trts_builder_config_set_memory_pool_limit(trts_builder_config* config, trts_memory_pool pool,
    uint64_t bytes) TRTS_NOEXCEPT;
/** TensorRT-10-only flags return TRTS_E_UNSUPPORTED on TensorRT 11, and so do flags newer than the TensorRT the shim
 *  was built against (TRTS_BUILDER_FLAG_EDITABLE_TIMING_CACHE needs 10.8). */
TRTS_API trts_status trts_builder_config_set_flag(trts_builder_config* config, trts_builder_flag flag, int32_t enabled) TRTS_NOEXCEPT;
TRTS_API trts_status trts_builder_config_set_optimization_level(trts_builder_config* config, int32_t level) TRTS_NOEXCEPT;
TRTS_API trts_status trts_builder_config_set_profiling_verbosity(trts_builder_config* config,
    trts_profiling_verbosity verbosity) TRTS_NOEXCEPT;
/** TRTS_HARDWARE_COMPAT_SAME_COMPUTE_CAPABILITY needs TensorRT 10.9+ (TRTS_E_UNSUPPORTED before). */
TRTS_API trts_status trts_builder_config_set_hardware_compat(trts_builder_config* config, trts_hardware_compat level) TRTS_NOEXCEPT;
/** Adds one optimization profile: shapes of every dynamic input, values of every shape-tensor input (both arrays
 *  may be NULL with a count of 0, not both); returns its index. Since ABI 3 it takes values. */
TRTS_API trts_status trts_builder_config_add_optimization_profile(trts_builder_config* config,
    trts_profile_shape const* shapes, int32_t nb_shapes, trts_profile_values const* values, int32_t nb_values,
    int32_t* out_profile_index) TRTS_NOEXCEPT;
/** TensorRT 10 only: the shapes the legacy calibrator runs at, as a profile of its own (min = opt = max = each
 *  entry's opt; min and max are ignored). Needed for networks with dynamic inputs; only with a calibrator. */
TRTS_API trts_status trts_builder_config_set_calibration_profile(trts_builder_config* config,
    trts_profile_shape const* shapes, int32_t nb_shapes) TRTS_NOEXCEPT;
/** Installs a timing cache from serialized bytes (data NULL/size 0: a fresh empty cache). */
TRTS_API trts_status trts_builder_config_set_timing_cache(trts_builder_config* config, void const* data, uint64_t size,
    int32_t ignore_mismatch) TRTS_NOEXCEPT;
/** Serializes the config's timing cache (after a build it holds the new timings). */
TRTS_API trts_status trts_builder_config_get_timing_cache(trts_builder_config const* config, trts_blob** out_blob) TRTS_NOEXCEPT;
/** TensorRT 10 only: attaches a legacy INT8 calibrator, NULL detaches. The config copies the callbacks, so the
 *  trts_calibrator may be destroyed afterwards; desc.user and the callbacks must stay valid until every build that
 *  uses this config has returned (or the calibrator is detached). */
TRTS_API trts_status trts_builder_config_set_int8_calibrator(trts_builder_config* config, trts_calibrator* calibrator) TRTS_NOEXCEPT;
/** Builds a serialized engine (plan). TRTS_E_BUILD carries TensorRT's last error message. */
TRTS_API trts_status trts_builder_build_serialized_network(trts_builder* builder, trts_network* network,
    trts_builder_config* config, trts_blob** out_plan) TRTS_NOEXCEPT;

/* ------------------------------------------------------------------------------------------------ runtime + engine */

TRTS_API trts_status trts_runtime_create(trts_runtime** out_runtime) TRTS_NOEXCEPT;
TRTS_API trts_status trts_runtime_destroy(trts_runtime* runtime) TRTS_NOEXCEPT;
/** Lets the runtime deserialize plans that carry host code (version-compatible plans embed their lean runtime);
 *  TensorRT's default is 0. Only allow it for plans you trust. */
TRTS_API trts_status trts_runtime_set_engine_host_code_allowed(trts_runtime* runtime, int32_t allowed) TRTS_NOEXCEPT;
TRTS_API trts_status trts_runtime_deserialize_engine(trts_runtime* runtime, void const* data, uint64_t size,
    trts_engine** out_engine) TRTS_NOEXCEPT;
TRTS_API trts_status trts_engine_destroy(trts_engine* engine) TRTS_NOEXCEPT;
TRTS_API trts_status trts_engine_serialize(trts_engine const* engine, trts_blob** out_plan) TRTS_NOEXCEPT;
TRTS_API trts_status trts_engine_get_io_count(trts_engine const* engine, int32_t* out_count) TRTS_NOEXCEPT;
TRTS_API trts_status trts_engine_get_io_info(trts_engine const* engine, int32_t index, trts_tensor_info* out_info) TRTS_NOEXCEPT;
TRTS_API trts_status trts_engine_get_profile_count(trts_engine const* engine, int32_t* out_count) TRTS_NOEXCEPT;
TRTS_API trts_status trts_engine_get_profile_shape(trts_engine const* engine, char const* tensor_name, int32_t profile_index,
    trts_profile_selector selector, trts_dims* out_dims) TRTS_NOEXCEPT;
/** A shape-tensor input's values in a profile: writes up to capacity values, *out_count is how many there are
 *  (0 when the input is not a shape tensor). TRTS_E_BUFFER_TOO_SMALL when capacity is short. */
TRTS_API trts_status trts_engine_get_profile_values(trts_engine const* engine, char const* tensor_name,
    int32_t profile_index, trts_profile_selector selector, int64_t* out_values, int32_t capacity,
    int32_t* out_count) TRTS_NOEXCEPT;
/** Engine inspector output as JSON (context may be NULL; with one, shapes are resolved). */
TRTS_API trts_status trts_engine_get_inspector_json(trts_engine const* engine, trts_context const* context,
    trts_blob** out_json) TRTS_NOEXCEPT;

/* ------------------------------------------------------------------------------------------------ execution context */

TRTS_API trts_status trts_context_create(trts_engine* engine, trts_allocation_strategy strategy,
    trts_context** out_context) TRTS_NOEXCEPT;
TRTS_API trts_status trts_context_destroy(trts_context* context) TRTS_NOEXCEPT;
TRTS_API trts_status trts_context_set_input_shape(trts_context* context, char const* tensor_name, trts_dims const* dims) TRTS_NOEXCEPT;
TRTS_API trts_status trts_context_get_tensor_shape(trts_context const* context, char const* tensor_name,
    trts_dims* out_dims) TRTS_NOEXCEPT;
TRTS_API trts_status trts_context_set_tensor_address(trts_context* context, char const* tensor_name, void* address) TRTS_NOEXCEPT;
/** Selects an optimization profile; stream is a cudaStream_t (may be NULL). */
TRTS_API trts_status trts_context_set_optimization_profile(trts_context* context, int32_t profile_index, void* stream) TRTS_NOEXCEPT;
/** With TRTS_ALLOCATION_STRATEGY_USER_MANAGED: the scratch memory (size from trts_context_get_device_memory_size). */
TRTS_API trts_status trts_context_get_device_memory_size(trts_context const* context, uint64_t* out_size) TRTS_NOEXCEPT;
TRTS_API trts_status trts_context_set_device_memory(trts_context* context, void* memory, uint64_t size) TRTS_NOEXCEPT;
/** Installs an output allocator for one output (desc NULL removes it). */
TRTS_API trts_status trts_output_allocator_desc_init(trts_output_allocator_desc* desc) TRTS_NOEXCEPT;
TRTS_API trts_status trts_context_set_output_allocator(trts_context* context, char const* tensor_name,
    trts_output_allocator_desc const* desc) TRTS_NOEXCEPT;
/** Test hook: drives output-allocator callbacks the way TensorRT does for a data-dependent output: reallocate once
 *  per entry of sizes (passing the previous result as current_memory, alignment 256, stream NULL), then notify_shape
 *  with dims. out_pointers receives each reallocate result (nb_sizes entries). */
TRTS_API trts_status trts_debug_drive_output_allocator(trts_output_allocator_desc const* desc, char const* tensor_name,
    uint64_t const* sizes, int32_t nb_sizes, trts_dims const* dims, void** out_pointers) TRTS_NOEXCEPT;
/** Per-layer timing callback (callback NULL removes it). Enqueues only record timing events (so they stay
 *  capturable into CUDA graphs); trts_context_report_to_profiler delivers the times of the last enqueue or graph
 *  launch. */
TRTS_API trts_status trts_context_set_profiler(trts_context* context, trts_layer_time_fn callback, void* user) TRTS_NOEXCEPT;
/** Calls the profiler callback with each layer's time of the last enqueue or graph launch on this context (not while
 *  that stream is capturing). TRTS_E_RUNTIME without a profiler or when TensorRT has no times. */
TRTS_API trts_status trts_context_report_to_profiler(trts_context* context) TRTS_NOEXCEPT;
/** enqueueV3 on a caller cudaStream_t. */
TRTS_API trts_status trts_context_enqueue(trts_context* context, void* stream) TRTS_NOEXCEPT;

#if defined(__cplusplus)
}
#endif

#endif /* TRTSHARP_TRTSHARP_H */
