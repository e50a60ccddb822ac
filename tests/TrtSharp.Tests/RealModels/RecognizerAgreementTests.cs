namespace TrtSharp.Tests.RealModels;

/// <summary>The recognizer metrics on hand-made decodings (no model needed).</summary>
public class RecognizerAgreementTests
{
    [TestCase("kitten", "sitting", 3)]
    [TestCase("", "abc", 3)]
    [TestCase("abc", "", 3)]
    [TestCase("Room 204", "Room204", 1)]
    [TestCase("Exit [North]", "Exit[North］", 2)]
    [TestCase("same", "same", 0)]
    public void LevenshteinCountsInsertionsDeletionsAndSubstitutions(string a, string b, int expected)
    {
        Assert.That(RecognizerAgreement.Levenshtein(a, b), Is.EqualTo(expected));
        Assert.That(RecognizerAgreement.Levenshtein(b, a), Is.EqualTo(expected));
    }

    [Test]
    public void AgreementCountsLinesCharactersStepsAndMargins()
    {
        // Two lines, 3 classes, 2 time steps each.
        (string, float[])[] fp32 = [("ab", [0.1f, 0.8f, 0.1f, 0.2f, 0.1f, 0.7f]), ("c", [0.9f, 0.05f, 0.05f, 0.6f, 0.3f, 0.1f])];
        // Line 1 identical (margins 0.5 and 0.3); line 2 loses a character and its second step flips to class 1 (margin -0.2).
        (string, float[])[] other = [("ab", [0.2f, 0.7f, 0.1f, 0.1f, 0.3f, 0.6f]), ("", [0.8f, 0.1f, 0.1f, 0.35f, 0.55f, 0.1f])];

        var agreement = RecognizerAgreement.Of(fp32, other, 3);

        Assert.That(agreement.Identical, Is.EqualTo(1));
        Assert.That(agreement.IdenticalShare, Is.EqualTo(0.5));
        Assert.That(agreement.EditDistance, Is.EqualTo(1));
        Assert.That(agreement.Characters, Is.EqualTo(3));
        Assert.That(agreement.CharacterErrorRate, Is.EqualTo(1.0 / 3));
        Assert.That(agreement.StepsAgreeing, Is.EqualTo(3));
        Assert.That(agreement.Steps, Is.EqualTo(4));
        Assert.That(agreement.MeanMargin, Is.EqualTo((0.5 + 0.3 + 0.7 - 0.2) / 4).Within(1e-6));
    }
}
