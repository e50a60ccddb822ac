using System.Buffers.Binary;
using System.Runtime.InteropServices;
using System.Text;
using TrtSharp.Errors;
using TrtSharp.IO;

namespace TrtSharp.Tools.Audio;

/// <summary>
/// Reads and writes RIFF/WAVE files holding 16-bit PCM, mono or stereo. Other encodings are refused
/// with a <see cref="ModelFormatException"/>; chunks other than <c>fmt </c> and <c>data</c> are skipped.
/// </summary>
public static class WavFile
{
    private const ushort FormatPcm = 1;
    private const ushort FormatExtensible = 0xFFFE;

    /// <summary>Reads a 16-bit PCM WAV file.</summary>
    /// <exception cref="ModelFormatException">Not a RIFF/WAVE file, not 16-bit PCM, not mono/stereo, or truncated.</exception>
    public static PcmAudio Read(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        byte[] bytes;
        try
        {
            bytes = File.ReadAllBytes(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new ModelFormatException(path, $"cannot read the file: {e.Message}", e);
        }
        return Parse(bytes, path);
    }

    /// <summary>
    /// Reads a WAV file that must be 16 kHz (the rate the speech models expect), mixing stereo to mono.
    /// Resampling is deliberately not done here: convert with e.g. <c>sox in.wav -r 16000 out.wav</c>.
    /// </summary>
    /// <exception cref="ModelFormatException">The file is not valid 16-bit PCM WAV or its rate is not 16 000 Hz.</exception>
    public static short[] ReadMono16k(string path)
    {
        PcmAudio audio = Read(path);
        if (audio.SampleRate != 16000)
        {
            throw new ModelFormatException(path, $"sample rate is {audio.SampleRate} Hz, the speech models need 16000 Hz (convert with: sox in.wav -r 16000 -c 1 -b 16 out.wav)");
        }
        return audio.ToMono();
    }

    /// <summary>Parses the bytes of a WAV file; <paramref name="name"/> names it in errors.</summary>
    /// <exception cref="ModelFormatException">Not valid 16-bit PCM WAV.</exception>
    public static PcmAudio Parse(ReadOnlySpan<byte> bytes, string? name)
    {
        if (bytes.Length < 12 || !bytes[..4].SequenceEqual("RIFF"u8) || !bytes[8..12].SequenceEqual("WAVE"u8))
        {
            throw new ModelFormatException(name, "not a RIFF/WAVE file (missing 'RIFF' … 'WAVE' header)");
        }
        int pos = 12;
        int channels = 0, rate = 0, bits = 0, blockAlign = 0;
        bool haveFormat = false;
        while (pos + 8 <= bytes.Length)
        {
            ReadOnlySpan<byte> id = bytes.Slice(pos, 4);
            uint size = BinaryPrimitives.ReadUInt32LittleEndian(bytes.Slice(pos + 4, 4));
            int body = pos + 8;
            long available = bytes.Length - body;
            if (id.SequenceEqual("fmt "u8))
            {
                if (size < 16 || available < size)
                {
                    throw new ModelFormatException(name, $"truncated or short 'fmt ' chunk ({size} bytes declared, {available} present)");
                }
                ReadOnlySpan<byte> fmt = bytes.Slice(body, (int)size);
                ushort format = BinaryPrimitives.ReadUInt16LittleEndian(fmt);
                channels = BinaryPrimitives.ReadUInt16LittleEndian(fmt[2..]);
                rate = (int)BinaryPrimitives.ReadUInt32LittleEndian(fmt[4..]);
                blockAlign = BinaryPrimitives.ReadUInt16LittleEndian(fmt[12..]);
                bits = BinaryPrimitives.ReadUInt16LittleEndian(fmt[14..]);
                if (format == FormatExtensible && size >= 26)
                {
                    // WAVE_FORMAT_EXTENSIBLE keeps the real format in the first two bytes of the sub-format GUID.
                    format = BinaryPrimitives.ReadUInt16LittleEndian(fmt[24..]);
                }
                if (format != FormatPcm)
                {
                    throw new ModelFormatException(name, $"audio format {format} is not integer PCM (1); only 16-bit PCM is supported");
                }
                if (bits != 16)
                {
                    throw new ModelFormatException(name, $"{bits}-bit samples; only 16-bit PCM is supported");
                }
                if (channels is not (1 or 2))
                {
                    throw new ModelFormatException(name, $"{channels} channels; only mono and stereo are supported");
                }
                if (rate <= 0 || blockAlign != channels * 2)
                {
                    throw new ModelFormatException(name, $"inconsistent format chunk (rate {rate}, block align {blockAlign} for {channels} channel(s))");
                }
                haveFormat = true;
            }
            else if (id.SequenceEqual("data"u8))
            {
                if (!haveFormat)
                {
                    throw new ModelFormatException(name, "'data' chunk comes before the 'fmt ' chunk");
                }
                if (available < size)
                {
                    throw new ModelFormatException(name, $"truncated: the 'data' chunk declares {size} bytes but only {available} follow");
                }
                if (size % (uint)blockAlign != 0)
                {
                    throw new ModelFormatException(name, $"'data' chunk of {size} bytes is not a whole number of {blockAlign}-byte sample frames");
                }
                var samples = new short[size / 2];
                ReadOnlySpan<byte> data = bytes.Slice(body, (int)size);
                if (BitConverter.IsLittleEndian)
                {
                    data.CopyTo(MemoryMarshal.AsBytes(samples.AsSpan()));
                }
                else
                {
                    for (int i = 0; i < samples.Length; i++)
                    {
                        samples[i] = BinaryPrimitives.ReadInt16LittleEndian(data[(2 * i)..]);
                    }
                }
                return new PcmAudio(rate, channels, samples);
            }
            // Chunks are word-aligned: an odd-sized chunk is followed by one pad byte.
            long next = (long)body + size + (size & 1);
            if (next > bytes.Length)
            {
                break;
            }
            pos = (int)next;
        }
        throw new ModelFormatException(name, haveFormat ? "no 'data' chunk (file truncated?)" : "no 'fmt ' chunk (file truncated?)");
    }

    /// <summary>Writes <paramref name="audio"/> as a canonical 44-byte-header PCM WAV file, atomically (temp file + rename).</summary>
    public static void Write(string path, PcmAudio audio)
    {
        ArgumentNullException.ThrowIfNull(path);
        ArgumentNullException.ThrowIfNull(audio);
        AtomicFile.Write(path, stream => Write(stream, audio));
    }

    /// <summary>Writes <paramref name="audio"/> as a PCM WAV byte stream.</summary>
    public static void Write(Stream stream, PcmAudio audio)
    {
        ArgumentNullException.ThrowIfNull(stream);
        ArgumentNullException.ThrowIfNull(audio);
        long dataBytes = (long)audio.Samples.Length * 2;
        if (dataBytes > uint.MaxValue - 36)
        {
            throw new ArgumentException($"{dataBytes} bytes of samples do not fit a RIFF file (4 GiB limit)", nameof(audio));
        }
        Span<byte> header = stackalloc byte[44];
        Encoding.ASCII.GetBytes("RIFF", header);
        BinaryPrimitives.WriteUInt32LittleEndian(header[4..], (uint)(36 + dataBytes));
        Encoding.ASCII.GetBytes("WAVEfmt ", header[8..]);
        BinaryPrimitives.WriteUInt32LittleEndian(header[16..], 16);
        BinaryPrimitives.WriteUInt16LittleEndian(header[20..], FormatPcm);
        BinaryPrimitives.WriteUInt16LittleEndian(header[22..], (ushort)audio.Channels);
        BinaryPrimitives.WriteUInt32LittleEndian(header[24..], (uint)audio.SampleRate);
        BinaryPrimitives.WriteUInt32LittleEndian(header[28..], (uint)(audio.SampleRate * audio.Channels * 2));
        BinaryPrimitives.WriteUInt16LittleEndian(header[32..], (ushort)(audio.Channels * 2));
        BinaryPrimitives.WriteUInt16LittleEndian(header[34..], 16);
        Encoding.ASCII.GetBytes("data", header[36..]);
        BinaryPrimitives.WriteUInt32LittleEndian(header[40..], (uint)dataBytes);
        stream.Write(header);
        if (BitConverter.IsLittleEndian)
        {
            stream.Write(MemoryMarshal.AsBytes(audio.Samples.AsSpan()));
        }
        else
        {
            var buffer = new byte[2];
            foreach (short s in audio.Samples)
            {
                BinaryPrimitives.WriteInt16LittleEndian(buffer, s);
                stream.Write(buffer);
            }
        }
    }
}
