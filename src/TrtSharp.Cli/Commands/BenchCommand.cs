using System.CommandLine;
using Spectre.Console;
using TrtSharp.Benchmarking;
using TrtSharp.Cli.Commands.Bench;
using TrtSharp.Cli.Infrastructure;
using TrtSharp.Cli.Rendering;
using TrtSharp.Comparison;
using TrtSharp.Inference;
using TrtSharp.OnnxRuntime;
using TrtSharp.TensorRT;
using TrtSharp.Tensors;
using TrtSharp.Tools.Reporting;

namespace TrtSharp.Cli.Commands;

/// <summary><c>trtsharp bench model</c>: steady-state latency and throughput, trtexec style.</summary>
internal static class BenchCommand
{
    /// <summary>Builds the command.</summary>
    public static Command Create()
    {
        var model = new Argument<string>("model") { Description = "The model (.onnx, ONNX Runtime) or plan (.plan/.engine, TensorRT) to time." };
        var backend = new Option<string>("--backend") { Description = "auto (TensorRT where it can run, else ONNX Runtime; a plan needs TensorRT), ort or trt.", DefaultValueFactory = _ => "auto" };
        backend.AcceptOnlyFromAmong(SessionFactory.Backends);
        var shapes = new Option<string?>("--shapes") { Description = "Input shapes, trtexec style: name:1x3x224x224[,…]. Dynamic dimensions default to 1." };
        var seed = new Option<int>("--seed") { Description = "Seed of the random inputs.", DefaultValueFactory = _ => 42 };
        var data = new Option<string?>("--data") { Description = "Inputs from files, in the layouts quantize --data reads (its first sample; inputs it leaves out are random)." };
        var warmUp = new Option<int>("--warmup-ms") { Description = "Warm-up time before timing, in milliseconds.", DefaultValueFactory = _ => 200 };
        var iterations = new Option<int?>("--iterations") { Description = "Timed runs (instead of --duration)." };
        var duration = new Option<double?>("--duration") { Description = "Timed seconds (default 3; instead of --iterations)." };
        var threads = new Option<int?>("--threads") { Description = "ONNX Runtime intra-op threads (default: one per core)." };
        var interOp = new Option<int?>("--inter-op-threads") { Description = "ONNX Runtime inter-op threads." };
        var streams = new Option<int?>("--streams") { Description = "TensorRT only: concurrent CUDA streams." };
        var cudaGraph = new Option<bool>("--cuda-graph") { Description = "TensorRT only: capture the enqueue in a CUDA graph." };
        var noTransfers = new Option<bool>("--no-transfers") { Description = "TensorRT only: time GPU compute without host/device copies." };
        var exportTimes = new Option<string?>("--export-times") { Description = "Write every iteration's latency (ms) and the summary as JSON to this file." };
        var compareWith = new Option<string?>("--compare-with") { Description = "Another model or plan: run both interleaved A B A B and report the latency ratio per pair." };
        var compareBackend = new Option<string>("--compare-backend") { Description = "Backend for --compare-with: auto, ort or trt.", DefaultValueFactory = _ => "auto" };
        compareBackend.AcceptOnlyFromAmong(SessionFactory.Backends);
        var matrix = new Option<bool>("--matrix") { Description = "Time every backend x precision available (ORT CPU FP32/FP16/INT8, TensorRT FP32/FP16/INT8) round-robin." };
        var int8 = new Option<string?>("--int8") { Description = "With --matrix: the INT8 model (default: <name>.int8.onnx, <name>.int8.qdq.onnx or <name>.qdq.onnx next to the model)." };
        var fp16 = new Option<string?>("--fp16") { Description = "With --matrix: the FP16 model (default: <name>.fp16.onnx next to the model)." };
        var saveOptimized = new Option<string?>("--save-optimized") { Description = "ONNX Runtime only: write the graph ONNX Runtime runs after its optimizations (fusions such as QLinearConv) to this .onnx file; with --compare-with, the second model's goes to <name>.compared.onnx beside it." };
        var plot = new Option<string?>("--plot") { Description = "With --matrix: write a relative-speedup bar chart PNG (CPU FP32 = 1x)." };

        var command = new Command("bench", "Time a model or plan in steady state (pre-bound buffers, no allocation per run): throughput and latency percentiles. Exit 0, or 2 on bad input.")
        {
            model, backend, shapes, seed, data, warmUp, iterations, duration, threads, interOp, streams, cudaGraph, noTransfers,
            exportTimes, compareWith, compareBackend, matrix, int8, fp16, plot, saveOptimized,
        };
        CommandRunner.SetAction(command, (parse, cancellationToken) =>
        {
            string path = parse.GetRequiredValue(model);
            InferenceBackend? requested = SessionFactory.Parse(parse.GetRequiredValue(backend));
            var gpu = new GpuFlags(parse.GetValue(streams), parse.GetValue(cudaGraph), parse.GetValue(noTransfers));
            bool ortThreads = parse.GetValue(threads) is not null || parse.GetValue(interOp) is not null;
            // What is known before opening (an explicit backend, a plan) is checked now; auto's choice once it is made.
            if ((requested ?? (InferenceSessionFactory.IsPlan(path) ? InferenceBackend.TensorRt : null)) is { } known)
            {
                CheckBackendFlags(gpu, ortThreads, known);
            }
            if (parse.GetValue(iterations) is { } and not > 0 || parse.GetValue(duration) is { } and not > 0 || parse.GetValue(warmUp) < 0)
            {
                throw new ArgumentException("--iterations and --duration must be positive, --warmup-ms non-negative");
            }
            if (parse.GetValue(iterations) is not null && parse.GetValue(duration) is not null)
            {
                throw new ArgumentException("give --iterations or --duration, not both");
            }
            bool isMatrix = parse.GetValue(matrix);
            if (!isMatrix && (parse.GetValue(int8) ?? parse.GetValue(fp16) ?? parse.GetValue(plot)) is not null)
            {
                throw new ArgumentException("--int8, --fp16 and --plot apply to --matrix only");
            }
            if (isMatrix && parse.GetValue(data) is not null)
            {
                throw new ArgumentException("--data applies to single and --compare-with runs; --matrix times its variants on seeded random inputs");
            }
            if (isMatrix && parse.GetValue(compareWith) is not null)
            {
                throw new ArgumentException("--matrix and --compare-with are separate modes: give one");
            }
            var settings = new BenchmarkSettings
            {
                WarmUp = TimeSpan.FromMilliseconds(parse.GetValue(warmUp)),
                Iterations = parse.GetValue(iterations),
                Duration = TimeSpan.FromSeconds(parse.GetValue(duration) ?? 3),
            };
            Dictionary<string, long[]>? shapeOverrides = parse.GetValue(shapes) is { } s ? ShapeSpec.Parse(s) : null;
            int intra = parse.GetValue(threads) ?? 0, inter = parse.GetValue(interOp) ?? 0;
            string? optimizedPath = parse.GetValue(saveOptimized);
            bool plan = InferenceSessionFactory.IsPlan(path);
            if (optimizedPath is not null && (isMatrix || plan || requested == InferenceBackend.TensorRt))
            {
                throw new ArgumentException("--save-optimized applies to an ONNX Runtime model timed alone or with --compare-with, not to TensorRT plans or --matrix");
            }
            // Only ONNX Runtime writes an optimized graph, so asking for one settles auto's choice.
            if (optimizedPath is not null)
            {
                requested = InferenceBackend.OnnxRuntime;
            }
            // Each session opened writes its optimized graph to the next path: the timed model first, then the compared one.
            var optimizedPaths = new Queue<string>(optimizedPath is null ? [] : [optimizedPath, System.IO.Path.ChangeExtension(optimizedPath, ".compared.onnx")]);
            Action<OnnxRuntimeOptions> configure = o =>
            {
                o.IntraOpThreads = intra;
                o.InterOpThreads = inter;
                if (optimizedPaths.TryDequeue(out var target))
                {
                    o.OptimizedModelPath = target;
                }
            };
            var context = new BenchContext(path, requested, configure, shapeOverrides, parse.GetValue(seed), parse.GetValue(data), settings,
                CliConsole.Create(parse.InvocationConfiguration.Output), gpu, ortThreads, cancellationToken);
            if (isMatrix)
            {
                RunMatrix(context, parse.GetValue(int8), parse.GetValue(fp16), parse.GetValue(plot));
            }
            else if (parse.GetValue(compareWith) is { } other)
            {
                RunInterleaved(context, other, SessionFactory.Parse(parse.GetRequiredValue(compareBackend)), parse.GetValue(exportTimes));
            }
            else
            {
                RunSingle(context, parse.GetValue(exportTimes));
            }
            return Task.FromResult(0);
        });
        return command;
    }

    /// <param name="Backend">The backend asked for; null lets <see cref="InferenceSessionFactory"/> choose (auto).</param>
    private sealed record BenchContext(string Path, InferenceBackend? Backend, Action<OnnxRuntimeOptions> Configure, Dictionary<string, long[]>? Shapes,
        int Seed, string? Data, BenchmarkSettings Settings, CliConsole Console, GpuFlags Gpu, bool OrtThreads, CancellationToken CancellationToken);

    /// <summary>TensorRT-only settings: concurrent streams (one context each), CUDA-graph replay, no host/device copies.</summary>
    private sealed record GpuFlags(int? Streams, bool CudaGraph, bool NoTransfers)
    {
        public int StreamCount => Streams ?? 1;

        /// <summary>The first TensorRT-only flag given, or null.</summary>
        public string? FirstGiven => Streams is not null ? "--streams" : CudaGraph ? "--cuda-graph" : NoTransfers ? "--no-transfers" : null;
    }

    /// <summary>Flags that only one backend understands fail loudly on the other rather than being ignored.</summary>
    private static void CheckBackendFlags(GpuFlags gpu, bool ortThreads, InferenceBackend backend)
    {
        if (backend == InferenceBackend.OnnxRuntime)
        {
            if (gpu.FirstGiven is { } flag)
            {
                throw new ArgumentException($"{flag} applies to the TensorRT backend only; this model runs on ONNX Runtime (CPU), which has no CUDA streams, graphs or transfers");
            }
        }
        else if (ortThreads)
        {
            throw new ArgumentException("--threads and --inter-op-threads apply to the ONNX Runtime backend only, not TensorRT");
        }
        if (gpu.Streams is { } n && n < 1)
        {
            throw new ArgumentException("--streams must be at least 1");
        }
    }

    /// <summary>Opens <paramref name="path"/> as asked, checks the flags against the backend it got, and for auto says which and why.</summary>
    private static OpenedSession Open(BenchContext c, string path, InferenceBackend? requested, string? side = null)
    {
        OpenedSession opened = SessionFactory.Open(path, requested, c.Configure);
        try
        {
            CheckBackendFlags(c.Gpu, c.OrtThreads, opened.Choice.Backend);
        }
        catch
        {
            opened.Dispose();
            throw;
        }
        if (requested is null)
        {
            c.Console.WriteLine(SessionFactory.ChoiceLine(opened.Choice, side));
        }
        return opened;
    }

    private static void Describe(BenchContext c, IInferenceSession session, PreparedRun run, string label, InputFiles.Loaded? files)
    {
        c.Console.WriteLine($"{label}: {c.Path} on {session.Backend.Name()} ({session.Device})");
        foreach ((string name, long[] shape) in run.InputShapes)
        {
            string from = files?.Sources.GetValueOrDefault(name) is { } source ? $"from {source}" : $"random (seed {c.Seed})";
            c.Console.WriteLine($"  input {name}: [{string.Join(", ", shape)}], {from}");
        }
    }

    /// <summary>The --data sample for <paramref name="session"/> (read by the reader every command shares), or null.</summary>
    private static InputFiles.Loaded? Inputs(BenchContext c, IInferenceSession session) =>
        c.Data is null ? null : InputFiles.Load(session.Inputs, [], c.Data);

    /// <summary>Binds <paramref name="session"/> with the --data sample, or seeded random inputs.</summary>
    private static PreparedRun Prepare(BenchContext c, IInferenceSession session, out InputFiles.Loaded? files)
    {
        files = Inputs(c, session);
        return PreparedRun.Create(session, c.Shapes, c.Seed, files?.Tensors);
    }

    private static string Measuring(BenchmarkSettings s) =>
        $"warm-up {s.WarmUp.TotalMilliseconds:0} ms, then " + (s.Iterations is { } n ? $"{n} iterations" : $"{s.Duration.TotalSeconds:0.###} s");

    private static void RunSingle(BenchContext c, string? exportPath)
    {
        OpenedSession opened = Open(c, c.Path, c.Backend);
        if (opened.Session is TensorRtContext first)
        {
            RunTensorRt(c, first, opened.Choice, exportPath);
            return;
        }
        using var owned = opened;
        IInferenceSession session = opened.Session;
        using PreparedRun run = Prepare(c, session, out InputFiles.Loaded? files);
        Describe(c, session, run, "A", files);
        c.Console.WriteLine(Measuring(c.Settings));
        LatencyReport report = LatencyBenchmark.Measure(run.Run, c.Settings, c.CancellationToken);
        BenchRenderer.Latencies(c.Console, [(Path.GetFileName(c.Path), report)]);
        if (exportPath is not null)
        {
            LatencyExport.Write(exportPath, c.Path, session.Backend, report, opened.Choice);
            c.Console.WriteLine($"times written to {exportPath}");
        }
    }

    /// <summary>
    /// TensorRT: one context per stream, each timed on its own thread; per run the CUDA-event phases (H2D, compute, D2H)
    /// and the host enqueue time are recorded, trtexec style.
    /// </summary>
    private static void RunTensorRt(BenchContext c, TensorRtContext first, BackendChoice choice, string? exportPath)
    {
        var contexts = new List<TensorRtContext> { first };
        var runs = new List<PreparedRun>();
        try
        {
            for (int i = 0; i < c.Gpu.StreamCount; i++)
            {
                TensorRtContext context = i == 0 ? first : (TensorRtContext)SessionFactory.Open(c.Path, InferenceBackend.TensorRt, c.Configure).Session;
                if (i > 0)
                {
                    contexts.Add(context);
                }
                context.UseCudaGraph = c.Gpu.CudaGraph;
                runs.Add(Prepare(c, context, out _));
            }
            Describe(c, contexts[0], runs[0], "A", Inputs(c, contexts[0]));
            c.Console.WriteLine($"{Measuring(c.Settings)} on {c.Gpu.StreamCount} stream(s){(c.Gpu.CudaGraph ? ", CUDA graph replay" : "")}{(c.Gpu.NoTransfers ? ", no host/device transfers" : "")}");
            var phases = runs.Select(_ => new List<TensorRtPhases>()).ToArray();
            var timed = runs.Select((run, i) =>
            {
                var binding = (TensorRtBinding)run.Binding;
                binding.RecordPhases = true;
                binding.SkipTransfers = c.Gpu.NoTransfers;
                var list = phases[i];
                return (Action)(() =>
                {
                    binding.Run();
                    list.Add(binding.LastPhases);
                });
            }).ToArray();
            var clock = System.Diagnostics.Stopwatch.StartNew();
            var reports = timed.Select(run => Task.Run(() => LatencyBenchmark.Measure(run, c.Settings, c.CancellationToken))).ToArray();
            Task.WaitAll(reports, c.CancellationToken);
            double wall = clock.Elapsed.TotalSeconds;
            BenchRenderer.Latencies(c.Console, reports.Select((r, i) => ($"stream {i}", r.Result)).ToList());
            BenchRenderer.Phases(c.Console, phases.SelectMany(p => p).ToList());
            if (c.Gpu.StreamCount > 1)
            {
                c.Console.WriteLine($"all streams: {Numbers.F(reports.Sum(r => r.Result.Iterations) / wall, 1)} qps over {Numbers.F(wall)} s");
            }
            if (exportPath is not null)
            {
                LatencyExport.Write(exportPath, c.Path, InferenceBackend.TensorRt, reports[0].Result, choice);
                c.Console.WriteLine($"times of stream 0 written to {exportPath}");
            }
        }
        finally
        {
            foreach (var run in runs)
            {
                run.Dispose();
            }
            foreach (var context in contexts)
            {
                context.Dispose();
            }
        }
    }

    private static void RunInterleaved(BenchContext c, string otherPath, InferenceBackend? otherBackend, string? exportPath)
    {
        using OpenedSession openedA = Open(c, c.Path, c.Backend, "A");
        using OpenedSession openedB = Open(c, otherPath, otherBackend, "B");
        IInferenceSession a = openedA.Session, b = openedB.Session;
        using PreparedRun runA = Prepare(c, a, out InputFiles.Loaded? filesA);
        using PreparedRun runB = Prepare(c, b, out InputFiles.Loaded? filesB);
        Describe(c, a, runA, "A", filesA);
        Describe(c with { Path = otherPath }, b, runB, "B", filesB);
        c.Console.WriteLine($"{Measuring(c.Settings)}, interleaved A B A B");
        InterleavedReport report = LatencyBenchmark.MeasureInterleaved(runA.Run, runB.Run, c.Settings, c.CancellationToken);
        BenchRenderer.Latencies(c.Console, [($"A {Path.GetFileName(c.Path)}", report.A), ($"B {Path.GetFileName(otherPath)}", report.B)]);
        BenchRenderer.Ratio(c.Console, report);
        if (exportPath is not null)
        {
            LatencyExport.Write(exportPath, c.Path, a.Backend, report.A, openedA.Choice);
            c.Console.WriteLine($"times of A written to {exportPath}");
        }
    }

    private static void RunMatrix(BenchContext c, string? int8Path, string? fp16Path, string? plotPath)
    {
        foreach (string? given in new[] { int8Path, fp16Path })
        {
            if (given is not null && !File.Exists(given))
            {
                throw new FileNotFoundException($"file not found: {given}", given);
            }
        }
        if (c.Backend == InferenceBackend.TensorRt || InferenceSessionFactory.IsPlan(c.Path))
        {
            throw new ArgumentException("--matrix starts from the FP32 ONNX model (ORT CPU FP32 is the 1x baseline); give the .onnx file");
        }
        IReadOnlyList<MatrixVariant> variants = MatrixVariant.Discover(c.Path, int8Path, fp16Path, InferenceSessionFactory.TensorRtUnavailableReason());
        c.Console.WriteLine($"matrix for {c.Path}: {Measuring(c.Settings)} per engine, round-robin");
        IReadOnlyList<MatrixRow> rows = BenchmarkMatrix.Run(variants, v => SessionFactory.Open(v.ModelPath!, v.Backend, c.Configure).Session,
            c.Shapes, c.Seed, c.Settings, c.CancellationToken);
        BenchRenderer.Matrix(c.Console, rows);
        if (plotPath is not null)
        {
            var ran = rows.Where(r => r.Report is not null).ToList();
            Plots.Bars(plotPath, $"speedup over ORT CPU FP32: {Path.GetFileName(c.Path)}", ran.Select(r => r.Variant.Label).ToList(),
                ran.Select(r => r.Speedup).ToList(), "speedup (x)", referenceLine: 1);
            c.Console.WriteLine($"chart written to {plotPath}");
        }
    }
}
