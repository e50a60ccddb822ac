using TrtSharp.Onnx.Protobuf;
using TrtSharp.Tensors;
using TrtSharp.Tests.OnnxRuntime;

namespace TrtSharp.Tests.Quantization.Precision.AutoCast;

/// <summary>Small float32 models built for the AutoCast tests.</summary>
internal static class AutoCastModels
{
    public static TensorProto Floats(string name, long[] dims, Func<int, float> value)
    {
        var t = new TensorProto { Name = name, DataType = (int)TensorElementType.Float };
        t.Dims.Add(dims);
        long count = dims.Aggregate(1L, (a, d) => a * d);
        t.FloatData.Add(Enumerable.Range(0, (int)count).Select(value));
        return t;
    }

    public static AttributeProto Int(string name, long value) => new() { Name = name, Type = AttributeProto.Types.AttributeType.Int, I = value };

    public static AttributeProto Ints(string name, params long[] values)
    {
        var a = new AttributeProto { Name = name, Type = AttributeProto.Types.AttributeType.Ints };
        a.Ints.Add(values);
        return a;
    }

    /// <summary>
    /// x[1,3,8,8] → Conv(w,b) → c → Relu → r → BatchNormalization(scale, bias, mean, var) → n → ReduceMean(axes 2,3) → m → Exp → e →
    /// Mul(r2) with r2 = Cast(Shape(x)[0]) as a float scale → y; and r is a second graph output ("features").
    /// The BN variance is <paramref name="variance"/> (1e8 in real exports beyond FP16's range).
    /// </summary>
    public static ModelProto ConvNet(float variance = 1f)
    {
        var g = new GraphProto { Name = "convnet" };
        // A dynamic batch keeps Shape → Gather → Cast a computation (normalization folds static shapes away).
        g.Input.Add(TestModels.Value("x", TensorElementType.Float, "N", 3, 8, 8));
        g.Output.Add(TestModels.Value("y", TensorElementType.Float, "N", 4, 1, 1));
        g.Output.Add(TestModels.Value("features", TensorElementType.Float, "N", 4, 8, 8));
        g.Initializer.Add(Floats("w", [4, 3, 3, 3], i => MathF.Sin(i) * 0.3f));
        g.Initializer.Add(Floats("b", [4], i => 0.1f * i));
        g.Initializer.Add(Floats("scale", [4], _ => 1f));
        g.Initializer.Add(Floats("bias", [4], _ => 0f));
        g.Initializer.Add(Floats("mean", [4], _ => 0f));
        g.Initializer.Add(Floats("var", [4], _ => variance));
        NodeProto conv = TestModels.Node("Conv", ["x", "w", "b"], ["c"], "conv");
        conv.Attribute.Add(Ints("pads", 1, 1, 1, 1));
        g.Node.Add(conv);
        g.Node.Add(TestModels.Node("Relu", ["c"], ["features"], "relu"));
        g.Node.Add(TestModels.Node("BatchNormalization", ["features", "scale", "bias", "mean", "var"], ["n"], "bn"));
        NodeProto reduce = TestModels.Node("ReduceMean", ["n"], ["m"], "reduce");
        reduce.Attribute.Add(Ints("axes", 2, 3));
        g.Node.Add(reduce);
        g.Node.Add(TestModels.Node("Exp", ["m"], ["e"], "exp"));
        g.Node.Add(TestModels.Node("Shape", ["x"], ["shape"], "shape"));
        var index = new TensorProto { Name = "zero", DataType = (int)TensorElementType.Int64 };
        index.Int64Data.Add(0);
        g.Initializer.Add(index);
        NodeProto gather = TestModels.Node("Gather", ["shape", "zero"], ["batch"], "gather");
        g.Node.Add(gather);
        NodeProto cast = TestModels.Node("Cast", ["batch"], ["batch_f"], "cast");
        cast.Attribute.Add(Int("to", (long)TensorElementType.Float));
        g.Node.Add(cast);
        g.Node.Add(TestModels.Node("Mul", ["e", "batch_f"], ["y"], "mul"));
        return TestModels.Model(g, opset: 13);
    }

    /// <summary>x[1,16] → Mul(k) → y: k scales the data beyond (or below) the reduced type's range.</summary>
    public static ModelProto Scale(float k)
    {
        var g = new GraphProto { Name = "scale" };
        g.Input.Add(TestModels.Value("x", TensorElementType.Float, 1, 16));
        g.Output.Add(TestModels.Value("y", TensorElementType.Float, 1, 16));
        g.Initializer.Add(TestModels.Scalar("k", k));
        g.Node.Add(TestModels.Node("Mul", ["x", "k"], ["s"], "scale"));
        g.Node.Add(TestModels.Node("Relu", ["s"], ["y"], "relu"));
        return TestModels.Model(g, opset: 13);
    }
}
