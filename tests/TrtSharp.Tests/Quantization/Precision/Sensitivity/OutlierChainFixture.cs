using Google.Protobuf;
using TrtSharp.Datasets;
using TrtSharp.Onnx.Numpy;
using TrtSharp.OnnxRuntime;
using TrtSharp.Tensors;

namespace TrtSharp.Tests.Quantization.Precision.Sensitivity;

/// <summary>
/// A chain of <see cref="Layers"/> MatMuls on disk, with seeded calibration and held-out .npy files, where one layer
/// breaks INT8: the layer before it scales one channel by 10⁴ and <see cref="Culprit"/> scales it back by 10⁻⁴, so the
/// float model is ordinary but the culprit's per-tensor input quantizer, sized for the outlier, rounds every other
/// channel to zero. Quantizing any other layer alone costs only the usual rounding.
/// </summary>
internal sealed class OutlierChainFixture : IDisposable
{
    public const int Layers = 24;
    public const int Width = 16;
    public const int CulpritIndex = 10;

    public OutlierChainFixture()
    {
        Directory = System.IO.Directory.CreateTempSubdirectory("trtsharp-sens").FullName;
        ModelPath = Path.Combine(Directory, "chain.onnx");
        var builder = new ModelBuilder().Input("x", -1, Width);
        string previous = "x";
        for (int i = 0; i < Layers; i++)
        {
            // Identity plus a little noise: a well-conditioned chain, where one layer's rounding stays small at the output.
            float[] w = ModelBuilder.Random(Width * Width, 100 + i, 0.1f);
            for (int k = 0; k < Width; k++)
            {
                w[(k * Width) + k] += 1f;
                if (i == CulpritIndex - 1)
                {
                    w[(k * Width) + 0] *= 1e4f; // column 0: output channel 0 becomes an outlier
                }
                if (i == CulpritIndex)
                {
                    w[(0 * Width) + k] *= 1e-4f; // row 0: the outlier channel is scaled back
                }
            }
            string output = i == Layers - 1 ? "y" : $"h{i:D2}";
            builder.Initializer($"w{i:D2}", w, Width, Width).Node("MatMul", Name(i), [previous, $"w{i:D2}"], output);
            previous = output;
        }
        File.WriteAllBytes(ModelPath, builder.Output("y").Build().ToByteArray());
        CalibrationDir = WriteSamples("calib", 4, seed: 10);
        HoldoutDir = WriteSamples("holdout", 3, seed: 77);
    }

    public static string Culprit => Name(CulpritIndex);

    public string Directory { get; }

    public string ModelPath { get; }

    public string CalibrationDir { get; }

    public string HoldoutDir { get; }

    public static string Name(int layer) => $"mm{layer:D2}";

    public ICalibrationDataset Calibration() => new TensorFileDataset([CalibrationDir], Inputs());

    public ICalibrationDataset Holdout() => new TensorFileDataset([HoldoutDir], Inputs());

    private IReadOnlyList<TensorDescriptor> Inputs()
    {
        using var session = OnnxRuntimeSession.FromFile(ModelPath);
        return session.Inputs;
    }

    private string WriteSamples(string name, int count, int seed)
    {
        string dir = Path.Combine(Directory, name);
        System.IO.Directory.CreateDirectory(dir);
        for (int i = 0; i < count; i++)
        {
            NpyFile.Write(Path.Combine(dir, $"sample_{i:D2}.npy"), new HostTensor<float>([8, Width], ModelBuilder.Random(8 * Width, seed + i)));
        }
        return dir;
    }

    public void Dispose() => System.IO.Directory.Delete(Directory, true);
}
