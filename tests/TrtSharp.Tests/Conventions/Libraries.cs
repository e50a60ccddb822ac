using System.Reflection;
using TrtSharp.Errors;
using TrtSharp.Quantization.Calibration;
using TrtSharp.Tools.Reporting;

namespace TrtSharp.Tests.Conventions;

/// <summary>The three libraries the conventions apply to, each found through a type it holds.</summary>
internal static class Libraries
{
    /// <summary>TrtSharp: the engine builder, runtime and ONNX tooling.</summary>
    public static Assembly Core => typeof(TrtSharpException).Assembly;

    /// <summary>TrtSharp.Quantization: calibration, Q/DQ, AutoCast, sensitivity.</summary>
    public static Assembly Quantization => typeof(CalibrationMethod).Assembly;

    /// <summary>TrtSharp.Tools: what only the trtsharp tool needs (audio, speech, model installer, plots, conformance).</summary>
    public static Assembly Tools => typeof(Plots).Assembly;

    /// <summary>All three.</summary>
    public static IReadOnlyList<Assembly> All => [Core, Quantization, Tools];
}
