using System.Diagnostics;
using TrtSharp.OnnxRuntime;
using TrtSharp.Tensors;

namespace TrtSharp.Tests.OnnxRuntime;

/// <summary>
/// The thread-safety contract of docs/thread-safety.md for ONNX Runtime: one session shared by 8 threads, 8 sessions
/// on one model, bindings per thread — each result bit-identical to a serial run — and Dispose under load.
/// </summary>
[NonParallelizable] // timing-sensitive: the soak owns the CPU while it runs
public class OnnxRuntimeConcurrencyTests
{
    private const int Threads = 8;
    private const int Width = 32;
    private const int DistinctInputs = 16;

    private static readonly OnnxRuntimeOptions SingleThreaded = new() { IntraOpThreads = 1, InterOpThreads = 1 };

    // 8 × 1,000 runs per mode in the default run; the Soak category repeats 8 × 10,000 (the size).
    [TestCase(1_000)]
    [TestCase(10_000, Category = "Soak")]
    public void SharedSession_EightThreadsRunningAtOnce_MatchASerialRun(int runsPerThread)
    {
        byte[] model = TestModels.Bytes(TestModels.Mlp(layers: 2, width: Width));
        using var session = OnnxRuntimeSession.FromBytes(model, SingleThreaded);
        (HostTensor[] inputs, byte[][] expected) = SerialReference(session);

        RunOnThreads(runsPerThread, (thread, run) =>
        {
            int k = (thread * 7 + run) % DistinctInputs;
            var output = session.Run(new Dictionary<string, HostTensor> { ["x"] = inputs[k] })["y"];
            return (k, output.AsBytes().ToArray());
        }, expected);
    }

    [TestCase(1_000)]
    [TestCase(10_000, Category = "Soak")]
    public void SharedSession_OneBindingPerThread_MatchesASerialRun(int runsPerThread)
    {
        byte[] model = TestModels.Bytes(TestModels.Mlp(layers: 2, width: Width));
        using var session = OnnxRuntimeSession.FromBytes(model, SingleThreaded);
        (HostTensor[] inputs, byte[][] expected) = SerialReference(session);
        var bindings = new OnnxRuntimeBinding[Threads];
        for (int t = 0; t < Threads; t++)
        {
            bindings[t] = session.CreateBinding(new Dictionary<string, long[]> { ["x"] = [1, Width] });
        }

        RunOnThreads(runsPerThread, (thread, run) =>
        {
            int k = (thread * 5 + run) % DistinctInputs;
            OnnxRuntimeBinding binding = bindings[thread];
            inputs[k].AsBytes().CopyTo(binding.Input("x").AsBytes());
            binding.Run();
            return (k, binding.Output("y").AsBytes().ToArray());
        }, expected);
        foreach (OnnxRuntimeBinding b in bindings)
        {
            b.Dispose();
        }
    }

    [TestCase(1_000)]
    [TestCase(10_000, Category = "Soak")]
    public void EightSessionsOnOneModel_MatchASerialRun(int runsPerThread)
    {
        byte[] model = TestModels.Bytes(TestModels.Mlp(layers: 2, width: Width));
        HostTensor[] inputs;
        byte[][] expected;
        using (var reference = OnnxRuntimeSession.FromBytes(model, SingleThreaded))
        {
            (inputs, expected) = SerialReference(reference);
        }
        var sessions = new OnnxRuntimeSession[Threads];
        try
        {
            for (int t = 0; t < Threads; t++)
            {
                sessions[t] = OnnxRuntimeSession.FromBytes(model, SingleThreaded);
            }
            RunOnThreads(runsPerThread, (thread, run) =>
            {
                int k = (thread * 3 + run) % DistinctInputs;
                var output = sessions[thread].Run(new Dictionary<string, HostTensor> { ["x"] = inputs[k] })["y"];
                return (k, output.AsBytes().ToArray());
            }, expected);
        }
        finally
        {
            foreach (OnnxRuntimeSession? s in sessions)
            {
                s?.Dispose();
            }
        }
    }

    [Test]
    public void DisposeWhileEightThreadsRun_WaitsForThemAndLaterRunsThrowObjectDisposed()
    {
        // Wide enough that a run takes a while: Dispose must land while runs are inside ONNX Runtime. Before the
        // lease this crashed the process (segfault, exit 139) instead of failing a test.
        byte[] model = TestModels.Bytes(TestModels.Mlp(layers: 8, width: 256));
        var session = OnnxRuntimeSession.FromBytes(model, SingleThreaded);
        var input = new HostTensor<float>([16, 256], OrtTestData.Random(16 * 256, 3));
        var bindings = new OnnxRuntimeBinding[Threads / 2];
        for (int i = 0; i < bindings.Length; i++)
        {
            bindings[i] = session.CreateBinding(new Dictionary<string, long[]> { ["x"] = [16, 256] });
            input.AsBytes().CopyTo(bindings[i].Input("x").AsBytes());
        }
        byte[] expected = session.Run(new Dictionary<string, HostTensor> { ["x"] = input })["y"].AsBytes().ToArray();
        long completed = 0;
        long wrong = 0;
        var failures = new System.Collections.Concurrent.ConcurrentQueue<Exception>();
        var disposedSeen = new bool[Threads];
        var threads = new Thread[Threads];
        for (int t = 0; t < Threads; t++)
        {
            int thread = t;
            threads[t] = new Thread(() =>
            {
                try
                {
                    while (true)
                    {
                        // Half the threads use Session.Run, half their own binding.
                        HostTensor output;
                        if (thread % 2 == 0)
                        {
                            output = session.Run(new Dictionary<string, HostTensor> { ["x"] = input })["y"];
                        }
                        else
                        {
                            bindings[thread / 2].Run();
                            output = bindings[thread / 2].Output("y");
                        }
                        if (!output.AsBytes().SequenceEqual(expected))
                        {
                            Interlocked.Increment(ref wrong);
                        }
                        Interlocked.Increment(ref completed);
                    }
                }
                catch (ObjectDisposedException)
                {
                    disposedSeen[thread] = true;
                }
#pragma warning disable CA1031 // every other exception is the test's failure, reported below
                catch (Exception e)
#pragma warning restore CA1031
                {
                    failures.Enqueue(e);
                }
            }) { IsBackground = true, Name = $"run-{t}" };
            threads[t].Start();
        }

        var wait = Stopwatch.StartNew();
        while (Interlocked.Read(ref completed) < 4 * Threads && wait.Elapsed < TimeSpan.FromSeconds(30))
        {
            Thread.Sleep(1);
        }
        session.Dispose();
        long completedAtDispose = Interlocked.Read(ref completed);
        foreach (Thread thread in threads)
        {
            Assert.That(thread.Join(TimeSpan.FromSeconds(30)), Is.True, $"{thread.Name} did not stop after Dispose");
        }

        Assert.That(failures, Is.Empty, "only ObjectDisposedException may end a run after Dispose");
        Assert.That(disposedSeen, Is.All.True, "every thread's next run after Dispose threw ObjectDisposedException");
        Assert.That(completedAtDispose, Is.GreaterThanOrEqualTo(4 * Threads), "the runs were under way when Dispose came");
        Assert.That(Interlocked.Read(ref wrong), Is.Zero, "a run that overlapped Dispose returned a wrong result");
        // Runs in flight finished inside Dispose (at most one per thread is counted just after it returns); none started later.
        Assert.That(Interlocked.Read(ref completed), Is.LessThanOrEqualTo(completedAtDispose + Threads));
        Assert.Throws<ObjectDisposedException>(() => session.Run(new Dictionary<string, HostTensor> { ["x"] = input }));
        Assert.Throws<ObjectDisposedException>(() => bindings[0].Run());
        Assert.Throws<ObjectDisposedException>(() => session.CreateBinding());
        session.Dispose(); // a second Dispose is harmless
    }

    [Test]
    public void DisposingABindingWhileItRunsOnAnotherThread_WaitsForTheRun()
    {
        byte[] model = TestModels.Bytes(TestModels.Mlp(layers: 8, width: 256));
        using var session = OnnxRuntimeSession.FromBytes(model, SingleThreaded);
        OnnxRuntimeBinding binding = session.CreateBinding(new Dictionary<string, long[]> { ["x"] = [16, 256] });
        long completed = 0;
        Exception? ended = null;
        var runner = new Thread(() =>
        {
            try
            {
                while (true)
                {
                    binding.Run();
                    Interlocked.Increment(ref completed);
                }
            }
#pragma warning disable CA1031 // the exception that ended the loop is asserted below
            catch (Exception e)
#pragma warning restore CA1031
            {
                ended = e;
            }
        }) { IsBackground = true };
        runner.Start();
        var wait = Stopwatch.StartNew();
        while (Interlocked.Read(ref completed) < 5 && wait.Elapsed < TimeSpan.FromSeconds(30))
        {
            Thread.Sleep(1);
        }
        binding.Dispose();
        long atDispose = Interlocked.Read(ref completed);
        Assert.That(runner.Join(TimeSpan.FromSeconds(30)), Is.True);
        Assert.That(ended, Is.InstanceOf<ObjectDisposedException>());
        Assert.That(Interlocked.Read(ref completed), Is.LessThanOrEqualTo(atDispose + 1));
        // The session itself is untouched: a new binding runs.
        using OnnxRuntimeBinding other = session.CreateBinding(new Dictionary<string, long[]> { ["x"] = [16, 256] });
        Assert.DoesNotThrow(other.Run);
    }

    /// <summary>Distinct seeded inputs and their outputs from one thread, one run each.</summary>
    private static (HostTensor[] Inputs, byte[][] Expected) SerialReference(OnnxRuntimeSession session)
    {
        var inputs = new HostTensor[DistinctInputs];
        var expected = new byte[DistinctInputs][];
        for (int k = 0; k < DistinctInputs; k++)
        {
            inputs[k] = new HostTensor<float>([1, Width], OrtTestData.Random(Width, 100 + k));
            expected[k] = session.Run(new Dictionary<string, HostTensor> { ["x"] = inputs[k] })["y"].AsBytes().ToArray();
        }
        // The inputs differ, so must the outputs: otherwise a mixed-up buffer could not show.
        Assert.That(expected.Select(Convert.ToBase64String).Distinct().Count(), Is.EqualTo(DistinctInputs));
        return (inputs, expected);
    }

    /// <summary>Starts <see cref="Threads"/> threads together, each making <paramref name="runs"/> runs; every result must equal the serial one bit for bit.</summary>
    private static void RunOnThreads(int runs, Func<int, int, (int Input, byte[] Output)> run, byte[][] expected)
    {
        var mismatches = new System.Collections.Concurrent.ConcurrentQueue<string>();
        var failures = new System.Collections.Concurrent.ConcurrentQueue<Exception>();
        long total = 0;
        using var start = new Barrier(Threads);
        var threads = Enumerable.Range(0, Threads).Select(t => new Thread(() =>
        {
            try
            {
                start.SignalAndWait();
                for (int r = 0; r < runs; r++)
                {
                    (int k, byte[] output) = run(t, r);
                    if (!output.AsSpan().SequenceEqual(expected[k]))
                    {
                        mismatches.Enqueue($"thread {t} run {r} input {k}");
                    }
                    Interlocked.Increment(ref total);
                }
            }
#pragma warning disable CA1031 // reported by the assertion below
            catch (Exception e)
#pragma warning restore CA1031
            {
                failures.Enqueue(e);
            }
        }) { IsBackground = true }).ToArray();
        var clock = Stopwatch.StartNew();
        foreach (Thread thread in threads)
        {
            thread.Start();
        }
        foreach (Thread thread in threads)
        {
            thread.Join();
        }
        TestContext.Out.WriteLine($"{Threads} threads x {runs} runs in {clock.Elapsed.TotalSeconds:F2} s");
        Assert.That(failures, Is.Empty);
        Assert.That(mismatches, Is.Empty, "results differ from the serial run");
        Assert.That(total, Is.EqualTo((long)Threads * runs));
    }
}
