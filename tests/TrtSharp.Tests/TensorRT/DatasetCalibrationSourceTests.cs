using TrtSharp.Cuda;
using TrtSharp.Datasets;
using TrtSharp.TensorRT;
using TrtSharp.Tensors;

namespace TrtSharp.Tests.TensorRT;

public class DatasetCalibrationSourceTests
{
    private sealed class OneBatch : ICalibrationDataset
    {
        public int Reads { get; private set; }

        public string Description => "one batch";

        public IEnumerable<IReadOnlyDictionary<string, HostTensor>> Batches(CancellationToken cancellationToken = default)
        {
            Reads++;
            yield return new Dictionary<string, HostTensor> { ["x"] = new HostTensor<float>([2, 3], new float[6]) };
        }
    }

    [Test]
    public void TheCacheIsOfferedAndWrittenAtomicallyWithoutTouchingTheData()
    {
        var dir = Directory.CreateTempSubdirectory("trtsharp-calib-source");
        try
        {
            string cache = Path.Combine(dir.FullName, "engine.calib.cache");
            var data = new OneBatch();
            using var source = new DatasetCalibrationSource(data, cache);
            Assert.That(source.ReadCache(), Is.Null, "no cache yet: TensorRT must calibrate from batches");

            source.WriteCache("TRT-100601-EntropyCalibration2\nx: 3c010204\n"u8);

            Assert.That(File.ReadAllText(cache), Does.StartWith("TRT-100601-EntropyCalibration2"));
            Assert.That(source.ReadCache(), Is.EqualTo(File.ReadAllBytes(cache)));
            Assert.That(Directory.GetFiles(dir.FullName), Has.Length.EqualTo(1), "no temporary file left behind");
            Assert.That(data.Reads, Is.Zero, "the dataset is read only when TensorRT asks for a batch");
        }
        finally
        {
            dir.Delete(true);
        }
    }

    [Test]
    public void WithoutACacheFileNothingIsReadOrWritten()
    {
        using var source = new DatasetCalibrationSource(new OneBatch());
        Assert.That(source.ReadCache(), Is.Null);
        Assert.DoesNotThrow(() => source.WriteCache("ignored"u8));
    }

    [Test]
    public void WithoutACudaDeviceTheFirstBatchFailsWithTheReason()
    {
        if (CudaRuntime.IsAvailable)
        {
            Assert.Ignore("a CUDA device is present; the batch path is covered by the GPU tests");
        }
        using var source = new DatasetCalibrationSource(new OneBatch());
        var pointers = new IntPtr[1];

        var error = Assert.Catch(() => source.TryGetBatch(["x"], pointers));

        Assert.That(error, Is.InstanceOf<TrtSharp.Errors.CudaUnavailableException>());
        Assert.That(error!.Message, Does.Contain("CUDA"));
        Assert.That(source.BatchesServed, Is.Zero);
    }

    [Test]
    public void BatchesOfAnotherShapeThanTensorRtCalibratesAtAreSkippedAndNamedWhenNoneFits()
    {
        using var source = new DatasetCalibrationSource(new OneBatch());
        source.OnCalibrationShapes(new Dictionary<string, long[]> { ["x"] = [4, 3] });
        var pointers = new IntPtr[1];

        var error = Assert.Throws<TrtSharp.Errors.TensorShapeException>(() => source.TryGetBatch(["x"], pointers));

        Assert.That(error!.Message, Does.Contain(HostTensor.FormatShape([4, 3])).And.Contain(HostTensor.FormatShape([2, 3])).And.Contain("opt shape"));
        Assert.That(source.SkippedBatches, Is.EqualTo(1));
        Assert.That(source.BatchesServed, Is.Zero);
    }

    [Test]
    public void AnEngineInputMissingFromTheDataIsNamed()
    {
        using var source = new DatasetCalibrationSource(new OneBatch());
        var error = Assert.Throws<TrtSharp.Errors.TensorShapeException>(() => source.TryGetBatch(["mel"], new IntPtr[1]));
        Assert.That(error!.TensorName, Is.EqualTo("mel"));
    }
}
