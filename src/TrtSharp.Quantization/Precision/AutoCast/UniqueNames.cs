namespace TrtSharp.Quantization.Precision.AutoCast;

/// <summary>New value and node names that collide with nothing in the graph.</summary>
internal static class UniqueNames
{
    /// <summary><paramref name="name"/>, or with _1, _2, … appended until it is not in <paramref name="taken"/>; the result is added to it.</summary>
    public static string Unique(string name, HashSet<string> taken)
    {
        string candidate = name;
        for (int i = 1; !taken.Add(candidate); i++)
        {
            candidate = $"{name}_{i}";
        }
        return candidate;
    }
}
