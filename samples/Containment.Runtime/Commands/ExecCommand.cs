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
        var process = LoadProcess(a, record.Bundle);
        var detach = a.Has("detach");
        Terminals.Check(process.Terminal == true, a.Value("console-socket"), foreground: !detach);
        if ((process.Args ?? []).Count == 0)
            throw new CliException("exec needs a process: --process FILE or arguments after the id");
        ProcessSpec processSpec;
        try
        {
            processSpec = OciSpecConverter.ToProcessSpec(process);
        }
        catch (ContainerSpecException e)
        {
            throw new CliException(e.Message);
        }
        var spec = ContainerSpec.JoinRunning(record.Pid).WithProcess(PreservedFds.Apply(processSpec, a));
        await using var container = await ContainerProcess.StartAsync(spec, runtime.StartOptions with { Detached = detach }, cancellationToken);
        using var terminal = Terminals.SendToConsoleSocket(container, a.Value("console-socket"));
        await ContainerOps.WritePidFileAsync(a.Value("pid-file"), container.Pid);
        if (detach)
            return 0;
        var relay = terminal is null ? Task.CompletedTask : TerminalRelay.CopyAsync(terminal, cancellationToken);
        var exit = await container.WaitForExitAsync(cancellationToken);
        await relay.WaitAsync(TimeSpan.FromSeconds(2), CancellationToken.None).ContinueWith(_ => { }, TaskScheduler.Default);
        return exit.ShellCode;
    }

    /// <summary>
    /// The process to run: the --process file as given, or (as runc does) the container's own configured process
    /// with the command line's arguments, --env (added), --cwd, --user and --tty in place.
    /// </summary>
    private static OciProcess LoadProcess(Args a, string bundle)
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
        OciProcess configured;
        try
        {
            configured = OciConfig.LoadBundle(bundle).Process ?? new OciProcess();
        }
        catch (OciConfigException e)
        {
            throw new CliException($"the container's config.json: {e.Message}");
        }
        var env = new List<string>(configured.Env ?? []);
        env.AddRange(a.Values("env"));
        var user = configured.User ?? new OciUser();
        if (a.Value("user") is { } u)
        {
            var parts = u.Split(':');
            if (!uint.TryParse(parts[0], out var uid) || parts.Length > 2 || (parts.Length == 2 && !uint.TryParse(parts[1], out _)))
                throw new CliException($"--user {u}: expected UID[:GID] (numbers)");
            user = user with { Uid = uid, Gid = parts.Length == 2 ? uint.Parse(parts[1]) : uid, AdditionalGids = null };
        }
        return configured with
        {
            Args = a.Positional.Skip(1).ToList(),
            Env = env,
            Cwd = a.Value("cwd") ?? configured.Cwd,
            User = user,
            Terminal = a.Has("tty"),
        };
    }
}
