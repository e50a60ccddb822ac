using TrtSharp.Onnx;
using TrtSharp.Onnx.Protobuf;
using TrtSharp.Tensors;

namespace TrtSharp.Quantization.Precision.AutoCast;

/// <summary>
/// A float32 model that computes what a converted (mixed-precision) model computes, for validation where ONNX Runtime
/// has no kernel for the reduced type (BF16 on the CPU, some FP16 operators): every value the converted model holds in
/// the reduced type is rounded to it (a Cast there and back) and weights are stored with their rounded values, while
/// the arithmetic runs in float32 — as TensorRT's half-precision kernels, which accumulate in float32, do.
/// </summary>
internal static class ReducedPrecisionEmulation
{
    public static ModelProto FromConverted(ModelProto converted, IReadOnlySet<string> reducedTensors, ReducedPrecision target)
    {
        ModelProto model = converted.Clone();
        GraphProto graph = model.Graph;
        int reducedType = (int)target.ElementType();
        foreach (TensorProto weight in graph.Initializer.Where(w => w.DataType == reducedType))
        {
            float[] values = OnnxTensors.ToHostTensor(weight) switch
            {
                HostTensor<Half> half => [.. half.Data.Select(v => (float)v)],
                HostTensor<BFloat16> brain => [.. brain.Data.Select(v => v.ToSingle())],
                var other => throw new InvalidOperationException($"weight '{weight.Name}' is {other.ElementType}, not the reduced type"),
            };
            weight.DataType = (int)TensorElementType.Float;
            weight.ClearRawData();
            weight.FloatData.Clear();
            weight.FloatData.Add(values);
        }
        foreach (ValueInfoProto value in graph.Input.Concat(graph.Output).Concat(graph.ValueInfo))
        {
            if (value.Type?.TensorType is { } tensor && tensor.ElemType == reducedType)
            {
                tensor.ElemType = (int)TensorElementType.Float;
            }
        }
        var taken = graph.Node.SelectMany(n => n.Output).Concat(graph.Initializer.Select(i => i.Name)).Concat(graph.Input.Select(i => i.Name))
            .ToHashSet(StringComparer.Ordinal);
        var nodes = new List<NodeProto>(graph.Node.Count * 2);
        // Graph inputs the converted model takes in the reduced type (without KeepIoTypes): rounded on entry.
        foreach (ValueInfoProto input in graph.Input.Where(i => reducedTensors.Contains(i.Name) && !graph.Initializer.Any(t => t.Name == i.Name)))
        {
            string narrow = UniqueNames.Unique(input.Name + "_rounded", taken);
            string wide = UniqueNames.Unique(input.Name + "_as_read", taken);
            foreach (NodeProto consumer in graph.Node)
            {
                for (int k = 0; k < consumer.Input.Count; k++)
                {
                    if (consumer.Input[k] == input.Name)
                    {
                        consumer.Input[k] = wide;
                    }
                }
            }
            nodes.Add(Cast(input.Name, narrow, reducedType));
            nodes.Add(Cast(narrow, wide, (int)TensorElementType.Float));
        }
        foreach (NodeProto node in graph.Node)
        {
            nodes.Add(node);
            for (int o = 0; o < node.Output.Count; o++)
            {
                string output = node.Output[o];
                if (!reducedTensors.Contains(output))
                {
                    continue;
                }
                // The node computes in float32; its output is rounded to the reduced type and widened back under its own name.
                string raw = UniqueNames.Unique(output + "_unrounded", taken);
                string narrow = UniqueNames.Unique(output + "_rounded", taken);
                node.Output[o] = raw;
                nodes.Add(Cast(raw, narrow, reducedType));
                nodes.Add(Cast(narrow, output, (int)TensorElementType.Float));
            }
        }
        graph.Node.Clear();
        graph.Node.AddRange(nodes);
        return model;
    }

    private static NodeProto Cast(string input, string output, int to)
    {
        var cast = new NodeProto { OpType = "Cast", Name = output + "_emulation" };
        cast.Input.Add(input);
        cast.Output.Add(output);
        cast.Attribute.Add(new AttributeProto { Name = "to", Type = AttributeProto.Types.AttributeType.Int, I = to });
        return cast;
    }
}
