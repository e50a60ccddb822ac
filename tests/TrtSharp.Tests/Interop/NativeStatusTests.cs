using TrtSharp.Errors;
using TrtSharp.Interop;
using TrtSharp.Interop.Generated;

namespace TrtSharp.Tests.Interop;

/// <summary>The one status → exception table of <see cref="NativeStatus"/>.</summary>
[TestFixture]
public sealed class NativeStatusTests
{
    [Test]
    public void AnInvalidShapeIsATensorShapeExceptionNamingTheTensor()
    {
        var ex = NativeStatus.ToException(TrtsStatus.EInvalidArgument, "setting the shape of input 'x' to [9, 9]", shapeOf: "x");
        Assert.That(ex, Is.TypeOf<TensorShapeException>());
        Assert.That(((TensorShapeException)ex).TensorName, Is.EqualTo("x"));
        Assert.That(NativeStatus.ToException(TrtsStatus.EInvalidArgument, "binding 'x'"), Is.TypeOf<ArgumentException>());
    }

    [TestCase((int)TrtsStatus.EUnsupported, typeof(TensorRtUnsupportedException))]
    [TestCase((int)TrtsStatus.EUnavailable, typeof(BackendUnavailableException))]
    [TestCase((int)TrtsStatus.ECuda, typeof(CudaException))]
    [TestCase((int)TrtsStatus.EOutOfMemory, typeof(TensorRtOutOfMemoryException))]
    [TestCase((int)TrtsStatus.EInvalidArgument, typeof(ArgumentException))]
    [TestCase((int)TrtsStatus.EBuild, typeof(TensorRtException))]
    [TestCase((int)TrtsStatus.ERuntime, typeof(TensorRtException))]
    [TestCase((int)TrtsStatus.ENotFound, typeof(TensorRtException))]
    [TestCase((int)TrtsStatus.EIo, typeof(TensorRtException))]
    [TestCase((int)TrtsStatus.EInternal, typeof(TensorRtException))]
    [TestCase((int)TrtsStatus.EParse, typeof(TensorRtException))]
    public void EachStatusMapsToItsExceptionType(int value, Type expected)
    {
        var status = (TrtsStatus)value;
        var ex = NativeStatus.ToException(status, "doing a thing");
        Assert.That(ex, Is.TypeOf(expected));
        Assert.That(ex.Message, Does.Contain("doing a thing"));
        if (ex is TensorRtException trt)
        {
            Assert.That((int)trt.Status, Is.EqualTo((int)status), "the public status carries the shim's value");
        }
    }

    [Test]
    public void EveryShimStatusHasAPublicStatus()
    {
        foreach (var status in Enum.GetValues<TrtsStatus>().Where(s => s != TrtsStatus.Ok))
        {
            Assert.That(NativeStatus.PublicStatus(status).ToString(), Is.EqualTo(status.ToString()[1..]).IgnoreCase, status.ToString());
        }
    }

    [Test]
    public void AParseFailureOfAModelListsTheParserErrorsAndNamesTheFile()
    {
        var ex = NativeStatus.ToException(TrtsStatus.EParse, "parsing m.onnx", modelPath: "m.onnx");
        Assert.That(ex, Is.TypeOf<TensorRtParseException>());
        Assert.That(((TensorRtParseException)ex).FilePath, Is.EqualTo("m.onnx"));
        Assert.That(((TensorRtParseException)ex).Status, Is.EqualTo(TensorRtStatus.Parse));
    }

    [Test]
    public void ARemedyIsAppendedToTheMessage()
    {
        var ex = Assert.Throws<TensorRtUnsupportedException>(() => NativeStatus.Check(TrtsStatus.EUnsupported, "setting builder flag Fp16", remedy: "use Q/DQ"))!;
        Assert.That(ex.Message, Does.StartWith("setting builder flag Fp16 failed (TRTS_E_UNSUPPORTED)").And.EndWith("; use Q/DQ"));
    }

    [Test]
    public void StatusComparisonsThatPickAnExceptionLiveOnlyInTheTable()
    {
        // Inline special cases (a status compared to throw a particular type) belong in NativeStatus.
        string root = TrtSharp.Tests.Docs.RepositoryFiles.Root();
        var offenders = Directory.EnumerateFiles(Path.Combine(root, "src"), "*.cs", SearchOption.AllDirectories)
            .Where(f => !f.Contains($"{Path.DirectorySeparatorChar}obj{Path.DirectorySeparatorChar}", StringComparison.Ordinal)
                && !f.EndsWith("NativeStatus.cs", StringComparison.Ordinal))
            .SelectMany(f => File.ReadAllLines(f).Select((l, i) => (f, i, l)))
            .Where(x => System.Text.RegularExpressions.Regex.IsMatch(x.l, @"== TrtsStatus\.E(Parse|Unsupported|Cuda|OutOfMemory|Unavailable)\b"))
            .Select(x => $"{Path.GetRelativePath(root, x.f)}:{x.i + 1}")
            .ToList();
        Assert.That(offenders, Is.Empty);
    }
}
