using TrtSharp.Calibration.Datasets;
using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using TrtSharp.Cli.Infrastructure;
using TrtSharp.Errors;
using TrtSharp.TensorRT;

namespace TrtSharp.Cli.Commands;

/// <summary><c>trtsharp build &lt;model.onnx&gt; -o model.plan</c>: builds a TensorRT engine and writes it with its manifest.</summary>
internal static class BuildCommand
{
    public static Command Create()
    {
        var model = new Argument<string>("model") { Description = "An ONNX model (.onnx)." };
        var output = new Option<string>("--output", "-o") { Description = "The plan to write (its manifest goes to <plan>.json).", Required = true };
        var shapes = new Option<string?>("--shapes") { Description = "Optimization profile for dynamic inputs: name:min/opt/max[,…], e.g. input:1x76x32x1/8x76x32x1/32x76x32x1." };
        var workspace = new Option<string?>("--workspace") { Description = "Workspace memory limit, e.g. 512MiB or 1GiB." };
        var timingCache = new Option<string?>("--timing-cache") { Description = "Timing cache file: reused when it exists, updated after the build." };
        var optLevel = new Option<int?>("--opt-level") { Description = "Builder optimization level 0–5 (TensorRT default 3)." };
        var fp16 = new Option<bool>("--fp16") { Description = "TensorRT 10 only: allow FP16 kernels." };
        var int8 = new Option<bool>("--int8") { Description = "TensorRT 10 only: allow INT8 kernels (legacy calibration; use --calib-cache)." };
        var calibCache = new Option<string?>("--calib-cache") { Description = "TensorRT 10 only: legacy INT8 calibration cache file." };
        var calibData = new Option<string[]>("--calib-data") { Description = "TensorRT 10 only, with --int8: calibrate from .npy/.npz/.pb files or folders (repeatable); batches of the first batch's shape.", AllowMultipleArgumentsPerToken = true };
        var calibSpeech = new Option<string?>("--calib-speech") { Description = "TensorRT 10 only, with --int8: calibrate a speech-embedding model from a manifest.csv's 'calib' clips (8 windows per batch)." };
        var versionCompatible = new Option<bool>("--version-compatible") { Description = "Build a plan that later TensorRT versions can run." };
        var hardwareCompat = new Option<string?>("--hardware-compat") { Description = "none, ampere+ or same-compute-capability." };
        var command = new Command("build", "Build a TensorRT engine (.plan) from an ONNX model, with a manifest of what it was built for.")
        {
            model, output, shapes, workspace, timingCache, optLevel, fp16, int8, calibCache, calibData, calibSpeech, versionCompatible, hardwareCompat,
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
                HardwareCompatibility = parse.GetValue(hardwareCompat) is { } h ? BuilderOptions.ParseHardwareCompatibility(h) : HardwareCompatibility.None,
            };
            string[] data = parse.GetValue(calibData) ?? [];
            string? speech = parse.GetValue(calibSpeech);
            if ((data.Length > 0 || speech is not null) && !options.Int8)
            {
                throw new ArgumentException("--calib-data and --calib-speech feed the legacy INT8 calibrator: add --int8 (TensorRT 10), or quantize to Q/DQ with 'trtsharp quantize'");
            }
            if (!File.Exists(path))
            {
                throw new ModelFormatException(path, "file not found");
            }
            if (parse.GetValue(shapes) is { } profileText)
            {
                options.WithProfiles(profileText);
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
            using var normalized = NormalizedModelFile.For(path);
            using var engine = EngineBuilder.Build(normalized.Path, options);
            var manifest = engine.Save(plan, PlanManifest.Sha256OfFile(path), options);
            var console = parse.InvocationConfiguration.Output;
            console.WriteLine($"built {plan} in {clock.Elapsed.TotalSeconds:F1} s: TensorRT {manifest.TensorRtVersion}, {manifest.GpuName} (compute {manifest.ComputeCapability})");
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
