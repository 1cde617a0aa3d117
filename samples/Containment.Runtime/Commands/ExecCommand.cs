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
        var status = Runtime.StatusOf(record);
        if (status == OciStatus.Paused)
            throw new CliException("cannot exec in a paused container: resume it first");
        if (status is not (OciStatus.Running or OciStatus.Created))
            throw new CliException("cannot exec in a stopped container");
        var config = LoadConfig(record.Bundle);
        var process = LoadProcess(a, config);
        var detach = a.Has("detach");
        Terminals.Check(process.Terminal == true, a.Value("console-socket"), foreground: !detach);
        if ((process.Args ?? []).Count == 0)
            throw new CliException("exec needs a process: --process FILE or arguments after the id");
        ProcessSpec processSpec;
        try
        {
            processSpec = OciSpecConverter.ToProcessSpec(process, runtime.Log);
        }
        catch (ContainerSpecException e)
        {
            throw new CliException(e.Message);
        }
        // The container's own spec supplies what the process does not (its seccomp profile): OCI exec semantics.
        ContainerSpec containerSpec;
        try
        {
            containerSpec = OciSpecConverter.ToContainerSpec(config, record.Bundle);
        }
        catch (ContainerSpecException e)
        {
            throw new CliException($"the container's config.json: {e.Message}");
        }
        // By the recorded identity: if the init has exited and its pid names another process, the launch refuses it.
        var init = record.Process ?? throw new CliException("cannot exec in a stopped container");
        var spec = ContainerSpec.JoinRunning(init, containerSpec).WithProcess(PreservedFds.Apply(processSpec, a));
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
    private static OciConfig LoadConfig(string bundle)
    {
        try
        {
            return OciConfig.LoadBundle(bundle);
        }
        catch (OciConfigException e)
        {
            throw new CliException($"the container's config.json: {e.Message}");
        }
    }

    private static OciProcess LoadProcess(Args a, OciConfig config)
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
        var configured = config.Process ?? new OciProcess();
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
