namespace Containment;

public sealed partial record ContainerSpec
{
    /// <summary>
    /// A process that joins the running container <paramref name="pid"/> started from <paramref name="container"/>, with
    /// the OCI <c>exec</c> defaults: the namespaces, root and cgroup of <paramref name="pid"/> (as
    /// <see cref="JoinRunning(int)"/>), and the container's process settings — environment, user, capabilities,
    /// rlimits, umask, <c>no_new_privs</c>, <c>oom_score_adj</c>, working directory — and seccomp profile and Landlock rules. The
    /// arguments, the terminal, extra files and standard streams are not taken over: set them with
    /// <see cref="WithProcess(Action{ProcessBuilder})"/>. <see cref="ContainerProcess.ExecAsync"/> does this for a
    /// container the caller holds.
    /// </summary>
    /// <exception cref="ArgumentNullException"><paramref name="container"/> is null.</exception>
    /// <exception cref="ContainmentException">Process <paramref name="pid"/> does not exist or its namespaces cannot be read.</exception>
    public static ContainerSpec JoinRunning(int pid, ContainerSpec container)
    {
        ArgumentNullException.ThrowIfNull(container);
        return WithExecDefaults(JoinRunning(pid), container);
    }

    /// <summary>As <see cref="JoinRunning(int, ContainerSpec)"/>, for a process known by its pid and start time (a recorded container's init).</summary>
    internal static ContainerSpec JoinRunning(Oci.ProcessIdentity process, ContainerSpec container) =>
        WithExecDefaults(JoinRunning(process), container);

    private static ContainerSpec WithExecDefaults(ContainerSpec joined, ContainerSpec container)
    {
        var defaults = new ProcessSpec();
        return joined with
        {
            Process = container.Process with
            {
                Args = [],
                Terminal = null,
                ExtraFiles = [],
                StandardInput = defaults.StandardInput,
                StandardOutput = defaults.StandardOutput,
                StandardError = defaults.StandardError,
            },
            Seccomp = container.Seccomp,
            Landlock = container.Landlock,
        };
    }
}
