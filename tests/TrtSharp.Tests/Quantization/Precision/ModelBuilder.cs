using Google.Protobuf;
using TrtSharp.Onnx.Protobuf;

namespace TrtSharp.Tests.Quantization.Precision;

/// <summary>Builds small FP32 ONNX graphs in memory for the Q/DQ tests.</summary>
internal sealed class ModelBuilder
{
    private readonly GraphProto _graph = new() { Name = "test" };
    private readonly long _opset;

    public ModelBuilder(long opset = 13) => _opset = opset;

    public ModelBuilder Input(string name, params long[] dims) => Input(name, TensorProto.Types.DataType.Float, dims);

    public ModelBuilder Input(string name, TensorProto.Types.DataType type, params long[] dims)
    {
        _graph.Input.Add(ValueInfo(name, type, dims));
        return this;
    }

    public ModelBuilder Output(string name)
    {
        _graph.Output.Add(new ValueInfoProto { Name = name });
        return this;
    }

    public ModelBuilder Initializer(string name, float[] values, params long[] dims) =>
        Initializer(name, TensorProto.Types.DataType.Float, values.AsSpan(), dims);

    public ModelBuilder Int64s(string name, long[] values, params long[] dims) =>
        Initializer(name, TensorProto.Types.DataType.Int64, values.AsSpan(), dims);

    private ModelBuilder Initializer<T>(string name, TensorProto.Types.DataType type, ReadOnlySpan<T> values, long[] dims)
        where T : unmanaged
    {
        var t = new TensorProto { Name = name, DataType = (int)type };
        t.Dims.AddRange(dims);
        t.RawData = ByteString.CopyFrom(System.Runtime.InteropServices.MemoryMarshal.AsBytes(values));
        _graph.Initializer.Add(t);
        return this;
    }

    public ModelBuilder Node(string opType, string name, string[] inputs, string output, params AttributeProto[] attributes)
    {
        var node = new NodeProto { OpType = opType, Name = name };
        node.Input.AddRange(inputs);
        node.Output.Add(output);
        node.Attribute.AddRange(attributes);
        _graph.Node.Add(node);
        return this;
    }

    public ModelProto Build()
    {
        var model = new ModelProto { IrVersion = 7, ProducerName = "TrtSharp.Tests", Graph = _graph };
        model.OpsetImport.Add(new OperatorSetIdProto { Domain = string.Empty, Version = _opset });
        return model;
    }

    public static AttributeProto Ints(string name, params long[] values)
    {
        var a = new AttributeProto { Name = name, Type = AttributeProto.Types.AttributeType.Ints };
        a.Ints.AddRange(values);
        return a;
    }

    public static AttributeProto Int(string name, long value) =>
        new() { Name = name, Type = AttributeProto.Types.AttributeType.Int, I = value };

    public static AttributeProto Float(string name, float value) =>
        new() { Name = name, Type = AttributeProto.Types.AttributeType.Float, F = value };

    /// <summary>Deterministic pseudo-random values in [-scale, scale].</summary>
    public static float[] Random(int count, int seed, float scale = 1f)
    {
        var rng = new Random(seed);
        var v = new float[count];
        for (var i = 0; i < count; i++)
        {
            v[i] = (float)((rng.NextDouble() * 2) - 1) * scale;
        }

        return v;
    }

    private static ValueInfoProto ValueInfo(string name, TensorProto.Types.DataType type, long[] dims)
    {
        var shape = new TensorShapeProto();
        foreach (var d in dims)
        {
            shape.Dim.Add(new TensorShapeProto.Types.Dimension { DimValue = d });
        }

        return new ValueInfoProto
        {
            Name = name,
            Type = new TypeProto { TensorType = new TypeProto.Types.Tensor { ElemType = (int)type, Shape = shape } },
        };
    }
}
