using TrtSharp.Cli.Infrastructure;
using TrtSharp.Diagnostics;

namespace TrtSharp.Tests.Cli;

[TestFixture]
[NonParallelizable]
public class ConsoleProgressTests
{
    [Test]
    public void PlainLinesComePerStageAndPerTenPercentOrEveryTenUnits()
    {
        var saved = Console.Error;
        using var capture = new StringWriter();
        Console.SetError(capture);
        try
        {
            int result = ConsoleProgress.Run(progress =>
            {
                for (int i = 1; i <= 100; i++)
                {
                    progress.Report(new ProgressUpdate("known", i, 100));
                }
                for (int i = 1; i <= 25; i++)
                {
                    progress.Report(new ProgressUpdate("unknown", i, 0));
                }
                return 7;
            });
            Assert.That(result, Is.EqualTo(7));
        }
        finally
        {
            Console.SetError(saved);
        }
        var lines = capture.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.That(lines.Count(l => l.Contains("known ", StringComparison.Ordinal) && !l.Contains("unknown", StringComparison.Ordinal)), Is.EqualTo(11),
            "1% then every 10% up to 100%");
        Assert.That(lines.Where(l => l.Contains("unknown", StringComparison.Ordinal)).Select(l => l[(l.IndexOf(']') + 2)..]),
            Is.EqualTo(new[] { "unknown 1", "unknown 10", "unknown 20" }));
    }
}
