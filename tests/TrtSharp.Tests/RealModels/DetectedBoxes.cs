namespace TrtSharp.Tests.RealModels;

/// <summary>One text box a DB detector's probability map yields: pixel bounds (right and bottom exclusive) and its score.</summary>
internal readonly record struct DetectedBox(int Left, int Top, int Right, int Bottom, double Score)
{
    public int Area => (Right - Left) * (Bottom - Top);

    public double Iou(DetectedBox other)
    {
        int width = Math.Min(Right, other.Right) - Math.Max(Left, other.Left);
        int height = Math.Min(Bottom, other.Bottom) - Math.Max(Top, other.Top);
        if (width <= 0 || height <= 0)
        {
            return 0;
        }
        double both = (double)width * height;
        return both / (Area + other.Area - both);
    }
}

/// <summary>
/// The boxes PP-OCR's DB post-processing would report, for upright text: 8-connected regions of probability ≥ 0.3, kept
/// when their mean probability is ≥ 0.6 and both sides are ≥ 3 pixels (its thresh, box_thresh and min_size). PP-OCR then
/// fits a rotated rectangle and enlarges it (unclip ratio 1.5); for horizontal words the axis-aligned bounds carry the
/// same decision, so the comparison stops there.
/// </summary>
internal static class DetectedBoxes
{
    public const float Threshold = 0.3f;
    private const double BoxThreshold = 0.6;
    private const int MinSide = 3;

    public static List<DetectedBox> Find(float[] probability, int width)
    {
        int height = probability.Length / width;
        var seen = new bool[probability.Length];
        var pending = new Stack<int>();
        var boxes = new List<DetectedBox>();
        for (int start = 0; start < probability.Length; start++)
        {
            if (seen[start] || probability[start] < Threshold)
            {
                continue;
            }
            int left = width, top = height, right = -1, bottom = -1, count = 0;
            double sum = 0;
            seen[start] = true;
            pending.Push(start);
            while (pending.TryPop(out int at))
            {
                int x = at % width, y = at / width;
                (left, right, top, bottom) = (Math.Min(left, x), Math.Max(right, x), Math.Min(top, y), Math.Max(bottom, y));
                sum += probability[at];
                count++;
                for (int ny = Math.Max(0, y - 1); ny <= Math.Min(height - 1, y + 1); ny++)
                {
                    for (int nx = Math.Max(0, x - 1); nx <= Math.Min(width - 1, x + 1); nx++)
                    {
                        int next = ny * width + nx;
                        if (!seen[next] && probability[next] >= Threshold)
                        {
                            seen[next] = true;
                            pending.Push(next);
                        }
                    }
                }
            }
            if (right - left + 1 >= MinSide && bottom - top + 1 >= MinSide && sum / count >= BoxThreshold)
            {
                boxes.Add(new DetectedBox(left, top, right + 1, bottom + 1, sum / count));
            }
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
                double iou = box.Iou(candidate[i]);
                if (!taken[i] && iou >= bestIou)
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
}
