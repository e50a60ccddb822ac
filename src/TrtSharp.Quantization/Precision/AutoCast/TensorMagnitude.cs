namespace TrtSharp.Quantization.Precision.AutoCast;

/// <summary>What the data showed of one float tensor: its largest magnitude and how many values are tiny.</summary>
/// <param name="Name">Tensor name.</param>
/// <param name="MaxAbs">Largest |x| seen (∞ when an infinity was seen).</param>
/// <param name="NonZero">Non-zero values seen.</param>
/// <param name="Tiny">Non-zero values below the threshold the probe counted with (the target's smallest normal value for activations, half its smallest subnormal for weights).</param>
internal sealed record TensorMagnitude(string Name, double MaxAbs, long NonZero, long Tiny)
{
    /// <summary>Share of the non-zero values that are tiny.</summary>
    public double TinyFraction => NonZero == 0 ? 0 : (double)Tiny / NonZero;

    /// <summary>Counts <paramref name="values"/>.</summary>
    public static TensorMagnitude Of(string name, ReadOnlySpan<float> values, double tinyBelow)
    {
        var m = new Accumulator();
        m.Add(values, tinyBelow);
        return m.ToMagnitude(name);
    }

    /// <summary>Running counts over several batches.</summary>
    internal sealed class Accumulator
    {
        private double _maxAbs;
        private long _nonZero;
        private long _tiny;

        public void Add(ReadOnlySpan<float> values, double tinyBelow)
        {
            float tiny = (float)tinyBelow;
            double max = _maxAbs;
            long nonZero = 0, small = 0;
            foreach (float v in values)
            {
                float a = MathF.Abs(v);
                if (a > max)
                {
                    max = a;
                }
                if (a != 0)
                {
                    nonZero++;
                    if (a < tiny)
                    {
                        small++;
                    }
                }
            }
            _maxAbs = max;
            _nonZero += nonZero;
            _tiny += small;
        }

        public TensorMagnitude ToMagnitude(string name) => new(name, _maxAbs, _nonZero, _tiny);
    }
}
