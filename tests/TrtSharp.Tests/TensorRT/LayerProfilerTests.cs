using System.Text;
using TrtSharp.TensorRT;

using TrtSharp.Tests.Interop;

namespace TrtSharp.Tests.TensorRT;

[TestFixture]
public unsafe class LayerProfilerTests
{
    [Test]
    public void TheTrampolineDecodesUtf8AndSwallowsCallbackExceptions()
    {
        var seen = new List<(string, float)>();
        using var profiler = new LayerProfiler((name, ms) =>
        {
            seen.Add((name, ms));
            if (name == "boom")
            {
                throw new InvalidOperationException("callback failure must not reach native code");
            }
        });
        var trampoline = LayerProfiler.Trampoline;
        fixed (byte* conv = Encoding.UTF8.GetBytes("conv_é\0"))
        fixed (byte* boom = Encoding.UTF8.GetBytes("boom\0"))
        {
            trampoline((void*)profiler.UserPointer, conv, 1.5f);
            trampoline((void*)profiler.UserPointer, boom, 2f);
            trampoline((void*)profiler.UserPointer, null, 3f);
        }
        Assert.That(seen, Is.EqualTo(new[] { ("conv_é", 1.5f), ("boom", 2f), ("", 3f) }));
        Assert.That(profiler.CallbackErrors, Is.EqualTo(1));
    }

    [Test]
    [Category("Gpu")]
    public void AnEngineReportsItsLayerTimes()
    {
        NativeShimFixture.RequireTensorRt();
        const string model = "/usr/share/libonnx-testdata/data/pytorch-converted/test_Conv2d/model.onnx";
        using var engine = EngineBuilder.Build(model, new BuilderOptions { ProfilingVerbosity = ProfilingVerbosity.Detailed });
        using var context = engine.CreateContext();
        var layers = new List<(string Name, float Ms)>();
        using var profiler = new LayerProfiler((name, ms) => layers.Add((name, ms)));
        context.SetLayerProfiler(profiler);
        var inputs = context.Inputs.ToDictionary(d => d.Name, d => TrtSharp.Tensors.RandomTensors.Create(d.ElementType, d.Shape, new Random(1)));
        context.Run(inputs);
        context.SetLayerProfiler(null);
        Assert.That(layers, Is.Not.Empty);
        Assert.That(layers.Select(l => l.Ms), Has.All.GreaterThanOrEqualTo(0f));
        Assert.That(profiler.CallbackErrors, Is.Zero);
    }
}
