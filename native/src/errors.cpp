// Thread-local last error, status names and the last parse's errors.
#include "internal.hpp"

#include <utility>

namespace {

thread_local std::string t_last_error;
thread_local std::vector<trts::ParserErrorRecord> t_parser_errors;

} // namespace

namespace trts {

trts_status fail(trts_status status, std::string message) noexcept
{
    try
    {
        t_last_error = std::move(message);
    }
    catch (...)
    {
        // Keeping the status matters more than the text when even the message cannot be stored.
        t_last_error.clear();
    }
    return status;
}

trts_status fail(trts_status status, char const* message) noexcept
{
    return fail(status, "", message);
}

trts_status fail(trts_status status, char const* prefix, char const* detail) noexcept
{
    try
    {
        t_last_error.assign(prefix != nullptr ? prefix : "");
        t_last_error.append(detail != nullptr ? detail : "");
    }
    catch (...)
    {
        t_last_error.clear();
    }
    return status;
}

void clear_error() noexcept
{
    t_last_error.clear();
}

void set_parser_errors(std::vector<ParserErrorRecord> errors) noexcept
{
    t_parser_errors = std::move(errors);
}

} // namespace trts

extern "C" {

TRTS_API char const* trts_last_error_message(void) noexcept
{
    return t_last_error.c_str();
}

TRTS_API char const* trts_status_name(trts_status status) noexcept
{
    switch (status)
    {
    case TRTS_OK: return "TRTS_OK";
    case TRTS_E_INVALID_ARGUMENT: return "TRTS_E_INVALID_ARGUMENT";
    case TRTS_E_UNAVAILABLE: return "TRTS_E_UNAVAILABLE";
    case TRTS_E_UNSUPPORTED: return "TRTS_E_UNSUPPORTED";
    case TRTS_E_PARSE: return "TRTS_E_PARSE";
    case TRTS_E_BUILD: return "TRTS_E_BUILD";
    case TRTS_E_CUDA: return "TRTS_E_CUDA";
    case TRTS_E_OUT_OF_MEMORY: return "TRTS_E_OUT_OF_MEMORY";
    case TRTS_E_INTERNAL: return "TRTS_E_INTERNAL";
    case TRTS_E_NOT_FOUND: return "TRTS_E_NOT_FOUND";
    case TRTS_E_BUFFER_TOO_SMALL: return "TRTS_E_BUFFER_TOO_SMALL";
    case TRTS_E_IO: return "TRTS_E_IO";
    case TRTS_E_RUNTIME: return "TRTS_E_RUNTIME";
    }
    return "TRTS_E_UNKNOWN_STATUS";
}

TRTS_API trts_status trts_last_parser_error_count(int32_t* out_count) noexcept
{
    TRTS_GUARD_BEGIN
    TRTS_REQUIRE(out_count != nullptr, "out_count is NULL");
    *out_count = static_cast<int32_t>(t_parser_errors.size());
    return TRTS_OK;
    TRTS_GUARD_END
}

TRTS_API trts_status trts_parser_error_init(trts_parser_error* error) noexcept
{
    TRTS_GUARD_BEGIN
    TRTS_REQUIRE(error != nullptr, "error is NULL");
    *error = trts_parser_error{};
    error->struct_size = sizeof(trts_parser_error);
    error->node_index = -1;
    error->node_name = error->node_operator = error->description = error->source_file = error->source_function = "";
    return TRTS_OK;
    TRTS_GUARD_END
}

TRTS_API trts_status trts_last_parser_error(int32_t index, trts_parser_error* out_error) noexcept
{
    TRTS_GUARD_BEGIN
    TRTS_REQUIRE(trts::struct_size_ok(out_error), "out_error is NULL or its struct_size is too small");
    if (index < 0 || static_cast<size_t>(index) >= t_parser_errors.size())
        return trts::fail(TRTS_E_INVALID_ARGUMENT,
            "parser error index " + std::to_string(index) + " is out of range (count " +
                std::to_string(t_parser_errors.size()) + ")");
    auto const& r = t_parser_errors[static_cast<size_t>(index)];
    out_error->code = r.code;
    out_error->node_index = r.node_index;
    out_error->line = r.line;
    out_error->node_name = r.node_name.c_str();
    out_error->node_operator = r.node_operator.c_str();
    out_error->description = r.description.c_str();
    out_error->source_file = r.source_file.c_str();
    out_error->source_function = r.source_function.c_str();
    return TRTS_OK;
    TRTS_GUARD_END
}

} // extern "C"
