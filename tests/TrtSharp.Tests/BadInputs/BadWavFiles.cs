using System.Buffers.Binary;

namespace TrtSharp.Tests.BadInputs;

/// <summary>Hostile WAV clips, each listed as the one 'calib' clip of a speech manifest.csv beside it.</summary>
internal static class BadWavFiles
{
    public static IEnumerable<BadInput> All()
    {
        yield return Wav("wav-empty", "not a RIFF/WAVE file", []);
        yield return Wav("wav-text", "not a RIFF/WAVE file", "RIFF? no, just text"u8.ToArray());
        yield return Wav("wav-fmt-short", "short 'fmt ' chunk", [.. Riff(), .. Chunk("fmt ", new byte[8])]);
        yield return Wav("wav-fmt-size-lies", "short 'fmt ' chunk", [.. Riff(), .. "fmt "u8, .. U32(0xFFFFFFF0), .. Format(1, 1, 16000, 16)]);
        yield return Wav("wav-8-bit", "8-bit", [.. Riff(), .. Chunk("fmt ", Format(1, 1, 16000, 8)), .. Chunk("data", new byte[64])]);
        yield return Wav("wav-float", "audio format 3", [.. Riff(), .. Chunk("fmt ", Format(3, 1, 16000, 32)), .. Chunk("data", new byte[64])]);
        yield return Wav("wav-zero-channels", "0 channels", [.. Riff(), .. Chunk("fmt ", Format(1, 0, 16000, 16)), .. Chunk("data", new byte[64])]);
        yield return Wav("wav-block-align", "inconsistent format chunk", [.. Riff(), .. Chunk("fmt ", Format(1, 1, 16000, 16, blockAlign: 7)), .. Chunk("data", new byte[64])]);
        yield return Wav("wav-data-before-fmt", "before the 'fmt ' chunk", [.. Riff(), .. Chunk("data", new byte[64]), .. Chunk("fmt ", Format(1, 1, 16000, 16))]);
        yield return Wav("wav-data-size-lies", "declares 4294967280 bytes", [.. Riff(), .. Chunk("fmt ", Format(1, 1, 16000, 16)), .. "data"u8, .. U32(0xFFFFFFF0), .. new byte[64]]);
        yield return Wav("wav-chunk-size-huge", "no 'data' chunk", [.. Riff(), .. Chunk("fmt ", Format(1, 1, 16000, 16)), .. "LIST"u8, .. U32(0xFFFFFFF0), .. new byte[32]]);
        yield return Wav("wav-odd-data", "not a whole number", [.. Riff(), .. Chunk("fmt ", Format(1, 1, 16000, 16)), .. Chunk("data", new byte[3])]);
        yield return Wav("wav-44k", "sample rate is 44100", [.. Riff(), .. Chunk("fmt ", Format(1, 1, 44100, 16)), .. Chunk("data", new byte[64])]);
    }

    private static BadInput Wav(string name, string problem, byte[] bytes) =>
        new(name, BadInputKind.Wav, problem, dir =>
        {
            File.WriteAllBytes(Path.Combine(dir, "clip.wav"), bytes);
            string manifest = Path.Combine(dir, "manifest.csv");
            File.WriteAllText(manifest, "file,text,voice,speed_wpm,pitch,kind,wake_word,split,samples\nclip.wav,hello,en,150,50,speech,,calib,16000\n");
            return manifest;
        });

    // The RIFF size is never checked by readers; 0 keeps it honest about that.
    private static byte[] Riff() => [.. "RIFF"u8, 0, 0, 0, 0, .. "WAVE"u8];

    private static byte[] Chunk(string id, byte[] body) =>
        [.. System.Text.Encoding.ASCII.GetBytes(id), .. U32((uint)body.Length), .. body, .. (body.Length % 2 == 1 ? new byte[1] : [])];

    private static byte[] Format(ushort format, ushort channels, uint rate, ushort bits, ushort? blockAlign = null)
    {
        var fmt = new byte[16];
        BinaryPrimitives.WriteUInt16LittleEndian(fmt, format);
        BinaryPrimitives.WriteUInt16LittleEndian(fmt.AsSpan(2), channels);
        BinaryPrimitives.WriteUInt32LittleEndian(fmt.AsSpan(4), rate);
        ushort align = blockAlign ?? (ushort)(channels * bits / 8);
        BinaryPrimitives.WriteUInt32LittleEndian(fmt.AsSpan(8), rate * align);
        BinaryPrimitives.WriteUInt16LittleEndian(fmt.AsSpan(12), align);
        BinaryPrimitives.WriteUInt16LittleEndian(fmt.AsSpan(14), bits);
        return fmt;
    }

    private static byte[] U32(uint value)
    {
        var bytes = new byte[4];
        BinaryPrimitives.WriteUInt32LittleEndian(bytes, value);
        return bytes;
    }
}
