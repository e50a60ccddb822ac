namespace TrtSharp.Triton;

/// <summary>What <see cref="TritonRepositoryExporter.Export"/> wrote.</summary>
/// <param name="ModelDirectory">The model's folder in the repository.</param>
/// <param name="ConfigPath">Its <c>config.pbtxt</c>.</param>
/// <param name="ModelFilePath">The model file in the version folder (<c>1/model.plan</c> or <c>1/model.onnx</c>).</param>
/// <param name="Platform">Triton's platform name.</param>
/// <param name="ConfigText">The configuration as written.</param>
/// <param name="Notes">Choices made for the user (defaulted batch size, where the inputs and outputs were read from).</param>
public sealed record TritonExportResult(string ModelDirectory, string ConfigPath, string ModelFilePath, string Platform, string ConfigText, IReadOnlyList<string> Notes);
