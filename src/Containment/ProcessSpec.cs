using System.Collections.Immutable;
using Containment.Capabilities;
using Containment.Identity;

namespace Containment;

/// <summary>The program a container runs, with its environment and standard streams. Immutable.</summary>
public sealed record ProcessSpec
{
    /// <summary>The program and its arguments; <c>Args[0]</c> is looked up on the container's <c>PATH</c> when it has no slash.</summary>
    public ImmutableArray<string> Args { get; init; } = [];

    /// <summary>
    /// The program executed, when it is not <c>Args[0]</c> (an OCI hook's <c>path</c>, whose <c>args[0]</c> is only its
    /// <c>argv[0]</c>); null: <c>Args[0]</c>, looked up on <c>PATH</c>.
    /// </summary>
    internal string? ExecutablePath { get; init; }

    /// <summary>The environment, in order (<c>NAME=value</c>).</summary>
    public ImmutableArray<string> Env { get; init; } = ["PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"];

    /// <summary>The working directory, an absolute path inside the container.</summary>
    public string WorkingDirectory { get; init; } = "/";

    /// <summary>Standard input. Default: <see cref="Stdio.Null"/>.</summary>
    public Stdio StandardInput { get; init; } = Stdio.Null;

    /// <summary>Standard output. Default: <see cref="Stdio.Pipe"/>; read it, or the container blocks once the pipe is full.</summary>
    public Stdio StandardOutput { get; init; } = Stdio.Pipe;

    /// <summary>Standard error. Default: <see cref="Stdio.Pipe"/>; read it, or the container blocks once the pipe is full.</summary>
    public Stdio StandardError { get; init; } = Stdio.Pipe;

    /// <summary>The user, group and supplementary groups the process runs as (inside its user namespace). Default: root.</summary>
    public ProcessUser User { get; init; } = ProcessUser.Root;

    /// <summary>The file mode creation mask the program starts with. Default: <c>022</c>.</summary>
    public uint Umask { get; init; } = 0x12;

    /// <summary>Sets <c>no_new_privs</c>: exec can never grant privileges (set-user-ID bits, file capabilities are ignored).</summary>
    public bool NoNewPrivileges { get; init; }

    /// <summary>
    /// The AppArmor profile the program is executed under (<c>/proc/self/attr/apparmor/exec</c>), or null for the
    /// caller's. The profile must be loaded on the host; a host without AppArmor refuses any profile but <c>unconfined</c>.
    /// </summary>
    public string? AppArmorProfile { get; init; }

    /// <summary>
    /// The SELinux label the program is executed with (<c>/proc/self/attr/exec</c>), or null for the default
    /// transition. A host without SELinux refuses it.
    /// </summary>
    public string? SelinuxLabel { get; init; }

    /// <summary>The capability sets. Default: <see cref="CapabilitySpec.Default"/>, the common container set.</summary>
    public CapabilitySpec Capabilities { get; init; } = CapabilitySpec.Default;

    /// <summary>Resource limits, applied in order.</summary>
    public ImmutableArray<Rlimit> Rlimits { get; init; } = [];

    /// <summary>The process's <c>oom_score_adj</c> (-1000 … 1000), or null to inherit the host's. Lowering it needs <c>CAP_SYS_RESOURCE</c>.</summary>
    public int? OomScoreAdj { get; init; }

    /// <summary>
    /// A pseudo-terminal, or null for none. With one, the terminal is the process's standard input, output and
    /// error (the three <see cref="Stdio"/> settings are not used) and its controlling terminal; a new container's
    /// <c>/dev/console</c> is bound to it. The host reads and writes it through <see cref="ContainerProcess.Terminal"/>.
    /// </summary>
    public TerminalSpec? Terminal { get; init; }

    /// <summary>
    /// Descriptors the process receives beyond its standard streams: the first becomes fd 3, the next fd 4, and so on
    /// (the OCI runtimes' <c>--preserve-fds</c>). The caller keeps ownership and may close them once the start returns.
    /// Every other descriptor is closed before the program runs.
    /// </summary>
    public ImmutableArray<Microsoft.Win32.SafeHandles.SafeFileHandle> ExtraFiles { get; init; } = [];

    /// <summary>The value of an environment variable, or null.</summary>
    public string? GetEnv(string name)
    {
        foreach (var entry in Env)
            if (entry.Length > name.Length && entry[name.Length] == '=' && entry.StartsWith(name, StringComparison.Ordinal))
                return entry[(name.Length + 1)..];
        return null;
    }
}
