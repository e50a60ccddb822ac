using System.Globalization;
using System.Numerics;
using TrtSharp.Errors;
using TrtSharp.Onnx.Numpy;
using TrtSharp.Tensors;

namespace TrtSharp.Tests.Onnx;

[TestFixture]
public class NpyTests
{
    private static readonly (string Descr, TensorElementType Type)[] DTypes =
    [
        ("<f2", TensorElementType.Float16), ("<f4", TensorElementType.Float), ("<f8", TensorElementType.Double),
        ("|i1", TensorElementType.Int8), ("<i2", TensorElementType.Int16), ("<i4", TensorElementType.Int32), ("<i8", TensorElementType.Int64),
        ("|u1", TensorElementType.UInt8), ("<u2", TensorElementType.UInt16), ("<u4", TensorElementType.UInt32), ("<u8", TensorElementType.UInt64),
        ("|b1", TensorElementType.Bool), ("<c8", TensorElementType.Complex64), ("<c16", TensorElementType.Complex128),
    ];

    // Python that prints one line per array: key;dtype;shape;values (ints as int, floats by repr, complex as re,im).
    private const string PrintArrays = """
        def fmt(v):
            r = repr(float(v))
            return r[:-2] if r.endswith('.0') else r
        def show(key, a):
            flat = a.reshape(-1)
            if a.dtype.kind == 'c':
                vals = [fmt(v.real) + ',' + fmt(v.imag) for v in flat]
            elif a.dtype.kind == 'f':
                vals = [fmt(v) for v in flat]
            else:
                vals = [str(int(v)) for v in flat]
            print(key + ';' + a.dtype.str + ';' + ','.join(str(d) for d in a.shape) + ';' + ' '.join(vals))
        """;

    /// <summary>The elements as the same tokens <see cref="PrintArrays"/> prints.</summary>
    private static string[] Tokens(HostTensor t)
    {
        static string F(double v) => v.ToString("R", CultureInfo.InvariantCulture);
        return t switch
        {
            HostTensor<float> f => [.. f.Data.Select(v => F(v))],
            HostTensor<double> d => [.. d.Data.Select(F)],
            HostTensor<Half> h => [.. h.Data.Select(v => F((double)v))],
            HostTensor<Complex64> c => [.. c.Data.Select(v => F(v.Real) + "," + F(v.Imaginary))],
            HostTensor<Complex> c => [.. c.Data.Select(v => F(v.Real) + "," + F(v.Imaginary))],
            HostTensor<bool> b => [.. b.Data.Select(v => v ? "1" : "0")],
            HostTensor<sbyte> x => [.. x.Data.Select(v => v.ToString(CultureInfo.InvariantCulture))],
            HostTensor<short> x => [.. x.Data.Select(v => v.ToString(CultureInfo.InvariantCulture))],
            HostTensor<int> x => [.. x.Data.Select(v => v.ToString(CultureInfo.InvariantCulture))],
            HostTensor<long> x => [.. x.Data.Select(v => v.ToString(CultureInfo.InvariantCulture))],
            HostTensor<byte> x => [.. x.Data.Select(v => v.ToString(CultureInfo.InvariantCulture))],
            HostTensor<ushort> x => [.. x.Data.Select(v => v.ToString(CultureInfo.InvariantCulture))],
            HostTensor<uint> x => [.. x.Data.Select(v => v.ToString(CultureInfo.InvariantCulture))],
            HostTensor<ulong> x => [.. x.Data.Select(v => v.ToString(CultureInfo.InvariantCulture))],
            _ => throw new AssertionException($"unexpected {t}"),
        };
    }

    private static Dictionary<string, (string DType, string Shape, string[] Values)> ParseLines(string output) =>
        output.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => l.Split(';')).ToDictionary(
            p => p[0], p => (p[1], p[2], p[3].Length == 0 ? Array.Empty<string>() : p[3].Split(' ')));

    private static void AssertMatches(HostTensor actual, (string DType, string Shape, string[] Values) expected, string what)
    {
        Assert.That(string.Join(",", actual.ShapeArray()), Is.EqualTo(expected.Shape), $"{what} shape");
        Assert.That(Tokens(actual), Is.EqualTo(expected.Values), $"{what} values");
    }

    // Values chosen to hit sign, extremes of each type and non-trivial fractions.
    private const string MakeArrays = """
        import numpy as np
        base = np.array([[-3, -1, 0], [1, 2, 3]])
        arrays = {}
        for name, dt in [('f2','<f2'),('f4','<f4'),('f8','<f8'),('c8','<c8'),('c16','<c16')]:
            arrays[name] = (base * 0.3 + 0.1).astype(dt)
        arrays['c8'] = arrays['c8'] + 1j * (base.astype('<f4') / 7)
        arrays['c16'] = arrays['c16'] + 1j * (base / 7)
        for name, dt in [('i1','|i1'),('i2','<i2'),('i4','<i4'),('i8','<i8')]:
            info = np.iinfo(dt)
            arrays[name] = np.array([[info.min, -1, 0], [1, 5, info.max]], dtype=dt)
        for name, dt in [('u1','|u1'),('u2','<u2'),('u4','<u4'),('u8','<u8')]:
            info = np.iinfo(dt)
            arrays[name] = np.array([[0, 1, 7], [100, info.max - 1, info.max]], dtype=dt)
        arrays['b1'] = np.array([[True, False, True], [False, False, True]])
        arrays['scalar'] = np.float32(2.5).reshape(())
        arrays['empty'] = np.zeros((0, 3), dtype='<f4')
        arrays['fortran'] = np.asfortranarray(np.arange(24, dtype='<i4').reshape(2, 3, 4))
        arrays['bigf4'] = np.array([[1.5, -2.25], [1e-3, 3e8]], dtype='>f4')
        arrays['bigi8'] = np.array([-2**40 - 3, 2**50 + 1], dtype='>i8')
        arrays['bigc8'] = np.array([1 + 2j, -0.5 - 4j], dtype='>c8')
        """;

    [Test]
    public void FilesWrittenByNumpyAreReadWithTheirValues()
    {
        using var dir = new TempDir();
        string output = PythonNumpy.Run(MakeArrays + "\n" + PrintArrays + """

            for k, a in arrays.items():
                np.save(k + '.npy', a)
                show(k, a.copy(order='C'))
            np.lib.format.write_array(open('v2.npy', 'wb'), arrays['f8'], version=(2, 0))
            np.lib.format.write_array(open('v3.npy', 'wb'), arrays['i2'], version=(3, 0))
            """, dir.Path);
        var expected = ParseLines(output);
        Assert.That(expected, Has.Count.EqualTo(20));
        foreach (var (key, exp) in expected)
        {
            AssertMatches(NpyFile.Read(dir.File(key + ".npy")), exp, key);
        }
        Assert.That(NpyFile.Read(dir.File("fortran.npy")).ShapeArray(), Is.EqualTo(new long[] { 2, 3, 4 }));
        Assert.That(((HostTensor<int>)NpyFile.Read(dir.File("fortran.npy"))).Data, Is.EqualTo(Enumerable.Range(0, 24).ToArray()),
            "a Fortran-ordered file comes back in C order");
        AssertMatches(NpyFile.Read(dir.File("v2.npy")), expected["f8"], "version 2.0");
        AssertMatches(NpyFile.Read(dir.File("v3.npy")), expected["i2"], "version 3.0");
        foreach (var (descr, type) in DTypes)
        {
            Assert.That(NpyFile.Read(dir.File(descr[1..] + ".npy")).ElementType, Is.EqualTo(type), descr);
        }
    }

    [Test]
    public void FilesWeWriteAreReadByNumpy()
    {
        PythonNumpy.RequireNumpy();
        using var dir = new TempDir();
        // Produce reference arrays with NumPy, read them, write them back with our writer, let NumPy compare.
        PythonNumpy.Run(MakeArrays + "\nfor k, a in arrays.items(): np.save(k + '.npy', a)\n", dir.Path);
        var keys = Directory.GetFiles(dir.Path, "*.npy").Select(Path.GetFileNameWithoutExtension).ToList();
        Directory.CreateDirectory(dir.File("ours"));
        foreach (string key in keys!)
        {
            NpyFile.Write(Path.Combine(dir.File("ours"), key + ".npy"), NpyFile.Read(dir.File(key + ".npy")));
        }
        string output = PythonNumpy.Run("""
            import numpy as np, os
            for f in sorted(os.listdir('ours')):
                ours = np.load('ours/' + f)
                ref = np.load(f)
                assert ours.dtype == ref.dtype.newbyteorder('<') or ours.dtype == ref.dtype, (f, ours.dtype, ref.dtype)
                assert ours.shape == ref.shape, (f, ours.shape, ref.shape)
                assert np.array_equal(ours, ref), f
                assert ours.flags['C_CONTIGUOUS']
                with open('ours/' + f, 'rb') as h:
                    h.seek(8)
                    hl = int.from_bytes(h.read(2), 'little')
                    assert (10 + hl) % 64 == 0, (f, hl)
                print(f)
            """, dir.Path);
        Assert.That(output.Split('\n', StringSplitOptions.RemoveEmptyEntries), Has.Length.EqualTo(keys.Count));
    }

    [Test]
    public void EveryNumpyTypeRoundTripsThroughOurReaderAndWriter()
    {
        using var dir = new TempDir();
        foreach (var (descr, type) in DTypes)
        {
            var t = HostTensor.Allocate(type, [3, 2]);
            var bytes = t.AsBytes();
            for (int i = 0; i < bytes.Length; i++)
            {
                bytes[i] = type == TensorElementType.Bool ? (byte)(i % 2) : (byte)(i * 29 + 3);
            }
            string path = dir.File(descr[1..] + ".npy");
            NpyFile.Write(path, t);
            var back = NpyFile.Read(path);
            Assert.That(back.ElementType, Is.EqualTo(type), descr);
            Assert.That(back.ShapeArray(), Is.EqualTo(new long[] { 3, 2 }), descr);
            Assert.That(back.AsBytes().ToArray(), Is.EqualTo(bytes.ToArray()), descr);
        }
    }

    [Test]
    public void NpzFromNumpyStoredAndDeflatedIsReadByKey()
    {
        using var dir = new TempDir();
        string output = PythonNumpy.Run(PrintArrays + """

            import numpy as np
            a = np.arange(12, dtype='<f4').reshape(3, 4) / 3
            b = np.array([5, -6], dtype='<i8')
            np.savez('plain.npz', alpha=a, beta=b)
            np.savez_compressed('packed.npz', alpha=a, beta=b)
            show('alpha', a)
            show('beta', b)
            """, dir.Path);
        var expected = ParseLines(output);
        foreach (string file in new[] { "plain.npz", "packed.npz" })
        {
            var arrays = NpzFile.Read(dir.File(file));
            Assert.That(arrays.Keys, Is.EquivalentTo(new[] { "alpha", "beta" }), file);
            AssertMatches(arrays["alpha"], expected["alpha"], file);
            AssertMatches(arrays["beta"], expected["beta"], file);
        }
    }

    [TestCase(false, "0")] // ZIP_STORED
    [TestCase(true, "8")] // ZIP_DEFLATED
    public void NpzWeWriteIsReadByNumpy(bool compress, string method)
    {
        PythonNumpy.RequireNumpy();
        using var dir = new TempDir();
        var arrays = new Dictionary<string, HostTensor>
        {
            ["x"] = new HostTensor<float>([2, 2], [1.5f, -2f, 0.25f, 1e-3f]),
            ["ids"] = new HostTensor<long>([3], [1, -2, 3_000_000_000]),
            ["mask"] = new HostTensor<bool>([2], [true, false]),
        };
        NpzFile.Write(dir.File("ours.npz"), arrays, compress);
        string output = PythonNumpy.Run(PrintArrays + """

            import numpy as np, zipfile
            z = np.load('ours.npz')
            for k in sorted(z.files):
                show(k, z[k])
            methods = {i.compress_type for i in zipfile.ZipFile('ours.npz').infolist()}
            print('method;' + ','.join(sorted(str(m) for m in methods)) + ';;')
            print('names;' + ','.join(zipfile.ZipFile('ours.npz').namelist()) + ';;')
            """, dir.Path);
        var seen = ParseLines(output);
        Assert.That(seen["x"].Values, Is.EqualTo(Tokens(arrays["x"])));
        Assert.That(seen["ids"].Values, Is.EqualTo(new[] { "1", "-2", "3000000000" }));
        Assert.That(seen["mask"].Values, Is.EqualTo(new[] { "1", "0" }));
        Assert.That(seen["x"].DType + seen["mask"].DType, Is.EqualTo("<f4|b1"));
        Assert.That(seen["names"].DType, Is.EqualTo("x.npy,ids.npy,mask.npy"));
        Assert.That(seen["method"].DType, Is.EqualTo(method), "zip compression method");
    }

    [Test]
    public void UnsupportedDtypesNameTheFileAndDtype()
    {
        using var dir = new TempDir();
        PythonNumpy.Run("""
            import numpy as np
            np.save('text.npy', np.array(['hello', 'abc']))
            np.save('objects.npy', np.array([{'a': 1}, None], dtype=object), allow_pickle=True)
            np.save('dates.npy', np.array(['2020-01-01'], dtype='datetime64[D]'))
            """, dir.Path);
        foreach (var (file, dtype) in new[] { ("text.npy", "<U5"), ("objects.npy", "|O"), ("dates.npy", "<M8[D]") })
        {
            string path = dir.File(file);
            var e = Assert.Throws<UnsupportedDataTypeException>(() => NpyFile.Read(path), file);
            Assert.That(e!.Message, Does.Contain(path).And.Contain(dtype));
        }
    }

    [Test]
    public void TruncatedEmptyAndForeignFilesAreRefused()
    {
        using var dir = new TempDir();
        string good = dir.File("good.npy");
        NpyFile.Write(good, new HostTensor<double>([4, 4], new double[16]));
        byte[] full = File.ReadAllBytes(good);
        foreach (int length in new[] { 3, 9, 40, full.Length - 1 })
        {
            string path = dir.File($"cut{length}.npy");
            File.WriteAllBytes(path, full.AsSpan(0, length).ToArray());
            var e = Assert.Throws<ModelFormatException>(() => NpyFile.Read(path), $"cut at {length}");
            Assert.That(e!.FilePath, Is.EqualTo(path));
        }
        Assert.That(Assert.Throws<ModelFormatException>(() => NpyFile.Read(dir.File("cut129.npy")))!.Reason, Does.Contain("cannot read"));
        string cut = dir.File("cutdata.npy");
        File.WriteAllBytes(cut, full.AsSpan(0, full.Length - 8).ToArray());
        Assert.That(Assert.Throws<ModelFormatException>(() => NpyFile.Read(cut))!.Reason, Does.Contain("truncated"));

        string empty = dir.File("empty.npy");
        File.WriteAllBytes(empty, []);
        Assert.That(Assert.Throws<ModelFormatException>(() => NpyFile.Read(empty))!.Reason, Does.Contain("empty"));
        string text = dir.File("text.npy");
        File.WriteAllText(text, "1,2,3\n4,5,6\n");
        Assert.That(Assert.Throws<ModelFormatException>(() => NpyFile.Read(text))!.Reason, Does.Contain("magic"));
        string zip = dir.File("bad.npz");
        File.WriteAllText(zip, "PK not really a zip");
        Assert.That(Assert.Throws<ModelFormatException>(() => NpzFile.Read(zip))!.FilePath, Is.EqualTo(zip));
    }

    [Test]
    public void HugeDeclaredShapeWithLittleDataIsRefusedBeforeAllocating()
    {
        using var dir = new TempDir();
        string path = dir.File("huge.npy");
        string header = "{'descr': '<f8', 'fortran_order': False, 'shape': (100000, 100000, 100), }".PadRight(117) + "\n";
        byte[] bytes = [0x93, .. "NUMPY"u8, 1, 0, (byte)header.Length, 0, .. System.Text.Encoding.ASCII.GetBytes(header), .. new byte[16]];
        File.WriteAllBytes(path, bytes);
        var e = Assert.Throws<ModelFormatException>(() => NpyFile.Read(path));
        Assert.That(e!.Reason, Does.Contain("truncated").And.Contain("16 present"));
    }

    [Test]
    public void TypesWithoutNumpyDtypeAreRefusedOnWriteAndNothingIsLeftBehind()
    {
        using var dir = new TempDir();
        var e = Assert.Throws<UnsupportedDataTypeException>(() => NpyFile.Write(dir.File("bf.npy"), new HostTensor<BFloat16>([1], [BFloat16.FromSingle(1f)])));
        Assert.That(e!.Message, Does.Contain("bfloat16"));
        Assert.That(Directory.GetFiles(dir.Path), Is.Empty);
    }

    [Test]
    public void HeaderIsPaddedToSixtyFourBytes()
    {
        using var stream = new MemoryStream();
        NpyFile.Write(stream, new HostTensor<float>([7], new float[7]));
        byte[] bytes = stream.ToArray();
        int headerLength = bytes[8] | (bytes[9] << 8);
        Assert.That((10 + headerLength) % 64, Is.Zero);
        Assert.That(bytes.Length, Is.EqualTo(10 + headerLength + 28));
        string header = System.Text.Encoding.Latin1.GetString(bytes, 10, headerLength);
        Assert.That(header, Does.StartWith("{'descr': '<f4', 'fortran_order': False, 'shape': (7,), }").And.EndWith("\n"));
    }
}
