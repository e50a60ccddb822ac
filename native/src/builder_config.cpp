// Builder configuration: pools, flags, profiles, timing cache, optimization level, compatibility, legacy calibrator.
#include "trt_common.hpp"

namespace {

#if NV_TENSORRT_MAJOR < 11
// Forwards TensorRT 10's calibrator interface to the callback object (calibrator.hpp); Base picks the algorithm.
template <typename Base> class CalibratorAdapter final : public Base {
public:
    explicit CalibratorAdapter(trts_calibrator_desc const& desc) : bridge_(desc) {}

    int32_t getBatchSize() const noexcept override { return bridge_.desc.batch_size; }

    bool getBatch(void* bindings[], char const* names[], int32_t nbBindings) noexcept override
    {
        return bridge_.get_batch(bindings, names, nbBindings);
    }

    void const* readCalibrationCache(std::size_t& length) noexcept override
    {
        uint64_t size = 0;
        void const* data = bridge_.read_cache(size);
        length = static_cast<std::size_t>(size);
        return data;
    }

    void writeCalibrationCache(void const* ptr, std::size_t length) noexcept override
    {
        bridge_.write_cache(ptr, length);
    }

private:
    trts_calibrator bridge_;
};
#endif

/// Sets min/opt/max dimensions of each entry; fixed_at_opt uses each entry's opt for all three (calibration).
trts_status add_shapes(nvinfer1::IOptimizationProfile& profile, trts_profile_shape const* shapes, int32_t nb_shapes,
    bool fixed_at_opt)
{
    for (int32_t i = 0; i < nb_shapes; ++i)
    {
        auto const& s = shapes[i];
        std::string const name = s.input_name != nullptr ? s.input_name : "";
        TRTS_REQUIRE(!name.empty(), "shapes[" + std::to_string(i) + "].input_name is NULL or empty");
        nvinfer1::Dims mn{}, op{}, mx{};
        TRTS_REQUIRE(trts::to_trt(s.min, mn) && trts::to_trt(s.opt, op) && trts::to_trt(s.max, mx),
            "input '" + name + "': nb_dims must be within 0.." + std::to_string(TRTS_MAX_DIMS));
        if (fixed_at_opt)
            mn = mx = op;
        if (!profile.setDimensions(name.c_str(), nvinfer1::OptProfileSelector::kMIN, mn) ||
            !profile.setDimensions(name.c_str(), nvinfer1::OptProfileSelector::kOPT, op) ||
            !profile.setDimensions(name.c_str(), nvinfer1::OptProfileSelector::kMAX, mx))
            return trts::fail(TRTS_E_INVALID_ARGUMENT,
                trts::with_logged_error("input '" + name + "': min/opt/max shapes rejected (need min <= opt <= max)"));
    }
    return TRTS_OK;
}

/// Sets one selector's values of a shape-tensor input: int64 through setShapeValuesV2 from TensorRT 10.11 (the
/// only form in 11), int32 through setShapeValues before (values outside int32 are refused there).
bool set_values(nvinfer1::IOptimizationProfile& profile, char const* name, nvinfer1::OptProfileSelector selector,
    int64_t const* values, int32_t count)
{
#if TRTS_TRT_AT_LEAST(10, 11)
    return profile.setShapeValuesV2(name, selector, values, count);
#else
    std::vector<int32_t> narrow(static_cast<std::size_t>(count));
    for (int32_t i = 0; i < count; ++i)
    {
        if (values[i] < INT32_MIN || values[i] > INT32_MAX)
            return false;
        narrow[static_cast<std::size_t>(i)] = static_cast<int32_t>(values[i]);
    }
    return profile.setShapeValues(name, selector, narrow.data(), count);
#endif
}

trts_status add_values(nvinfer1::IOptimizationProfile& profile, trts_profile_values const* values, int32_t nb_values)
{
    for (int32_t i = 0; i < nb_values; ++i)
    {
        auto const& v = values[i];
        std::string const name = v.input_name != nullptr ? v.input_name : "";
        TRTS_REQUIRE(!name.empty(), "values[" + std::to_string(i) + "].input_name is NULL or empty");
        TRTS_REQUIRE(v.nb_values >= 1 && v.min != nullptr && v.opt != nullptr && v.max != nullptr,
            "shape-tensor input '" + name + "': give at least one value (a scalar has one) and non-NULL min, opt and max");
        if (!set_values(profile, name.c_str(), nvinfer1::OptProfileSelector::kMIN, v.min, v.nb_values) ||
            !set_values(profile, name.c_str(), nvinfer1::OptProfileSelector::kOPT, v.opt, v.nb_values) ||
            !set_values(profile, name.c_str(), nvinfer1::OptProfileSelector::kMAX, v.max, v.nb_values))
            return trts::fail(TRTS_E_INVALID_ARGUMENT, trts::with_logged_error("shape-tensor input '" + name +
                "': min/opt/max values rejected (need min <= opt <= max element-wise, one value per element of the "
                "tensor" + std::string(TRTS_TRT_AT_LEAST(10, 11) ? "" : ", each within int32") + ")"));
    }
    return TRTS_OK;
}

} // namespace

extern "C" {

TRTS_API trts_status trts_builder_config_create(trts_builder* builder, trts_builder_config** out_config) noexcept
{
    TRTS_GUARD_BEGIN
    trts::clear_last_logged_error();
    TRTS_REQUIRE(out_config != nullptr, "out_config is NULL");
    *out_config = nullptr;
    TRTS_REQUIRE(builder != nullptr, "builder is NULL");
    auto cfg = std::make_unique<trts_builder_config>();
    cfg->builder = builder->builder;
    cfg->config.reset(builder->builder->createBuilderConfig());
    if (!cfg->config)
        return trts::fail(TRTS_E_INTERNAL, trts::with_logged_error("createBuilderConfig failed"));
    *out_config = cfg.release();
    return TRTS_OK;
    TRTS_GUARD_END
}

TRTS_API trts_status trts_builder_config_destroy(trts_builder_config* config) noexcept
{
    TRTS_GUARD_BEGIN
    delete config;
    return TRTS_OK;
    TRTS_GUARD_END
}

TRTS_API trts_status trts_builder_config_set_memory_pool_limit(trts_builder_config* config, trts_memory_pool pool,
    uint64_t bytes) noexcept
{
    TRTS_GUARD_BEGIN
    TRTS_REQUIRE(config != nullptr, "config is NULL");
    nvinfer1::MemoryPoolType trt_pool{};
    TRTS_REQUIRE(trts::to_trt(pool, trt_pool), "pool is not a trts_memory_pool value");
    config->config->setMemoryPoolLimit(trt_pool, static_cast<std::size_t>(bytes));
    return TRTS_OK;
    TRTS_GUARD_END
}

TRTS_API trts_status trts_builder_config_set_flag(trts_builder_config* config, trts_builder_flag flag, int32_t enabled) noexcept
{
    TRTS_GUARD_BEGIN
    TRTS_REQUIRE(config != nullptr, "config is NULL");
    nvinfer1::BuilderFlag trt_flag{};
    if (!trts::to_trt(flag, trt_flag))
    {
        if (char const* since = trts::missing_since(flag))
            return trts::needs_newer_tensorrt("builder flag " + std::to_string(static_cast<int32_t>(flag)), since);
        if (trts::is_weak_typing_flag(flag))
            return trts::weak_typing_removed(
                (std::string("builder flag ") + std::to_string(static_cast<int32_t>(flag)) + " (precision)").c_str());
        return trts::fail(TRTS_E_INVALID_ARGUMENT, "flag " + std::to_string(static_cast<int32_t>(flag)) +
            " is not a trts_builder_flag value");
    }
    if (enabled != 0)
        config->config->setFlag(trt_flag);
    else
        config->config->clearFlag(trt_flag);
    return TRTS_OK;
    TRTS_GUARD_END
}

TRTS_API trts_status trts_builder_config_set_optimization_level(trts_builder_config* config, int32_t level) noexcept
{
    TRTS_GUARD_BEGIN
    TRTS_REQUIRE(config != nullptr, "config is NULL");
    TRTS_REQUIRE(level >= 0 && level <= 5, "builder optimization level must be within 0..5");
    config->config->setBuilderOptimizationLevel(level);
    return TRTS_OK;
    TRTS_GUARD_END
}

TRTS_API trts_status trts_builder_config_set_profiling_verbosity(trts_builder_config* config,
    trts_profiling_verbosity verbosity) noexcept
{
    TRTS_GUARD_BEGIN
    TRTS_REQUIRE(config != nullptr, "config is NULL");
    nvinfer1::ProfilingVerbosity v{};
    TRTS_REQUIRE(trts::to_trt(verbosity, v), "verbosity is not a trts_profiling_verbosity value");
    config->config->setProfilingVerbosity(v);
    return TRTS_OK;
    TRTS_GUARD_END
}

TRTS_API trts_status trts_builder_config_set_hardware_compat(trts_builder_config* config, trts_hardware_compat level) noexcept
{
    TRTS_GUARD_BEGIN
    TRTS_REQUIRE(config != nullptr, "config is NULL");
    nvinfer1::HardwareCompatibilityLevel l{};
    if (char const* since = trts::missing_since(level))
        return trts::needs_newer_tensorrt("hardware compatibility 'same compute capability'", since);
    TRTS_REQUIRE(trts::to_trt(level, l), "level is not a trts_hardware_compat value");
    config->config->setHardwareCompatibilityLevel(l);
    return TRTS_OK;
    TRTS_GUARD_END
}

TRTS_API trts_status trts_builder_config_add_optimization_profile(trts_builder_config* config,
    trts_profile_shape const* shapes, int32_t nb_shapes, trts_profile_values const* values, int32_t nb_values,
    int32_t* out_profile_index) noexcept
{
    TRTS_GUARD_BEGIN
    TRTS_REQUIRE(config != nullptr, "config is NULL");
    TRTS_REQUIRE(out_profile_index != nullptr, "out_profile_index is NULL");
    *out_profile_index = -1;
    TRTS_REQUIRE(nb_shapes >= 0 && (shapes != nullptr || nb_shapes == 0), "shapes is NULL but nb_shapes is not 0");
    TRTS_REQUIRE(nb_values >= 0 && (values != nullptr || nb_values == 0), "values is NULL but nb_values is not 0");
    TRTS_REQUIRE(nb_shapes + nb_values > 0, "an optimization profile needs at least one input's shapes or values");
    trts::clear_last_logged_error();
    // The builder owns profiles it creates; they live until the builder dies, which the config keeps alive.
    nvinfer1::IOptimizationProfile* profile = config->builder->createOptimizationProfile();
    if (profile == nullptr)
        return trts::fail(TRTS_E_INTERNAL, trts::with_logged_error("createOptimizationProfile failed"));
    if (auto s = add_shapes(*profile, shapes, nb_shapes, false); s != TRTS_OK)
        return s;
    if (auto s = add_values(*profile, values, nb_values); s != TRTS_OK)
        return s;
    int32_t const index = config->config->addOptimizationProfile(profile);
    if (index < 0)
        return trts::fail(TRTS_E_INVALID_ARGUMENT, trts::with_logged_error("optimization profile rejected"));
    *out_profile_index = index;
    return TRTS_OK;
    TRTS_GUARD_END
}

TRTS_API trts_status trts_builder_config_set_calibration_profile(trts_builder_config* config,
    trts_profile_shape const* shapes, int32_t nb_shapes) noexcept
{
    TRTS_GUARD_BEGIN
    TRTS_REQUIRE(config != nullptr, "config is NULL");
    TRTS_REQUIRE(shapes != nullptr && nb_shapes > 0, "shapes is NULL or nb_shapes is not positive");
#if NV_TENSORRT_MAJOR < 11
    trts::clear_last_logged_error();
    // A profile of its own, fixed at the calibration shapes (as trtexec's --calibProfile and Polygraphy do), so the
    // inference profiles stay what the caller asked for.
    nvinfer1::IOptimizationProfile* profile = config->builder->createOptimizationProfile();
    if (profile == nullptr)
        return trts::fail(TRTS_E_INTERNAL, trts::with_logged_error("createOptimizationProfile failed"));
    if (auto s = add_shapes(*profile, shapes, nb_shapes, true); s != TRTS_OK)
        return s;
    if (!profile->isValid() || !config->config->setCalibrationProfile(profile))
        return trts::fail(TRTS_E_INVALID_ARGUMENT, trts::with_logged_error("calibration profile rejected"));
    return TRTS_OK;
#else
    return trts::weak_typing_removed("The legacy INT8 calibration profile");
#endif
    TRTS_GUARD_END
}

TRTS_API trts_status trts_builder_config_set_timing_cache(trts_builder_config* config, void const* data, uint64_t size,
    int32_t ignore_mismatch) noexcept
{
    TRTS_GUARD_BEGIN
    TRTS_REQUIRE(config != nullptr, "config is NULL");
    TRTS_REQUIRE(data != nullptr || size == 0, "data is NULL but size is not 0");
    trts::clear_last_logged_error();
    std::unique_ptr<nvinfer1::ITimingCache> cache(config->config->createTimingCache(data, static_cast<std::size_t>(size)));
    if (!cache)
        return trts::fail(TRTS_E_INVALID_ARGUMENT, trts::with_logged_error("timing cache could not be created from " +
            std::to_string(size) + " bytes"));
    if (!config->config->setTimingCache(*cache, ignore_mismatch != 0))
        return trts::fail(TRTS_E_INVALID_ARGUMENT,
            trts::with_logged_error("timing cache rejected (made on another device or TensorRT version?)"));
    config->timing_cache = std::move(cache);
    return TRTS_OK;
    TRTS_GUARD_END
}

TRTS_API trts_status trts_builder_config_get_timing_cache(trts_builder_config const* config, trts_blob** out_blob) noexcept
{
    TRTS_GUARD_BEGIN
    trts::clear_last_logged_error();
    TRTS_REQUIRE(out_blob != nullptr, "out_blob is NULL");
    *out_blob = nullptr;
    TRTS_REQUIRE(config != nullptr, "config is NULL");
    nvinfer1::ITimingCache const* cache = config->config->getTimingCache();
    if (cache == nullptr)
        return trts::fail(TRTS_E_NOT_FOUND, "the builder config has no timing cache (set one before building)");
    std::unique_ptr<nvinfer1::IHostMemory> bytes(cache->serialize());
    if (!bytes)
        return trts::fail(TRTS_E_INTERNAL, trts::with_logged_error("timing cache serialization failed"));
    *out_blob = new trts::HostMemoryBlob(std::move(bytes));
    return TRTS_OK;
    TRTS_GUARD_END
}

TRTS_API trts_status trts_builder_config_set_int8_calibrator(trts_builder_config* config, trts_calibrator* calibrator) noexcept
{
    TRTS_GUARD_BEGIN
    TRTS_REQUIRE(config != nullptr, "config is NULL");
#if NV_TENSORRT_MAJOR < 11
    if (calibrator == nullptr)
    {
        config->config->setInt8Calibrator(nullptr);
        config->calibrator.reset();
        return TRTS_OK;
    }
    nvinfer1::IInt8Calibrator* raw = nullptr;
    std::shared_ptr<void> holder;
    if (calibrator->desc.algorithm == TRTS_CALIBRATION_ALGORITHM_MINMAX)
    {
        auto a = std::make_shared<CalibratorAdapter<nvinfer1::IInt8MinMaxCalibrator>>(calibrator->desc);
        raw = a.get();
        holder = a;
    }
    else
    {
        auto a = std::make_shared<CalibratorAdapter<nvinfer1::IInt8EntropyCalibrator2>>(calibrator->desc);
        raw = a.get();
        holder = a;
    }
    config->config->setInt8Calibrator(raw);
    config->calibrator = std::move(holder);
    return TRTS_OK;
#else
    (void) calibrator;
    return trts::weak_typing_removed("The legacy INT8 calibrator");
#endif
    TRTS_GUARD_END
}

} // extern "C"
