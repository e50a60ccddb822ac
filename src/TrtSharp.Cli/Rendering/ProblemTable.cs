using Spectre.Console;
using TrtSharp.Onnx.Validation;

namespace TrtSharp.Cli.Rendering;

/// <summary>Model problems as a table (graph, node, kind, message), shared by <c>check</c> and <c>inspect</c>.</summary>
internal static class ProblemTable
{
    /// <summary>Writes the table; nothing when there are no problems.</summary>
    public static void Write(CliConsole console, IReadOnlyList<ModelProblem> problems)
    {
        if (problems.Count == 0)
        {
            return;
        }
        var table = new Table().Border(TableBorder.Rounded).Title("problems").AddColumns("graph", "node", "problem", "details");
        foreach (var p in problems)
        {
            table.AddRow(Markup.Escape(p.Graph), Markup.Escape(p.Node ?? "-"), Markup.Escape(p.Code), Markup.Escape(p.Message));
        }
        console.Write(table);
    }
}
