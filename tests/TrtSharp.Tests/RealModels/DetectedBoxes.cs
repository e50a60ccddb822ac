namespace TrtSharp.Tests.RealModels;

/// <summary>One text box a DB detector's probability map yields: a rectangle (possibly rotated) by its four corners, and its score.</summary>
internal sealed record DetectedBox(IReadOnlyList<(double X, double Y)> Corners, double Score)
{
    public double Area => ConvexPolygon.Area(Corners);

    public double Iou(DetectedBox other)
    {
        double both = ConvexPolygon.Area(ConvexPolygon.Intersection(Corners, other.Corners));
        return both <= 0 ? 0 : both / (Area + other.Area - both);
    }
}

/// <summary>
/// The boxes PP-OCR's DB post-processing reports (its <c>boxes_from_bitmap</c> with the inference defaults: thresh 0.3,
/// box_thresh 0.6, unclip ratio 1.5, min_size 3, "fast" score), so the detector is judged by what an OCR pipeline gets:
/// each 8-connected region of probability &gt; 0.3 gets its minimum-area rectangle; it is dropped when that rectangle's
/// shorter side is under 3 pixels (measured through pixel centres, as OpenCV's minAreaRect does) or when the mean
/// probability over the pixels the rectangle covers is under 0.6; otherwise the rectangle is enlarged on every side by
/// area × 1.5 / perimeter (what pyclipper's round offset gives a rectangle) and dropped when its shorter side is under 5.
/// Two approximations: the covered pixels are those whose centre lies in the rectangle or within half a pixel of it (what
/// OpenCV's fillPoly fills, up to its rasterization of slanted edges), and inner contours (holes) are ignored.
/// </summary>
internal static class DetectedBoxes
{
    public const float Threshold = 0.3f;
    private const double BoxThreshold = 0.6;
    private const double UnclipRatio = 1.5;
    private const int MinSide = 3;

    // OpenCV's fillPoly also fills the pixels its edges pass through: on a slanted edge, those whose centre lies up to
    // half a pixel outside it.
    private const double FillMargin = 0.5;

    public static List<DetectedBox> Find(float[] probability, int width)
    {
        int height = probability.Length / width;
        var boxes = new List<DetectedBox>();
        foreach (var region in Regions(probability, width))
        {
            var (corners, side) = ConvexPolygon.MinAreaRectangle(region);
            if (side < MinSide || Score(probability, width, height, corners) is var score && score < BoxThreshold)
            {
                continue;
            }
            var (w, h) = (Distance(corners[0], corners[1]), Distance(corners[1], corners[2]));
            double grow = w * h * UnclipRatio / (2 * (w + h));
            if (Math.Min(w, h) + 2 * grow < MinSide + 2)
            {
                continue;
            }
            var centre = (X: corners.Average(c => c.X), Y: corners.Average(c => c.Y));
            // Unit vector along the first side; the other side runs along its perpendicular (-uy, ux).
            var (ux, uy) = ((corners[1].X - corners[0].X) / w, (corners[1].Y - corners[0].Y) / w);
            double halfW = w / 2 + grow, halfH = h / 2 + grow;
            // Corners of the enlarged rectangle, rounded and clipped to the image as PP-OCR writes them.
            var enlarged = new[] { (-1, -1), (1, -1), (1, 1), (-1, 1) }
                .Select(s => (X: Math.Clamp(Math.Round(centre.X + s.Item1 * halfW * ux - s.Item2 * halfH * uy), 0, width),
                              Y: Math.Clamp(Math.Round(centre.Y + s.Item1 * halfW * uy + s.Item2 * halfH * ux), 0, height)))
                .ToList();
            boxes.Add(new DetectedBox(enlarged, score));
        }
        return boxes;
    }

    /// <summary>
    /// Pairs each reference box with the unpaired candidate box it overlaps most, when their IoU is at least 0.5 (the usual
    /// detection-evaluation threshold); returns the IoU of every pair.
    /// </summary>
    public static List<double> Pair(IReadOnlyList<DetectedBox> reference, IReadOnlyList<DetectedBox> candidate)
    {
        var taken = new bool[candidate.Count];
        var pairs = new List<double>();
        foreach (var box in reference)
        {
            int best = -1;
            double bestIou = 0.5;
            for (int i = 0; i < candidate.Count; i++)
            {
                double iou = taken[i] ? 0 : box.Iou(candidate[i]);
                if (iou >= bestIou)
                {
                    (best, bestIou) = (i, iou);
                }
            }
            if (best >= 0)
            {
                taken[best] = true;
                pairs.Add(bestIou);
            }
        }
        return pairs;
    }

    /// <summary>The pixel coordinates of each 8-connected region above the threshold.</summary>
    private static IEnumerable<List<(double X, double Y)>> Regions(float[] probability, int width)
    {
        int height = probability.Length / width;
        var seen = new bool[probability.Length];
        var pending = new Stack<int>();
        for (int start = 0; start < probability.Length; start++)
        {
            if (seen[start] || !(probability[start] > Threshold))
            {
                continue;
            }
            var pixels = new List<(double X, double Y)>();
            seen[start] = true;
            pending.Push(start);
            while (pending.TryPop(out int at))
            {
                int x = at % width, y = at / width;
                pixels.Add((x, y));
                for (int ny = Math.Max(0, y - 1); ny <= Math.Min(height - 1, y + 1); ny++)
                {
                    for (int nx = Math.Max(0, x - 1); nx <= Math.Min(width - 1, x + 1); nx++)
                    {
                        int next = ny * width + nx;
                        if (!seen[next] && probability[next] > Threshold)
                        {
                            seen[next] = true;
                            pending.Push(next);
                        }
                    }
                }
            }
            yield return pixels;
        }
    }

    /// <summary>PP-OCR's "fast" score: the mean probability over the pixels the rectangle covers, its corners truncated to integers.</summary>
    private static double Score(float[] probability, int width, int height, IReadOnlyList<(double X, double Y)> corners)
    {
        var polygon = corners.Select(c => ((double)(int)c.X, (double)(int)c.Y)).ToList();
        int left = Math.Clamp((int)Math.Floor(corners.Min(c => c.X)), 0, width - 1), right = Math.Clamp((int)Math.Ceiling(corners.Max(c => c.X)), 0, width - 1);
        int top = Math.Clamp((int)Math.Floor(corners.Min(c => c.Y)), 0, height - 1), bottom = Math.Clamp((int)Math.Ceiling(corners.Max(c => c.Y)), 0, height - 1);
        double sum = 0;
        int count = 0;
        for (int y = top; y <= bottom; y++)
        {
            for (int x = left; x <= right; x++)
            {
                if (ConvexPolygon.Contains(polygon, (x, y), FillMargin))
                {
                    sum += probability[y * width + x];
                    count++;
                }
            }
        }
        return count == 0 ? 0 : sum / count;
    }

    private static double Distance((double X, double Y) a, (double X, double Y) b) => Math.Sqrt(((a.X - b.X) * (a.X - b.X)) + ((a.Y - b.Y) * (a.Y - b.Y)));
}
