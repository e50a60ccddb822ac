namespace TrtSharp.Tests.RealModels;

/// <summary>The detector's box metric on hand-made probability maps (no model needed).</summary>
public class DetectedBoxesTests
{
    private const int Width = 12;

    [Test]
    public void RegionsBecomeBoxesWhenConfidentAndLargeEnough()
    {
        var map = new float[Width * 8];
        Fill(map, 1, 1, 5, 4, 0.9f);   // a word: 4×3 pixels, mean 0.9
        Fill(map, 4, 4, 5, 5, 0.35f);  // touches it diagonally: one region, mean still ≥ 0.6
        Fill(map, 8, 1, 11, 4, 0.5f);  // above the pixel threshold, below the box threshold
        Fill(map, 7, 6, 12, 8, 0.95f); // two rows only: thinner than 3 pixels

        var boxes = DetectedBoxes.Find(map, Width);

        Assert.That(boxes, Has.Count.EqualTo(1));
        Assert.That((boxes[0].Left, boxes[0].Top, boxes[0].Right, boxes[0].Bottom), Is.EqualTo((1, 1, 5, 5)));
        Assert.That(boxes[0].Score, Is.EqualTo((12 * 0.9 + 0.35) / 13).Within(1e-6));
    }

    [Test]
    public void PairsAreOneToOneAndNeedHalfTheUnion()
    {
        DetectedBox a = new(0, 0, 10, 4, 1), b = new(20, 0, 30, 4, 1);
        // c overlaps a with IoU 8×4 / (10×4 + 10×4 − 8×4) = 0.667; d overlaps b with IoU 4/16 = 0.25.
        DetectedBox c = new(2, 0, 12, 4, 1), d = new(26, 0, 32, 4, 1);

        Assert.That(DetectedBoxes.Pair([a, b], [d, c]), Is.EqualTo(new[] { 32.0 / 48 }).Within(1e-9));
        Assert.That(DetectedBoxes.Pair([a, a], [c]), Has.Count.EqualTo(1), "a box pairs once");
        Assert.That(DetectedBoxes.Pair([a, b], [a, b]), Is.EqualTo(new[] { 1.0, 1.0 }));
    }

    private static void Fill(float[] map, int left, int top, int right, int bottom, float value)
    {
        for (int y = top; y < bottom; y++)
        {
            for (int x = left; x < right; x++)
            {
                map[y * Width + x] = value;
            }
        }
    }
}
