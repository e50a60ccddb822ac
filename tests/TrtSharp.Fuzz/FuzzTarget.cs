using TrtSharp.Errors;

namespace TrtSharp.Fuzz;

/// <summary>
/// One harness: feeds arbitrary bytes to a reader. A <see cref="TrtSharpException"/> is the reader refusing bad input as
/// designed; any other exception escapes and is a finding (a crash to the fuzzer).
/// </summary>
/// <param name="Name">What the command line calls it.</param>
/// <param name="Description">The reader it exercises.</param>
/// <param name="Read">The reader call.</param>
/// <param name="Expected">Exception types besides <see cref="TrtSharpException"/> that count as a refusal (none for most).</param>
internal sealed record FuzzTarget(string Name, string Description, Action<byte[]> Read, params Type[] Expected)
{
    /// <summary>Runs the reader on <paramref name="input"/>, swallowing the refusals it is allowed to make.</summary>
    public void Run(byte[] input)
    {
        try
        {
            Read(input);
        }
        catch (Exception e) when (e is TrtSharpException || Expected.Any(t => t.IsInstanceOfType(e)))
        {
            // Refused with a typed error: what a reader must do with bad bytes.
        }
    }
}
