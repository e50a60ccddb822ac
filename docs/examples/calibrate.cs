#:package TrtSharp.Quantization@0.1.0
#:package Microsoft.ML.OnnxRuntime@1.31.1

// Calibrates an ONNX model on a folder of samples and writes its INT8 Q/DQ model (placed for TensorRT's explicit
// quantization) and TensorRT 10's calibration cache beside it. A .NET 10 file-based program:
//
//   dotnet run calibrate.cs -- <model.onnx> <data folder> <output.onnx>
//
// The data folder holds .npy / .npz / .pb samples in any layout `trtsharp quantize --data` reads (README, "Input
// data"). The calibration method is chosen automatically, as `trtsharp quantize` does without --method.
// The package versions above are the ones docs/packages.md lists; the smoke test runs this file against them.

using TrtSharp.Datasets;
using TrtSharp.Onnx;
using TrtSharp.OnnxRuntime;
using TrtSharp.Quantization.Precision;
using TrtSharp.Tensors;

if (args.Length != 3)
{
    Console.Error.WriteLine("usage: dotnet run calibrate.cs -- <model.onnx> <data folder> <output.onnx>");
    return 2;
}
string modelPath = args[0], dataFolder = args[1], outputPath = args[2];

// The dataset checks its first sample against the model's inputs before any calibration work.
IReadOnlyList<TensorDescriptor> inputs;
using (var probe = OnnxRuntimeSession.FromFile(modelPath))
{
    inputs = probe.Inputs;
}
var data = new TensorFileDataset([dataFolder], inputs);
Console.WriteLine($"calibrating {Path.GetFileName(modelPath)} on {data.Count} samples");

QuantizeResult result = ModelQuantizer.Quantize(modelPath, data);
result.Model.Save(outputPath);
string cachePath = Path.ChangeExtension(outputPath, ".calib.cache");
result.Cache.Write(cachePath);

Console.WriteLine($"method: {result.Selection?.Chosen.Name ?? "given"}");
Console.WriteLine($"quantized tensors: {result.Qdq.Tensors.Count}");
Console.WriteLine($"wrote {outputPath} and {cachePath}");
return 0;
