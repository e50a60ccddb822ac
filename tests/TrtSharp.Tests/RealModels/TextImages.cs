using SkiaSharp;
using TrtSharp.Tensors;

namespace TrtSharp.Tests.RealModels;

/// <summary>
/// Rendered text for the OCR models: lines of dark text on light backgrounds in DejaVu fonts (Debian's
/// fonts-dejavu-core), turned into the tensors PP-OCR's own preprocessing produces (BGR channel order).
/// Also compiled into TrtSharp.Benchmarks.
/// </summary>
internal static class TextImages
{
    private const string FontFolder = "/usr/share/fonts/truetype/dejavu";
    private static readonly string[] FontFiles = ["DejaVuSans.ttf", "DejaVuSerif.ttf", "DejaVuSansMono.ttf", "DejaVuSans-Bold.ttf"];

    /// <summary>Short phrases of words, numbers and punctuation the recognizer's dictionary covers.</summary>
    public static readonly string[] Phrases =
    [
        "invoice 2024", "Total: 31.50", "hello world", "Main Street", "open daily", "page 17", "Quick brown fox", "exit only",
        "Room 204", "see you soon", "best before", "Model T", "call 555-0199", "parking", "North gate", "Coffee shop",
        "level 3", "Thank you", "no smoking", "Order 8841", "Station Road", "push to open", "fresh bread", "April 12",
        "Library", "free wifi", "Gate B", "turn left", "pay here", "Blue Lake",
    ];

    /// <summary>
    /// More lines for the recognizer's held-out set only (the detector's pages and the classifier keep
    /// <see cref="Phrases"/>): longer, mixed case, codes, prices, dates, times, addresses and more punctuation, so that
    /// string agreement and character error rate resolve finer than 15 lines could.
    /// </summary>
    public static readonly string[] MorePhrases =
    [
        "Platform 9", "Ticket No. 48213", "Open 8:30 - 17:00", "SALE -40%", "www.example.org", "info@shop.com",
        "Hamburg, Germany", "Best price $12.99", "Flight LH 2376", "Batch #A-1193", "Keep refrigerated", "Net weight 500 g",
        "Floor plan (B2)", "EXIT 14B", "Mon-Fri 9am-6pm", "Serial: XK-4420-Q", "Do not disturb", "Delivery on 03/11",
        "Total due: 1,284.00", "Room 12, 3rd floor", "Speed limit 50", "Press START", "Version 2.7.1", "Bus stop ahead",
        "Dr. Emily Stone", "Apt. 6C", "Warning: hot surface", "Item 07 of 25", "Cash only!", "Mind the gap",
        "Tel. +49 30 123456", "Order now?", "BIG Sale Today", "Lot 77/B", "Route 66", "Queen's Park",
        "Sunday closed", "Invoice INV-20931", "Size M / 40", "pH 7.4", "Zone C-3", "Aisle 5: Bread",
        "Taxi rank", "Baggage claim 4", "Oak Avenue 221", "Hot & Cold", "Vol. 3, No. 2", "Score: 3-1",
        "Check-in at 14:00", "Made in Italy", "Gift card", "Press 1 for help", "Last entry 22:45", "Green Valley Farm",
        "Fragile - handle with care", "Year 1998", "Unit price 4.75", "Pharmacy", "EV charging only", "Quiet please",
        "Code 3F9K2", "Studio 54", "Welcome back, Anna", "Exit [North]", "Sold out", "Milk 1.5 L",
        "Park & Ride", "Level -2", "Bike lane", "Lunch menu",
    ];

    /// <summary>The first font file that is not installed, or null (the benchmarks link this file too, so no NUnit here).</summary>
    public static string? MissingFont() =>
        FontFiles.Select(f => Path.Combine(FontFolder, f)).FirstOrDefault(f => !File.Exists(f));

    /// <summary>One text line rendered at height 48 (the recognizer's), padded to <paramref name="width"/> as PP-OCR pads: zeros after normalization.</summary>
    public static HostTensor<float> Line(string text, int index, int width, bool upsideDown = false)
    {
        using SKBitmap bitmap = RenderLine(text, index, width);
        using SKBitmap final = upsideDown ? Rotate180(bitmap) : bitmap.Copy();
        var tensor = new HostTensor<float>(1, 3, 48, width);
        // (x/255 - 0.5) / 0.5 on the rendered part; the padding stays 0.
        Fill(final, tensor.Data, width, 48, final.Width, c => c / 127.5f - 1f);
        return tensor;
    }

    /// <summary>A page of words at random places and each word's ink box (left, top, right, bottom; exclusive ends).</summary>
    public static (HostTensor<float> Image, IReadOnlyList<(int Left, int Top, int Right, int Bottom)> Boxes) Page(int seed, int width, int height, int words)
    {
        var random = new Random(seed);
        using var bitmap = new SKBitmap(width, height, SKColorType.Rgba8888, SKAlphaType.Premul);
        using var canvas = new SKCanvas(bitmap);
        canvas.Clear(Background(random));
        var boxes = new List<(int, int, int, int)>();
        int rowHeight = height / words;
        for (int w = 0; w < words; w++)
        {
            string text = Phrases[random.Next(Phrases.Length)];
            using SKTypeface typeface = SKTypeface.FromFile(Path.Combine(FontFolder, FontFiles[random.Next(FontFiles.Length)]));
            using var font = new SKFont(typeface, random.Next(18, Math.Min(30, rowHeight - 8)));
            font.MeasureText(text, out SKRect bounds);
            float x = random.Next(4, Math.Max(5, width - (int)bounds.Width - 4));
            float baseline = w * rowHeight + (rowHeight - bounds.Height) / 2 - bounds.Top;
            using var paint = new SKPaint { Color = Ink(random), IsAntialias = true };
            canvas.DrawText(text, x, baseline, SKTextAlign.Left, font, paint);
            boxes.Add((Math.Max(0, (int)Math.Floor(x + bounds.Left)), Math.Max(0, (int)Math.Floor(baseline + bounds.Top)),
                Math.Min(width, (int)Math.Ceiling(x + bounds.Right)), Math.Min(height, (int)Math.Ceiling(baseline + bounds.Bottom))));
        }
        canvas.Flush();
        var tensor = new HostTensor<float>(1, 3, height, width);
        // ImageNet mean/std per channel, in the BGR order PaddleOCR reads images in.
        float[] mean = [0.485f, 0.456f, 0.406f], std = [0.229f, 0.224f, 0.225f];
        Fill(bitmap, tensor.Data, width, height, width, (c, ch) => (c / 255f - mean[ch]) / std[ch]);
        return (tensor, boxes);
    }

    private static SKBitmap RenderLine(string text, int index, int maxWidth)
    {
        using SKTypeface typeface = SKTypeface.FromFile(Path.Combine(FontFolder, FontFiles[index % FontFiles.Length]));
        float size = 30 + index % 3 * 2;
        using var font = new SKFont(typeface, size);
        float advance = font.MeasureText(text, out SKRect bounds);
        if (advance + 12 > maxWidth)
        {
            font.Size = size * (maxWidth - 12) / advance;
            advance = font.MeasureText(text, out bounds);
        }
        var random = new Random(index);
        var bitmap = new SKBitmap((int)Math.Ceiling(advance) + 12, 48, SKColorType.Rgba8888, SKAlphaType.Premul);
        using var canvas = new SKCanvas(bitmap);
        canvas.Clear(Background(random));
        using var paint = new SKPaint { Color = Ink(random), IsAntialias = true };
        canvas.DrawText(text, 6, (48 - bounds.Height) / 2 - bounds.Top, SKTextAlign.Left, font, paint);
        canvas.Flush();
        return bitmap;
    }

    private static SKBitmap Rotate180(SKBitmap source)
    {
        var rotated = new SKBitmap(source.Width, source.Height, source.ColorType, source.AlphaType);
        using var canvas = new SKCanvas(rotated);
        canvas.RotateDegrees(180, source.Width / 2f, source.Height / 2f);
        canvas.DrawBitmap(source, 0, 0);
        canvas.Flush();
        return rotated;
    }

    private static void Fill(SKBitmap bitmap, float[] chw, int width, int height, int usedWidth, Func<float, float> normalize) =>
        Fill(bitmap, chw, width, height, usedWidth, (c, _) => normalize(c));

    private static void Fill(SKBitmap bitmap, float[] chw, int width, int height, int usedWidth, Func<float, int, float> normalize)
    {
        ReadOnlySpan<byte> rgba = bitmap.GetPixelSpan();
        int plane = width * height;
        for (int y = 0; y < height; y++)
        {
            for (int x = 0; x < Math.Min(width, usedWidth); x++)
            {
                int p = (y * bitmap.Width + x) * 4;
                // BGR: channel 0 is blue.
                chw[0 * plane + y * width + x] = normalize(rgba[p + 2], 0);
                chw[1 * plane + y * width + x] = normalize(rgba[p + 1], 1);
                chw[2 * plane + y * width + x] = normalize(rgba[p + 0], 2);
            }
        }
    }

    private static SKColor Background(Random random) =>
        new((byte)random.Next(215, 256), (byte)random.Next(215, 256), (byte)random.Next(215, 256));

    private static SKColor Ink(Random random) =>
        new((byte)random.Next(0, 70), (byte)random.Next(0, 70), (byte)random.Next(0, 90));
}
