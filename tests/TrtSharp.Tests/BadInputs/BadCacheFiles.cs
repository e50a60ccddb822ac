using System.Text;

namespace TrtSharp.Tests.BadInputs;

/// <summary>Hostile TensorRT calibration caches: foreign headers, bad hex, non-finite scales, duplicates, binary junk.</summary>
internal static class BadCacheFiles
{
    public static IEnumerable<BadInput> All()
    {
        yield return Text("cache-empty", "line 1", "");
        yield return Bytes("cache-binary", "line 1", Garbage(3, 4096));
        yield return Text("cache-no-version", "no version number", "TRT-abc-EntropyCalibration2\nx: 3c010204\n");
        yield return Text("cache-version-overflow", "no version number", "TRT-99999999999999999-EntropyCalibration2\n");
        yield return Text("cache-unknown-calibrator", "calibrator 'LegacyCalibration'", "TRT-101601-LegacyCalibration\n");
        yield return Text("cache-bad-hex", "is not 8 hex digits", "TRT-101601-EntropyCalibration2\nx: zzzzzzzz\n");
        yield return Text("cache-short-hex", "is not 8 hex digits", "TRT-101601-EntropyCalibration2\nx: 3c01\n");
        yield return Text("cache-nan-scale", "not a finite positive number", "TRT-101601-EntropyCalibration2\nx: 7fc00000\n");
        yield return Text("cache-negative-scale", "not a finite positive number", "TRT-101601-EntropyCalibration2\nx: bf800000\n");
        yield return Text("cache-zero-scale", "not a finite positive number", "TRT-101601-EntropyCalibration2\nx: 00000000\n");
        yield return Text("cache-duplicate", "appears again", "TRT-101601-EntropyCalibration2\nx: 3c010204\nx: 3c010204\n");
        yield return Text("cache-no-colon", "expected 'name: hhhhhhhh'", "TRT-101601-EntropyCalibration2\nx 3c010204\n");
        yield return Text("cache-huge-line", "expected 'name: hhhhhhhh'", "TRT-101601-EntropyCalibration2\n" + new string('a', 1 << 20) + "\n");
    }

    private static BadInput Text(string name, string problem, string text) => Bytes(name, problem, Encoding.UTF8.GetBytes(text));

    private static BadInput Bytes(string name, string problem, byte[] bytes) =>
        new(name, BadInputKind.CalibrationCache, problem, dir =>
        {
            string path = Path.Combine(dir, "model.calib.cache");
            File.WriteAllBytes(path, bytes);
            return path;
        });

    private static byte[] Garbage(int seed, int length)
    {
        var bytes = new byte[length];
        new Random(seed).NextBytes(bytes);
        return bytes;
    }
}
