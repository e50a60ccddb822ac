namespace TrtSharp.Tests.RealModels;

/// <summary>The detector's box metric on hand-made probability maps (no model needed), against PP-OCR's DB post-processing rules.</summary>
public class DetectedBoxesTests
{
    private const int Width = 40;

    [Test]
    public void AConfidentRegionBecomesItsRectangleEnlargedByAreaTimesOneAndAHalfOverPerimeter()
    {
        var map = new float[Width * 20];
        Fill(map, 10, 6, 18, 11, 0.9f); // pixel centres x 10..17, y 6..10: a 7 × 4 rectangle through them

        var box = DetectedBoxes.Find(map, Width).Single();

        // Enlarged by 7·4·1.5 / 22 = 1.909 on every side, then rounded: x 8.09..18.91, y 4.09..11.91.
        Assert.That(box.Corners.Select(c => (c.X, c.Y)).Order(), Is.EqualTo(new[] { (8.0, 4.0), (8.0, 12.0), (19.0, 4.0), (19.0, 12.0) }));
        Assert.That(box.Score, Is.EqualTo(0.9).Within(1e-6));
    }

    [Test]
    public void ShorterSidesAreMeasuredThroughPixelCentres()
    {
        var map = new float[Width * 20];
        Fill(map, 2, 2, 20, 5, 0.9f);   // 3 rows: a side of 2 through the centres, under min_size 3
        Fill(map, 2, 10, 20, 14, 0.9f); // 4 rows: a side of 3

        var boxes = DetectedBoxes.Find(map, Width);

        Assert.That(boxes, Has.Count.EqualTo(1));
        Assert.That(boxes[0].Corners.Min(c => c.Y), Is.GreaterThan(6), "the 4-row region's box");
    }

    [Test]
    public void TheScoreIsTheMeanOverTheRectangleNotOverTheRegion()
    {
        var map = new float[Width * 20];
        // An L: a 20-pixel row and a 6-pixel column at 0.7. The region's own mean is 0.7, but its rectangle covers
        // 20 × 6 pixels of which 25 are in the L: the box's score is 0.7 · 25 / 120 ≈ 0.15, under box_thresh 0.6.
        Fill(map, 5, 5, 25, 6, 0.7f);
        Fill(map, 5, 6, 6, 11, 0.7f);
        // Same size, filled: kept.
        Fill(map, 5, 12, 25, 18, 0.7f);

        var boxes = DetectedBoxes.Find(map, Width);

        Assert.That(boxes, Has.Count.EqualTo(1));
        Assert.That(boxes[0].Score, Is.EqualTo(0.7).Within(1e-6));
    }

    [Test]
    public void ATiltedRegionGetsATiltedRectangle()
    {
        var map = new float[Width * 20];
        for (int x = 2; x < 38; x++)
        {
            int middle = 4 + (x / 4); // a band rising one pixel every four columns
            Fill(map, x, middle - 2, x + 1, middle + 3, 0.9f);
        }

        var box = DetectedBoxes.Find(map, Width).Single();

        var longest = Enumerable.Range(0, 4).Select(i => (box.Corners[i], box.Corners[(i + 1) % 4]))
            .MaxBy(e => Math.Abs(e.Item2.X - e.Item1.X) + Math.Abs(e.Item2.Y - e.Item1.Y));
        double slope = (longest.Item2.Y - longest.Item1.Y) / (longest.Item2.X - longest.Item1.X);
        Assert.That(slope, Is.EqualTo(0.25).Within(0.05));
    }

    [Test]
    public void IouOfRotatedBoxesAndOneToOnePairs()
    {
        DetectedBox Square(double x0, double y0, double side) => new([(x0, y0), (x0 + side, y0), (x0 + side, y0 + side), (x0, y0 + side)], 1);
        DetectedBox a = Square(0, 0, 4), shifted = Square(2, 0, 4), far = Square(3, 0, 4);
        // A square of side 4 turned 45° about the centre of `a`: their intersection is the regular octagon of area 32(√2 − 1).
        double r = 2 * Math.Sqrt(2);
        DetectedBox diamond = new([(2, 2 - r), (2 + r, 2), (2, 2 + r), (2 - r, 2)], 1);

        Assert.That(a.Iou(shifted), Is.EqualTo(8.0 / 24).Within(1e-9));
        Assert.That(a.Iou(diamond), Is.EqualTo(32 * (Math.Sqrt(2) - 1) / (32 - (32 * (Math.Sqrt(2) - 1)))).Within(1e-9));
        Assert.That(a.Iou(Square(10, 10, 4)), Is.Zero);
        Assert.That(DetectedBoxes.Pair([a, far], [far, a]), Is.EqualTo(new[] { 1.0, 1.0 }));
        Assert.That(DetectedBoxes.Pair([a, a], [a]), Has.Count.EqualTo(1), "a box pairs once");
        Assert.That(DetectedBoxes.Pair([a], [shifted]), Is.Empty, "IoU 1/3 is under 0.5");
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
