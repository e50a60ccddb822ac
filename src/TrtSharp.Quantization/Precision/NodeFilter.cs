namespace TrtSharp.Quantization.Precision;

/// <summary>Matches nodes against name and op-type patterns and remembers which patterns never matched.</summary>
internal sealed class NodeFilter
{
    private readonly (string Pattern, string What, bool ByOpType)[] _patterns;
    private readonly bool[] _matched;

    public NodeFilter(IEnumerable<string> namePatterns, IEnumerable<string> opTypePatterns, string what)
    {
        _patterns = [.. namePatterns.Select(p => (p, what, false)), .. opTypePatterns.Select(p => (p, what, true))];
        _matched = new bool[_patterns.Length];
    }

    /// <summary>The first pattern matching the node (its reason text), or null. Every matching pattern is marked used.</summary>
    public string? Match(string nodeName, string opType)
    {
        string? reason = null;
        for (var i = 0; i < _patterns.Length; i++)
        {
            var (pattern, what, byOpType) = _patterns[i];
            var text = byOpType ? opType : nodeName;
            if (text.Length > 0 && GlobPattern.IsMatch(pattern, text))
            {
                _matched[i] = true;
                reason ??= $"{what} by {(byOpType ? "op-type" : "node-name")} pattern '{pattern}'";
            }
        }

        return reason;
    }

    /// <summary>Whether any pattern matches, without marking it used (for look-ahead decisions).</summary>
    public bool Matches(string nodeName, string opType) =>
        _patterns.Any(p => (p.ByOpType ? opType : nodeName) is { Length: > 0 } text && GlobPattern.IsMatch(p.Pattern, text));

    /// <summary>One warning per pattern that matched no node.</summary>
    public IEnumerable<string> UnmatchedWarnings()
    {
        for (var i = 0; i < _patterns.Length; i++)
        {
            if (!_matched[i])
            {
                var (pattern, what, byOpType) = _patterns[i];
                yield return $"{what} {(byOpType ? "op-type" : "node-name")} pattern '{pattern}' matched no node";
            }
        }
    }
}
