// trts_calibrator: the legacy INT8 calibrator's callbacks, independent of TensorRT so the test hook can drive it
// in core-only builds too. The TensorRT 10 adapter (builder_config.cpp) forwards its virtual methods here.
#pragma once

#include "internal.hpp"

struct trts_calibrator {
    explicit trts_calibrator(trts_calibrator_desc const& d) : desc(d) {}

    /// TensorRT's getBatch: asks the caller for one batch of device pointers.
    bool get_batch(void** bindings, char const* const* names, int32_t nb_bindings) noexcept;
    /// TensorRT's readCalibrationCache: a cache the caller keeps alive, or nullptr.
    void const* read_cache(uint64_t& length) noexcept;
    /// TensorRT's writeCalibrationCache.
    void write_cache(void const* data, uint64_t length) noexcept;

    trts_calibrator_desc desc;
};
