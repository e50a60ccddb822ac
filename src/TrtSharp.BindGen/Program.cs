namespace TrtSharp.BindGen;

internal static class Program
{
    private static int Main(string[] args)
    {
        Console.Error.WriteLine("trtsharp-bindgen: not written yet (issue 3)");
        return args.Length == 0 ? 2 : 2;
    }
}
