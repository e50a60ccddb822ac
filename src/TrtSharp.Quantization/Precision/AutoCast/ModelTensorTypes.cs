using TrtSharp.Onnx.Protobuf;
using TrtSharp.OnnxRuntime;
using TrtSharp.Tensors;

namespace TrtSharp.Quantization.Precision.AutoCast;

/// <summary>
/// The element type of every value of a model's main graph: graph inputs and initializers from the file, every node
/// output as ONNX Runtime infers it (each node output appended as a graph output; ONNX Runtime types it on load).
/// </summary>
internal static class ModelTensorTypes
{
    public static Dictionary<string, TensorElementType> Infer(ModelProto model)
    {
        var types = new Dictionary<string, TensorElementType>(StringComparer.Ordinal);
        foreach (TensorProto initializer in model.Graph.Initializer)
        {
            types[initializer.Name] = (TensorElementType)initializer.DataType;
        }
        foreach (ValueInfoProto value in model.Graph.Input.Concat(model.Graph.Output).Concat(model.Graph.ValueInfo))
        {
            if (value.Type?.TensorType is { } tensor && tensor.ElemType != 0)
            {
                types.TryAdd(value.Name, (TensorElementType)tensor.ElemType);
            }
        }
        ModelProto probe = model.Clone();
        var options = new OnnxRuntimeOptions
        {
            GraphOptimization = OnnxRuntimeGraphOptimization.Disabled,
            LogSeverity = OnnxRuntimeLogSeverity.Fatal, // failures reach the caller as exceptions with ONNX Runtime's message
            IntraOpThreads = 1,
        };
        foreach (string name in OnnxTaps.ListCandidates(probe))
        {
            options.Taps.Add(name);
        }
        using OnnxRuntimeSession session = OnnxRuntimeSession.FromModel(probe, options);
        foreach (TensorDescriptor output in session.Outputs)
        {
            if (output.ElementType != TensorElementType.Undefined)
            {
                types[output.Name] = output.ElementType;
            }
        }
        return types;
    }
}
