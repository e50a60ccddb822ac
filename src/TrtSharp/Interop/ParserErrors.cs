using System.Runtime.InteropServices;
using TrtSharp.Errors;
using TrtSharp.Interop.Generated;

namespace TrtSharp.Interop;

/// <summary>Reads the ONNX parser errors the shim recorded for the last failed parse on this thread.</summary>
internal static unsafe class ParserErrors
{
    /// <summary>Read right after the failed parse, on the same thread: the strings live until the next shim call.</summary>
    public static List<TensorRtParserError> ReadLast()
    {
        var errors = new List<TensorRtParserError>();
        int count;
        if (TrtsNative.LastParserErrorCount(&count) != TrtsStatus.Ok)
        {
            return errors;
        }
        for (int i = 0; i < count; i++)
        {
            TrtsParserError e;
            if (TrtsNative.ParserErrorInit(&e) != TrtsStatus.Ok || TrtsNative.LastParserError(i, &e) != TrtsStatus.Ok)
            {
                break;
            }
            errors.Add(new TensorRtParserError(e.Code.ToString(), e.NodeIndex, Utf8(e.NodeName), Utf8(e.NodeOperator), Utf8(e.Description)));
        }
        return errors;
    }

    private static string Utf8(byte* s) => Marshal.PtrToStringUTF8((nint)s) ?? string.Empty;
}
