using TrtSharp.Cuda;
using TrtSharp.Errors;
using TrtSharp.IO;

namespace TrtSharp.TensorRT;

/// <summary>
/// A folder of built engines keyed by <see cref="EngineCacheKey"/>: a hit loads the stored plan, a miss builds it and
/// stores it. Safe for several processes sharing the folder: builders of one key take turns on a per-key lock file
/// (the second finds the first one's entry), entries appear by rename (plan last, after its manifest), an entry whose
/// plan does not match its manifest's SHA-256 is rebuilt, and the least recently used entries are evicted beyond the size limit.
/// </summary>
public sealed class EngineCache
{
    private const string PlanExtension = ".plan";

    /// <summary>Opens (and creates) the cache folder.</summary>
    /// <param name="directory">The cache folder.</param>
    /// <param name="maxBytes">Size limit of all entries together; 0 for none.</param>
    /// <param name="lockTimeout">How long to wait for another builder of the same key (default 30 minutes: builds are slow).</param>
    public EngineCache(string directory, long maxBytes = 0, TimeSpan? lockTimeout = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(directory);
        ArgumentOutOfRangeException.ThrowIfNegative(maxBytes);
        Directory = Path.GetFullPath(directory);
        MaxBytes = maxBytes;
        LockTimeout = lockTimeout ?? TimeSpan.FromMinutes(30);
        System.IO.Directory.CreateDirectory(Directory);
    }

    /// <summary>The cache folder.</summary>
    public string Directory { get; }

    /// <summary>Size limit of all entries; 0 for none.</summary>
    public long MaxBytes { get; }

    /// <summary>How long a builder waits for another builder of the same key.</summary>
    public TimeSpan LockTimeout { get; }

    /// <summary>
    /// Loads the engine for <paramref name="onnxPath"/> built with <paramref name="options"/> on this GPU and TensorRT
    /// version, building and storing it on a miss. <paramref name="hit"/> says which happened.
    /// </summary>
    /// <exception cref="BackendUnavailableException">TensorRT or a CUDA device is missing here.</exception>
    public Engine GetOrBuild(string onnxPath, BuilderOptions options, out bool hit) =>
        Engine.Load(GetOrBuildPlan(onnxPath, options, out hit));

    /// <summary>Like <see cref="GetOrBuild"/>, but returns the stored plan's path (its manifest beside it) without loading it.</summary>
    /// <exception cref="BackendUnavailableException">TensorRT or a CUDA device is missing here.</exception>
    public string GetOrBuildPlan(string onnxPath, BuilderOptions options, out bool hit)
    {
        ArgumentNullException.ThrowIfNull(onnxPath);
        ArgumentNullException.ThrowIfNull(options);
        TensorRtRuntime.EnsureAvailable();
        string modelSha = PlanManifest.Sha256OfFile(onnxPath);
        var key = EngineCacheKey.For(ModelContentSha256(onnxPath), options, Engine.RuntimeVersionText(), Engine.ComputeCapabilityText(CudaDevice.Current));
        return GetOrAdd(key, temp =>
        {
            using Engine built = EngineBuilder.Build(onnxPath, options);
            built.Save(temp, modelSha, options);
        }, out hit);
    }

    /// <summary>
    /// SHA-256 of what the engine is built from: the model file and, in order, every external-data file it references
    /// (weights changed in <c>model.onnx.data</c> under an unchanged <c>model.onnx</c> are another engine).
    /// </summary>
    public static string ModelContentSha256(string onnxPath)
    {
        string fileSha = PlanManifest.Sha256OfFile(onnxPath);
        var locations = Onnx.OnnxModel.Load(onnxPath).Graph.Initializers.Where(i => i.IsExternal && i.ExternalLocation is not null)
            .Select(i => i.ExternalLocation!).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).ToList();
        if (locations.Count == 0)
        {
            return fileSha;
        }
        string folder = Path.GetDirectoryName(Path.GetFullPath(onnxPath))!;
        var text = new System.Text.StringBuilder(fileSha);
        foreach (string location in locations)
        {
            text.Append('\n').Append(location).Append(' ').Append(PlanManifest.Sha256OfFile(Path.Combine(folder, location)));
        }
        return PlanManifest.Sha256(System.Text.Encoding.UTF8.GetBytes(text.ToString()));
    }

    /// <summary>The plan path of <paramref name="key"/>'s entry (it may not exist).</summary>
    public string PlanPath(EngineCacheKey key) => Path.Combine(Directory, key.Hash + PlanExtension);

    /// <summary>
    /// The stored plan of <paramref name="key"/>, or — when there is none, or it does not match its manifest — the plan
    /// <paramref name="build"/> writes (with its manifest, <see cref="Engine.Save"/>) to the path it is given, stored
    /// under the key. Only one builder per key runs at a time, across processes.
    /// </summary>
    /// <exception cref="TimeoutException">Another builder held the key for longer than <see cref="LockTimeout"/>.</exception>
    public string GetOrAdd(EngineCacheKey key, Action<string> build, out bool hit)
    {
        ArgumentNullException.ThrowIfNull(key);
        ArgumentNullException.ThrowIfNull(build);
        string plan = PlanPath(key);
        if (IsValid(plan))
        {
            Touch(plan);
            hit = true;
            return plan;
        }
        using (AcquireLock(key))
        {
            // Another builder may have stored it while we waited.
            if (IsValid(plan))
            {
                Touch(plan);
                hit = true;
                return plan;
            }
            string staging = Path.Combine(Directory, $".{key.Hash}.{Guid.NewGuid():N}.tmp");
            System.IO.Directory.CreateDirectory(staging);
            try
            {
                string stagedPlan = Path.Combine(staging, key.Hash + PlanExtension);
                build(stagedPlan);
                if (!File.Exists(stagedPlan) || !File.Exists(PlanManifest.PathFor(stagedPlan)))
                {
                    throw new InvalidOperationException($"the engine cache's build step wrote no plan and manifest for key {key.Hash}");
                }
                // Manifest first, plan last: a reader sees a plan only once its manifest is in place.
                File.Move(PlanManifest.PathFor(stagedPlan), PlanManifest.PathFor(plan), overwrite: true);
                File.Move(stagedPlan, plan, overwrite: true);
            }
            finally
            {
                System.IO.Directory.Delete(staging, recursive: true);
            }
        }
        Evict(keep: plan);
        hit = false;
        return plan;
    }

    /// <summary>The stored entries' plans with their total size (plan + manifest), least recently used first.</summary>
    public IReadOnlyList<(string Plan, long Bytes, DateTime LastUsedUtc)> Entries() =>
        [.. System.IO.Directory.EnumerateFiles(Directory, "*" + PlanExtension)
            .Select(p => new FileInfo(p))
            .Select(f => (f.FullName, f.Length + (File.Exists(PlanManifest.PathFor(f.FullName)) ? new FileInfo(PlanManifest.PathFor(f.FullName)).Length : 0), f.LastWriteTimeUtc))
            .OrderBy(e => e.LastWriteTimeUtc)];

    /// <summary>Removes least recently used entries until the cache fits <see cref="MaxBytes"/>; entries being built are skipped.</summary>
    public void Evict(string? keep = null)
    {
        if (MaxBytes == 0)
        {
            return;
        }
        var entries = Entries();
        long total = entries.Sum(e => e.Bytes);
        foreach (var (plan, bytes, _) in entries)
        {
            if (total <= MaxBytes)
            {
                break;
            }
            if (string.Equals(plan, keep, StringComparison.Ordinal))
            {
                continue;
            }
            string hash = Path.GetFileNameWithoutExtension(plan);
            using FileStream? held = TryLock(LockPath(hash));
            if (held is null)
            {
                continue; // someone is rebuilding this key right now
            }
            // Plan first: without it the entry is a miss; an orphan manifest is overwritten by the next build.
            AtomicFile.TryDelete(plan);
            AtomicFile.TryDelete(PlanManifest.PathFor(plan));
            total -= bytes;
        }
    }

    private static bool IsValid(string plan)
    {
        if (!File.Exists(plan) || !File.Exists(PlanManifest.PathFor(plan)))
        {
            return false;
        }
        try
        {
            return string.Equals(PlanManifest.Load(plan).PlanSha256, PlanManifest.Sha256OfFile(plan), StringComparison.OrdinalIgnoreCase);
        }
        catch (ModelFormatException)
        {
            return false; // a damaged manifest is a miss: the entry is rebuilt
        }
        catch (IOException)
        {
            return false; // evicted under us
        }
    }

    private static void Touch(string plan)
    {
        try
        {
            File.SetLastWriteTimeUtc(plan, DateTime.UtcNow);
        }
        catch (IOException)
        {
            // Recency is advice for eviction; a read-only cache still serves hits.
        }
        catch (UnauthorizedAccessException)
        {
        }
    }

    private string LockPath(string hash) => Path.Combine(Directory, "." + hash + ".lock");

    private FileStream AcquireLock(EngineCacheKey key)
    {
        string path = LockPath(key.Hash);
        var deadline = DateTime.UtcNow + LockTimeout;
        int wait = 10;
        while (true)
        {
            if (TryLock(path) is { } held)
            {
                return held;
            }
            if (DateTime.UtcNow >= deadline)
            {
                throw new TimeoutException($"{path}: another process has been building this engine for longer than {LockTimeout.TotalMinutes:F0} min");
            }
            Thread.Sleep(wait);
            wait = Math.Min(wait * 2, 500);
        }
    }

    /// <summary>An exclusive handle on the lock file, or null while another holder has it (.NET maps FileShare.None to an advisory lock on Unix, across processes).</summary>
    private static FileStream? TryLock(string path)
    {
        try
        {
            return new FileStream(path, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None, 1, FileOptions.None);
        }
        catch (IOException)
        {
            return null;
        }
    }
}
