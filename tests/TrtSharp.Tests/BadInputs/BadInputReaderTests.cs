using TrtSharp.Errors;
using TrtSharp.Onnx;
using TrtSharp.Onnx.Numpy;
using TrtSharp.Quantization.Calibration;
using TrtSharp.TensorRT;
using TrtSharp.Tools.Audio;
using static TrtSharp.Tests.BadInputs.BadInputCorpus;

namespace TrtSharp.Tests.BadInputs;

/// <summary>
/// Each reader over its hostile files: a <see cref="ModelFormatException"/> naming the file and the expected problem,
/// never another exception type. These pin the messages the CLI prints.
/// </summary>
[TestFixture]
public class BadInputReaderTests
{
    private static IEnumerable<string> ReadableFiles => All.Where(b => b.Kind != BadInputKind.Plan && b.MayPass.Length == 0).Select(b => b.Name);

    [TestCaseSource(nameof(ReadableFiles))]
    public void ReaderRefusesWithTheProblem(string name)
    {
        var (input, path) = Get(name);
        var error = Assert.Throws<ModelFormatException>(() => Read(input.Kind, path));
        Assert.That(error!.Message, Does.Contain(BadInputContract.NamedFile(input, path)));
        Assert.That(error.Message, Does.Contain(input.Problem).IgnoreCase);
        Assert.That(error.Message, Does.Not.Contain('\n'));
    }

    private static void Read(BadInputKind kind, string path)
    {
        switch (kind)
        {
            case BadInputKind.Model:
                OnnxModel.Load(path);
                break;
            case BadInputKind.Npy:
                Wrap(path, () => NpyFile.Read(path));
                break;
            case BadInputKind.Npz:
                NpzFile.Read(path);
                break;
            case BadInputKind.TensorProto:
                TensorProtoFile.Read(path);
                break;
            case BadInputKind.CalibrationCache:
                CalibrationCache.Read(path);
                break;
            case BadInputKind.PlanManifest:
                PlanManifest.Load(path);
                break;
            case BadInputKind.Wav:
                WavFile.ReadMono16k(Path.Combine(Path.GetDirectoryName(path)!, "clip.wav"));
                break;
            default:
                throw new ArgumentOutOfRangeException(nameof(kind));
        }
    }

    // NumPy dtypes TrtSharp lacks are a typed "unsupported" error; the CLI prints it the same way.
    private static void Wrap(string path, Action read)
    {
        try
        {
            read();
        }
        catch (UnsupportedDataTypeException e)
        {
            throw new ModelFormatException(null, e.Message, e);
        }
    }
}
