using TrtSharp.Cli.Infrastructure;
using TrtSharp.Datasets;
using TrtSharp.Errors;
using TrtSharp.Inference;
using TrtSharp.Onnx;
using TrtSharp.OnnxRuntime;
using TrtSharp.Tensors;
using TrtSharp.Tools.Models;
using TrtSharp.Tools.Speech;

namespace TrtSharp.Cli.Commands;

/// <summary>The calibration and held-out datasets a quantize run reads, and the sessions they need (the mel model for speech).</summary>
internal sealed class QuantizeData : IDisposable
{
    private readonly OnnxRuntimeSession? _mel;

    private QuantizeData(ICalibrationDataset? calibration, ICalibrationDataset? holdout, OnnxRuntimeSession? mel)
    {
        Calibration = calibration;
        Holdout = holdout;
        _mel = mel;
    }

    public ICalibrationDataset? Calibration { get; }

    public ICalibrationDataset? Holdout { get; }

    public static QuantizeData Open(string modelPath, string[] data, string? speechManifest, string? melPath, string[] holdout, int batchSize, bool needCalibration, CancellationToken cancellationToken)
    {
        IReadOnlyList<TensorDescriptor> inputs;
        // Normalized like every model a command loads, so an opset ONNX Runtime no longer runs as shipped still opens.
        using (var probe = SessionFactory.Open(modelPath, InferenceBackend.OnnxRuntime))
        {
            inputs = probe.Session.Inputs;
        }
        return Open(modelPath, inputs, data, speechManifest, melPath, holdout, batchSize, needCalibration, cancellationToken);
    }

    /// <summary>
    /// As the path overload, for a model the command has loaded and normalized already: it is not read again. Held-out
    /// files are also run once here (<see cref="CheckHeldOutRuns"/>).
    /// </summary>
    public static QuantizeData Open(OnnxModel normalized, string modelPath, string[] data, string? speechManifest, string? melPath, string[] holdout, int batchSize, bool needCalibration, CancellationToken cancellationToken)
    {
        var options = new InferenceSessionOptions { Backend = InferenceBackend.OnnxRuntime, OnnxRuntime = new OnnxRuntimeOptions { LogSeverity = SessionFactory.LogSeverity } };
        using var probe = InferenceSessionFactory.Open(normalized, options);
        var opened = Open(modelPath, probe.Session.Inputs, data, speechManifest, melPath, holdout, batchSize, needCalibration, cancellationToken);
        try
        {
            CheckHeldOutRuns(probe.Session, opened.Holdout as TensorFileDataset);
            return opened;
        }
        catch
        {
            opened.Dispose();
            throw;
        }
    }

    /// <summary>
    /// Runs the first held-out sample through the float32 model. Its shape was checked against the model's inputs, but a
    /// dynamic dimension can still take a size the layers cannot (a detector whose height must be a multiple of 32), and
    /// validation would only meet it after calibration.
    /// </summary>
    private static void CheckHeldOutRuns(IInferenceSession session, TensorFileDataset? heldOut)
    {
        if (heldOut is null)
        {
            return;
        }
        try
        {
            session.Run(heldOut.Batches().First());
        }
        catch (OnnxRuntimeFailureException e)
        {
            throw new ModelFormatException(heldOut.FirstSampleName,
                $"the model cannot run this held-out sample (--holdout), so validation against FP32 would fail: {e.Message}", e);
        }
    }

    private static QuantizeData Open(string modelPath, IReadOnlyList<TensorDescriptor> inputs, string[] data, string? speechManifest, string? melPath, string[] holdout, int batchSize, bool needCalibration, CancellationToken cancellationToken)
    {
        if (speechManifest is not null)
        {
            if (data.Length > 0)
            {
                throw new ArgumentException("give either --data or --speech, not both");
            }
            if (inputs.Count != 1)
            {
                throw new ArgumentException($"--speech feeds one input (mel windows); {modelPath} has {inputs.Count}");
            }
            var clips = SpeechClipManifest.Read(speechManifest);
            string melModel = melPath ?? DefaultModels.EnsureInstalled(cancellationToken: cancellationToken).Melspectrogram;
            var mel = OnnxRuntimeSession.FromFile(melModel, new OnnxRuntimeOptions { IntraOpThreads = 1, LogSeverity = SessionFactory.LogSeverity });
            try
            {
                var calib = clips.Where(c => !c.IsHoldout).ToList();
                var held = clips.Where(c => c.IsHoldout).ToList();
                ICalibrationDataset? heldOut = holdout.Length > 0 ? new TensorFileDataset(holdout, inputs)
                    : held.Count > 0 ? new SpeechWindowDataset(held, mel, inputs[0].Name, batchSize) : null;
                return new QuantizeData(new SpeechWindowDataset(calib, mel, inputs[0].Name, batchSize), heldOut, mel);
            }
            catch
            {
                mel.Dispose();
                throw;
            }
        }
        if (data.Length == 0 && needCalibration)
        {
            throw new ArgumentException("no calibration data: give --data <files or folders>, --speech <manifest.csv>, or --from-cache <cache>");
        }
        return new QuantizeData(
            data.Length > 0 ? new TensorFileDataset(data, inputs) : null,
            holdout.Length > 0 ? new TensorFileDataset(holdout, inputs) : null,
            null);
    }

    public void Dispose() => _mel?.Dispose();
}
