namespace TrtSharp.Diagnostics;

/// <summary>One progress report from long work (calibration, conformance, model download): a stage and how far it is.</summary>
/// <param name="Stage">What is happening, e.g. "calibrating".</param>
/// <param name="Done">Units finished so far.</param>
/// <param name="Total">Units in all, or 0 when unknown.</param>
public readonly record struct ProgressUpdate(string Stage, long Done, long Total);
