using System.Diagnostics;
using System.Text.Json.Nodes;
using Containment.IntegrationTests.Support;

namespace Containment.IntegrationTests.Runtime;

/// <summary>Drives the `containment` CLI as a manager would: a bundle, a private state root, one process per command.</summary>
public sealed class RuntimeCli : IDisposable
{
    private readonly TestRootfs _rootfs;
    private readonly string? _binary;

    /// <param name="binary">The NativeAOT <c>containment</c> (<see cref="Clients.RuntimeBinary"/>), or null for the
    /// built <c>Containment.Runtime.dll</c> run by <c>dotnet</c>.</param>
    public RuntimeCli(string? binary = null)
    {
        _binary = binary;
        Root = Directory.CreateTempSubdirectory("containment-test-state-").FullName;
        Bundle = Directory.CreateTempSubdirectory("containment-test-bundle-").FullName;
        _rootfs = TestRootfs.Create();
        Directory.Move(_rootfs.Path, Path.Combine(Bundle, "rootfs"));
    }

    public string Root { get; }
    public string Bundle { get; }

    public sealed record Result(int ExitCode, string Stdout, string Stderr);

    /// <summary>Writes config.json: what `containment spec` writes, with the process and the changes given.</summary>
    public void WriteConfig(string[] args, Action<JsonObject>? change = null)
    {
        var path = Path.Combine(Bundle, "config.json");
        File.Delete(path);
        Assert.That(Run("spec", "--bundle", Bundle).ExitCode, Is.Zero);
        var config = JsonNode.Parse(File.ReadAllText(path))!.AsObject();
        var process = config["process"]!.AsObject();
        process["terminal"] = false;
        process["args"] = new JsonArray(args.Select(a => (JsonNode)a!).ToArray());
        // What this version cannot honour yet is refused by the runtime; the tests use what it can.
        process.Remove("capabilities");
        process.Remove("rlimits");
        process.Remove("noNewPrivileges");
        config["linux"]!.AsObject().Remove("maskedPaths");
        config["linux"]!.AsObject().Remove("readonlyPaths");
        config["root"]!["readonly"] = false;
        var mounts = config["mounts"]!.AsArray();
        foreach (var m in mounts.Where(m => (string?)m!["destination"] == "/sys/fs/cgroup").ToList())
            mounts.Remove(m);
        change?.Invoke(config);
        File.WriteAllText(path, config.ToJsonString());
    }

    /// <summary>
    /// Runs one command. Its stdout and stderr go to files, not pipes: a container started by `create` inherits
    /// them, as under runc, and would hold a pipe open long after the command itself exits.
    /// </summary>
    public Result Run(params string[] args) => RunWith("", args);

    /// <summary>Runs one command after the shell <paramref name="redirections"/> (e.g. <c>exec 3&lt;file</c>) ran.</summary>
    public Result RunWith(string redirections, params string[] args) => RunAs("cli", redirections, args);

    /// <summary>Runs one command with its own output files (<c>NAME.stdout</c>, <c>NAME.stderr</c>): for commands run in parallel.</summary>
    public Result RunAs(string name, string redirections, params string[] args)
    {
        using var p = LaunchWith(redirections, args, name);
        if (!p.WaitForExit(300_000))
        {
            p.Kill(true);
            Assert.Fail($"containment {string.Join(' ', args)} timed out");
        }
        return ResultOf(p, name);
    }

    /// <summary>The result of a command started with <see cref="Launch"/>, once it has exited.</summary>
    public Result ResultOf(Process exited, string name = "cli") =>
        new(exited.ExitCode, File.ReadAllText(OutputPath(name, "stdout")), File.ReadAllText(OutputPath(name, "stderr")));

    private string OutputPath(string name, string stream) => Path.Combine(Bundle, $"{name}.{stream}");

    /// <summary>Starts one command without waiting for it: the process is the CLI's own (the shell execs it).</summary>
    public Process Launch(params string[] args) => LaunchWith("", args);

    private Process LaunchWith(string redirections, string[] args, string name = "cli")
    {
        var psi = new ProcessStartInfo("/bin/sh") { RedirectStandardInput = true };
        psi.ArgumentList.Add("-c");
        psi.ArgumentList.Add($"out=$1; err=$2; shift 2; {redirections}\nexec \"$@\" >\"$out\" 2>\"$err\"");
        psi.ArgumentList.Add("sh");
        psi.ArgumentList.Add(OutputPath(name, "stdout"));
        psi.ArgumentList.Add(OutputPath(name, "stderr"));
        if (_binary is not null)
            psi.ArgumentList.Add(_binary);
        else
        {
            psi.ArgumentList.Add("dotnet");
            psi.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "Containment.Runtime.dll"));
        }
        psi.ArgumentList.Add("--root");
        psi.ArgumentList.Add(Root);
        foreach (var a in args)
            psi.ArgumentList.Add(a);
        var p = Process.Start(psi)!;
        p.StandardInput.Close();
        return p;
    }

    public string Status(string id) => (string)JsonNode.Parse(Run("state", id).Stdout)!["status"]!;

    public void Dispose()
    {
        foreach (var id in Directory.Exists(Root) ? Directory.GetDirectories(Root).Select(Path.GetFileName) : [])
            Run("delete", "--force", id!);
        Directory.Delete(Root, recursive: true);
        Directory.Delete(Bundle, recursive: true);
    }
}
