using TrtSharp.Cli.Infrastructure;

namespace TrtSharp.Tests.Cli;

[TestFixture]
public class CommandRunnerTests
{
    [Test]
    public void ArgumentErrorsLoseTheirDotNetDecorations()
    {
        var outOfRange = new ArgumentOutOfRangeException("percentile", 150.0, "the percentile must lie in [0, 100]");
        Assert.That(outOfRange.Message, Does.Contain("Parameter").And.Contain("Actual value"), "what .NET appends");
        Assert.That(CommandRunner.Describe(outOfRange), Is.EqualTo("the percentile must lie in [0, 100] (got 150)"), "the parameter is named already");
        Assert.That(CommandRunner.Describe(new ArgumentException("must be positive", "count")), Is.EqualTo("count: must be positive"));
        Assert.That(CommandRunner.Describe(new ArgumentException("--method 'kl': use entropy")), Is.EqualTo("--method 'kl': use entropy"));
    }
}
