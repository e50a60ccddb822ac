using Google.Protobuf;
using TrtSharp.Onnx.Numpy;
using TrtSharp.Onnx.Protobuf;
using TrtSharp.Tensors;
using TrtSharp.Tests.Quantization.Precision;

namespace TrtSharp.Tests.Cli;

/// <summary>
/// A model whose input x is declared [1, n] but that reshapes it into rows of 4, so a sample of 6 values fits the
/// declared shape and still fails in ONNX Runtime; with four calibration samples of 8 values and one held-out sample of 6.
/// </summary>
internal static class RowsOfFourModel
{
    public const string Failure = "Reshape node. Name:'rows_of_four'";

    public static (string Model, string Calibration, string Holdout, string Odd) Write(string directory)
    {
        var proto = new ModelBuilder()
            .Input("x", 1, 8).Int64s("rows", [-1, 4], 2).Initializer("w", ModelBuilder.Random(8, 1), 4, 2)
            .Node("Reshape", "rows_of_four", ["x", "rows"], "r").Node("MatMul", "mm", ["r", "w"], "y").Output("y").Build();
        proto.Graph.Input[0].Type.TensorType.Shape.Dim[1] = new TensorShapeProto.Types.Dimension { DimParam = "n" };
        string model = Path.Combine(directory, "rows.onnx");
        File.WriteAllBytes(model, proto.ToByteArray());
        string calibration = Path.Combine(directory, "rows-calib"), holdout = Path.Combine(directory, "rows-holdout");
        Directory.CreateDirectory(calibration);
        Directory.CreateDirectory(holdout);
        for (int i = 0; i < 4; i++)
        {
            NpyFile.Write(Path.Combine(calibration, $"c{i}.npy"), new HostTensor<float>([1, 8], ModelBuilder.Random(8, 10 + i)));
        }
        string odd = Path.Combine(holdout, "h0.npy");
        NpyFile.Write(odd, new HostTensor<float>([1, 6], ModelBuilder.Random(6, 20)));
        return (model, calibration, holdout, odd);
    }
}
