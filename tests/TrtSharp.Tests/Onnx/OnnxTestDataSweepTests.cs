using TrtSharp.Errors;
using TrtSharp.Onnx;

namespace TrtSharp.Tests.Onnx;

/// <summary>Every model and tensor file of Debian's libonnx-testdata loads through the model layer.</summary>
[TestFixture]
public class OnnxTestDataSweepTests
{
    private const string Data = "/usr/share/libonnx-testdata/data";

    [TestCase("node")]
    [TestCase("simple")]
    [TestCase("pytorch-converted")]
    [TestCase("pytorch-operator")]
    public void EveryModelAndTensorFileLoads(string suite)
    {
        string root = Path.Combine(Data, suite);
        if (!Directory.Exists(root))
        {
            Assert.Ignore("libonnx-testdata is not installed");
        }
        var failures = new List<string>();
        int models = 0, tensors = 0, other = 0;
        foreach (string dir in Directory.GetDirectories(root).Order(StringComparer.Ordinal))
        {
            string modelPath = Path.Combine(dir, "model.onnx");
            if (!File.Exists(modelPath))
            {
                continue;
            }
            OnnxModel model;
            try
            {
                model = OnnxModel.Load(modelPath);
                _ = model.Graph.TopologicalOrder();
                foreach (var init in model.Proto.Graph.Initializer)
                {
                    _ = model.ReadTensor(init);
                }
                foreach (var input in model.Graph.Inputs.Where(i => i.IsTensor))
                {
                    _ = input.ToDescriptor();
                }
                models++;
            }
            catch (TrtSharpException e)
            {
                failures.Add($"{modelPath}: {e.Message}");
                continue;
            }
            foreach (string pb in Directory.GetFiles(dir, "*.pb", SearchOption.AllDirectories))
            {
                // input_3.pb belongs to the fourth fed input, output_0.pb to the first output.
                string stem = Path.GetFileNameWithoutExtension(pb);
                int index = int.Parse(stem[(stem.IndexOf('_', StringComparison.Ordinal) + 1)..], System.Globalization.CultureInfo.InvariantCulture);
                var declared = stem.StartsWith("input", StringComparison.Ordinal) ? model.Graph.Inputs : model.Graph.Outputs;
                var type = index < declared.Count ? declared[index].Proto.Type : null;
                try
                {
                    if (type?.SequenceType?.ElemType?.TensorType is not null)
                    {
                        _ = TensorProtoFile.ReadSequence(pb);
                        tensors++;
                    }
                    else if (type?.TensorType is not null)
                    {
                        _ = TensorProtoFile.Read(pb);
                        tensors++;
                    }
                    else
                    {
                        other++; // optional / map values: not tensors, the conformance runner's business
                    }
                }
                catch (ModelFormatException e)
                {
                    failures.Add($"{pb}: {e.Reason}");
                }
            }
        }
        TestContext.Out.WriteLine($"{suite}: {models} models, {tensors} tensor/sequence files, {other} other values, {failures.Count} refused");
        foreach (string f in failures)
        {
            TestContext.Out.WriteLine(f);
        }
        Assert.That(models, Is.GreaterThan(0));
        Assert.That(failures, Is.Empty);
    }
}
