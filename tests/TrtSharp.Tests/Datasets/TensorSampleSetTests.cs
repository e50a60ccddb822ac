using TrtSharp.Datasets;
using TrtSharp.Errors;
using TrtSharp.Onnx;
using TrtSharp.Onnx.Numpy;
using TrtSharp.Tensors;

namespace TrtSharp.Tests.Datasets;

/// <summary>The layouts every command's --data reads, and the errors that name the offending file up front.</summary>
[TestFixture]
public class TensorSampleSetTests
{
    private const string BackendTest = "/usr/share/libonnx-testdata/data/node/test_conv_with_strides_padding";
    private static readonly TensorDescriptor[] TwoInputs =
    [
        new("x", TensorElementType.Float, [-1, 3]),
        new("mask", TensorElementType.Int64, [-1, 3]),
    ];
    private static readonly TensorDescriptor[] OneInput = [new("x", TensorElementType.Float, [-1, 3])];
    private string _dir = null!;

    [SetUp]
    public void SetUp() => _dir = Directory.CreateTempSubdirectory("trtsharp-datasets").FullName;

    [TearDown]
    public void TearDown() => Directory.Delete(_dir, true);

    [Test]
    public void PerSampleSubFoldersAreOneSampleEach()
    {
        for (int i = 0; i < 3; i++)
        {
            WriteX($"s{i:D3}/x.npy", i);
            NpyFile.Write(Path.Combine(_dir, $"s{i:D3}", "mask.npy"), new HostTensor<long>([1, 3], [i, i, i]));
        }
        var set = TensorSampleSet.Open([_dir], TwoInputs);
        Assert.That(set.Samples.Select(s => Path.GetFileName(s.Name)), Is.EqualTo(new[] { "s000", "s001", "s002" }));
        var second = set.Read(1);
        Assert.Multiple(() =>
        {
            Assert.That(((HostTensor<float>)second.Tensors["x"]).Data, Is.EqualTo(new[] { 1f, 2f, 3f }));
            Assert.That(((HostTensor<long>)second.Tensors["mask"]).Data, Is.EqualTo(new long[] { 1, 1, 1 }));
            Assert.That(second.Sources["mask"], Is.EqualTo(Path.Combine(_dir, "s001", "mask.npy")));
        });
    }

    [Test]
    public void OnnxBackendTestFoldersAreSamplesAndTheirInputsMatchByIndex()
    {
        // The model folder holds model.onnx and test_data_set_N/ with input_0.pb, input_1.pb and output_0.pb.
        TensorDescriptor[] inputs = [new("x", TensorElementType.Float, [1, 1, 7, 5]), new("W", TensorElementType.Float, [1, 1, 3, 3])];
        var set = TensorSampleSet.Open([BackendTest], inputs);
        int folders = Directory.GetDirectories(BackendTest, "test_data_set_*").Length;
        Assert.That(set.Samples, Has.Count.EqualTo(folders));
        var first = set.Read(0);
        var expectedW = (HostTensor<float>)TensorProtoFile.Read(Path.Combine(BackendTest, "test_data_set_0", "input_1.pb")).Tensor;
        Assert.That(((HostTensor<float>)first.Tensors["W"]).Data, Is.EqualTo(expectedW.Data));
        Assert.That(first.Tensors.Keys, Is.EquivalentTo(new[] { "x", "W" }), "output_0.pb is a reference output, not an input");
    }

    [Test]
    public void AManifestListsAFilePerInputPerSample()
    {
        WriteX("a/first.npy", 0);
        WriteX("b/second.npy", 5);
        NpyFile.Write(Path.Combine(_dir, "m.npy"), new HostTensor<long>([2, 3], [1, 2, 3, 4, 5, 6]));
        string manifest = Path.Combine(_dir, "data.csv");
        File.WriteAllText(manifest, "# x then mask\nx, mask\n\na/first.npy,m.npy\nb/second.npy,m.npy\n");
        var set = TensorSampleSet.Open([manifest], TwoInputs);
        Assert.That(set.Samples, Has.Count.EqualTo(2));
        var second = set.Read(1);
        Assert.That(((HostTensor<float>)second.Tensors["x"]).Data, Is.EqualTo(new[] { 5f, 6f, 7f }));
        Assert.That(second.Tensors["mask"].Shape.ToArray(), Is.EqualTo(new long[] { 2, 3 }), "a file may hold a batch");

        File.WriteAllText(manifest, "x,mask\na/first.npy\n");
        Assert.That(Assert.Throws<ModelFormatException>(() => TensorSampleSet.Open([manifest], TwoInputs))!.Message, Does.Contain("line 2 has 1 cells"));
        File.WriteAllText(manifest, "x,mask\na/first.npy,gone.npy\n");
        Assert.That(Assert.Throws<ModelFormatException>(() => TensorSampleSet.Open([manifest], TwoInputs))!.Message, Does.Contain("gone.npy not found"));
        File.WriteAllText(manifest, "x,nope\na/first.npy,m.npy\n");
        Assert.That(Assert.Throws<ModelFormatException>(() => TensorSampleSet.Open([manifest], TwoInputs))!.Message, Does.Contain("'nope' is not a model input"));
    }

    [Test]
    public void ALooseFolderIsOneSamplePerFileForOneInputAndOneSampleForSeveral()
    {
        WriteX("x.npy", 0);
        WriteX("other.npy", 1);
        Assert.That(TensorSampleSet.Open([_dir], OneInput).Samples, Has.Count.EqualTo(2));

        NpyFile.Write(Path.Combine(_dir, "mask.npy"), new HostTensor<long>([3], [0, 1, 0]));
        File.Delete(Path.Combine(_dir, "other.npy"));
        var set = TensorSampleSet.Open([_dir], TwoInputs);
        Assert.That(set.Samples, Has.Count.EqualTo(1));
        Assert.That(set.Read(0).Tensors["mask"].Shape.ToArray(), Is.EqualTo(new long[] { 1, 3 }), "one rank short: a batch of one");
    }

    [Test]
    public void AnArchiveWithOneArrayFeedsAOneInputModelWhateverItsKey()
    {
        NpzFile.Write(Path.Combine(_dir, "a.npz"), new Dictionary<string, HostTensor> { ["arr_0"] = new HostTensor<float>([2, 3], new float[6]) });
        var sample = TensorSampleSet.Open([_dir], OneInput).Read(0);
        Assert.That(sample.Sources["x"], Does.EndWith("a.npz:arr_0"));
    }

    [Test]
    public void ProblemsInTheFirstSampleAreReportedWhenOpeningAndNameTheFile()
    {
        WriteX("s000/x.npy", 0);
        var missing = Assert.Throws<ModelFormatException>(() => TensorSampleSet.Open([_dir], TwoInputs))!;
        Assert.That(missing.Message, Does.Contain(Path.Combine(_dir, "s000")).And.Contain("no value for input 'mask'"));

        string wrongType = Path.Combine(_dir, "s000", "mask.npy");
        NpyFile.Write(wrongType, new HostTensor<float>([1, 3], new float[3]));
        var type = Assert.Throws<ModelFormatException>(() => TensorSampleSet.Open([_dir], TwoInputs))!;
        Assert.That(type.Message, Does.StartWith(wrongType).And.Contain("input 'mask' is int64").And.Contain("float"));

        NpyFile.Write(wrongType, new HostTensor<long>([1, 4], new long[4]));
        var shape = Assert.Throws<ModelFormatException>(() => TensorSampleSet.Open([_dir], TwoInputs))!;
        Assert.That(shape.Message, Does.StartWith(wrongType).And.Contain("shape [1, 4] does not fit input mask"));

        // The same input twice in one sample is ambiguous.
        NpyFile.Write(wrongType, new HostTensor<long>([1, 3], new long[3]));
        TensorProtoFile.Write(Path.Combine(_dir, "s000", "input_1.pb"), new HostTensor<long>([1, 3], new long[3]));
        Assert.That(Assert.Throws<ModelFormatException>(() => TensorSampleSet.Open([_dir], TwoInputs))!.Message, Does.Contain("input 'mask' is given twice"));
    }

    [Test]
    public void LaterNpySamplesAreCheckedFromTheirHeadersWhenOpening()
    {
        for (int i = 0; i < 4; i++)
        {
            WriteX($"s{i:D3}/x.npy", i);
            NpyFile.Write(Path.Combine(_dir, $"s{i:D3}", "mask.npy"), new HostTensor<long>([1, 3], new long[3]));
        }
        Assert.That(TensorSampleSet.Open([_dir], TwoInputs).Samples, Has.Count.EqualTo(4));

        string wrong = Path.Combine(_dir, "s002", "x.npy");
        NpyFile.Write(wrong, new HostTensor<float>([1, 5], new float[5]));
        Assert.That(Assert.Throws<ModelFormatException>(() => TensorSampleSet.Open([_dir], TwoInputs))!.Message,
            Does.StartWith(wrong).And.Contain("shape [1, 5] does not fit input x"));
        File.Delete(wrong);
        Assert.That(Assert.Throws<ModelFormatException>(() => TensorSampleSet.Open([_dir], TwoInputs))!.Message,
            Does.Contain("s002").And.Contain("no value for input 'x'"));

        // Only the header is read up front: data cut short after a valid header shows when the sample is read.
        WriteX("s002/x.npy", 0);
        byte[] bytes = File.ReadAllBytes(wrong.Replace("s002", "s003", StringComparison.Ordinal));
        File.WriteAllBytes(Path.Combine(_dir, "s003", "x.npy"), bytes[..^4]);
        var set = TensorSampleSet.Open([_dir], TwoInputs);
        Assert.That(Assert.Throws<ModelFormatException>(() => set.Read(3))!.Message, Does.Contain("truncated"));
    }

    [Test]
    public void AmbiguousLayoutsAreRefused()
    {
        WriteX("x.npy", 0);
        WriteX("s000/x.npy", 0);
        Assert.That(Assert.Throws<ModelFormatException>(() => TensorSampleSet.Open([_dir], OneInput))!.Message,
            Does.Contain("both data files (x.npy) and per-sample sub-folders (s000/)"));

        string flat = Path.Combine(_dir, "flat");
        Directory.CreateDirectory(flat);
        NpyFile.Write(Path.Combine(flat, "sample_0.npy"), new HostTensor<float>([1, 3], new float[3]));
        Assert.That(Assert.Throws<ModelFormatException>(() => TensorSampleSet.Open([flat], TwoInputs))!.Message,
            Does.Contain("cannot tell which input 'sample_0' is for"));

        string readme = Path.Combine(_dir, "README.txt");
        File.WriteAllText(readme, "not data");
        Assert.That(Assert.Throws<ModelFormatException>(() => TensorSampleSet.Open([readme], OneInput))!.Message, Does.Contain("not a data file"));
    }

    private void WriteX(string relative, int start)
    {
        string path = Path.Combine(_dir, relative);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        NpyFile.Write(path, new HostTensor<float>([1, 3], [start, start + 1, start + 2]));
    }
}
