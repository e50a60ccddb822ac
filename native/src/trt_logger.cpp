// The ILogger given to every TensorRT object: forwards into the shim's logger trampoline (logger.cpp).
#include "trt_common.hpp"

namespace {

class TrtLogger final : public nvinfer1::ILogger {
public:
    void log(Severity severity, nvinfer1::AsciiChar const* msg) noexcept override
    {
        trts::log_message(trts::from_trt(severity), msg);
    }
};

} // namespace

namespace trts {

nvinfer1::ILogger& trt_logger() noexcept
{
    // Leaked on purpose: TensorRT objects destroyed during process exit may still log.
    static TrtLogger* logger = new TrtLogger();
    return *logger;
}

} // namespace trts

extern "C" TRTS_API trts_status trts_get_tensorrt_library_version(int32_t* out_version) noexcept
{
    TRTS_GUARD_BEGIN
    TRTS_REQUIRE(out_version != nullptr, "out_version is NULL");
    *out_version = getInferLibVersion();
    return TRTS_OK;
    TRTS_GUARD_END
}
