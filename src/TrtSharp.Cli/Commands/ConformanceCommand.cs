using System.CommandLine;
using System.Text.Json;
using System.Text.Json.Serialization;
using Spectre.Console;
using TrtSharp.Cli.Infrastructure;
using TrtSharp.Cli.Rendering;
using TrtSharp.IO;
using TrtSharp.Onnx;
using TrtSharp.Tools.Conformance;

namespace TrtSharp.Cli.Commands;

/// <summary><c>trtsharp conformance &lt;dir&gt;</c>: runs ONNX backend test folders and prints a pass/fail/error table.</summary>
internal static class ConformanceCommand
{
    public static Command Create()
    {
        var directory = new Argument<DirectoryInfo>("dir")
        {
            Description = "A test case folder (model.onnx + test_data_set_*), a suite folder of them, or a data root holding suites (e.g. /usr/share/libonnx-testdata/data).",
        };
        var backend = new Option<string>("--backend") { Description = "Backend under test: ort (ONNX Runtime, CPU) or trt (TensorRT).", DefaultValueFactory = _ => "ort" };
        var filter = new Option<string?>("--filter") { Description = "Only cases whose name contains this text." };
        var json = new Option<string?>("--json") { Description = "Write the full results as JSON to this file ('-' for stdout, replacing the table)." };
        var showPassed = new Option<bool>("--show-passed") { Description = "List passed cases in the table too (default: only failures and errors)." };
        var command = new Command("conformance", "Run ONNX backend test cases and compare every output with the reference (rtol 1e-3, atol 1e-7; integers and booleans exactly).")
        {
            directory, backend, filter, json, showPassed,
        };
        CommandRunner.SetAction(command, (parseResult, cancellationToken) =>
        {
            var console = CliConsole.Create(parseResult.InvocationConfiguration.Output);
            string root = parseResult.GetValue(directory)!.FullName;
            string backendName = parseResult.GetValue(backend)!;
            var runner = new ConformanceRunner(
                backendName,
                path => SessionFactory.Open(path, SessionFactory.Parse(backendName), o => o.IntraOpThreads = 1, normalize: false).Session,
                path => TensorProtoFile.Read(path).Tensor,
                new ConformanceOptions { Filter = parseResult.GetValue(filter) });
            var report = ConsoleProgress.Run(progress => runner.Run(root, progress, cancellationToken));
            string? jsonPath = parseResult.GetValue(json);
            if (jsonPath is not null)
            {
                string text = ReportJson.Serialize(new
                {
                    backend = report.Backend,
                    passed = report.Passed,
                    failed = report.Failed,
                    errors = report.Errors,
                    nondeterministic = report.Nondeterministic,
                    suites = report.BySuite().Select(s => new { suite = s.Suite, passed = s.Passed, failed = s.Failed, errors = s.Errors, nondeterministic = s.Nondeterministic }),
                    cases = report.Cases,
                });
                if (jsonPath == "-")
                {
                    console.WriteLine(text);
                    return Task.FromResult(report.Failed + report.Errors == 0 ? 0 : CommandRunner.CheckFailed);
                }
                AtomicFile.WriteAllText(jsonPath, text);
            }
            Render(console, report, parseResult.GetValue(showPassed));
            return Task.FromResult(report.Failed + report.Errors == 0 ? 0 : CommandRunner.CheckFailed);
        });
        return command;
    }

    private static void Render(CliConsole console, ConformanceReport report, bool showPassed)
    {
        var cases = new Table().Border(TableBorder.Rounded).AddColumns("suite", "case", "result", "reason");
        foreach (var c in report.Cases.Where(c => showPassed || c.Outcome != ConformanceOutcome.Passed))
        {
            string outcome = c.Outcome switch
            {
                ConformanceOutcome.Passed => "[green]pass[/]",
                ConformanceOutcome.Failed => "[red]FAIL[/]",
                ConformanceOutcome.Nondeterministic => "[blue]random[/]",
                _ => "[yellow]error[/]",
            };
            cases.AddRow(Markup.Escape(c.Suite), Markup.Escape(c.Name), outcome, Markup.Escape(Shorten(c.Reason, 160)));
        }
        if (cases.Rows.Count > 0)
        {
            console.Write(cases);
        }
        // Random cases are checked for types and shapes only, so the pass rate counts the deterministic cases.
        var suites = new Table().Border(TableBorder.Rounded).AddColumns("suite", "passed", "failed", "errors", "random", "pass rate (deterministic)");
        foreach (var (suite, passed, failed, errors, random) in report.BySuite())
        {
            int total = passed + failed + errors;
            suites.AddRow(Markup.Escape(suite), passed.ToString(), failed.ToString(), errors.ToString(), random.ToString(), total == 0 ? "-" : $"{100.0 * passed / total:0.0}%");
        }
        console.Write(suites);
        console.WriteLine($"conformance ({report.Backend}): {report.Summary}");
    }

    private static string Shorten(string text, int max) => text.Length <= max ? text : text[..(max - 1)] + "…";
}
