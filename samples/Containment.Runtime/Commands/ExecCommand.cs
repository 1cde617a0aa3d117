using Containment.Oci;

namespace Containment.Runtime.Commands;

/// <summary>
/// <c>exec</c>: runs another process in a running container — every namespace of its init, its root and its
/// cgroup. Without --detach it waits and exits with the process's code.
/// </summary>
internal static class ExecCommand
{
    public static async Task<int> RunAsync(Runtime runtime, IReadOnlyList<string> args, CancellationToken cancellationToken)
    {
        var a = Args.Parse(args, ["process|p", "pid-file", "console-socket", "cwd", "env|e", "user|u", "preserve-fds"], ["detach|d", "tty|t", "no-new-privs"]);
        var id = a.Id("exec");
        var record = runtime.Load(id);
        if (Runtime.StatusOf(record) is not (OciStatus.Running or OciStatus.Created))
            throw new CliException("cannot exec in a stopped container");
        if (a.Has("tty") || a.Value("console-socket") is not null)
            throw new CliException("--tty / --console-socket: terminals are not supported by this version");

        var process = LoadProcess(a);
        if (process.Terminal == true)
            throw new CliException("process.terminal: terminals are not supported by this version");
        if (process.User.Uid != 0 || process.User.Gid != 0 || a.Value("user") is { } user && user is not ("0" or "0:0"))
            throw new CliException("process.user: a non-root user is not supported by this version");
        var args0 = process.Args ?? [];
        if (args0.Count == 0)
            throw new CliException("exec needs a process: --process FILE or arguments after the id");

        var spec = ContainerSpec.JoinRunning(record.Pid).WithProcess(p =>
        {
            p.ClearEnv().Args([.. args0]).WorkingDirectory(process.Cwd.Length > 0 ? process.Cwd : "/").InheritStdio();
            foreach (var entry in process.Env ?? [])
            {
                var eq = entry.IndexOf('=');
                if (eq > 0)
                    p.Env(entry[..eq], entry[(eq + 1)..]);
            }
        });
        var detach = a.Has("detach");
        await using var container = await ContainerProcess.StartAsync(spec, new ContainerStartOptions { Detached = detach }, cancellationToken);
        await ContainerOps.WritePidFileAsync(a.Value("pid-file"), container.Pid);
        if (detach)
            return 0;
        var exit = await container.WaitForExitAsync(cancellationToken);
        return exit.ShellCode;
    }

    private static OciProcess LoadProcess(Args a)
    {
        if (a.Value("process") is { } file)
        {
            try
            {
                return OciProcess.Parse(File.ReadAllText(file));
            }
            catch (Exception e) when (e is OciConfigException or IOException)
            {
                throw new CliException($"--process {file}: {e.Message}");
            }
        }
        var env = new List<string> { "PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin" };
        env.AddRange(a.Values("env"));
        return new OciProcess { Args = a.Positional.Skip(1).ToList(), Env = env, Cwd = a.Value("cwd") ?? "/" };
    }
}
