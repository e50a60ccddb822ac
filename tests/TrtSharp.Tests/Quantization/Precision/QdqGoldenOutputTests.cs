using System.Security.Cryptography;
using Google.Protobuf;
using TrtSharp.Onnx;
using TrtSharp.Quantization.Precision;
using TrtSharp.Tests.RealModels;

namespace TrtSharp.Tests.Quantization.Precision;

/// <summary>
/// Q/DQ insertion on real models is pinned byte for byte: the same model and ranges must give the same file, so
/// refactorings of the graph look-ups and tensor builders cannot change a quantized model unnoticed. The ranges
/// are synthetic (a function of each tensor's position), so no ONNX Runtime arithmetic enters the digest.
/// </summary>
/// <remarks>A deliberate change to placement or to the written tensors changes these digests: update them then,
/// and say why in the commit.</remarks>
public class QdqGoldenOutputTests
{
    private const string TestData = "/usr/share/libonnx-testdata/data";

    private static readonly Dictionary<string, string> Expected = new(StringComparer.Ordinal)
    {
        ["hey_jarvis OrtCpu"] = "161fc9f0b417ec442eeba7f5e8bce0a0bfb4a2a513beaa46781d329573c13c62",
        ["hey_jarvis TensorRt"] = "e7dcb596a3d32437777ed8feab62ad2122017a05ce4a38551ad5d8368593b7c0",
        ["ocr-cls OrtCpu"] = "f612204592cd6d62d5f6d0aab4b5d814792eb7777b620c5b91112094b2f84fd6",
        ["ocr-cls TensorRt"] = "4632b5a755ae6d3055facb17fa0ebb3796a6dfe91d5ade8e298475cd28a7b290",
        ["ocr-det OrtCpu"] = "8cd74c20e2c590fa0ff756ad0b30ef18bc719dcec5dd554606a21226c0865874",
        ["ocr-det TensorRt"] = "e21985b978529eb846120cae326460095b7e41f958287a89759d46288e8b4de6",
        ["ocr-rec OrtCpu"] = "8db29c6baab372f3d80e8c54154384a60c3985afbd7fbdef845a9ac5b0ba0926",
        ["ocr-rec TensorRt"] = "9697a9836e55a1da9a7c84217dc7b16b8fe5c402531e164a77121e9f88c31fb9",
        ["pytorch-converted/test_ConvTranspose2d OrtCpu"] = "04a28c69b6eab66c9a143d9e7955fd2aee7ef44849a3da28654119695a6fc34a",
        ["pytorch-converted/test_ConvTranspose2d TensorRt"] = "50303aff018bfe3ac2d3e4a74907a9acb36d758757e79afdadc2ec74578a0dd5",
        ["pytorch-converted/test_Linear OrtCpu"] = "58fb789df8232e288819562dee2a3e997d6ccded9439d30cfbbdc95f823a0253",
        ["pytorch-converted/test_Linear TensorRt"] = "303b9643509ffdddd7a4e90cba82d3447200d99521ab8e48267b09b1821d2106",
        ["pytorch-operator/test_operator_addmm OrtCpu"] = "9432042c41acaf97de017d0562898a0c573631b04df32a38f75e162982c2241b",
        ["pytorch-operator/test_operator_addmm TensorRt"] = "bc8602a821e4d57ae8d8990bd62eea91a29f66530d22f7791d805de2f0501164",
        ["pytorch-operator/test_operator_conv OrtCpu"] = "513a56d69a14059df6bfc30e7ee52f5e37d4a900d8e05f6ee9206f7d49393b2f",
        ["pytorch-operator/test_operator_conv TensorRt"] = "5f15a4691321371c936ec76a9ae5426cda607fd9296aab1155a3def9b01b9dda",
        ["speech-embedding OrtCpu"] = "ef1d6a020b5d22d21928529a0c400c92193b0a3e19fe61193823cab2c18aa98d",
        ["speech-embedding TensorRt"] = "b21813852032e9a86adeb22ef6b9f7d32b888f36726fef4519f759fd5be6d769",
    };

    [TestCase("pytorch-operator/test_operator_conv")]
    [TestCase("pytorch-converted/test_ConvTranspose2d")]
    [TestCase("pytorch-converted/test_Linear")]
    [TestCase("pytorch-operator/test_operator_addmm")]
    public void TestDataModelGivesPinnedBytes(string folder)
    {
        string path = Path.Combine(TestData, folder, "model.onnx");
        if (!File.Exists(path))
        {
            Assert.Ignore($"{path} is missing: install Debian's libonnx-testdata");
        }
        CheckBothProfiles(folder, path);
    }

    [TestCase("ocr-det")]
    [TestCase("ocr-rec")]
    [TestCase("ocr-cls")]
    [TestCase("speech-embedding")]
    [TestCase("hey_jarvis")]
    [Category("RealModels")]
    public void SuiteModelGivesPinnedBytes(string name) =>
        CheckBothProfiles(name, InstalledSuiteModels.Require().Models[name]);

    private static void CheckBothProfiles(string name, string path)
    {
        var model = OnnxModel.LoadNormalized(path);
        var tensors = model.Proto.Graph.Input.Select(i => i.Name).Concat(model.Proto.Graph.Node.SelectMany(n => n.Output))
            .Where(n => n.Length > 0).Distinct(StringComparer.Ordinal).ToList();
        var ranges = new Dictionary<string, TensorRange>(StringComparer.Ordinal);
        for (int i = 0; i < tensors.Count; i++)
        {
            float amax = 0.5f + (i % 7) * 0.75f;
            ranges[tensors[i]] = new TensorRange(i % 3 == 0 ? 0f : -amax * 0.5f, amax);
        }
        var digests = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var profile in new[] { QdqProfile.TensorRt, QdqProfile.OrtCpu })
        {
            QdqResult result = QdqInserter.Insert(model.Proto, ranges, new QdqOptions { Profile = profile });
            string digest = Convert.ToHexStringLower(SHA256.HashData(result.Model.ToByteArray()));
            string key = $"{name} {profile}";
            TestContext.Progress.WriteLine($"[\"{key}\"] = \"{digest}\",");
            digests[key] = digest;
        }
        Assert.Multiple(() =>
        {
            foreach (var (key, digest) in digests)
            {
                Assert.That(digest, Is.EqualTo(Expected.GetValueOrDefault(key)), key);
            }
        });
    }
}
