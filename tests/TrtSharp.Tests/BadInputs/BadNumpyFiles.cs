using System.Buffers.Binary;
using System.IO.Compression;
using System.Text;
using TrtSharp.Onnx.Numpy;
using TrtSharp.Tensors;

namespace TrtSharp.Tests.BadInputs;

/// <summary>Hostile .npy files (lying headers, absurd shapes) and .npz archives (corrupt zips, zip bombs) for input x: float[1, 4].</summary>
internal static class BadNumpyFiles
{
    public static IEnumerable<BadInput> Npy()
    {
        yield return Npy("npy-empty", "empty", []);
        yield return Npy("npy-text", "magic", "x,y\n1,2\n"u8.ToArray());
        yield return Npy("npy-magic-only", "truncated", Prefix(1, 0)[..8]);
        yield return Npy("npy-version-9", "version 9", [.. Prefix(9, 0), 0, 0]);
        yield return Npy("npy-header-length-lies", "truncated", [.. Prefix(1, 60000), .. "{'descr': '<f4'"u8]);
        yield return Npy("npy-v2-header-huge", "implausible", [.. Prefix(2, int.MaxValue), .. "{}"u8]);
        yield return Npy("npy-header-not-dict", "bad .npy header", Header("[1, 2, 3]", 0));
        yield return Npy("npy-header-unterminated", "unterminated", Header("{'descr': '<f4", 0));
        yield return Npy("npy-header-binary", "bad .npy header", Header(Encoding.Latin1.GetString(Garbage(7, 90)), 0));
        yield return Npy("npy-dtype-unicode", "not supported", Header("{'descr': '<U10', 'fortran_order': False, 'shape': (1, 4), }", 160));
        yield return Npy("npy-dtype-object", "not supported", Header("{'descr': '|O', 'fortran_order': False, 'shape': (1, 4), }", 32));
        yield return Npy("npy-dtype-structured", "structured", Header("{'descr': [('a', '<f4')], 'fortran_order': False, 'shape': (1, 4), }", 16));
        yield return Npy("npy-shape-negative", "expected a dimension", Header("{'descr': '<f4', 'fortran_order': False, 'shape': (-1, 4), }", 16));
        yield return Npy("npy-shape-beyond-data", "truncated", Header("{'descr': '<f4', 'fortran_order': False, 'shape': (1000000, 1000000), }", 16));
        yield return Npy("npy-shape-overflow", "too large", Header("{'descr': '<f4', 'fortran_order': False, 'shape': (4611686018427387904, 4611686018427387904), }", 16));
        yield return Npy("npy-shape-digits-overflow", "expected a dimension", Header("{'descr': '<f4', 'fortran_order': False, 'shape': (99999999999999999999999,), }", 16));
        yield return Npy("npy-data-short", "truncated", Header("{'descr': '<f4', 'fortran_order': False, 'shape': (1, 4), }", 8));
        yield return Npy("npy-fortran-short", "truncated", Header("{'descr': '<f4', 'fortran_order': True, 'shape': (4, 100000), }", 16));
    }

    public static IEnumerable<BadInput> Npz()
    {
        yield return Npz("npz-empty", "not a valid .npz", _ => []);
        yield return Npz("npz-text", "not a valid .npz", _ => "PK but not really a zip archive"u8.ToArray());
        yield return Npz("npz-truncated", "", _ => ValidNpz()[..(ValidNpz().Length / 2)]);
        yield return Npz("npz-member-not-npy", "magic", _ => Zip(("x.npy", "garbage inside a zip"u8.ToArray(), CompressionLevel.NoCompression)));
        yield return Npz("npz-member-lying-header", "truncated", _ => Zip(("x.npy", Header("{'descr': '<f4', 'fortran_order': False, 'shape': (1000000, 1000000), }", 16), CompressionLevel.NoCompression)));
        // 256 MiB of zeros behind an honest header, deflated to ~256 KiB: a ratio no real tensor file has.
        yield return Npz("npz-bomb", "compression ratio", _ => Zip(("x.npy", ZeroArray(64L << 20), CompressionLevel.SmallestSize)));
        // The same bomb whose directory claims 200 bytes: the header then needs more data than the entry declares.
        yield return Npz("npz-bomb-lying-size", "truncated", _ => WithDeclaredSize(Zip(("x.npy", ZeroArray(64L << 20), CompressionLevel.SmallestSize)), 200));
        // A tiny entry whose directory claims 3 GiB: nothing may be allocated from that claim.
        yield return Npz("npz-size-claims-3gib", "compression ratio", _ => WithDeclaredSize(Zip(("x.npy", ZeroArray(4), CompressionLevel.NoCompression)), 3L << 30));
        yield return Npz("npz-many-bombs", "compression ratio", _ => Zip(Enumerable.Range(0, 8).Select(k => ($"x{k}.npy", ZeroArray(16L << 20), CompressionLevel.SmallestSize)).ToArray()));
    }

    /// <summary>A valid .npy of x: float[1, 4].</summary>
    public static byte[] ValidNpy()
    {
        using var stream = new MemoryStream();
        NpyFile.Write(stream, new HostTensor<float>([1, 4], [0.5f, -1f, 2f, 0.25f]));
        return stream.ToArray();
    }

    private static byte[] ValidNpz() => Zip(("x.npy", ValidNpy(), CompressionLevel.Optimal));

    private static BadInput Npy(string name, string problem, byte[] bytes) =>
        new(name, BadInputKind.Npy, problem, dir => Write(dir, "x.npy", bytes));

    private static BadInput Npz(string name, string problem, Func<string, byte[]> bytes) =>
        new(name, BadInputKind.Npz, problem, dir => Write(dir, "inputs.npz", bytes(dir)));

    private static string Write(string dir, string file, byte[] bytes)
    {
        string path = Path.Combine(dir, file);
        File.WriteAllBytes(path, bytes);
        return path;
    }

    // Magic, version and a header length field (2 bytes for version 1, 4 otherwise).
    private static byte[] Prefix(byte major, int headerLength)
    {
        byte[] prefix = new byte[major == 1 ? 10 : 12];
        prefix[0] = 0x93;
        "NUMPY"u8.CopyTo(prefix.AsSpan(1));
        prefix[6] = major;
        if (major == 1)
        {
            BinaryPrimitives.WriteUInt16LittleEndian(prefix.AsSpan(8), (ushort)headerLength);
        }
        else
        {
            BinaryPrimitives.WriteInt32LittleEndian(prefix.AsSpan(8), headerLength);
        }
        return prefix;
    }

    private static byte[] Header(string text, int dataBytes)
    {
        byte[] header = Encoding.Latin1.GetBytes(text + "\n");
        return [.. Prefix(1, header.Length), .. header, .. new byte[dataBytes]];
    }

    // A float32 .npy of <paramref name="count"/> zeros, built without a managed array of that size.
    private static byte[] ZeroArray(long count) => Header($"{{'descr': '<f4', 'fortran_order': False, 'shape': ({count},), }}", checked((int)(count * 4)));

    private static byte[] Garbage(int seed, int length)
    {
        var bytes = new byte[length];
        new Random(seed).NextBytes(bytes);
        return bytes;
    }

    private static byte[] Zip(params (string Name, byte[] Bytes, CompressionLevel Level)[] entries)
    {
        using var buffer = new MemoryStream();
        using (var archive = new ZipArchive(buffer, ZipArchiveMode.Create, leaveOpen: true))
        {
            foreach (var (name, bytes, level) in entries)
            {
                using var stream = archive.CreateEntry(name, level).Open();
                stream.Write(bytes);
            }
        }
        return buffer.ToArray();
    }

    // Rewrites the uncompressed size that the central directory records for every entry (what readers trust).
    private static byte[] WithDeclaredSize(byte[] zip, long size)
    {
        byte[] patched = (byte[])zip.Clone();
        for (int i = 0; i + 46 <= patched.Length; i++)
        {
            if (BinaryPrimitives.ReadUInt32LittleEndian(patched.AsSpan(i)) == 0x02014b50)
            {
                BinaryPrimitives.WriteUInt32LittleEndian(patched.AsSpan(i + 24), (uint)Math.Min(size, uint.MaxValue - 1));
            }
        }
        return patched;
    }
}
