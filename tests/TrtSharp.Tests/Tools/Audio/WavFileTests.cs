using System.Buffers.Binary;
using System.Text;
using TrtSharp.Errors;
using TrtSharp.Tests.Tools.Models;
using TrtSharp.Tools.Audio;

namespace TrtSharp.Tests.Tools.Audio;

public class WavFileTests
{
    private string _dir = null!;

    [SetUp]
    public void SetUp()
    {
        _dir = Path.Combine(Path.GetTempPath(), $"trtsharp-wav-{Guid.NewGuid():N}");
        Directory.CreateDirectory(_dir);
    }

    [TearDown]
    public void TearDown() => Directory.Delete(_dir, recursive: true);

    [Test]
    public void Read_CommittedEspeakClip_MatchesPythonWaveModule()
    {
        // Reference values from Python's wave module + NumPy on the same file.
        string path = Path.Combine(InstalledSpeechModels.CalibrationDataDirectory(), "wav", "wake_hey_jarvis_en-us_130_p35.wav");
        PcmAudio audio = WavFile.Read(path);
        Assert.That(audio.SampleRate, Is.EqualTo(16000));
        Assert.That(audio.Channels, Is.EqualTo(1));
        Assert.That(audio.FrameCount, Is.EqualTo(40297));
        Assert.That(audio.Samples.AsSpan(10000, 5).ToArray(), Is.EqualTo(new short[] { -6732, -7972, -5331, 608, 5625 }));
        Assert.That(audio.Samples.Sum(s => (long)Math.Abs((int)s)), Is.EqualTo(27878502L));
        Assert.That(audio.Samples.Min(), Is.EqualTo(-20961));
        Assert.That(audio.Samples.Max(), Is.EqualTo(20181));
        Assert.That(WavFile.ReadMono16k(path), Is.EqualTo(audio.Samples));
    }

    [Test]
    public void WriteThenRead_RoundTripsMonoAndStereo()
    {
        short[] mono = [0, 1, -1, short.MaxValue, short.MinValue, 1234];
        string p1 = Path.Combine(_dir, "mono.wav");
        WavFile.Write(p1, new PcmAudio(16000, 1, mono));
        Assert.That(new FileInfo(p1).Length, Is.EqualTo(44 + (2 * mono.Length)));
        PcmAudio back = WavFile.Read(p1);
        Assert.That((back.SampleRate, back.Channels, back.Samples), Is.EqualTo((16000, 1, mono)));

        short[] stereo = [100, 300, -100, -301, short.MaxValue, short.MaxValue];
        string p2 = Path.Combine(_dir, "stereo.wav");
        WavFile.Write(p2, new PcmAudio(44100, 2, stereo));
        PcmAudio s = WavFile.Read(p2);
        Assert.That((s.SampleRate, s.Channels, s.FrameCount), Is.EqualTo((44100, 2, 3)));
        Assert.That(s.ToMono(), Is.EqualTo(new short[] { 200, -200, short.MaxValue }));
        Assert.That(Directory.GetFiles(_dir), Has.Length.EqualTo(2), "no temp files left behind");
    }

    [Test]
    public void Read_SkipsUnknownChunksIncludingOddSizedOnes()
    {
        byte[] bytes = Build(format: 1, channels: 1, rate: 16000, bits: 16, data: [5, 0, 0xFB, 0xFF], extraChunk: ("LIST", [1, 2, 3]));
        PcmAudio audio = WavFile.Parse(bytes, "x.wav");
        Assert.That(audio.Samples, Is.EqualTo(new short[] { 5, -5 }));
    }

    [Test]
    public void Read_SoxWrittenStereoFile()
    {
        // sox writes its own header layout; mixdown must average the channels.
        string path = Path.Combine(_dir, "sox.wav");
        var psi = new System.Diagnostics.ProcessStartInfo("sox", ["-R", "-D", "-n", "-r", "16000", "-c", "2", "-b", "16", path, "synth", "0.01", "sine", "440", "vol", "0.5"]) { RedirectStandardError = true };
        using (var p = System.Diagnostics.Process.Start(psi)!)
        {
            p.WaitForExit();
            if (p.ExitCode != 0)
            {
                Assert.Ignore("sox not available: " + p.StandardError.ReadToEnd());
            }
        }
        PcmAudio audio = WavFile.Read(path);
        Assert.That((audio.SampleRate, audio.Channels, audio.FrameCount), Is.EqualTo((16000, 2, 160)));
        short[] m = audio.ToMono();
        // Both channels carry the same sine: the mono mix equals the left channel.
        Assert.That(m, Is.EqualTo(Enumerable.Range(0, 160).Select(i => audio.Samples[2 * i]).ToArray()));
        // First samples as read by Python's wave module from the same sox command.
        Assert.That(m[..5], Is.EqualTo(new short[] { 275, 2769, 5576, 8098, 10460 }));
    }

    [Test]
    public void Read_BadFiles_ThrowModelFormatExceptionNamingFileAndReason()
    {
        Assert.Multiple(() =>
        {
            Expect(Encoding.ASCII.GetBytes("hello, not audio"), "not a RIFF/WAVE file");
            Expect(Build(3, 1, 16000, 32, [0, 0, 0, 0]), "audio format 3 is not integer PCM");
            Expect(Build(1, 1, 16000, 8, [0, 0]), "8-bit samples");
            Expect(Build(1, 6, 16000, 16, new byte[12]), "6 channels");
            byte[] good = Build(1, 1, 16000, 16, new byte[100]);
            Expect(good[..^10], "truncated: the 'data' chunk declares 100 bytes but only 90 follow");
            Expect(good[..30], "truncated or short 'fmt ' chunk");
            Expect(good[..36], "no 'data' chunk");
            Expect(Build(1, 1, 16000, 16, new byte[3]), "not a whole number");
        });

        string rate = Path.Combine(_dir, "22k.wav");
        WavFile.Write(rate, new PcmAudio(22050, 1, new short[10]));
        var e = Assert.Throws<ModelFormatException>(() => WavFile.ReadMono16k(rate));
        Assert.That(e!.Message, Does.Contain("22050 Hz").And.Contains("16000"));
        Assert.That(e.FilePath, Is.EqualTo(rate));

        var missing = Assert.Throws<ModelFormatException>(() => WavFile.Read(Path.Combine(_dir, "nope.wav")));
        Assert.That(missing!.Message, Does.Contain("nope.wav"));
    }

    private static void Expect(byte[] bytes, string reason)
    {
        var e = Assert.Throws<ModelFormatException>(() => WavFile.Parse(bytes, "bad.wav"));
        Assert.That(e!.Message, Does.StartWith("bad.wav: ").And.Contains(reason));
    }

    private static byte[] Build(ushort format, ushort channels, int rate, ushort bits, byte[] data, (string Id, byte[] Body)? extraChunk = null)
    {
        using var ms = new MemoryStream();
        void U16(ushort v) { Span<byte> b = stackalloc byte[2]; BinaryPrimitives.WriteUInt16LittleEndian(b, v); ms.Write(b); }
        void U32(uint v) { Span<byte> b = stackalloc byte[4]; BinaryPrimitives.WriteUInt32LittleEndian(b, v); ms.Write(b); }
        ms.Write("RIFF"u8);
        U32(0); // RIFF size is not relied upon by readers in practice
        ms.Write("WAVE"u8);
        ms.Write("fmt "u8);
        U32(16);
        U16(format);
        U16(channels);
        U32((uint)rate);
        U32((uint)(rate * channels * bits / 8));
        U16((ushort)(channels * bits / 8));
        U16(bits);
        if (extraChunk is { } x)
        {
            ms.Write(Encoding.ASCII.GetBytes(x.Id));
            U32((uint)x.Body.Length);
            ms.Write(x.Body);
            if ((x.Body.Length & 1) == 1)
            {
                ms.WriteByte(0);
            }
        }
        ms.Write("data"u8);
        U32((uint)data.Length);
        ms.Write(data);
        return ms.ToArray();
    }
}
