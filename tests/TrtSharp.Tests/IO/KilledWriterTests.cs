using System.Diagnostics;
using TrtSharp.Onnx.Numpy;
using TrtSharp.Onnx.Protobuf;
using TrtSharp.Tensors;
using TrtSharp.Tests.OnnxRuntime;

namespace TrtSharp.Tests.IO;

/// <summary>
/// A real <c>trtsharp run</c> process, frozen and then killed with SIGKILL while it writes a large output, leaves no
/// partial file under the final name: either nothing, or the complete file that was there before.
/// </summary>
[TestFixture]
[NonParallelizable] // a child process with a ~128 MiB output
public class KilledWriterTests
{
    // 32 Mi floats: a 128 MiB .npy takes long enough to write that the child can be caught in the middle.
    private const long Elements = 32L << 20;
    private const long FullSize = 128 + 4 * Elements;

    private string _dir = null!;

    [SetUp]
    public void SetUp()
    {
        if (!OperatingSystem.IsLinux())
        {
            Assert.Ignore("freezes the child with SIGSTOP (Linux)");
        }
        _dir = Directory.CreateTempSubdirectory("trtsharp-killed").FullName;
    }

    [TearDown]
    public void TearDown() => Directory.Delete(_dir, true);

    [Test]
    public void KilledMidWrite_NoFileUnderTheFinalName()
    {
        string model = WriteExpandModel();
        string output = Path.Combine(_dir, "out");
        (long tempSize, string[] left) = KillWhileWriting(model, output);

        Assert.That(File.Exists(Path.Combine(output, "y.npy")), Is.False, "a partial y.npy is visible under its final name");
        Assert.That(tempSize, Is.GreaterThan(0).And.LessThanOrEqualTo(FullSize));
        // What a killed writer leaves is one hidden temporary file, never a name a reader would pick up.
        Assert.That(left.Select(Path.GetFileName), Has.All.StartWith(".y.npy."));
    }

    [Test]
    public void KilledMidWrite_TheOldFileStaysWhole()
    {
        string model = WriteExpandModel();
        string output = Path.Combine(_dir, "out");
        Directory.CreateDirectory(output);
        string final = Path.Combine(output, "y.npy");
        NpyFile.Write(final, new HostTensor<float>([3], [1f, 2f, 3f]));
        byte[] old = File.ReadAllBytes(final);

        KillWhileWriting(model, output);

        Assert.That(File.ReadAllBytes(final), Is.EqualTo(old), "the previous y.npy was replaced by part of the new one");
    }

    /// <summary>x float[1] → Expand to [Elements] → y: a tiny model with a huge output.</summary>
    private string WriteExpandModel()
    {
        var graph = new GraphProto { Name = "expand" };
        graph.Input.Add(TestModels.Value("x", TensorElementType.Float, 1));
        graph.Output.Add(TestModels.Value("y", TensorElementType.Float, Elements));
        var shape = new TensorProto { Name = "shape", DataType = (int)TensorElementType.Int64 };
        shape.Dims.Add(1);
        shape.Int64Data.Add(Elements);
        graph.Initializer.Add(shape);
        graph.Node.Add(TestModels.Node("Expand", ["x", "shape"], ["y"]));
        string path = Path.Combine(_dir, "expand.onnx");
        File.WriteAllBytes(path, TestModels.Bytes(TestModels.Model(graph)));
        return path;
    }

    /// <summary>
    /// Starts <c>trtsharp run</c>, waits until its temporary output file is being written, freezes it (SIGSTOP) to
    /// look, then kills it (SIGKILL). Retries when the write finished before the freeze (a fast disk).
    /// Returns the temporary file's size at the freeze and the files left in <paramref name="output"/>.
    /// </summary>
    private static (long TempSize, string[] Left) KillWhileWriting(string model, string output)
    {
        string final = Path.Combine(output, "y.npy");
        byte[]? before = File.Exists(final) ? File.ReadAllBytes(final) : null;
        for (int attempt = 0; attempt < 3; attempt++)
        {
            using Process child = StartCli("run", model, "--output-dir", output, "--threads", "1");
            try
            {
                var clock = Stopwatch.StartNew();
                FileInfo? temp = null;
                while (clock.Elapsed < TimeSpan.FromSeconds(60) && !child.HasExited)
                {
                    temp = Directory.Exists(output)
                        ? new DirectoryInfo(output).GetFiles(".y.npy.*").FirstOrDefault(f => f.Length > 0)
                        : null;
                    if (temp is not null)
                    {
                        break;
                    }
                    Thread.Sleep(1);
                }
                Assert.That(temp, Is.Not.Null, $"the child never started writing (exited: {child.HasExited}): {Describe(child)}");
                Signal(child.Id, "STOP");
                // Frozen: if the temporary file is still there, the rename has not happened.
                bool renamed = !File.Exists(temp!.FullName);
                long size = renamed ? 0 : new FileInfo(temp.FullName).Length;
                child.Kill();
                child.WaitForExit();
                if (renamed)
                {
                    // The write and rename beat the freeze: start over with a clean folder.
                    TestContext.Out.WriteLine($"attempt {attempt}: the write completed before SIGSTOP; retrying");
                    Directory.Delete(output, true);
                    if (before is not null)
                    {
                        Directory.CreateDirectory(output);
                        File.WriteAllBytes(final, before);
                    }
                    continue;
                }
                TestContext.Out.WriteLine($"froze the child with {size} of {FullSize} bytes in {temp.Name}, then SIGKILL");
                return (size, Directory.GetFiles(output).Where(f => f != final).ToArray());
            }
            finally
            {
                if (!child.HasExited)
                {
                    child.Kill();
                    child.WaitForExit();
                }
            }
        }
        Assert.Fail("the child finished writing before it could be frozen, three times");
        return default;
    }

    private static Process StartCli(params string[] args)
    {
        string cli = Path.Combine(AppContext.BaseDirectory, "TrtSharp.Cli.dll");
        var psi = new ProcessStartInfo(Environment.ProcessPath is { } host && Path.GetFileNameWithoutExtension(host) == "dotnet" ? host : "dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        psi.ArgumentList.Add(cli);
        foreach (string a in args)
        {
            psi.ArgumentList.Add(a);
        }
        var process = Process.Start(psi)!;
        // Drain the pipes so the child never blocks on a full one.
        process.OutputDataReceived += (_, _) => { };
        process.ErrorDataReceived += (_, _) => { };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return process;
    }

    private static void Signal(int pid, string signal)
    {
        using var kill = Process.Start("kill", $"-{signal} {pid}");
        kill.WaitForExit();
        Assert.That(kill.ExitCode, Is.Zero, $"kill -{signal} {pid}");
    }

    private static string Describe(Process child) => child.HasExited ? $"exit code {child.ExitCode}" : "still running";
}
