using Containment.Capabilities;

namespace Containment.Hooks;

/// <summary>
/// A program run at a point of a container's lifecycle (an OCI hook): it reads the container's state on standard
/// input and must exit with 0 within <see cref="Timeout"/>. Run it in the caller's namespaces
/// (<see cref="RunAsync"/>: OCI prestart, createRuntime, poststart, poststop) or in a container's
/// (<see cref="RunInContainerAsync(int, string, CancellationToken)"/>: createContainer, with the runtime's privileges;
/// <see cref="RunInContainerAsync(int, string, ContainerSpec, CancellationToken)"/>: startContainer, confined as the
/// container's process).
/// </summary>
/// <param name="Path">The program: an absolute path, resolved where the hook runs.</param>
internal sealed record ContainerHook(string Path)
{
    /// <summary>The command line, <c>argv[0]</c> included (OCI <c>args</c>). Empty: just the path.</summary>
    public IReadOnlyList<string> Args { get; init; } = [];

    /// <summary><c>NAME=value</c> entries that replace the environment, or null to inherit the caller's.</summary>
    public IReadOnlyList<string>? Environment { get; init; }

    /// <summary>How long the hook may run before it is killed and counted as failed; null: no limit.</summary>
    public TimeSpan? Timeout { get; init; }

    /// <summary>Runs the hook in the caller's namespaces with <paramref name="input"/> on its standard input.</summary>
    /// <param name="input">What the hook reads: for OCI hooks, the container's state document.</param>
    /// <param name="cancellationToken">Stops waiting and kills the hook.</param>
    /// <exception cref="ContainerHookException">The hook could not start, exited non-zero, or timed out.</exception>
    public async Task RunAsync(string input, CancellationToken cancellationToken = default)
    {
        var env = Environment ?? System.Environment.GetEnvironmentVariables().Cast<System.Collections.DictionaryEntry>()
            .Select(e => $"{e.Key}={e.Value}").ToList();
        SpawnedHook process;
        try
        {
            process = SpawnedHook.Start(Path, Argv, env);
        }
        catch (SyscallException e)
        {
            throw new ContainerHookException(this, $"could not start: {e.Message}");
        }
        using (process)
        {
            var stderr = process.StandardError.ReadToEndAsync(CancellationToken.None);
            var stdout = process.StandardOutput.ReadToEndAsync(CancellationToken.None);
            using var timeout = Limit(cancellationToken);
            var writing = WriteInputAsync(process.StandardInput, input);
            int status;
            try
            {
                status = await process.Exit.WaitAsync(timeout.Token).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                process.Kill();
                await process.Exit.ConfigureAwait(false);
                await AfterExitAsync(writing, stdout, stderr).ConfigureAwait(false);
                cancellationToken.ThrowIfCancellationRequested();
                throw new ContainerHookException(this, $"timed out after {Timeout!.Value.TotalSeconds:0.###} s");
            }
            var error = await AfterExitAsync(writing, stdout, stderr).ConfigureAwait(false);
            if (status < 0)
                throw new ContainerHookException(this, "its exit status was collected by another reaper (a host that reaps every child, as a .NET PID 1 does)");
            if (SpawnedHook.ExitCode(status) is var code and not 0)
                throw new ContainerHookException(this, $"failed with exit code {code}: {error}");
        }
    }

    /// <summary>
    /// Runs the hook inside the namespaces, root and cgroup of process <paramref name="pid"/>, as the container's root
    /// with the host's capabilities and no seccomp filter (the runtime's privileges, as an OCI runtime's init has them).
    /// Before the container pivots its root, that root is still the host's, seen through the container's mounts.
    /// </summary>
    /// <param name="pid">A process of the container, in the caller's pid namespace.</param>
    /// <param name="input">What the hook reads: for OCI hooks, the container's state document.</param>
    /// <param name="cancellationToken">Stops waiting and kills the hook.</param>
    /// <exception cref="ContainerHookException">The hook could not start, exited non-zero, or timed out.</exception>
    public Task RunInContainerAsync(int pid, string input, CancellationToken cancellationToken = default)
    {
        var spec = ContainerSpec.JoinRunning(pid).WithSeccomp(null);
        return RunJoinedAsync(spec.WithProcess(Command(spec.Process) with { Capabilities = CapabilitySpec.Of(Identity.HostCredentials.Effective) }),
            input, cancellationToken);
    }

    /// <summary>
    /// Runs the hook inside the namespaces, root and cgroup of process <paramref name="pid"/>, confined as the container's
    /// own process: <paramref name="container"/>'s user (uid, gid, additional groups), capabilities, no_new_privs and
    /// seccomp profile. This is the OCI startContainer point: runc runs those hooks from the container's init once it
    /// dropped its privileges, so an image binary run there gets nothing the container's process would not have.
    /// </summary>
    /// <param name="pid">A process of the container, in the caller's pid namespace.</param>
    /// <param name="input">What the hook reads: for OCI hooks, the container's state document.</param>
    /// <param name="container">The container's spec, whose process confinement the hook gets.</param>
    /// <param name="cancellationToken">Stops waiting and kills the hook.</param>
    /// <exception cref="ContainerHookException">The hook could not start, exited non-zero, or timed out.</exception>
    public Task RunInContainerAsync(int pid, string input, ContainerSpec container, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(container);
        var spec = ContainerSpec.JoinRunning(pid).WithSeccomp(container.Seccomp);
        var confined = Command(spec.Process) with
        {
            User = container.Process.User, Capabilities = container.Process.Capabilities, NoNewPrivileges = container.Process.NoNewPrivileges,
        };
        return RunJoinedAsync(spec.WithProcess(confined), input, cancellationToken);
    }

    /// <summary>The hook's command line and environment, with its input on a pipe.</summary>
    private ProcessSpec Command(ProcessSpec process)
    {
        var command = process with { Args = [.. Argv], ExecutablePath = Path, StandardInput = Stdio.Pipe };
        return Environment is { } env ? command with { Env = [.. SplitEnvironment(env).Select(e => $"{e.Name}={e.Value}")] } : command;
    }

    private async Task RunJoinedAsync(ContainerSpec spec, string input, CancellationToken cancellationToken)
    {
        ContainerProcess process;
        try
        {
            process = await ContainerProcess.StartAsync(spec, cancellationToken).ConfigureAwait(false);
        }
        catch (ContainerStartException e)
        {
            throw new ContainerHookException(this, $"could not start: {e.Message}");
        }
        await using (process.ConfigureAwait(false))
        {
            var stderr = process.StandardError!.ReadToEndAsync(CancellationToken.None);
            var stdout = process.StandardOutput!.ReadToEndAsync(CancellationToken.None);
            using var timeout = Limit(cancellationToken);
            var writing = WriteInputAsync(process.StandardInput!, input);
            ContainerExit exit;
            try
            {
                exit = await process.WaitForExitAsync(timeout.Token).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                process.Kill();
                cancellationToken.ThrowIfCancellationRequested();
                throw new ContainerHookException(this, $"timed out after {Timeout!.Value.TotalSeconds:0.###} s");
            }
            var error = await AfterExitAsync(writing, stdout, stderr).ConfigureAwait(false);
            if (exit.ExitCode != 0)
                throw new ContainerHookException(this, $"failed ({exit}): {error}");
        }
    }

    /// <summary>The hook's argv: its args, whose first is argv[0] (OCI); the path alone when it has none.</summary>
    private IReadOnlyList<string> Argv => Args.Count > 0 ? Args : [Path];

    private CancellationTokenSource Limit(CancellationToken cancellationToken)
    {
        var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        if (Timeout is { } t)
            timeout.CancelAfter(t);
        return timeout;
    }

    /// <summary>
    /// Once the hook has exited: what it wrote to standard error. A process the hook left behind (a daemon) may still hold
    /// its pipes, so the end of its input and end-of-file on its output are awaited only for <see cref="OutputGrace"/>
    /// (the hook's own output is in the pipe by then): a hook cannot hold its runtime past its own exit.
    /// </summary>
    private static async Task<string> AfterExitAsync(Task writing, Task<string> stdout, Task<string> stderr)
    {
        await Task.WhenAny(Task.WhenAll(writing, stdout, stderr), Task.Delay(OutputGrace)).ConfigureAwait(false);
        return stderr.IsCompletedSuccessfully ? stderr.Result.Trim() : "(its standard error is held open by a process it left running)";
    }

    private static readonly TimeSpan OutputGrace = TimeSpan.FromSeconds(1);

    private static async Task WriteInputAsync(StreamWriter stdin, string input)
    {
        try
        {
            await stdin.WriteAsync(input).ConfigureAwait(false);
            stdin.Close();
        }
        catch (IOException)
        {
            // A hook need not read its input.
        }
    }

    private static IEnumerable<(string Name, string Value)> SplitEnvironment(IReadOnlyList<string> env) =>
        env.Select(e => (e, eq: e.IndexOf('='))).Where(x => x.eq > 0).Select(x => (x.e[..x.eq], x.e[(x.eq + 1)..]));
}
