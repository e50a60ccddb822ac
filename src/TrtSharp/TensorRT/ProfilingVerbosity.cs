namespace TrtSharp.TensorRT;

/// <summary>How much layer information an engine keeps for the inspector and the profiler.</summary>
public enum ProfilingVerbosity
{
    /// <summary>Layer names only (TensorRT's default).</summary>
    LayerNamesOnly = 0,

    /// <summary>Nothing.</summary>
    None = 1,

    /// <summary>Layer names, tactics, formats and parameters.</summary>
    Detailed = 2,
}
