namespace TrtSharp.OnnxRuntime;

/// <summary>An execution provider that was asked for but skipped, and why.</summary>
/// <param name="ProviderName">ONNX Runtime's name of the provider.</param>
/// <param name="Reason">ONNX Runtime's or the loader's message.</param>
public sealed record ProviderFallback(string ProviderName, string Reason);
