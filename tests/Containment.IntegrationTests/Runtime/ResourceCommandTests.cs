using System.Text.Json.Nodes;

namespace Containment.IntegrationTests.Runtime;

/// <summary>`update` and `events`: a live container's limits changed and watched, as managers do.</summary>
public class ResourceCommandTests
{
    private RuntimeCli _cli = null!;

    [SetUp]
    public void SetUp() => _cli = new RuntimeCli();

    [TearDown]
    public void TearDown() => _cli.Dispose();

    private static string V1(string controller, string id, string file) => File.ReadAllText($"/sys/fs/cgroup/{controller}/containment/{id}/{file}").Trim();

    [Test]
    public void Update_flags_change_the_live_limits_and_the_kernel_enforces_them()
    {
        _cli.WriteConfig(["sleep", "60"]);
        Assert.That(_cli.Run("run", "--detach", "--bundle", _cli.Bundle, "u1").ExitCode, Is.Zero);
        var r = _cli.Run("update", "--memory", "64m", "--memory-swap", "64m", "--pids-limit", "3", "--cpu-quota", "20000", "--cpu-period", "100000", "u1");
        Assert.That(r.ExitCode, Is.Zero, r.Stderr);
        Assert.Multiple(() =>
        {
            Assert.That(V1("memory", "u1", "memory.limit_in_bytes"), Is.EqualTo("67108864"));
            Assert.That(V1("pids", "u1", "pids.max"), Is.EqualTo("3"));
            Assert.That(V1("cpu", "u1", "cpu.cfs_quota_us"), Is.EqualTo("20000"));
        });
        // init and this exec's shell are 2 of the 3: the third background sleep cannot fork.
        var exec = _cli.Run("exec", "u1", "sh", "-c", "sleep 5 & sleep 5 & wait");
        Assert.That(exec.Stderr + exec.Stdout, Does.Contain("fork").IgnoreCase.Or.Contain("resource temporarily unavailable").IgnoreCase);
    }

    [Test]
    public void Update_reads_linux_resources_from_a_file_or_stdin()
    {
        _cli.WriteConfig(["sleep", "60"]);
        Assert.That(_cli.Run("run", "--detach", "--bundle", _cli.Bundle, "u2").ExitCode, Is.Zero);
        var file = Path.Combine(_cli.Bundle, "resources.json");
        File.WriteAllText(file, """{"pids": {"limit": 42}, "unknownField": 1}""");
        Assert.That(_cli.Run("update", "-r", file, "u2").ExitCode, Is.Zero);
        Assert.That(V1("pids", "u2", "pids.max"), Is.EqualTo("42"));
        var r = _cli.RunWith($"exec 0<<'EOF'\n{{\"pids\": {{\"limit\": 7}}}}\nEOF", "update", "-r", "-", "u2");
        Assert.That(r.ExitCode, Is.Zero, r.Stderr);
        Assert.That(V1("pids", "u2", "pids.max"), Is.EqualTo("7"));
    }

    [Test]
    public void Update_errors_name_the_problem()
    {
        _cli.WriteConfig(["sleep", "60"]);
        Assert.That(_cli.Run("run", "--detach", "--bundle", _cli.Bundle, "u3").ExitCode, Is.Zero);
        var bad = _cli.Run("update", "--memory", "lots", "u3");
        Assert.That(bad.ExitCode, Is.Not.Zero);
        Assert.That(bad.Stderr, Does.Contain("--memory lots"));
        Assert.That(_cli.Run("kill", "u3", "KILL").ExitCode, Is.Zero);
        for (var i = 0; i < 100 && _cli.Status("u3") != "stopped"; i++)
            Thread.Sleep(20);
        var stopped = _cli.Run("update", "--pids-limit", "9", "u3");
        Assert.That(stopped.ExitCode, Is.Not.Zero);
        Assert.That(stopped.Stderr, Does.Contain("stopped"));
        Assert.That(_cli.Run("update", "--pids-limit", "9", "nosuch").Stderr, Does.Contain("\"nosuch\" does not exist"));
    }

    [Test]
    public void Events_stats_prints_the_cgroups_numbers_in_runcs_shape()
    {
        _cli.WriteConfig(["sleep", "60"], c => c["linux"]!["resources"] = new JsonObject { ["pids"] = new JsonObject { ["limit"] = 50 } });
        Assert.That(_cli.Run("run", "--detach", "--bundle", _cli.Bundle, "e1").ExitCode, Is.Zero);
        var r = _cli.Run("events", "--stats", "e1");
        Assert.That(r.ExitCode, Is.Zero, r.Stderr);
        var e = JsonNode.Parse(r.Stdout)!;
        Assert.Multiple(() =>
        {
            Assert.That((string?)e["type"], Is.EqualTo("stats"));
            Assert.That((string?)e["id"], Is.EqualTo("e1"));
            Assert.That((long?)e["data"]!["pids"]!["current"], Is.EqualTo(1));
            Assert.That((long?)e["data"]!["pids"]!["limit"], Is.EqualTo(50));
            Assert.That((long?)e["data"]!["memory"]!["usage"]!["usage"], Is.GreaterThan(0));
            Assert.That(e["data"]!["cpu"]!["usage"]!["total"], Is.Not.Null);
        });
    }

    [Test]
    public void Events_streams_stats_and_an_oom_event_until_the_container_stops()
    {
        // Allocates past its 16 MiB limit a moment after start: the OOM killer ends init, and with it the stream.
        _cli.WriteConfig(["sh", "-c", "sleep 0.5; tail /dev/zero"], c => c["linux"]!["resources"] = new JsonObject
        {
            ["memory"] = new JsonObject { ["limit"] = 16 << 20, ["swap"] = 16 << 20 },
        });
        Assert.That(_cli.Run("run", "--detach", "--bundle", _cli.Bundle, "e2").ExitCode, Is.Zero);
        var r = _cli.Run("events", "--interval", "100ms", "e2");
        Assert.That(r.ExitCode, Is.Zero, r.Stderr);
        var types = r.Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => (string?)JsonNode.Parse(l)!["type"]).ToList();
        Assert.That(types, Does.Contain("stats"));
        Assert.That(types, Does.Contain("oom"));
        Assert.That(_cli.Status("e2"), Is.EqualTo("stopped"));
    }
}
