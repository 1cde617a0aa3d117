using System.Globalization;

namespace Containment.Judge;

/// <summary>The judge's command line.</summary>
internal sealed record JudgeOptions(string TestsDirectory, string[] Command, double TimeSeconds, long MemoryMiB, int Parallel)
{
    public const string Usage = """
        usage: judge [options] TESTS_DIR -- COMMAND [ARGS...]
          --time SECONDS   CPU time per case (default 1); the wall-clock limit is twice that plus 1 s
          --memory MIB     memory per case in MiB (default 64)
          --parallel N     cases run at once (default 2)
        Each NAME.in in TESTS_DIR is fed to COMMAND; its output is compared with NAME.out (trailing space ignored).
        Verdicts: AC accepted, WA wrong answer, TLE time limit, MLE memory limit, RE runtime error.
        """;

    public TimeSpan WallLimit => TimeSpan.FromSeconds(TimeSeconds * 2 + 1);

    public static JudgeOptions Parse(string[] args)
    {
        double time = 1;
        long memory = 64;
        var parallel = 2;
        string? tests = null;
        for (var i = 0; i < args.Length; i++)
        {
            string Next() => i + 1 < args.Length ? args[++i] : throw new ArgumentException($"{args[i]} needs a value");
            switch (args[i])
            {
                case "--time":
                    time = Number(args[i], Next());
                    break;
                case "--memory":
                    memory = (long)Number(args[i], Next());
                    break;
                case "--parallel":
                    parallel = (int)Number(args[i], Next());
                    break;
                case "--":
                    if (tests is null || i + 1 >= args.Length)
                        throw new ArgumentException("expected TESTS_DIR -- COMMAND");
                    return new JudgeOptions(Path.GetFullPath(tests), args[(i + 1)..], time, memory, Math.Max(parallel, 1));
                case var a when a.StartsWith('-'):
                    throw new ArgumentException($"unknown option {a}");
                default:
                    tests = args[i];
                    break;
            }
        }
        throw new ArgumentException("expected TESTS_DIR -- COMMAND");
    }

    private static double Number(string flag, string value) =>
        double.TryParse(value, NumberStyles.Float, CultureInfo.InvariantCulture, out var v) && v > 0
            ? v : throw new ArgumentException($"{flag} {value}: expected a positive number");
}
