using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using TrtSharp.Cli.Infrastructure;
using TrtSharp.Datasets;
using TrtSharp.Errors;
using TrtSharp.IO;
using TrtSharp.Onnx;
using TrtSharp.Quantization.Calibration;
using TrtSharp.TensorRT;
using TrtSharp.Tools.Speech;

namespace TrtSharp.Cli.Commands;

/// <summary><c>trtsharp build &lt;model.onnx&gt; -o model.plan</c>: builds a TensorRT engine and writes it with its manifest.</summary>
internal static class BuildCommand
{
    public static Command Create()
    {
        var model = new Argument<string>("model") { Description = "An ONNX model (.onnx)." };
        var output = new Option<string>("--output", "-o") { Description = "The plan to write (its manifest goes to <plan>.json).", Required = true };
        var shapes = new Option<string?>("--shapes") { Description = "Optimization profile for dynamic inputs: name:min/opt/max[,…], e.g. input:1x76x32x1/8x76x32x1/32x76x32x1." };
        var shapeValues = new Option<string?>("--shape-values") { Description = "Values of shape-tensor inputs (e.g. Reshape's shape as a graph input): name:min/opt/max[,…], values separated by x, e.g. shape:1x-1/2x-1/4x-1." };
        var noTf32 = new Option<bool>("--no-tf32") { Description = "Keep FP32 math in full FP32 (TensorRT uses TF32 tensor cores by default, ~1e-3 relative error)." };
        var workspace = new Option<string?>("--workspace") { Description = "Workspace memory limit, e.g. 512MiB or 1GiB." };
        var timingCache = new Option<string?>("--timing-cache") { Description = "Timing cache file: reused when it exists, updated after the build." };
        var optLevel = new Option<int?>("--opt-level") { Description = "Builder optimization level 0–5 (TensorRT default 3)." };
        var fp16 = new Option<bool>("--fp16") { Description = "TensorRT 10 only: allow FP16 kernels." };
        var int8 = new Option<bool>("--int8") { Description = "TensorRT 10 only: allow INT8 kernels (legacy calibration; use --calib-cache)." };
        var calibCache = new Option<string?>("--calib-cache") { Description = "TensorRT 10 only: legacy INT8 calibration cache file." };
        var calibData = new Option<string[]>("--calib-data") { Description = "TensorRT 10 only, with --int8: calibrate from tensor files in quantize --data's layouts (repeatable); batches of the first batch's shape.", AllowMultipleArgumentsPerToken = true };
        var calibSpeech = new Option<string?>("--calib-speech") { Description = "TensorRT 10 only, with --int8: calibrate a speech-embedding model from a manifest.csv's 'calib' clips (8 windows per batch)." };
        var versionCompatible = new Option<bool>("--version-compatible") { Description = "Build a plan that later TensorRT versions can run." };
        var hardwareCompat = new Option<string?>("--hardware-compat") { Description = "none, ampere+ or same-compute-capability." };
        var cacheDir = new Option<string?>("--cache-dir") { Description = "Engine cache folder: a plan built before from the same model, options, TensorRT version and GPU is reused; a new one is stored." };
        var cacheMaxSize = new Option<string?>("--cache-max-size") { Description = "With --cache-dir: evict least recently used engines beyond this size, e.g. 20GiB." };
        var command = new Command("build", "Build a TensorRT engine (.plan) from an ONNX model, with a manifest of what it was built for.")
        {
            model, output, shapes, shapeValues, noTf32, workspace, timingCache, optLevel, fp16, int8, calibCache, calibData, calibSpeech, versionCompatible, hardwareCompat,
            cacheDir, cacheMaxSize,
        };
        CommandRunner.SetAction(command, (parse, cancellationToken) =>
        {
            string path = parse.GetRequiredValue(model);
            string plan = parse.GetRequiredValue(output);
            var options = new BuilderOptions
            {
                WorkspaceBytes = parse.GetValue(workspace) is { } w ? ParseBytes(w) : null,
                TimingCachePath = parse.GetValue(timingCache),
                OptimizationLevel = parse.GetValue(optLevel),
                Fp16 = parse.GetValue(fp16),
                Int8 = parse.GetValue(int8),
                VersionCompatible = parse.GetValue(versionCompatible),
                Tf32 = !parse.GetValue(noTf32),
                HardwareCompatibility = parse.GetValue(hardwareCompat) is { } h ? BuilderOptions.ParseHardwareCompatibility(h) : HardwareCompatibility.None,
            };
            string? cacheFolder = parse.GetValue(cacheDir);
            ulong cacheLimit = parse.GetValue(cacheMaxSize) is { } limitText ? ParseBytes(limitText) : 0;
            if (cacheFolder is null && cacheLimit > 0)
            {
                throw new ArgumentException("--cache-max-size needs --cache-dir");
            }
            string[] data = parse.GetValue(calibData) ?? [];
            string? speech = parse.GetValue(calibSpeech);
            if ((data.Length > 0 || speech is not null) && !options.Int8)
            {
                throw new ArgumentException("--calib-data and --calib-speech feed the legacy INT8 calibrator: add --int8 (TensorRT 10), or quantize to Q/DQ with 'trtsharp quantize'");
            }
            ExistingFile.Require(path);
            // Bad files are named before TensorRT is asked for anything (or found missing).
            OnnxModel.Load(path);
            if (parse.GetValue(calibCache) is { } cacheToCheck && File.Exists(cacheToCheck))
            {
                CalibrationCache.Read(cacheToCheck);
            }
            if (parse.GetValue(shapes) is { } profileText)
            {
                options.WithProfiles(profileText);
            }
            if (parse.GetValue(shapeValues) is { } valuesText)
            {
                options.WithShapeValues(valuesText);
            }
            // TensorRT calibrates at the profile's opt shape: speech windows are batched to its batch dimension.
            int speechBatch = options.Profiles.Count == 1 && options.Profiles.Values.First().Opt is [> 0 and var optBatch, ..]
                ? (int)optBatch : SpeechWindowDataset.DefaultBatchSize;
            using var calibration = data.Length > 0 || speech is not null
                ? QuantizeData.Open(path, data, speech, null, [], speechBatch, needCalibration: true, cancellationToken)
                : null;
            using var source = calibration?.Calibration is { } dataset ? new DatasetCalibrationSource(dataset, parse.GetValue(calibCache)) : null;
            if (source is not null)
            {
                options.Calibrator = source;
            }
            else if (parse.GetValue(calibCache) is { } cache)
            {
                options.Calibrator = new CalibrationCacheSource(cache);
            }
            var clock = Stopwatch.StartNew();
            bool cacheHit = false;
            // TensorRT parses a normalized copy (Constant weights hoisted, old opsets converted); the manifest names the original.
            using var normalized = NormalizedModelFile.For(path);
            if (cacheFolder is not null)
            {
                string stored = new EngineCache(cacheFolder, checked((long)cacheLimit)).GetOrBuildPlan(normalized.Path, options, out cacheHit);
                AtomicFile.WriteAllBytes(PlanManifest.PathFor(plan), File.ReadAllBytes(PlanManifest.PathFor(stored)));
                AtomicFile.WriteAllBytes(plan, File.ReadAllBytes(stored));
            }
            using var engine = cacheFolder is not null ? Engine.Load(plan) : EngineBuilder.Build(normalized.Path, options);
            var manifest = cacheFolder is not null ? PlanManifest.Load(plan) : engine.Save(plan, PlanManifest.Sha256OfFile(path), options);
            var console = parse.InvocationConfiguration.Output;
            string how = cacheFolder is null ? "built" : cacheHit ? "loaded from the engine cache" : "built (stored in the engine cache)";
            console.WriteLine($"{how} {plan} in {clock.Elapsed.TotalSeconds:F1} s: TensorRT {manifest.TensorRtVersion}, {manifest.GpuName} (compute {manifest.ComputeCapability})");
            foreach (var t in engine.Tensors)
            {
                console.WriteLine($"  {(t.IsInput ? "input " : "output")} {t.Descriptor}");
            }
            console.WriteLine($"manifest: {PlanManifest.PathFor(plan)}");
            if (source is not null)
            {
                console.WriteLine($"INT8 calibration: {source.BatchesServed} batches from {calibration!.Calibration!.Description}" +
                    (source.SkippedBatches > 0 ? $" ({source.SkippedBatches} of another shape skipped)" : ""));
            }
            return Task.FromResult(0);
        });
        return command;
    }

    /// <summary>Parses "1GiB", "512MiB", "64KiB", "1GB" or a plain byte count.</summary>
    internal static ulong ParseBytes(string text)
    {
        string t = text.Trim();
        (string Suffix, ulong Factor)[] units =
        [
            ("GiB", 1UL << 30), ("MiB", 1UL << 20), ("KiB", 1UL << 10),
            ("GB", 1_000_000_000UL), ("MB", 1_000_000UL), ("KB", 1_000UL), ("B", 1UL),
        ];
        foreach (var (suffix, factor) in units)
        {
            if (t.EndsWith(suffix, StringComparison.OrdinalIgnoreCase))
            {
                t = t[..^suffix.Length].Trim();
                return double.TryParse(t, NumberStyles.Float, CultureInfo.InvariantCulture, out double v) && v >= 0
                    ? checked((ulong)(v * factor))
                    : throw new FormatException($"'{text}': expected a size such as 1GiB or 512MiB");
            }
        }
        return ulong.TryParse(t, NumberStyles.None, CultureInfo.InvariantCulture, out ulong bytes)
            ? bytes
            : throw new FormatException($"'{text}': expected a size such as 1GiB or 512MiB");
    }
}
