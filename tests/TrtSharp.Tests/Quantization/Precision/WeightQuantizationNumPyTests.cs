using System.Diagnostics;
using System.Runtime.InteropServices;
using TrtSharp.Quantization.Precision;

namespace TrtSharp.Tests.Quantization.Precision;

/// <summary>Per-channel weight quantization checked against NumPy (np.rint is round-half-to-even).</summary>
public class WeightQuantizationNumPyTests
{
    private const string Python = "/usr/bin/python3";

    private const string Script = """
        import sys, numpy as np
        w = np.fromfile(sys.argv[1], dtype=np.float32).reshape([int(d) for d in sys.argv[3].split(',')])
        axis = int(sys.argv[4])
        other = tuple(i for i in range(w.ndim) if i != axis)
        amax = np.abs(w).max(axis=other).astype(np.float32)
        scale = np.where(amax > 0, amax / np.float32(127), np.float32(1) / np.float32(127)).astype(np.float32)
        shape = [1] * w.ndim
        shape[axis] = -1
        q = np.clip(np.rint(w / scale.reshape(shape)), -127, 127).astype(np.int8)
        with open(sys.argv[2], 'wb') as f:
            f.write(scale.tobytes()); f.write(q.tobytes())
        """;

    [TestCase("Conv", 0)]
    [TestCase("ConvTranspose", 1)]
    [TestCase("MatMul", 1)]
    public void QuantizedWeightsMatchNumPy(string op, int axis)
    {
        if (!File.Exists(Python))
        {
            Assert.Ignore("/usr/bin/python3 with NumPy is needed for the independent reference");
        }

        long[] dims = op == "MatMul" ? [12, 6] : [6, 4, 3, 3];
        var count = (int)dims.Aggregate(1L, (a, b) => a * b);
        var w = ModelBuilder.Random(count, 42, 0.8f);
        // Channel 2 gets amax exactly 127 (scale 1) and values on .5 so round-half-to-even is exercised;
        // channel 3 is all zeros (fallback scale).
        for (var i = 0; i < count; i++)
        {
            var channel = ChannelOf(i, dims, axis);
            if (channel == 2)
            {
                w[i] = (i % 4) switch { 0 => 127f, 1 => 2.5f, 2 => -3.5f, _ => 0.5f };
            }
            else if (channel == 3)
            {
                w[i] = 0f;
            }
        }

        var builder = new ModelBuilder();
        var model = op switch
        {
            "Conv" => builder.Input("x", 1, 4, 5, 5).Initializer("W", w, dims).Node("Conv", "n", ["x", "W"], "y"),
            "ConvTranspose" => builder.Input("x", 1, 6, 5, 5).Initializer("W", w, dims).Node("ConvTranspose", "n", ["x", "W"], "y"),
            _ => builder.Input("x", 3, 12).Initializer("W", w, dims).Node("MatMul", "n", ["x", "W"], "y"),
        };
        var (qdq, report) = QdqInserter.Insert(model.Output("y").Build(), new Dictionary<string, float> { ["x"] = 1f });

        var dq = GraphAssert.Producer(qdq, qdq.Graph.Node.Single(n => n.Name == "n").Input[1]);
        Assert.That(GraphAssert.Axis(dq), Is.EqualTo(axis));
        var scales = GraphAssert.Floats(qdq, dq.Input[1]);
        var q = GraphAssert.Int8(qdq, dq.Input[0]);

        var (refScales, refQ) = NumPyReference(w, dims, axis);
        Assert.That(scales, Is.EqualTo(refScales));
        Assert.That(q, Is.EqualTo(refQ));
        Assert.That(scales[2], Is.EqualTo(1f));
        Assert.That(report.Warnings, Has.Some.Contains("all zero"));
    }

    private static int ChannelOf(int index, long[] dims, int axis)
    {
        long inner = 1;
        for (var d = axis + 1; d < dims.Length; d++)
        {
            inner *= dims[d];
        }

        return (int)(index / inner % dims[axis]);
    }

    private static (float[] Scales, sbyte[] Q) NumPyReference(float[] w, long[] dims, int axis)
    {
        var dir = Directory.CreateTempSubdirectory("trtsharp-qdq-");
        try
        {
            var input = Path.Combine(dir.FullName, "w.bin");
            var output = Path.Combine(dir.FullName, "ref.bin");
            var script = Path.Combine(dir.FullName, "ref.py");
            File.WriteAllBytes(input, MemoryMarshal.AsBytes(w.AsSpan()).ToArray());
            File.WriteAllText(script, Script);
            var psi = new ProcessStartInfo(Python) { RedirectStandardError = true, UseShellExecute = false };
            foreach (var arg in new[] { script, input, output, string.Join(',', dims), axis.ToString(System.Globalization.CultureInfo.InvariantCulture) })
            {
                psi.ArgumentList.Add(arg);
            }

            using var process = Process.Start(psi)!;
            var stderr = process.StandardError.ReadToEnd();
            process.WaitForExit();
            Assert.That(process.ExitCode, Is.Zero, stderr);
            var bytes = File.ReadAllBytes(output);
            var channels = (int)dims[axis];
            var scales = MemoryMarshal.Cast<byte, float>(bytes.AsSpan(0, channels * 4)).ToArray();
            var q = MemoryMarshal.Cast<byte, sbyte>(bytes.AsSpan(channels * 4)).ToArray();
            return (scales, q);
        }
        finally
        {
            dir.Delete(recursive: true);
        }
    }
}
