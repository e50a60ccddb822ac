using System.Diagnostics;
using TrtSharp.Diagnostics;
using TrtSharp.OnnxRuntime;
using TrtSharp.Quantization.Precision;
using TrtSharp.Tensors;
using TrtSharp.Tests.RealModels;
using TrtSharp.Tools.Models;

namespace TrtSharp.Tests.Scratch;

[Explicit]
public class PhaseProbe
{
    private sealed class Timeline(Stopwatch clock) : IProgress<ProgressUpdate>
    {
        public void Report(ProgressUpdate value) => TestContext.Out.WriteLine($"{clock.Elapsed.TotalMilliseconds,8:0} ms  {value.Stage} {value.Done}/{value.Total}");
    }

    [TestCase(1)]
    [TestCase(0)]
    public void Phases(int threads)
    {
        var detector = SuiteModels.EnsureInstalled().TextDetector;
        var pages = new InMemoryDataset("16 pages", [.. Enumerable.Range(0, 16).Select(i => (IReadOnlyDictionary<string, HostTensor>)new Dictionary<string, HostTensor> { ["x"] = TextImages.Page(i, 640, 640, 8).Image })]);
        var options = new OnnxRuntimeOptions { IntraOpThreads = threads };
        for (int rep = 0; rep < 2; rep++)
        {
            var clock = Stopwatch.StartNew();
            using (var session = OnnxRuntimeSession.FromFile(detector, options))
            {
                TestContext.Out.WriteLine($"{clock.Elapsed.TotalMilliseconds,8:0} ms  plain session open");
                foreach (var p in pages.Samples) session.Run(p);
            }
            TestContext.Out.WriteLine($"{clock.Elapsed.TotalMilliseconds,8:0} ms  plain forward done");
            clock.Restart();
            ModelQuantizer.Quantize(detector, pages, new QuantizeOptions(), options, new Timeline(clock));
            TestContext.Out.WriteLine($"{clock.Elapsed.TotalMilliseconds,8:0} ms  quantize done");
        }
    }
}
