using TrtSharp.TensorRT;

using TrtSharp.Tests.Interop;

namespace TrtSharp.Tests.Cli;

/// <summary>`trtsharp build` then `trtsharp bench` on a plan: needs a CUDA device and TensorRT, skipped otherwise.</summary>
[TestFixture]
[Category("Gpu")]
public class BenchTensorRtGpuTests
{
    private const string Conv2d = "/usr/share/libonnx-testdata/data/pytorch-converted/test_Conv2d/model.onnx";
    private string _dir = null!;

    [SetUp]
    public void SetUp()
    {
        NativeShimFixture.RequireTensorRt();
        _dir = Directory.CreateTempSubdirectory("trtsharp-bench-gpu").FullName;
    }

    [TearDown]
    public void TearDown()
    {
        if (_dir is not null && Directory.Exists(_dir))
        {
            Directory.Delete(_dir, true);
        }
    }

    [Test]
    public void BenchReportsPhasesOnSeveralStreamsWithGraphsAndWithoutTransfers()
    {
        string plan = Path.Combine(_dir, "conv.plan");
        CliRun.Of("build", Conv2d, "-o", plan).AssertExit(0);
        var run = CliRun.Of("bench", plan, "--iterations", "50", "--streams", "2", "--cuda-graph");
        run.AssertExit(0);
        Assert.That(run.Out, Does.Contain("TensorRT phases").And.Contain("GPU compute").And.Contain("stream 1").And.Contain("all streams:"));
        var noCopies = CliRun.Of("bench", plan, "--iterations", "50", "--no-transfers");
        noCopies.AssertExit(0);
        Assert.That(noCopies.Out, Does.Contain("no host/device transfers"));
    }
}
