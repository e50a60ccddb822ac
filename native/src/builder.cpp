// Builder, networks parsed from ONNX (parser errors surfaced) and buildSerializedNetwork.
#include "trt_common.hpp"

namespace {

trts_status collect_parse_failure(nvonnxparser::IParser& parser, std::string const& source)
{
    std::vector<trts::ParserErrorRecord> records;
    std::string message = "ONNX parser rejected " + source;
    int32_t const count = parser.getNbErrors();
    for (int32_t i = 0; i < count; ++i)
    {
        auto const* e = parser.getError(i);
        if (e == nullptr)
            continue;
        trts::ParserErrorRecord r;
        r.code = trts::from_trt(e->code());
        r.node_index = e->node();
        r.line = e->line();
        r.node_name = e->nodeName() != nullptr ? e->nodeName() : "";
        r.node_operator = e->nodeOperator() != nullptr ? e->nodeOperator() : "";
        r.description = e->desc() != nullptr ? e->desc() : "";
        r.source_file = e->file() != nullptr ? e->file() : "";
        r.source_function = e->func() != nullptr ? e->func() : "";
        message += (i == 0 ? ": " : "; ") + std::string("node ") + std::to_string(r.node_index);
        if (!r.node_name.empty())
            message += " '" + r.node_name + "'";
        if (!r.node_operator.empty())
            message += " (" + r.node_operator + ")";
        message += ": " + r.description;
        records.push_back(std::move(r));
    }
    if (count == 0)
        message = trts::with_logged_error(message);
    trts::set_parser_errors(std::move(records));
    return trts::fail(TRTS_E_PARSE, message);
}

trts_status create_network(trts_builder* builder, trts_network_options const* options, trts_network** out_network,
    std::unique_ptr<trts_network>& net, nvinfer1::ILogger::Severity& verbosity)
{
    TRTS_REQUIRE(out_network != nullptr, "out_network is NULL");
    *out_network = nullptr;
    TRTS_REQUIRE(builder != nullptr, "builder is NULL");
    trts_network_options defaults{};
    trts_network_options_init(&defaults);
    if (options == nullptr)
        options = &defaults;
    TRTS_REQUIRE(trts::struct_size_ok(options), "options->struct_size is too small (call trts_network_options_init)");
    TRTS_REQUIRE(trts::to_trt(options->parser_verbosity, verbosity), "options->parser_verbosity is not a trts_severity value");

    nvinfer1::NetworkDefinitionCreationFlags flags = 0;
#if NV_TENSORRT_MAJOR < 11
    if (options->strongly_typed != 0)
        flags |= 1U << static_cast<uint32_t>(nvinfer1::NetworkDefinitionCreationFlag::kSTRONGLY_TYPED);
#endif
    // TensorRT 11 networks are always strongly typed, so the flag has nothing left to select there.
    net = std::make_unique<trts_network>();
    net->builder = builder->builder;
    net->network.reset(builder->builder->createNetworkV2(flags));
    if (!net->network)
        return trts::fail(TRTS_E_INTERNAL, trts::with_logged_error("createNetworkV2 failed"));
    net->parser.reset(nvonnxparser::createParser(*net->network, trts::trt_logger()));
    if (!net->parser)
        return trts::fail(TRTS_E_INTERNAL, trts::with_logged_error("createParser failed"));
    return TRTS_OK;
}

} // namespace

extern "C" {

TRTS_API trts_status trts_builder_create(trts_builder** out_builder) noexcept
{
    TRTS_GUARD_BEGIN
    TRTS_REQUIRE(out_builder != nullptr, "out_builder is NULL");
    *out_builder = nullptr;
    trts::clear_last_logged_error();
    std::shared_ptr<nvinfer1::IBuilder> builder(nvinfer1::createInferBuilder(trts::trt_logger()));
    if (!builder)
        return trts::fail(TRTS_E_RUNTIME, trts::with_logged_error("createInferBuilder failed (is a CUDA device available?)"));
    *out_builder = new trts_builder{std::move(builder)};
    return TRTS_OK;
    TRTS_GUARD_END
}

TRTS_API trts_status trts_builder_destroy(trts_builder* builder) noexcept
{
    TRTS_GUARD_BEGIN
    delete builder;
    return TRTS_OK;
    TRTS_GUARD_END
}

TRTS_API trts_status trts_network_create_from_onnx_file(trts_builder* builder, trts_network_options const* options,
    char const* path, trts_network** out_network) noexcept
{
    TRTS_GUARD_BEGIN
    TRTS_REQUIRE(path != nullptr && path[0] != '\0', "path is NULL or empty");
    trts::set_parser_errors({});
    trts::clear_last_logged_error();
    std::unique_ptr<trts_network> net;
    nvinfer1::ILogger::Severity verbosity{};
    if (auto s = create_network(builder, options, out_network, net, verbosity); s != TRTS_OK)
        return s;
    if (!net->parser->parseFromFile(path, static_cast<int>(verbosity)))
        return collect_parse_failure(*net->parser, std::string("'") + path + "'");
    *out_network = net.release();
    return TRTS_OK;
    TRTS_GUARD_END
}

TRTS_API trts_status trts_network_create_from_onnx_bytes(trts_builder* builder, trts_network_options const* options,
    void const* data, uint64_t size, char const* model_path, trts_network** out_network) noexcept
{
    TRTS_GUARD_BEGIN
    TRTS_REQUIRE(data != nullptr && size != 0, "data is NULL or size is 0");
    trts::set_parser_errors({});
    trts::clear_last_logged_error();
    std::unique_ptr<trts_network> net;
    nvinfer1::ILogger::Severity verbosity{};
    if (auto s = create_network(builder, options, out_network, net, verbosity); s != TRTS_OK)
        return s;
    if (!net->parser->parse(data, static_cast<size_t>(size), model_path))
        return collect_parse_failure(*net->parser,
            model_path != nullptr ? std::string("'") + model_path + "'" : std::to_string(size) + " bytes of ONNX");
    *out_network = net.release();
    return TRTS_OK;
    TRTS_GUARD_END
}

TRTS_API trts_status trts_network_destroy(trts_network* network) noexcept
{
    TRTS_GUARD_BEGIN
    delete network;
    return TRTS_OK;
    TRTS_GUARD_END
}

TRTS_API trts_status trts_network_get_io_count(trts_network const* network, int32_t* out_inputs, int32_t* out_outputs) noexcept
{
    TRTS_GUARD_BEGIN
    TRTS_REQUIRE(network != nullptr, "network is NULL");
    TRTS_REQUIRE(out_inputs != nullptr && out_outputs != nullptr, "out_inputs or out_outputs is NULL");
    *out_inputs = network->network->getNbInputs();
    *out_outputs = network->network->getNbOutputs();
    return TRTS_OK;
    TRTS_GUARD_END
}

TRTS_API trts_status trts_network_get_io_info(trts_network const* network, int32_t is_output, int32_t index,
    trts_tensor_info* out_info) noexcept
{
    TRTS_GUARD_BEGIN
    TRTS_REQUIRE(network != nullptr, "network is NULL");
    TRTS_REQUIRE(trts::struct_size_ok(out_info), "out_info is NULL or its struct_size is too small");
    auto const& net = *network->network;
    int32_t const count = is_output != 0 ? net.getNbOutputs() : net.getNbInputs();
    if (index < 0 || index >= count)
        return trts::fail(TRTS_E_INVALID_ARGUMENT, std::string(is_output != 0 ? "output" : "input") + " index " +
            std::to_string(index) + " is out of range (count " + std::to_string(count) + ")");
    nvinfer1::ITensor* t = is_output != 0 ? net.getOutput(index) : net.getInput(index);
    out_info->mode = is_output != 0 ? TRTS_TENSOR_IO_MODE_OUTPUT : TRTS_TENSOR_IO_MODE_INPUT;
    out_info->data_type = trts::from_trt(t->getType());
    out_info->format = TRTS_TENSOR_FORMAT_UNKNOWN; // formats are chosen by the builder, not the network
    out_info->name = t->getName();
    out_info->shape = trts::from_trt(t->getDimensions());
    // Where a network tensor will live is the builder's choice; shape tensors are the ones read on the host.
    out_info->location = TRTS_TENSOR_LOCATION_DEVICE;
    out_info->is_shape_inference_io = t->isShapeTensor() ? 1 : 0;
    return TRTS_OK;
    TRTS_GUARD_END
}

TRTS_API trts_status trts_builder_build_serialized_network(trts_builder* builder, trts_network* network,
    trts_builder_config* config, trts_blob** out_plan) noexcept
{
    TRTS_GUARD_BEGIN
    TRTS_REQUIRE(out_plan != nullptr, "out_plan is NULL");
    *out_plan = nullptr;
    TRTS_REQUIRE(builder != nullptr && network != nullptr && config != nullptr, "builder, network or config is NULL");
    trts::clear_last_logged_error();
    std::unique_ptr<nvinfer1::IHostMemory> plan(builder->builder->buildSerializedNetwork(*network->network, *config->config));
    if (!plan || plan->size() == 0)
        return trts::fail(TRTS_E_BUILD, trts::with_logged_error("TensorRT failed to build the engine"));
    *out_plan = new trts::HostMemoryBlob(std::move(plan));
    return TRTS_OK;
    TRTS_GUARD_END
}

} // extern "C"
