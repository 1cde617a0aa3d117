using System.Text.Json.Nodes;
using Containment.IntegrationTests.Runtime;

namespace Containment.IntegrationTests.Conformance;

/// <summary>
/// A bundle with the config `containment spec` writes (the one runc writes), a process that does not use a terminal,
/// and a private state root: each conformance test changes what its requirement is about and runs the real CLI.
/// </summary>
public abstract class ConformanceBundle
{
    protected RuntimeCli Cli { get; private set; } = null!;

    [SetUp]
    public void CreateBundle()
    {
        Cli = new RuntimeCli();
        // As an image's: a non-root user, or a user namespace's root, must reach the root's files.
        if (OperatingSystem.IsLinux())
            foreach (var dir in new[] { Cli.Bundle, Path.Combine(Cli.Bundle, "rootfs") })
                File.SetUnixFileMode(dir, (UnixFileMode)0x1ed); // 755
    }

    [TearDown]
    public void RemoveBundle() => Cli.Dispose();

    /// <summary>Writes config.json: the spec defaults, <c>sh -c SCRIPT</c>, then <paramref name="change"/>.</summary>
    protected void Config(string script, Action<JsonObject>? change = null)
    {
        var path = Path.Combine(Cli.Bundle, "config.json");
        File.Delete(path);
        Assert.That(Cli.Run("spec", "--bundle", Cli.Bundle).ExitCode, Is.Zero);
        var config = JsonNode.Parse(File.ReadAllText(path))!.AsObject();
        config["process"]!["terminal"] = false;
        config["process"]!["args"] = new JsonArray("sh", "-c", script);
        change?.Invoke(config);
        File.WriteAllText(path, config.ToJsonString());
    }

    /// <summary><c>containment run</c> of the bundle in the foreground; fails the test unless it exits 0.</summary>
    protected string Run(string script, Action<JsonObject>? change = null)
    {
        Config(script, change);
        var r = Cli.Run("run", "--bundle", Cli.Bundle, "c" + Guid.NewGuid().ToString("N")[..8]);
        Assert.That(r.ExitCode, Is.Zero, $"stdout: {r.Stdout}\nstderr: {r.Stderr}");
        return r.Stdout;
    }

    /// <summary><c>containment run</c> of the bundle must fail, naming <paramref name="named"/>, and leave no container.</summary>
    protected void AssertRunRefused(string id, string named)
    {
        var r = Cli.Run("run", "--bundle", Cli.Bundle, id);
        Assert.That(r.ExitCode, Is.Not.Zero);
        Assert.That(r.Stderr, Does.Contain(named));
        Assert.That(Cli.Run("state", id).ExitCode, Is.Not.Zero, "nothing was created");
    }

    /// <summary>Creates and starts a long-running container (<c>sleep</c>) and returns its init's host pid.</summary>
    protected int RunDetached(string id, Action<JsonObject>? change = null, string script = "exec sleep 60")
    {
        Config(script, change);
        var r = Cli.Run("run", "--detach", "--bundle", Cli.Bundle, id);
        Assert.That(r.ExitCode, Is.Zero, r.Stderr);
        return Pid(id);
    }

    protected JsonObject State(string id)
    {
        var r = Cli.Run("state", id);
        Assert.That(r.ExitCode, Is.Zero, r.Stderr);
        return JsonNode.Parse(r.Stdout)!.AsObject();
    }

    protected int Pid(string id) => (int)State(id)["pid"]!;

    protected void WaitForStatus(string id, string status)
    {
        for (var i = 0; i < 500 && Cli.Status(id) != status; i++)
            Thread.Sleep(10);
        Assert.That(Cli.Status(id), Is.EqualTo(status));
    }

    protected static JsonArray Strings(params string[] values) => new(values.Select(v => (JsonNode)v!).ToArray());

    protected static JsonObject Linux(JsonObject config) => config["linux"]!.AsObject();

    protected static JsonObject Process(JsonObject config) => config["process"]!.AsObject();

    /// <summary>A hook running <c>sh -c SCRIPT</c>.</summary>
    protected static JsonObject Hook(string script) => new() { ["path"] = "/bin/sh", ["args"] = Strings("sh", "-c", script) };
}
