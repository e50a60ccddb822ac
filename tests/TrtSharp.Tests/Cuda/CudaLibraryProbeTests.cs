using TrtSharp.Cuda;

namespace TrtSharp.Tests.Cuda;

[TestFixture]
public class CudaLibraryProbeTests
{
    private string _temp = "";

    [SetUp]
    public void CreateTemp()
    {
        _temp = Path.Combine(Path.GetTempPath(), "trtsharp-cuda-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(_temp);
    }

    [TearDown]
    public void DeleteTemp() => Directory.Delete(_temp, recursive: true);

    private static Func<string, string?> Env(string? trtsharpPath = null, string? cudaPath = null) =>
        name => name switch
        {
            "TRTSHARP_CUDA_PATH" => trtsharpPath,
            "CUDA_PATH" => cudaPath,
            _ => null,
        };

    [Test]
    public void LinuxOrderIsExplicitFoldersThenAppThenToolkitThenSystemNewestFirst()
    {
        string a = Path.Combine(_temp, "a"), b = Path.Combine(_temp, "b"), app = Path.Combine(_temp, "app"), toolkit = Path.Combine(_temp, "cuda");
        var paths = CudaLibraryProbe.Candidates(Env($"{a}{Path.PathSeparator}{b}", toolkit), app, windows: false)
            .Select(c => (c.Path, c.SystemSearch)).ToList();

        string[] names = ["libcudart.so.13", "libcudart.so.12", "libcudart.so.11.0", "libcudart.so"];
        var expected = new List<(string, bool)>();
        foreach (string folder in new[] { a, b, app, toolkit, Path.Combine(toolkit, "lib64"), Path.Combine(toolkit, "lib") })
            expected.AddRange(names.Select(n => (Path.Combine(folder, n), false)));
        expected.AddRange(names.Select(n => (n, true)));
        Assert.That(paths, Is.EqualTo(expected));
    }

    [Test]
    public void WindowsExpandsTheCuda13PatternHighestFirstAndKeepsFixedNames()
    {
        File.WriteAllText(Path.Combine(_temp, "cudart64_13.dll"), "");
        File.WriteAllText(Path.Combine(_temp, "cudart64_131.dll"), "");
        var paths = CudaLibraryProbe.Candidates(Env(_temp), appFolder: null, windows: true).Select(c => c.Path).ToList();

        Assert.That(paths, Is.EqualTo(new[]
        {
            Path.Combine(_temp, "cudart64_131.dll"),
            Path.Combine(_temp, "cudart64_13.dll"),
            Path.Combine(_temp, "cudart64_12.dll"),
            Path.Combine(_temp, "cudart64_110.dll"),
            "cudart64_13.dll", "cudart64_12.dll", "cudart64_110.dll",
        }));
    }

    [Test]
    public void DuplicateFoldersAreProbedOnce()
    {
        var paths = CudaLibraryProbe.Candidates(Env(_temp, _temp), _temp, windows: false).Where(c => !c.SystemSearch).ToList();
        // _temp itself once, then CUDA_PATH's lib64 and lib.
        Assert.That(paths, Has.Count.EqualTo(3 * 4));
    }

    [Test]
    public void FailureListsEveryPathTriedWithTheReason()
    {
        string bogus = Path.Combine(_temp, "nowhere");
        File.WriteAllText(Path.Combine(_temp, "libcudart.so.12"), "not an ELF file");
        var candidates = new List<CudaLibraryCandidate>
        {
            new(Path.Combine(bogus, "libcudart.so.13"), false),
            new(Path.Combine(_temp, "libcudart.so.12"), false),
            new("libtrtsharp-no-such-cudart.so.99", true),
        };

        CudaLibraryLoadResult result = CudaLibraryProbe.Load(candidates);

        Assert.That(result.Handle, Is.EqualTo(IntPtr.Zero));
        Assert.That(result.Tried, Has.Count.EqualTo(3));
        Assert.That(result.Tried[0], Is.EqualTo($"{Path.Combine(bogus, "libcudart.so.13")}: not present"));
        Assert.That(result.Tried[1], Does.StartWith(Path.Combine(_temp, "libcudart.so.12") + ": "));
        Assert.That(result.Tried[1], Does.Not.EndWith("not present"));
        Assert.That(result.Tried[2], Does.StartWith("libtrtsharp-no-such-cudart.so.99 (system search): "));

        string message = CudaLibraryProbe.FailureMessage(result.Tried, windows: false);
        Assert.That(message, Does.Contain("TRTSHARP_CUDA_PATH"));
        foreach (CudaLibraryCandidate c in candidates)
            Assert.That(message, Does.Contain(c.Path));
    }

    [Test]
    public void BogusTrtSharpCudaPathIsTriedFirstThenTheSystemRuntimeLoads()
    {
        CudaTestEnvironment.RequireLibrary();
        string bogus = Path.Combine(_temp, "bogus-cuda");
        string? saved = Environment.GetEnvironmentVariable(CudaLibraryProbe.PathVariable);
        CudaLibraryLoadResult result;
        try
        {
            // Through the real environment, as the process-wide probe reads it.
            Environment.SetEnvironmentVariable(CudaLibraryProbe.PathVariable, bogus);
            result = CudaLibraryProbe.Load(CudaLibraryProbe.Candidates(Environment.GetEnvironmentVariable, appFolder: null, windows: OperatingSystem.IsWindows()));
        }
        finally
        {
            Environment.SetEnvironmentVariable(CudaLibraryProbe.PathVariable, saved);
        }

        TestContext.Out.WriteLine(CudaLibraryProbe.FailureMessage(result.Tried, OperatingSystem.IsWindows()));

        Assert.That(result.Handle, Is.Not.EqualTo(IntPtr.Zero));
        Assert.That(result.Tried[0], Does.StartWith(bogus).And.EndWith("not present"));
        // Everything newer than the runtime that loaded was tried and recorded before it.
        Assert.That(result.Path, Is.EqualTo(CudaRuntime.LibraryPath));
        int loadedAt = Array.IndexOf(CudaLibraryProbe.LinuxNames, result.Path);
        if (!OperatingSystem.IsWindows() && loadedAt > 0)
        {
            for (int i = 0; i < loadedAt; i++)
                Assert.That(result.Tried, Has.Some.StartWith($"{CudaLibraryProbe.LinuxNames[i]} (system search): "));
        }
    }
    [TestCase(12, "libcudart.so.12")]
    [TestCase(11, "libcudart.so.11.0")]
    [TestCase(13, "libcudart.so.13")]
    public void TheShimsCudaMajorIsTheOnlyOneTried(int major, string soname)
    {
        // A shim built with CUDA 12 must never get handles from libcudart.so.13 (which may also need a newer driver).
        var candidates = CudaLibraryProbe.Candidates(Env(_temp), appFolder: null, windows: false, preferredMajor: major);
        Assert.That(candidates.Select(c => Path.GetFileName(c.Path)).Distinct(), Is.EqualTo(new[] { soname }));
        Assert.That(candidates, Has.Some.Matches<CudaLibraryCandidate>(c => c.SystemSearch && c.Path == soname));
    }

    [Test]
    public void WindowsNamesFollowTheShimsMajorToo()
    {
        Assert.Multiple(() =>
        {
            Assert.That(CudaLibraryProbe.WindowsPatternsFor(12), Is.EqualTo(new[] { "cudart64_12.dll" }));
            Assert.That(CudaLibraryProbe.WindowsPatternsFor(11), Is.EqualTo(new[] { "cudart64_110.dll" }));
            Assert.That(CudaLibraryProbe.WindowsPatternsFor(13), Is.EqualTo(new[] { "cudart64_13*.dll" }));
            Assert.That(CudaLibraryProbe.WindowsPatternsFor(null), Is.EqualTo(CudaLibraryProbe.WindowsPatterns));
        });
    }

    [Test]
    public void WithoutAFullShimEveryMajorIsTriedNewestFirst()
    {
        Assert.Multiple(() =>
        {
            Assert.That(CudaLibraryProbe.MajorOf(12080), Is.EqualTo(12));
            Assert.That(CudaLibraryProbe.MajorOf(11080), Is.EqualTo(11));
            Assert.That(CudaLibraryProbe.MajorOf(0), Is.Null, "a core-only shim reports CUDA 0");
            Assert.That(CudaLibraryProbe.LinuxNamesFor(null), Is.EqualTo(CudaLibraryProbe.LinuxNames));
        });
        // This machine's shim is core-only: the process-wide probe must not narrow the search.
        Assert.That(TrtSharp.Interop.NativeLibraryResolver.ShimCudaMajor(), Is.Null.Or.GreaterThan(10));
    }
}
