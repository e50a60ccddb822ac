using Google.Protobuf;
using TrtSharp.Onnx.Protobuf;
using TrtSharp.Tests.Onnx;

namespace TrtSharp.Tests.Quantization.Precision.AutoCast;

/// <summary>The ONNX project's own checker (Debian's python3-onnx), with full type and shape inference, as the reference for "a valid model".</summary>
internal static class OnnxChecker
{
    public static void AssertValid(ModelProto model)
    {
        PythonNumpy.RequireNumpy();
        string probe = PythonNumpy.Run("try:\n    import onnx\n    print('yes')\nexcept ImportError:\n    print('no')\n");
        if (probe.Trim() != "yes")
        {
            Assert.Ignore("/usr/bin/python3 has no onnx module (Debian: python3-onnx)");
        }
        string folder = Directory.CreateTempSubdirectory("trtsharp-checker-").FullName;
        try
        {
            File.WriteAllBytes(Path.Combine(folder, "model.onnx"), model.ToByteArray());
            string verdict = PythonNumpy.Run("""
                import onnx
                m = onnx.load('model.onnx')
                try:
                    onnx.checker.check_model(m, full_check=True)
                    print('ok')
                except Exception as e:
                    print('invalid: ' + str(e).splitlines()[0])
                """, folder);
            Assert.That(verdict.Trim(), Is.EqualTo("ok"));
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }
}
