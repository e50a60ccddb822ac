using TrtSharp.IO;

namespace TrtSharp.Tests.IO;

[TestFixture]
public class AtomicFileTests
{
    private string _dir = null!;

    [SetUp]
    public void SetUp() => _dir = Directory.CreateTempSubdirectory("trtsharp-atomic").FullName;

    [TearDown]
    public void TearDown() => Directory.Delete(_dir, true);

    [Test]
    public void AFailedWriteKeepsTheOldFileAndLeavesNoTemp()
    {
        string path = Path.Combine(_dir, "model.plan");
        File.WriteAllText(path, "old");
        Assert.Throws<InvalidDataException>(() => AtomicFile.Write(path, s =>
        {
            s.Write("partial"u8);
            throw new InvalidDataException("boom");
        }));
        Assert.That(File.ReadAllText(path), Is.EqualTo("old"));
        Assert.That(Directory.GetFiles(_dir), Has.Length.EqualTo(1));
    }

    [Test]
    public void ASuccessfulWriteReplacesTheFile()
    {
        string path = Path.Combine(_dir, "sub", "a.txt");
        AtomicFile.WriteAllText(path, "new ü");
        Assert.That(File.ReadAllText(path), Is.EqualTo("new ü"));
    }
}
