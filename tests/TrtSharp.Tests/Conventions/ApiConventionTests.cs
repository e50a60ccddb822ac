using System.Runtime.InteropServices;
using TrtSharp.Errors;

namespace TrtSharp.Tests.Conventions;

/// <summary>Checks the libraries' API conventions by reflection, so they hold as the code grows.</summary>
[TestFixture]
public class ApiConventionTests
{
    private static IEnumerable<Type> PublicTypes => Libraries.All.SelectMany(a => a.GetExportedTypes());

    [Test]
    public void EveryPublicExceptionIsATrtSharpException()
    {
        var strays = PublicTypes.Where(t => typeof(Exception).IsAssignableFrom(t) && !typeof(TrtSharpException).IsAssignableFrom(t)).ToList();
        Assert.That(strays, Is.Empty, "callers catch TrtSharpException for every deliberate error");
    }

    [Test]
    public void EveryPublicExceptionLivesInErrors()
    {
        var misplaced = PublicTypes.Where(t => typeof(Exception).IsAssignableFrom(t) && t.Namespace != "TrtSharp.Errors").ToList();
        Assert.That(misplaced, Is.Empty);
    }

    [Test]
    public void EverySafeHandleIsSealed()
    {
        var open = Libraries.All.SelectMany(a => a.GetTypes()).Where(t => typeof(SafeHandle).IsAssignableFrom(t) && !t.IsAbstract && !t.IsSealed).ToList();
        Assert.That(open, Is.Empty, "one sealed SafeHandle per native type");
    }

    [Test]
    public void GeneratedInteropIsNotPublic()
    {
        var exposed = PublicTypes.Where(t => t.Namespace?.StartsWith("TrtSharp.Interop.Generated", StringComparison.Ordinal) == true).ToList();
        Assert.That(exposed, Is.Empty, "users see the managed API, not raw bindings");
    }

    [Test]
    public void NamespacesStartWithTheProductName()
    {
        var foreign = PublicTypes.Where(t => t.Namespace is null || !t.Namespace.StartsWith("TrtSharp", StringComparison.Ordinal)).ToList();
        Assert.That(foreign, Is.Empty);
    }
}
