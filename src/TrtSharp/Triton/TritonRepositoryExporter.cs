using TrtSharp.Errors;
using TrtSharp.IO;
using TrtSharp.Onnx;
using TrtSharp.TensorRT;

namespace TrtSharp.Triton;

/// <summary>
/// Writes one model into a Triton Inference Server model repository: <c>repo/name/config.pbtxt</c> and
/// <c>repo/name/VERSION/model.plan</c> (platform <c>tensorrt_plan</c>) or <c>model.onnx</c> (<c>onnxruntime_onnx</c>).
/// The model folder is assembled beside its final place and moved in, so a failed export leaves nothing behind.
/// </summary>
public static class TritonRepositoryExporter
{
    /// <summary>Exports <paramref name="modelPath"/> (an ONNX model, or a TensorRT plan by its .plan/.engine extension).</summary>
    /// <exception cref="ArgumentException">Bad options, or options the model contradicts.</exception>
    /// <exception cref="ModelFormatException">The model cannot be read, or the version folder already holds a model.</exception>
    /// <exception cref="BackendUnavailableException">A plan's inputs cannot be read here (no TensorRT and no source model).</exception>
    public static TritonExportResult Export(string modelPath, string repositoryPath, TritonExportOptions options)
    {
        ArgumentException.ThrowIfNullOrEmpty(modelPath);
        ArgumentException.ThrowIfNullOrEmpty(repositoryPath);
        TritonModelConfig.Validate(options);
        if (Directory.Exists(modelPath))
        {
            throw new ModelFormatException(modelPath, "is a directory, not a model file");
        }
        if (!File.Exists(modelPath))
        {
            throw new ModelFormatException(modelPath, "file not found");
        }

        string modelDir = Path.Combine(Path.GetFullPath(repositoryPath), options.Name);
        string versionName = options.Version.ToString(System.Globalization.CultureInfo.InvariantCulture);
        bool isPlan = Path.GetExtension(modelPath).ToLowerInvariant() is ".plan" or ".engine";
        string fileName = isPlan ? "model.plan" : "model.onnx";
        string finalModelFile = Path.Combine(modelDir, versionName, fileName);
        if (!options.Overwrite && File.Exists(finalModelFile))
        {
            throw new ModelFormatException(finalModelFile, "already exists (pass --force to replace it, or --version for a new version)");
        }

        var notes = new List<string>();
        (IReadOnlyList<TritonTensor> inputs, IReadOnlyList<TritonTensor> outputs, OnnxModel? onnx) = isPlan
            ? ReadPlanTensors(modelPath, options.SourceModelPath, notes)
            : ReadOnnxTensors(modelPath);
        string platform = isPlan ? TritonModelConfig.TensorRtPlatform : TritonModelConfig.OnnxRuntimePlatform;
        var (config, configNotes) = TritonModelConfig.Build(platform, inputs, outputs, options);
        notes.AddRange(configNotes);
        string text = ProtoTextWriter.Print(config);

        Directory.CreateDirectory(Path.GetDirectoryName(modelDir)!);
        string staging = Path.Combine(Path.GetDirectoryName(modelDir)!, $".{options.Name}.{Guid.NewGuid():N}.tmp");
        try
        {
            string stagedVersion = Path.Combine(staging, versionName);
            Directory.CreateDirectory(stagedVersion);
            if (onnx is not null)
            {
                // Saved, not copied: external weights are inlined or rewritten beside the new file, never left pointing at the source folder.
                onnx.Save(Path.Combine(stagedVersion, fileName));
            }
            else
            {
                File.Copy(modelPath, Path.Combine(stagedVersion, fileName));
                if (File.Exists(PlanManifest.PathFor(modelPath)))
                {
                    File.Copy(PlanManifest.PathFor(modelPath), PlanManifest.PathFor(Path.Combine(stagedVersion, fileName)));
                }
            }
            AtomicFile.WriteAllText(Path.Combine(staging, "config.pbtxt"), text);
            MoveIn(staging, modelDir, options.Overwrite);
        }
        finally
        {
            if (Directory.Exists(staging))
            {
                Directory.Delete(staging, recursive: true);
            }
        }
        return new TritonExportResult(modelDir, Path.Combine(modelDir, "config.pbtxt"), finalModelFile, platform, text, notes);
    }

    /// <summary>Moves the staged folder into place: whole when the model folder is new, else file by file (each rename atomic).</summary>
    private static void MoveIn(string staging, string modelDir, bool overwrite)
    {
        if (!Directory.Exists(modelDir))
        {
            Directory.Move(staging, modelDir);
            return;
        }
        // config.pbtxt is shared by every version folder: a new version must not silently retype the ones already there.
        string config = Path.Combine(modelDir, "config.pbtxt");
        if (!overwrite && File.Exists(config) && File.ReadAllText(config) != File.ReadAllText(Path.Combine(staging, "config.pbtxt")))
        {
            throw new ModelFormatException(config, "already describes this model differently (another platform, batch or tensors); its other versions would no longer match it — pass --force to replace it, or export under another --name");
        }
        // Model files first, config last: Triton never sees a new config next to an old model.
        foreach (string file in Directory.EnumerateFiles(staging, "*", SearchOption.AllDirectories).OrderBy(f => Path.GetFileName(f) == "config.pbtxt"))
        {
            string target = Path.Combine(modelDir, Path.GetRelativePath(staging, file));
            Directory.CreateDirectory(Path.GetDirectoryName(target)!);
            File.Move(file, target, overwrite: true);
        }
    }

    private static (IReadOnlyList<TritonTensor>, IReadOnlyList<TritonTensor>, OnnxModel?) ReadOnnxTensors(string path)
    {
        OnnxModel model = OnnxModel.Load(path);
        return (Describe(model.Graph.Inputs, path), Describe(model.Graph.Outputs, path), model);
    }

    private static List<TritonTensor> Describe(IEnumerable<OnnxValueInfo> values, string path) =>
        [.. values.Select(v => v.IsTensor
            ? new TritonTensor(v.ToDescriptor())
            : throw new UnsupportedDataTypeException($"{path}: '{v.Name}' is not a tensor ({v}); Triton's model configuration describes tensors only"))];

    private static (IReadOnlyList<TritonTensor>, IReadOnlyList<TritonTensor>, OnnxModel?) ReadPlanTensors(string planPath, string? sourceModel, List<string> notes)
    {
        if (TensorRtRuntime.IsAvailable)
        {
            using Engine engine = Engine.Load(planPath);
            notes.Add("inputs and outputs read from the engine");
            return ([.. engine.Inputs.Select(FromEngine)], [.. engine.Outputs.Select(FromEngine)], null);
        }
        if (sourceModel is null)
        {
            // The first line of the reason only: the full one lists every library path tried.
            string why = (TensorRtRuntime.UnavailableReason ?? "").Split('\n')[0].TrimEnd(' ', ':');
            throw new BackendUnavailableException(
                $"{planPath}: reading a plan's inputs and outputs needs TensorRT ({why}); pass the ONNX model it was built from (--onnx)");
        }
        if (File.Exists(PlanManifest.PathFor(planPath)))
        {
            PlanManifest manifest = PlanManifest.Load(planPath);
            string sha = PlanManifest.Sha256OfFile(sourceModel);
            if (!string.Equals(sha, manifest.ModelSha256, StringComparison.OrdinalIgnoreCase))
            {
                throw new ModelFormatException(sourceModel, $"is not the model {planPath} was built from (SHA-256 differs from its manifest)");
            }
            notes.Add($"inputs and outputs read from {Path.GetFileName(sourceModel)}, the model the plan was built from (SHA-256 matches the manifest)");
        }
        else
        {
            notes.Add($"inputs and outputs read from {Path.GetFileName(sourceModel)}; the plan has no manifest to check it against");
        }
        var (inputs, outputs, _) = ReadOnnxTensors(sourceModel);
        return (inputs, outputs, null);
    }

    private static TritonTensor FromEngine(EngineTensor tensor)
    {
        // Triton runs an instance on the engine's first profile unless instance_group names others: its limit is the batch.
        long? maxLeading = tensor.Profiles.Count > 0 && tensor.Shape.Length > 0 && tensor.Shape[0] < 0
            ? tensor.Profiles[0].Max[0]
            : null;
        return new TritonTensor(tensor.Descriptor, IsShapeTensor: tensor.IsShapeInferenceIO && tensor.OnHost, MaxLeadingDimension: maxLeading);
    }
}
