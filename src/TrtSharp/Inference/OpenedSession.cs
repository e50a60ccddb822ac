namespace TrtSharp.Inference;

/// <summary>A session <see cref="InferenceSessionFactory"/> opened, with the record of why it runs where it does.</summary>
/// <param name="Session">The session; the caller owns it (disposing this disposes it).</param>
/// <param name="Choice">The backend chosen and the reasons.</param>
public sealed record OpenedSession(IInferenceSession Session, BackendChoice Choice) : IDisposable
{
    /// <summary>Disposes <see cref="Session"/>.</summary>
    public void Dispose() => Session.Dispose();
}
