using System.Runtime.InteropServices;

namespace TrtSharp.Tests.Tools.Conformance;

/// <summary>Asks the C library (as ONNX Runtime's StringNormalizer does) whether the en_US.UTF-8 locale is installed.</summary>
internal static partial class LocaleProbe
{
    private const int LcCtypeMask = 1; // 1 << LC_CTYPE, LC_CTYPE = 0 in glibc

    [LibraryImport("libc", EntryPoint = "newlocale", StringMarshalling = StringMarshalling.Utf8)]
    private static partial IntPtr NewLocale(int mask, string locale, IntPtr baseLocale);

    [LibraryImport("libc", EntryPoint = "freelocale")]
    private static partial void FreeLocale(IntPtr locale);

    public static bool HasEnUsUtf8()
    {
        IntPtr locale = NewLocale(LcCtypeMask, "en_US.UTF-8", IntPtr.Zero);
        if (locale == IntPtr.Zero)
        {
            return false;
        }
        FreeLocale(locale);
        return true;
    }
}
