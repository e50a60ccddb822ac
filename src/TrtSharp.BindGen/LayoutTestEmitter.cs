using System.Globalization;
using System.Text;

namespace TrtSharp.BindGen;

/// <summary>Writes NUnit tests asserting that each generated struct has clang's size and field offsets.</summary>
internal static class LayoutTestEmitter
{
    public static string Emit(HeaderModel model, string banner)
    {
        var sb = new StringBuilder(banner);
        sb.Append("#nullable enable\n\nusing System.Runtime.InteropServices;\nusing TrtSharp.Interop.Generated;\n\n");
        sb.Append("namespace TrtSharp.Tests.Interop.Generated;\n\n");
        sb.Append("/// <summary>Sizes and offsets of the generated structs equal what clang computed for the C header.</summary>\n");
        sb.Append("[TestFixture]\npublic sealed unsafe class StructLayoutTests\n{\n");
        var first = true;
        foreach (var s in model.Structs)
        {
            if (!first)
            {
                sb.Append('\n');
            }

            first = false;
            var type = Naming.Pascal(s.Name);
            sb.Append(CultureInfo.InvariantCulture, $"    [Test]\n    public void {type}_MatchesCLayout()\n    {{\n");
            sb.Append(CultureInfo.InvariantCulture, $"        Assert.That(sizeof({type}), Is.EqualTo({s.Size}), \"sizeof({s.Name})\");\n");
            foreach (var f in s.Fields)
            {
                var field = Naming.Pascal(f.Name);
                sb.Append(CultureInfo.InvariantCulture,
                    $"        Assert.That(Marshal.OffsetOf<{type}>(nameof({type}.{field})).ToInt32(), Is.EqualTo({s.Offsets[f.Name]}), \"offsetof({s.Name}, {f.Name})\");\n");
            }

            sb.Append("    }\n");
        }

        sb.Append("}\n");
        return sb.ToString();
    }
}
