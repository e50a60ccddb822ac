using TrtSharp.Onnx.Protobuf;

namespace TrtSharp.Quantization.Precision;

/// <summary>The output of <see cref="QdqInserter"/>.</summary>
/// <param name="Model">The new model with Q/DQ nodes (the input model is not modified).</param>
/// <param name="Report">What was quantized, skipped and why.</param>
public sealed record QdqResult(ModelProto Model, QdqReport Report);
