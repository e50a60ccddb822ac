namespace TrtSharp.Tests.Conventions;

/// <summary>docs/thread-safety.md names every public type, so each one has a stated contract.</summary>
[TestFixture]
public class ThreadSafetyDocTests
{
    [Test]
    public void EveryPublicTypeHasAThreadSafetyContract()
    {
        string doc = File.ReadAllText(Path.Combine(RepositoryRoot(), "docs", "thread-safety.md"));
        var missing = Libraries.All.SelectMany(a => a.GetExportedTypes())
            // Covered by a rule of their own in the document: generated protobuf messages and the exceptions.
            .Where(t => t.Namespace != "TrtSharp.Onnx.Protobuf" && !typeof(Exception).IsAssignableFrom(t))
            .Select(t => DocName(t))
            .Where(name => !doc.Contains($"`{name}`", StringComparison.Ordinal) && !doc.Contains($"`{name}<", StringComparison.Ordinal))
            .Distinct()
            .Order(StringComparer.Ordinal)
            .ToList();
        Assert.That(missing, Is.Empty, "add these types to docs/thread-safety.md");
    }

    private static string DocName(Type type)
    {
        string name = type.Name;
        int tick = name.IndexOf('`', StringComparison.Ordinal);
        name = tick >= 0 ? name[..tick] : name;
        return type.IsNested && type.DeclaringType is { } outer ? $"{DocName(outer)}.{name}" : name;
    }

    private static string RepositoryRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "TrtSharp.sln")))
            {
                return dir.FullName;
            }
        }
        Assert.Fail($"no TrtSharp.sln above {AppContext.BaseDirectory}");
        return string.Empty;
    }
}
