using System.Text.Json;

namespace TrtSharp.Tests.Quantization.Calibration;

/// <summary>Loads the JSON written by TestData/Calibration/make_reference.py and regenerates its deterministic data.</summary>
internal static class ReferenceData
{
    public static JsonDocument Load(string fileName) =>
        JsonDocument.Parse(File.ReadAllText(Path.Combine(TestContext.CurrentContext.TestDirectory, "TestData", "Calibration", fileName)));

    public static long[] Counts(JsonElement e) => e.EnumerateArray().Select(x => x.GetInt64()).ToArray();

    /// <summary>The same float32 bits as make_reference.py's xorshift_values: Irwin-Hall (4 uniforms − 2) × factor.</summary>
    public static float[] XorShiftValues(uint seed, int count, float factor)
    {
        var values = new float[count];
        uint x = seed;
        Span<float> u = stackalloc float[4];
        for (int i = 0; i < count; i++)
        {
            for (int k = 0; k < 4; k++)
            {
                x ^= x << 13;
                x ^= x >> 17;
                x ^= x << 5;
                u[k] = (x >> 8) * (1.0f / 16777216f);
            }
            float v = ((u[0] + u[1]) + (u[2] + u[3])) - 2f;
            values[i] = factor == 0f ? 0f : v * factor;
        }
        return values;
    }
}
