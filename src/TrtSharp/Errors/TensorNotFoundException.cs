namespace TrtSharp.Errors;

/// <summary>A tensor name that the model or session does not have.</summary>
public sealed class TensorNotFoundException : TrtSharpException
{
    /// <summary>Creates the exception; <paramref name="available"/> is listed in the message to help the user.</summary>
    public TensorNotFoundException(string tensorName, IEnumerable<string> available)
        : base($"no tensor named '{tensorName}'; available: {string.Join(", ", available)}")
    {
        TensorName = tensorName;
    }

    /// <summary>The name that was asked for.</summary>
    public string TensorName { get; }
}
