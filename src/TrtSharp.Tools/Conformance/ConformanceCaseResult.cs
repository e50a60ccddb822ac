namespace TrtSharp.Tools.Conformance;

/// <summary>The result of one test case (one <c>model.onnx</c> with its data sets).</summary>
/// <param name="Suite">The suite folder, e.g. "node" or "pytorch-converted".</param>
/// <param name="Name">The case folder, e.g. "test_abs".</param>
/// <param name="Outcome">Passed, failed or error.</param>
/// <param name="Reason">Why it did not pass (empty when it passed).</param>
/// <param name="DataSets">Number of data sets run.</param>
/// <param name="Milliseconds">Wall time for load and all data sets.</param>
public sealed record ConformanceCaseResult(string Suite, string Name, ConformanceOutcome Outcome, string Reason, int DataSets, double Milliseconds);
