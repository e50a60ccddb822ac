using Google.Protobuf;
using TrtSharp.Onnx.Numpy;
using TrtSharp.Tensors;
using TrtSharp.Tests.Quantization.Precision;

namespace TrtSharp.Tests.Quantization.Pipeline;

/// <summary>A small conv model on disk with seeded calibration and held-out .npy files.</summary>
internal sealed class QuantizationFixture : IDisposable
{
    public QuantizationFixture(int calibrationFiles = 6, int holdoutFiles = 3)
    {
        Directory = System.IO.Directory.CreateTempSubdirectory("trtsharp-quant").FullName;
        ModelPath = Path.Combine(Directory, "net.onnx");
        var model = new ModelBuilder()
            .Input("x", -1, 1, 8, 8)
            .Initializer("w1", ModelBuilder.Random(4 * 9, 1), 4, 1, 3, 3)
            .Initializer("b1", ModelBuilder.Random(4, 2, 0.1f), 4)
            .Initializer("w2", ModelBuilder.Random(2 * 4 * 9, 3), 2, 4, 3, 3)
            .Node("Conv", "conv1", ["x", "w1", "b1"], "c", ModelBuilder.Ints("pads", 1, 1, 1, 1))
            .Node("Relu", "relu1", ["c"], "r")
            .Node("Conv", "conv2", ["r", "w2"], "y", ModelBuilder.Ints("pads", 1, 1, 1, 1))
            .Output("y")
            .Build();
        File.WriteAllBytes(ModelPath, model.ToByteArray());
        CalibrationDir = WriteSamples("calib", calibrationFiles, seed: 10);
        HoldoutDir = WriteSamples("holdout", holdoutFiles, seed: 99);
    }

    public string Directory { get; }

    public string ModelPath { get; }

    public string CalibrationDir { get; }

    public string HoldoutDir { get; }

    /// <summary>Smallest and largest value written to the calibration files.</summary>
    public (float Min, float Max) CalibrationRange { get; private set; } = (float.MaxValue, float.MinValue);

    private string WriteSamples(string name, int count, int seed)
    {
        string dir = Path.Combine(Directory, name);
        System.IO.Directory.CreateDirectory(dir);
        for (int i = 0; i < count; i++)
        {
            float[] values = ModelBuilder.Random(4 * 64, seed + i, 2f);
            if (name == "calib")
            {
                CalibrationRange = (Math.Min(CalibrationRange.Min, values.Min()), Math.Max(CalibrationRange.Max, values.Max()));
            }
            NpyFile.Write(Path.Combine(dir, $"sample_{i:D2}.npy"), new HostTensor<float>([4, 1, 8, 8], values));
        }
        return dir;
    }

    public void Dispose() => System.IO.Directory.Delete(Directory, true);
}
