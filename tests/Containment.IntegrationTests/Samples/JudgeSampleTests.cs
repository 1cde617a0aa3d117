using Containment.IntegrationTests.Support;

namespace Containment.IntegrationTests.Samples;

/// <summary>samples/Judge: a code runner that gives each test case its verdict.</summary>
public class JudgeSampleTests
{
    private const string Submission = """
        read cmd n
        case "$cmd" in
          square) echo $((n * n)) ;;
          wrong) echo 42 ;;
          loop) while :; do :; done ;;
          hog) tail /dev/zero ;;
          crash) exit 3 ;;
        esac
        """;

    [Test]
    public async Task The_judge_gives_AC_WA_TLE_MLE_and_RE_where_they_are_due()
    {
        // Not under /tmp (nor the build output, which a clone under /tmp puts there): the containers have a /tmp of their own.
        var dir = Directory.CreateDirectory(Path.Combine("/var/lib", "containment-test-judge-" + Guid.NewGuid().ToString("N")[..8])).FullName;
        try
        {
            File.WriteAllText(Path.Combine(dir, "solution.sh"), Submission);
            var tests = Directory.CreateDirectory(Path.Combine(dir, "tests")).FullName;
            foreach (var (name, input, expected) in new[]
                     { ("1", "square 7", "49"), ("2", "wrong 1", "1"), ("3", "loop 0", ""), ("4", "hog 0", ""), ("5", "crash 0", "") })
            {
                File.WriteAllText(Path.Combine(tests, name + ".in"), input + "\n");
                File.WriteAllText(Path.Combine(tests, name + ".out"), expected + "\n");
            }
            var (code, stdout, stderr) = await RunJudge("--time", "2", "--memory", "32", tests, "--", "/bin/sh", Path.Combine(dir, "solution.sh"));
            Assert.That(code, Is.EqualTo(1), stderr);
            var rows = stdout.Split('\n');
            foreach (var (name, verdict) in new[] { ("1", "AC"), ("2", "WA"), ("3", "TLE"), ("4", "MLE"), ("5", "RE") })
                Assert.That(rows.Any(r => r.StartsWith($"{name.PadRight(4)}  {verdict} ", StringComparison.Ordinal)), $"case {name} should be {verdict}:\n{stdout}");
            Assert.That(stdout, Does.Contain("1/5 accepted"));
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    private static Task<(int ExitCode, string Stdout, string Stderr)> RunJudge(params string[] args) =>
        SampleBinary.RunAsync(SampleBinary.PathOf("Judge", "judge.dll"), args);
}
