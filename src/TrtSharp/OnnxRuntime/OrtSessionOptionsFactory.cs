using Microsoft.ML.OnnxRuntime;

namespace TrtSharp.OnnxRuntime;

/// <summary>Translates <see cref="OnnxRuntimeOptions"/> into ONNX Runtime's <see cref="SessionOptions"/>.</summary>
internal static class OrtSessionOptionsFactory
{
    /// <summary>ONNX Runtime's session options for <paramref name="options"/> (threads, optimization, optimized-model output, external-data folder).</summary>
    public static SessionOptions Create(OnnxRuntimeOptions options, string? path, bool fromBytes, string? optimizedModelPath)
    {
        var so = new SessionOptions();
        try
        {
            so.LogSeverityLevel = (OrtLoggingLevel)(int)options.LogSeverity;
            so.GraphOptimizationLevel = options.GraphOptimization switch
            {
                OnnxRuntimeGraphOptimization.Disabled => GraphOptimizationLevel.ORT_DISABLE_ALL,
                OnnxRuntimeGraphOptimization.Basic => GraphOptimizationLevel.ORT_ENABLE_BASIC,
                OnnxRuntimeGraphOptimization.Extended => GraphOptimizationLevel.ORT_ENABLE_EXTENDED,
                _ => GraphOptimizationLevel.ORT_ENABLE_ALL,
            };
            if (options.UseGlobalThreadPool)
            {
                so.DisablePerSessionThreads();
            }
            else
            {
                so.IntraOpNumThreads = options.IntraOpThreads;
                so.InterOpNumThreads = options.InterOpThreads;
                if (options.AllowSpinning is bool spin)
                {
                    so.AddSessionConfigEntry("session.intra_op.allow_spinning", spin ? "1" : "0");
                    so.AddSessionConfigEntry("session.inter_op.allow_spinning", spin ? "1" : "0");
                }
            }
            if (optimizedModelPath is not null)
            {
                so.OptimizedModelFilePath = optimizedModelPath;
            }
            if (fromBytes && path is not null)
            {
                // A file edited in memory (taps) still finds its external-data files next to the original.
                string folder = Path.GetDirectoryName(Path.GetFullPath(path)) ?? ".";
                so.AddSessionConfigEntry("session.model_external_initializers_file_folder_path", folder);
            }
            return so;
        }
        catch
        {
            so.Dispose();
            throw;
        }
    }
}
