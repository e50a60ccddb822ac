// Internal helpers shared by every translation unit of the shim (no TensorRT types here).
#pragma once

#include "trtsharp/trtsharp.h"

#include <exception>
#include <new>
#include <string>
#include <vector>

namespace trts {

/// Records the thread-local last error and returns status, so call sites read `return fail(...)`.
trts_status fail(trts_status status, std::string message) noexcept;

// Overloads that build the message inside their own try: safe in catch handlers, where memory may be exhausted.
trts_status fail(trts_status status, char const* message) noexcept;
trts_status fail(trts_status status, char const* prefix, char const* detail) noexcept;
/// Clears the thread-local last error at the start of each call.
void clear_error() noexcept;

/// One parser error kept with its own strings (the parser's strings die with the parser).
struct ParserErrorRecord {
    trts_parser_error_code code = TRTS_PARSER_ERROR_UNKNOWN;
    int32_t node_index = -1;
    int32_t line = 0;
    std::string node_name;
    std::string node_operator;
    std::string description;
    std::string source_file;
    std::string source_function;
};
/// Replaces the thread-local list of parser errors (what trts_last_parser_error reads).
void set_parser_errors(std::vector<ParserErrorRecord> errors) noexcept;

/// Sends one message through the logger trampoline (what TensorRT's ILogger adapter and the test hook use).
void log_message(trts_severity severity, char const* message) noexcept;
/// Most recent error-severity message logged on this thread (appended to build/deserialize failures).
std::string last_logged_error();
void clear_last_logged_error() noexcept;

/// Shared by the core-only stubs: the message naming what to install.
trts_status unavailable(char const* function) noexcept;

/// Checks struct_size of a versioned options struct: it must cover at least the fields of ABI version 1.
template <typename T> bool struct_size_ok(T const* p) noexcept
{
    return p != nullptr && p->struct_size >= sizeof(T);
}

} // namespace trts

/// Wraps an export body: nothing escapes the ABI, and each kind of failure maps to its status.
#define TRTS_GUARD_BEGIN                                                                                           \
    ::trts::clear_error();                                                                                          \
    try                                                                                                            \
    {
#define TRTS_GUARD_END                                                                                             \
    }                                                                                                              \
    catch (std::bad_alloc const&)                                                                                  \
    {                                                                                                              \
        return ::trts::fail(TRTS_E_OUT_OF_MEMORY, "out of host memory");                                           \
    }                                                                                                              \
    catch (std::exception const& e)                                                                                \
    {                                                                                                              \
        return ::trts::fail(TRTS_E_INTERNAL, "internal error: ", e.what());                                       \
    }                                                                                                              \
    catch (...)                                                                                                    \
    {                                                                                                              \
        return ::trts::fail(TRTS_E_INTERNAL, "internal error: unknown exception");                                 \
    }

#define TRTS_REQUIRE(cond, message)                                                                                \
    do                                                                                                             \
    {                                                                                                              \
        if (!(cond))                                                                                               \
            return ::trts::fail(TRTS_E_INVALID_ARGUMENT, (message));                                               \
    } while (0)
