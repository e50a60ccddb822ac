using SharpFuzz;
using TrtSharp.Fuzz;

// trtsharp-fuzz: SharpFuzz harnesses over the readers of untrusted files (docs/fuzzing.md).
//   list                              the harnesses
//   seeds <folder>                    valid seed inputs, <folder>/<harness>/seed-N
//   fuzz <harness>                    the SharpFuzz fork server loop, run under afl-fuzz
//   replay <harness> <file|folder>... each input once; exit 1 when any escapes as a non-TrtSharp exception
switch (args)
{
    case ["list"]:
        foreach (var target in FuzzTargets.All)
        {
            Console.WriteLine($"{target.Name,-9} {target.Description}");
        }
        return 0;
    case ["seeds", var folder]:
        SeedCorpus.Write(folder);
        return 0;
    case ["fuzz", var name]:
        {
            var target = FuzzTargets.Get(name);
            Fuzzer.OutOfProcess.Run(stream =>
            {
                using var buffer = new MemoryStream();
                stream.CopyTo(buffer);
                target.Run(buffer.ToArray());
            });
            return 0;
        }
    case ["replay", var name, .. var paths] when paths.Length > 0:
        {
            var target = FuzzTargets.Get(name);
            int findings = 0, inputs = 0;
            foreach (string file in paths.SelectMany(p => Directory.Exists(p) ? Directory.EnumerateFiles(p, "*", SearchOption.AllDirectories) : [p]).Order(StringComparer.Ordinal))
            {
                inputs++;
                try
                {
                    target.Run(File.ReadAllBytes(file));
                }
#pragma warning disable CA1031 // every escaping exception is a finding to report, whatever its type
                catch (Exception e)
#pragma warning restore CA1031
                {
                    findings++;
                    Console.WriteLine($"FINDING {file}: {e.GetType().Name}: {e.Message}");
                    Console.WriteLine(e.StackTrace);
                }
            }
            Console.WriteLine($"{name}: {inputs} inputs replayed, {findings} findings");
            return findings == 0 ? 0 : 1;
        }
    default:
        Console.Error.WriteLine("usage: TrtSharp.Fuzz list | seeds <folder> | fuzz <harness> | replay <harness> <file|folder>...");
        return 2;
}
