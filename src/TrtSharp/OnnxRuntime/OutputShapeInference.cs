using Google.Protobuf;
using Microsoft.ML.OnnxRuntime;
using TrtSharp.Onnx.Protobuf;

namespace TrtSharp.OnnxRuntime;

/// <summary>
/// The output shapes that follow from concrete input shapes, found by ONNX Runtime's own shape inference: the model is
/// loaded once more (no optimizations) with its inputs' dimensions fixed, and the inferred output metadata read back.
/// Lets a binding allocate outputs whose dimensions are not named after input dimensions (e.g. a Concat's sum, a
/// Reshape's target) before its first run. Shapes that depend on the data (NonZero, TopK by value) stay unknown.
/// </summary>
internal static class OutputShapeInference
{
    /// <summary>
    /// Every output whose shape ONNX Runtime infers completely for <paramref name="inputShapes"/> (rank ≥ 1: rank 0 also
    /// means "rank unknown" in its metadata). Empty when inference fails: the binding then learns shapes on its first run.
    /// </summary>
    /// <param name="modelBytes">The serialized model the session runs.</param>
    /// <param name="externalDataFolder">Where its external-data files are, when it has any.</param>
    /// <param name="inputShapes">A concrete shape for every graph input.</param>
    public static Dictionary<string, long[]> Infer(byte[] modelBytes, string? externalDataFolder, IReadOnlyDictionary<string, long[]> inputShapes)
    {
        var result = new Dictionary<string, long[]>(StringComparer.Ordinal);
        try
        {
            ModelProto model = ModelProto.Parser.ParseFrom(modelBytes);
            foreach (ValueInfoProto input in model.Graph.Input)
            {
                if (inputShapes.TryGetValue(input.Name, out long[]? shape) && input.Type?.TensorType is { } tensor)
                {
                    var fixedShape = new TensorShapeProto();
                    fixedShape.Dim.AddRange(shape.Select(d => new TensorShapeProto.Types.Dimension { DimValue = d }));
                    tensor.Shape = fixedShape;
                }
            }
            using var options = new SessionOptions
            {
                GraphOptimizationLevel = GraphOptimizationLevel.ORT_DISABLE_ALL,
                LogSeverityLevel = OrtLoggingLevel.ORT_LOGGING_LEVEL_FATAL,
                IntraOpNumThreads = 1,
            };
            if (externalDataFolder is not null)
            {
                options.AddSessionConfigEntry("session.model_external_initializers_file_folder_path", externalDataFolder);
            }
            OnnxRuntimeEnvironment.Ensure();
            using var session = new InferenceSession(model.ToByteArray(), options);
            foreach ((string name, NodeMetadata meta) in session.OutputMetadata)
            {
                if (meta.IsTensor && meta.Dimensions.Length > 0 && meta.Dimensions.All(d => d >= 0))
                {
                    result[name] = meta.Dimensions.Select(d => (long)d).ToArray();
                }
            }
        }
        catch (Exception ex) when (ex is OnnxRuntimeException or InvalidProtocolBufferException)
        {
            // Shapes the inference rejects (or a model it cannot reload this way) are learned on the first run instead.
            result.Clear();
        }
        return result;
    }
}
