using Containment;
using Containment.Judge;

// judge [--time SECONDS] [--memory MIB] TESTS_DIR -- COMMAND [ARGS...]
// Runs COMMAND once per test case (TESTS_DIR/NAME.in on its stdin, compared with TESTS_DIR/NAME.out) in a container
// with a CPU-time, wall-time, memory and process limit, no network and a read-only view of the host, and prints a
// verdict table. Exits 0 when every case is accepted, 1 otherwise, 2 on bad usage.
JudgeOptions options;
try
{
    options = JudgeOptions.Parse(args);
}
catch (ArgumentException e)
{
    Console.Error.WriteLine($"judge: {e.Message}\n{JudgeOptions.Usage}");
    return 2;
}

var cases = TestCase.Load(options.TestsDirectory);
if (cases.Count == 0)
{
    Console.Error.WriteLine($"judge: no NAME.in / NAME.out pairs in {options.TestsDirectory}");
    return 2;
}
using var cancel = new CancellationTokenSource();
Console.CancelKeyPress += (_, e) => { e.Cancel = true; cancel.Cancel(); };
try
{
    // The cases run a few at once: each in its own container with its own limits.
    using var gate = new SemaphoreSlim(options.Parallel);
    var verdicts = await Task.WhenAll(cases.Select(async c =>
    {
        await gate.WaitAsync(cancel.Token);
        try
        {
            return await Grader.RunAsync(c, options, cancel.Token);
        }
        finally
        {
            gate.Release();
        }
    }));
    Console.Write(VerdictTable.Format(verdicts));
    return verdicts.All(v => v.Kind == VerdictKind.AC) ? 0 : 1;
}
catch (ContainmentException e)
{
    Console.Error.WriteLine($"judge: {e.Message}");
    return 2;
}
