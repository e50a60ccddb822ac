// OrtGpuCheck: run by `dotnet cake --target=OrtGpuCheck`, which copies this file into a temporary console app that
// references Microsoft.ML.OnnxRuntime.Gpu.Linux (instead of the CPU package) and TrtSharp. It asks for the TensorRT and
// CUDA execution providers on a machine without CUDA 13 and checks that each fallback reason names the library that is
// missing and the package to install, where ONNX Runtime itself says only "Failed to load shared library".
using System.Text.RegularExpressions;
using TrtSharp.Inference;
using TrtSharp.Onnx;
using TrtSharp.OnnxRuntime;

// A one-Relu model from the ONNX backend test data (Debian's libonnx-testdata), path given by the cake target.
if (args.Length != 1 || !File.Exists(args[0]))
{
    Console.WriteLine($"usage: OrtGpuCheck <model.onnx> (got: {string.Join(' ', args)})");
    return 2;
}
var model = OnnxModel.Load(args[0]);

var options = new InferenceSessionOptions { Backend = InferenceBackend.OnnxRuntime };
options.OnnxRuntime.ExecutionProviders.Add(new TensorRtProviderOptions());
options.OnnxRuntime.ExecutionProviders.Add(new CudaProviderOptions());
options.OnnxRuntime.ExecutionProviders.Add(new CpuProviderOptions());
using OpenedSession opened = InferenceSessionFactory.Open(model, options);
var session = (OnnxRuntimeSession)opened.Session;
Console.WriteLine($"choice: {opened.Choice}");
if (session.ActiveProviders[0] != "CPUExecutionProvider")
{
    Console.WriteLine($"a GPU provider is usable here ({session.ActiveProviders[0]}): nothing to explain, nothing checked");
    return 0;
}

int failures = 0;
foreach (var (provider, library) in new[] { ("CUDAExecutionProvider", @"libcublas(Lt)?\.so\.13"), ("TensorrtExecutionProvider", @"lib(nvinfer|nvonnxparser|cublas(Lt)?|cudart|curand)\.so\.\d+") })
{
    string? reason = session.ProviderFallbacks.FirstOrDefault(f => f.ProviderName == provider)?.Reason;
    Console.WriteLine($"{provider}: {reason ?? "(no fallback recorded)"}");
    bool namesLibrary = reason is not null && Regex.IsMatch(reason, library + ": cannot open shared object file");
    bool namesPackage = reason is not null && reason.Contains(" — install ", StringComparison.Ordinal) && !reason.Contains("install the CUDA libraries", StringComparison.Ordinal);
    if (!namesLibrary || !namesPackage)
    {
        Console.WriteLine($"FAIL: the {provider} reason should name the missing library ({library}) and the package to install");
        failures++;
    }
}
Console.WriteLine(failures == 0 ? "OrtGpuCheck passed" : $"OrtGpuCheck failed ({failures})");
return failures == 0 ? 0 : 1;

