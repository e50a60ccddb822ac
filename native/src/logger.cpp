// Global logger bridge. One registration for the whole process: TensorRT objects keep a pointer to the
// shim's logger for their whole life, so the bridge itself never goes away; only the callback it forwards to changes.
#include "internal.hpp"

#include <atomic>
#include <mutex>
#include <shared_mutex>

namespace {

struct LoggerState {
    // Readers (log calls, possibly concurrent from TensorRT worker threads) take it shared; registration exclusive,
    // so unregistering waits for in-flight callbacks and the caller may then free `user`.
    std::shared_mutex mutex;
    trts_log_fn callback = nullptr;
    void* user = nullptr;
    std::atomic<int32_t> min_severity{TRTS_SEVERITY_WARNING};
};

LoggerState& state()
{
    // Leaked on purpose: TensorRT may log during static destruction, after a static object would be gone.
    static LoggerState* s = new LoggerState();
    return *s;
}

thread_local std::string t_last_logged_error;

bool valid_severity(int32_t s)
{
    return s >= TRTS_SEVERITY_INTERNAL_ERROR && s <= TRTS_SEVERITY_VERBOSE;
}

} // namespace

namespace trts {

void log_message(trts_severity severity, char const* message) noexcept
{
    try
    {
        char const* text = message != nullptr ? message : "";
        if (severity <= TRTS_SEVERITY_ERROR)
            t_last_logged_error = text;
        auto& s = state();
        if (static_cast<int32_t>(severity) > s.min_severity.load(std::memory_order_relaxed))
            return;
        std::shared_lock<std::shared_mutex> lock(s.mutex);
        if (s.callback != nullptr)
            s.callback(s.user, severity, text);
    }
    catch (...)
    {
        // A logger must never throw into TensorRT; losing one message is the lesser harm.
    }
}

std::string last_logged_error()
{
    return t_last_logged_error;
}

void clear_last_logged_error() noexcept
{
    t_last_logged_error.clear();
}

} // namespace trts

extern "C" {

TRTS_API trts_status trts_set_logger(trts_log_fn callback, void* user, trts_severity min_severity) noexcept
{
    TRTS_GUARD_BEGIN
    TRTS_REQUIRE(valid_severity(min_severity), "min_severity is not a trts_severity value");
    auto& s = state();
    std::unique_lock<std::shared_mutex> lock(s.mutex);
    s.callback = callback;
    s.user = callback != nullptr ? user : nullptr;
    s.min_severity.store(min_severity, std::memory_order_relaxed);
    return TRTS_OK;
    TRTS_GUARD_END
}

TRTS_API trts_status trts_debug_emit_log(trts_severity severity, char const* message) noexcept
{
    TRTS_GUARD_BEGIN
    TRTS_REQUIRE(valid_severity(severity), "severity is not a trts_severity value");
    TRTS_REQUIRE(message != nullptr, "message is NULL");
    trts::log_message(severity, message);
    return TRTS_OK;
    TRTS_GUARD_END
}

} // extern "C"
