namespace TrtSharp.Tests.BadInputs;

/// <summary>Which reader a hostile file targets, and so which commands it is fed to.</summary>
internal enum BadInputKind
{
    /// <summary>An ONNX model file.</summary>
    Model,

    /// <summary>A NumPy .npy input file.</summary>
    Npy,

    /// <summary>A NumPy .npz archive of inputs.</summary>
    Npz,

    /// <summary>A serialized TensorProto input file (.pb).</summary>
    TensorProto,

    /// <summary>A TensorRT calibration cache.</summary>
    CalibrationCache,

    /// <summary>A .plan with a broken manifest (<c>.plan.json</c>).</summary>
    PlanManifest,

    /// <summary>A .plan file that is not a TensorRT plan.</summary>
    Plan,

    /// <summary>A WAV clip listed by a speech manifest.</summary>
    Wav,
}

/// <summary>
/// One hostile file of the corpus: written on demand by <see cref="Write"/> into its own folder (which returns the path
/// a command is given), with the reader's expected complaint as a text fragment.
/// </summary>
/// <param name="Name">Unique name; also the test case name.</param>
/// <param name="Kind">The reader it targets.</param>
/// <param name="Problem">A fragment the reader's message must contain (case-insensitive).</param>
/// <param name="Write">Writes the file (and any companions) into the given empty folder; returns the path to hand to a command.</param>
/// <param name="MayPass">
/// Commands that may legitimately succeed on this file ("*" for all): random corruption can leave a valid file
/// (a flipped bit inside a weight), and <c>inspect</c> shows models that only fail when run. Those must still never crash.
/// </param>
internal sealed record BadInput(string Name, BadInputKind Kind, string Problem, Func<string, string> Write, params string[] MayPass)
{
    /// <summary>True when <paramref name="command"/> may exit 0 on this file.</summary>
    public bool MayPassIn(string command) => MayPass.Contains("*") || MayPass.Contains(command);

    public override string ToString() => Name;
}
