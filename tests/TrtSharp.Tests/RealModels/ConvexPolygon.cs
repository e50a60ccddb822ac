namespace TrtSharp.Tests.RealModels;

/// <summary>The plane geometry the detector's box metric needs: hull, minimum-area rectangle, area, containment, intersection.</summary>
internal static class ConvexPolygon
{
    private const double Epsilon = 1e-9;

    /// <summary>
    /// The smallest rectangle holding every point (rotating calipers over the convex hull: one side of the optimum lies
    /// on a hull edge), as four corners in order, and its shorter side.
    /// </summary>
    public static (IReadOnlyList<(double X, double Y)> Corners, double Side) MinAreaRectangle(IReadOnlyList<(double X, double Y)> points)
    {
        var hull = Hull(points);
        if (hull.Count < 3)
        {
            // A point or a segment: no area, so no box.
            return ([hull[0], hull[^1], hull[^1], hull[0]], 0);
        }
        (double Area, (double X, double Y) U, double MinA, double MaxA, double MinB, double MaxB) best = (double.MaxValue, default, 0, 0, 0, 0);
        for (int i = 0; i < hull.Count; i++)
        {
            var (a, b) = (hull[i], hull[(i + 1) % hull.Count]);
            double length = Math.Sqrt(((b.X - a.X) * (b.X - a.X)) + ((b.Y - a.Y) * (b.Y - a.Y)));
            var u = ((b.X - a.X) / length, (b.Y - a.Y) / length);
            double minA = double.MaxValue, maxA = double.MinValue, minB = double.MaxValue, maxB = double.MinValue;
            foreach (var p in hull)
            {
                double along = (p.X * u.Item1) + (p.Y * u.Item2), across = (-p.X * u.Item2) + (p.Y * u.Item1);
                (minA, maxA, minB, maxB) = (Math.Min(minA, along), Math.Max(maxA, along), Math.Min(minB, across), Math.Max(maxB, across));
            }
            double area = (maxA - minA) * (maxB - minB);
            if (area < best.Area)
            {
                best = (area, u, minA, maxA, minB, maxB);
            }
        }
        var (ux, uy) = best.U;
        (double X, double Y) Corner(double along, double across) => ((along * ux) - (across * uy), (along * uy) + (across * ux));
        return ([Corner(best.MinA, best.MinB), Corner(best.MaxA, best.MinB), Corner(best.MaxA, best.MaxB), Corner(best.MinA, best.MaxB)],
            Math.Min(best.MaxA - best.MinA, best.MaxB - best.MinB));
    }

    /// <summary>Area, whatever the winding.</summary>
    public static double Area(IReadOnlyList<(double X, double Y)> polygon) => Math.Abs(SignedArea(polygon));

    /// <summary>Whether a point lies inside a convex polygon, or outside it by at most <paramref name="margin"/> across every edge.</summary>
    public static bool Contains(IReadOnlyList<(double X, double Y)> polygon, (double X, double Y) point, double margin = 0)
    {
        var ccw = CounterClockwise(polygon);
        for (int i = 0; i < ccw.Count; i++)
        {
            var (a, b) = (ccw[i], ccw[(i + 1) % ccw.Count]);
            double length = Math.Sqrt(((b.X - a.X) * (b.X - a.X)) + ((b.Y - a.Y) * (b.Y - a.Y)));
            if (length > 0 && Cross(a, b, point) / length < -margin - Epsilon)
            {
                return false;
            }
        }
        return true;
    }

    /// <summary>The intersection of two convex polygons (Sutherland–Hodgman: the first clipped by each edge of the second).</summary>
    public static IReadOnlyList<(double X, double Y)> Intersection(IReadOnlyList<(double X, double Y)> subject, IReadOnlyList<(double X, double Y)> clip)
    {
        var clipCcw = CounterClockwise(clip);
        var output = CounterClockwise(subject).ToList();
        for (int i = 0; i < clipCcw.Count && output.Count > 0; i++)
        {
            var (a, b) = (clipCcw[i], clipCcw[(i + 1) % clipCcw.Count]);
            var input = output;
            output = [];
            for (int j = 0; j < input.Count; j++)
            {
                var (p, q) = (input[j], input[(j + 1) % input.Count]);
                double sp = Cross(a, b, p), sq = Cross(a, b, q);
                if (sp >= 0)
                {
                    output.Add(p);
                }
                if ((sp >= 0) != (sq >= 0))
                {
                    double t = sp / (sp - sq);
                    output.Add((p.X + (t * (q.X - p.X)), p.Y + (t * (q.Y - p.Y))));
                }
            }
        }
        return output.Count < 3 ? [] : output;
    }

    /// <summary>Andrew's monotone chain, counter-clockwise, collinear points left out.</summary>
    private static List<(double X, double Y)> Hull(IReadOnlyList<(double X, double Y)> points)
    {
        var sorted = points.Distinct().OrderBy(p => p.X).ThenBy(p => p.Y).ToList();
        if (sorted.Count < 3)
        {
            return sorted;
        }
        var hull = new List<(double X, double Y)>();
        foreach (var pass in new[] { sorted, Enumerable.Reverse(sorted).ToList() })
        {
            int floor = hull.Count;
            foreach (var p in pass)
            {
                while (hull.Count >= floor + 2 && Cross(hull[^2], hull[^1], p) <= 0)
                {
                    hull.RemoveAt(hull.Count - 1);
                }
                hull.Add(p);
            }
            hull.RemoveAt(hull.Count - 1);
        }
        return hull;
    }

    private static IReadOnlyList<(double X, double Y)> CounterClockwise(IReadOnlyList<(double X, double Y)> polygon) =>
        SignedArea(polygon) >= 0 ? polygon : [.. polygon.Reverse()];

    /// <summary>The shoelace formula: positive for a counter-clockwise polygon.</summary>
    private static double SignedArea(IReadOnlyList<(double X, double Y)> polygon)
    {
        double twice = 0;
        for (int i = 0; i < polygon.Count; i++)
        {
            var (a, b) = (polygon[i], polygon[(i + 1) % polygon.Count]);
            twice += (a.X * b.Y) - (b.X * a.Y);
        }
        return twice / 2;
    }

    /// <summary>Positive when <paramref name="p"/> lies to the left of the line from <paramref name="a"/> to <paramref name="b"/>.</summary>
    private static double Cross((double X, double Y) a, (double X, double Y) b, (double X, double Y) p) =>
        ((b.X - a.X) * (p.Y - a.Y)) - ((b.Y - a.Y) * (p.X - a.X));
}
