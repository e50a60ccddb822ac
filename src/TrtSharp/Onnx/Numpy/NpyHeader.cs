using System.Globalization;
using System.Text;
using TrtSharp.Errors;

namespace TrtSharp.Onnx.Numpy;

/// <summary>
/// The header of a <c>.npy</c> file: a Python dict literal with <c>descr</c>, <c>fortran_order</c> and
/// <c>shape</c>. Parsed by a small reader of exactly that literal syntax (strings, booleans, int tuples).
/// </summary>
internal sealed record NpyHeader(string Descr, bool FortranOrder, long[] Shape)
{
    public static NpyHeader Parse(string text, string? sourceName)
    {
        var reader = new Reader(text, sourceName);
        string? descr = null;
        bool? fortran = null;
        long[]? shape = null;
        reader.Expect('{');
        while (!reader.TryConsume('}'))
        {
            string key = reader.ReadString();
            reader.Expect(':');
            switch (key)
            {
                case "descr":
                    if (reader.Peek() is not ('\'' or '"'))
                    {
                        throw reader.Error("structured dtypes (descr lists) are not supported");
                    }
                    descr = reader.ReadString();
                    break;
                case "fortran_order":
                    fortran = reader.ReadBool();
                    break;
                case "shape":
                    shape = reader.ReadIntTuple();
                    break;
                default:
                    throw reader.Error($"unexpected header key '{key}'");
            }
            if (!reader.TryConsume(','))
            {
                reader.Expect('}');
                break;
            }
        }
        if (descr is null || fortran is null || shape is null)
        {
            throw reader.Error("header lacks one of 'descr', 'fortran_order', 'shape'");
        }
        return new NpyHeader(descr, fortran.Value, shape);
    }

    public string Format()
    {
        var sb = new StringBuilder();
        sb.Append("{'descr': '").Append(Descr).Append("', 'fortran_order': ").Append(FortranOrder ? "True" : "False").Append(", 'shape': (");
        for (int i = 0; i < Shape.Length; i++)
        {
            sb.Append(Shape[i].ToString(CultureInfo.InvariantCulture));
            if (i < Shape.Length - 1 || Shape.Length == 1)
            {
                sb.Append(',');
            }
            if (i < Shape.Length - 1)
            {
                sb.Append(' ');
            }
        }
        sb.Append("), }");
        return sb.ToString();
    }

    private sealed class Reader(string text, string? sourceName)
    {
        private int _pos;

        public ModelFormatException Error(string reason) =>
            new(sourceName, $"bad .npy header ({reason}) in: {Quote(text.Trim())}");

        // Headers may be up to 16 MiB of anything: quote a printable start only.
        private static string Quote(string header)
        {
            const int max = 200;
            string printable = new(header.Select(c => char.IsControl(c) ? '?' : c).ToArray());
            return printable.Length <= max ? printable : printable[..max] + "…";
        }

        public char Peek()
        {
            SkipSpace();
            return _pos < text.Length ? text[_pos] : '\0';
        }

        public bool TryConsume(char c)
        {
            if (Peek() == c)
            {
                _pos++;
                return true;
            }
            return false;
        }

        public void Expect(char c)
        {
            if (!TryConsume(c))
            {
                throw Error($"expected '{c}' at offset {_pos}");
            }
        }

        public string ReadString()
        {
            char quote = Peek();
            if (quote is not ('\'' or '"'))
            {
                throw Error($"expected a string at offset {_pos}");
            }
            int end = text.IndexOf(quote, _pos + 1);
            if (end < 0)
            {
                throw Error("unterminated string");
            }
            string s = text[(_pos + 1)..end];
            _pos = end + 1;
            return s;
        }

        public bool ReadBool()
        {
            SkipSpace();
            if (text.AsSpan(_pos).StartsWith("True", StringComparison.Ordinal))
            {
                _pos += 4;
                return true;
            }
            if (text.AsSpan(_pos).StartsWith("False", StringComparison.Ordinal))
            {
                _pos += 5;
                return false;
            }
            throw Error($"expected True or False at offset {_pos}");
        }

        public long[] ReadIntTuple()
        {
            Expect('(');
            var dims = new List<long>();
            while (!TryConsume(')'))
            {
                SkipSpace();
                int start = _pos;
                while (_pos < text.Length && char.IsAsciiDigit(text[_pos]))
                {
                    _pos++;
                }
                // Python 2 era writers appended 'L' to longs.
                if (start == _pos || !long.TryParse(text.AsSpan(start, _pos - start), NumberStyles.None, CultureInfo.InvariantCulture, out long d))
                {
                    throw Error($"expected a dimension at offset {start}");
                }
                if (_pos < text.Length && text[_pos] == 'L')
                {
                    _pos++;
                }
                dims.Add(d);
                if (!TryConsume(','))
                {
                    Expect(')');
                    break;
                }
            }
            return [.. dims];
        }

        private void SkipSpace()
        {
            while (_pos < text.Length && char.IsWhiteSpace(text[_pos]))
            {
                _pos++;
            }
        }
    }
}
