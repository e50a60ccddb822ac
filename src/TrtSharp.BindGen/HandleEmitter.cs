using System.Globalization;
using System.Text;

namespace TrtSharp.BindGen;

/// <summary>
/// Writes one sealed <c>NativeHandle</c> per opaque handle type of the header that has a <c>trts_X_destroy</c>
/// function, so each handle class always calls the destroy function its header declares.
/// </summary>
internal static class HandleEmitter
{
    public static string Emit(HeaderModel model, string banner)
    {
        var sb = new StringBuilder(banner);
        sb.Append("#nullable enable\n\nusing TrtSharp.Interop.Handles;\n\nnamespace TrtSharp.Interop.Generated;\n\n");
        foreach (var (opaque, destroy) in Handles(model))
        {
            var type = Naming.Pascal(opaque);
            var name = type[4..] + "Handle";
            sb.Append(CultureInfo.InvariantCulture, $"/// <summary>Owns one <c>{opaque}</c>; destroyed by <c>{destroy.Name}</c>.</summary>\n");
            sb.Append(CultureInfo.InvariantCulture, $"internal sealed unsafe class {name} : NativeHandle\n{{\n");
            sb.Append("    /// <inheritdoc />\n");
            sb.Append(CultureInfo.InvariantCulture, $"    protected override string Kind => \"{opaque}\";\n\n");
            sb.Append("    /// <summary>Holds this handle alive for one call; throws <see cref=\"System.ObjectDisposedException\"/> after disposal.</summary>\n");
            sb.Append(CultureInfo.InvariantCulture, $"    public new HandleLease<{type}> Lease() => new(this);\n\n");
            sb.Append("    /// <inheritdoc />\n");
            sb.Append(CultureInfo.InvariantCulture,
                $"    protected override bool Free(nint value) => TrtsNative.{Naming.Function(destroy.Name)}(({type}*)value) == TrtsStatus.Ok;\n");
            sb.Append("}\n\n");
        }

        while (sb.Length > 1 && sb[^1] == '\n' && sb[^2] == '\n')
        {
            sb.Length--;
        }

        return sb.ToString();
    }

    /// <summary>Each opaque type with its destroy function (one parameter: a pointer to that type).</summary>
    public static IEnumerable<(string Opaque, CFunction Destroy)> Handles(HeaderModel model)
    {
        foreach (var opaque in model.OpaqueStructs)
        {
            var destroyName = opaque + "_destroy";
            var destroy = model.Functions.FirstOrDefault(f => f.Name == destroyName);
            if (destroy is null)
            {
                continue;
            }

            if (destroy.Parameters.Count != 1 || destroy.Parameters[0].Type.Replace(" ", "", StringComparison.Ordinal) != opaque + "*")
            {
                throw new InvalidOperationException($"{destroyName} must take exactly one '{opaque} *' parameter");
            }

            yield return (opaque, destroy);
        }
    }
}
