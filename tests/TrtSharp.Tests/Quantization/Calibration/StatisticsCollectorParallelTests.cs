using TrtSharp.Errors;
using TrtSharp.OnnxRuntime;
using TrtSharp.Quantization.Calibration;
using TrtSharp.Tensors;

namespace TrtSharp.Tests.Quantization.Calibration;

[TestFixture]
public class StatisticsCollectorParallelTests
{
    private static (string, HostTensor<float>)[] Batch(int seed, int tensors)
    {
        var random = new Random(seed);
        return Enumerable.Range(0, tensors).Select(t =>
        {
            var values = new float[4 * 5000];
            for (int i = 0; i < values.Length; i++)
            {
                values[i] = (float)((random.NextDouble() * 2 - 1) * (t + 1) * (seed + 1));
            }
            return ($"t{t}", new HostTensor<float>([4, 5000], values));
        }).ToArray();
    }

    [Test]
    public void ParallelBatchesGiveTheSameStatisticsAsOneThread([Values(1, 2, 3)] int threads)
    {
        var serial = new StatisticsCollector { UseTwoThreads = false };
        var parallel = new StatisticsCollector { UseTwoThreads = false };
        for (int b = 0; b < 3; b++)
        {
            foreach (var (name, values) in Batch(b, 7))
            {
                serial.Add(name, values.Span, b * 4, 4);
            }
            parallel.AddParallel(Batch(b, 7), b * 4, 4, threads);
        }

        var expected = serial.ToStatistics();
        var actual = parallel.ToStatistics();
        Assert.That(actual.Select(s => s.TensorName), Is.EqualTo(expected.Select(s => s.TensorName)), "first-seen order is kept");
        for (int i = 0; i < expected.Count; i++)
        {
            Assert.That((actual[i].Count, actual[i].Min, actual[i].Max, actual[i].Histogram.Range),
                Is.EqualTo((expected[i].Count, expected[i].Min, expected[i].Max, expected[i].Histogram.Range)), expected[i].TensorName);
            Assert.That(actual[i].Histogram.Counts.ToArray(), Is.EqualTo(expected[i].Histogram.Counts.ToArray()), expected[i].TensorName);
        }
    }

    [Test]
    public void NaNInOneTensorOfAParallelBatchNamesThatTensorAndSample()
    {
        var batch = Batch(0, 5);
        batch[3].Item2.Span[(2 * 5000) + 9] = float.NaN;

        var ex = Assert.Throws<CalibrationException>(() => new StatisticsCollector().AddParallel(batch, 40, 4, 2));

        Assert.That(ex!.TensorName, Is.EqualTo("t3"));
        Assert.That(ex.SampleIndex, Is.EqualTo(42));
    }

    [Test]
    public void DefaultThreadCountRunsTwoBatchesAtOnceWithSpinningOff()
    {
        var two = new OnnxRuntimeOptions();
        Assert.That(ActivationCalibrator.SplitThreads(two, 2, out bool twoAtOnce), Is.EqualTo(1));
        Assert.That(twoAtOnce, Is.True);
        Assert.That(two.IntraOpThreads, Is.EqualTo(1), "two calling threads, no pool worker: one thread per core");
        Assert.That(two.AllowSpinning, Is.False);

        var sixteen = new OnnxRuntimeOptions();
        Assert.That(ActivationCalibrator.SplitThreads(sixteen, 16, out bool sixteenAtOnce), Is.EqualTo(5));
        Assert.That(sixteenAtOnce, Is.True);
        Assert.That(sixteen.IntraOpThreads, Is.EqualTo(15));

        var spinning = new OnnxRuntimeOptions { AllowSpinning = true };
        ActivationCalibrator.SplitThreads(spinning, 16, out _);
        Assert.That(spinning.AllowSpinning, Is.True, "a spinning choice is the caller's");

        var explicitThreads = new OnnxRuntimeOptions { IntraOpThreads = 2 };
        Assert.That(ActivationCalibrator.SplitThreads(explicitThreads, 16, out bool explicitAtOnce), Is.EqualTo(1));
        Assert.That(explicitAtOnce, Is.False, "an explicit thread count runs one batch at a time");
        Assert.That(explicitThreads.IntraOpThreads, Is.EqualTo(2), "an explicit thread count is the caller's");
        Assert.That(explicitThreads.AllowSpinning, Is.Null);

        var device = new OnnxRuntimeOptions();
        device.ExecutionProviders.Add(new CudaProviderOptions());
        Assert.That(ActivationCalibrator.SplitThreads(device, 16, out bool deviceAtOnce), Is.EqualTo(5));
        Assert.That(deviceAtOnce, Is.False, "two runs at once would hold the device's memory twice");
        Assert.That(device.IntraOpThreads, Is.Zero);

        var cpu = new OnnxRuntimeOptions();
        cpu.ExecutionProviders.Add(new CpuProviderOptions());
        ActivationCalibrator.SplitThreads(cpu, 2, out bool cpuAtOnce);
        Assert.That(cpuAtOnce, Is.True, "the CPU provider named explicitly is still the CPU");

        var single = new OnnxRuntimeOptions();
        Assert.That(ActivationCalibrator.SplitThreads(single, 1, out bool singleAtOnce), Is.EqualTo(1));
        Assert.That(singleAtOnce, Is.False);
        Assert.That(single.IntraOpThreads, Is.Zero);
    }
}
