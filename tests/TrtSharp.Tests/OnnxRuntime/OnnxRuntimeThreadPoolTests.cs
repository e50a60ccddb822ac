using System.Diagnostics;
using TrtSharp.OnnxRuntime;
using TrtSharp.Tensors;

namespace TrtSharp.Tests.OnnxRuntime;

public class OnnxRuntimeThreadPoolTests
{
    private static int ThreadCount()
    {
        using var p = Process.GetCurrentProcess();
        return p.Threads.Count;
    }

    [Test]
    public void GlobalThreadPool_SessionsShareIt_AndCreateNoThreads()
    {
        // Creates the environment (with its global pool) before counting.
        using (OnnxRuntimeSession.FromModel(TestModels.ReluMul())) { }
        const int Sessions = 4;

        int before = ThreadCount();
        var own = new List<OnnxRuntimeSession>();
        for (int i = 0; i < Sessions; i++)
        {
            own.Add(OnnxRuntimeSession.FromModel(TestModels.ReluMul(), new OnnxRuntimeOptions { IntraOpThreads = 3, AllowSpinning = false }));
        }
        int perSessionThreads = ThreadCount() - before;
        own.ForEach(s => s.Dispose());

        before = ThreadCount();
        var shared = new List<OnnxRuntimeSession>();
        for (int i = 0; i < Sessions; i++)
        {
            shared.Add(OnnxRuntimeSession.FromModel(TestModels.ReluMul(), new OnnxRuntimeOptions { UseGlobalThreadPool = true }));
        }
        int globalThreads = ThreadCount() - before;
        TestContext.Out.WriteLine($"threads added by {Sessions} sessions: own pools {perSessionThreads}, global pool {globalThreads}");
        try
        {
            // Each own pool of 3 has 2 workers besides the caller.
            Assert.That(perSessionThreads, Is.GreaterThanOrEqualTo(2 * Sessions));
            Assert.That(globalThreads, Is.LessThanOrEqualTo(1));
            // Every shared session computes correctly, also concurrently.
            Parallel.For(0, Sessions, i =>
            {
                float[] x = OrtTestData.Random(8, i);
                var y = (HostTensor<float>)shared[i].Run(new Dictionary<string, HostTensor> { ["x"] = new HostTensor<float>([2, 4], x) })["y"];
                Assert.That(y.Data, Is.EqualTo(x.Select(v => 2 * MathF.Max(v, 0)).ToArray()));
            });
        }
        finally
        {
            shared.ForEach(s => s.Dispose());
        }
    }

    [Test]
    public void ConfigureAfterCreation_WithOtherSettings_Throws()
    {
        using (OnnxRuntimeSession.FromModel(TestModels.ReluMul())) { }
        int intra = OnnxRuntimeEnvironment.GlobalIntraOpThreads;
        // Same settings: accepted (idempotent).
        OnnxRuntimeEnvironment.ConfigureGlobalThreadPool(intra, OnnxRuntimeEnvironment.GlobalInterOpThreads, OnnxRuntimeEnvironment.GlobalAllowSpinning);
        Assert.Throws<InvalidOperationException>(() => OnnxRuntimeEnvironment.ConfigureGlobalThreadPool(intra + 1));
    }
}
