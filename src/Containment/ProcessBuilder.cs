using Containment.Capabilities;
using Containment.Identity;

namespace Containment;

/// <summary>Describes a container's process: see <see cref="ContainerSpec.WithProcess(Action{ProcessBuilder})"/>.</summary>
public sealed class ProcessBuilder
{
    internal ProcessBuilder(ProcessSpec start) => Spec = start;

    internal ProcessSpec Spec { get; private set; }

    /// <summary>Sets the program and its arguments.</summary>
    public ProcessBuilder Args(params string[] args)
    {
        Spec = Spec with { Args = [.. args] };
        return this;
    }

    /// <summary>Sets one environment variable, replacing an earlier value of the same name.</summary>
    public ProcessBuilder Env(string name, string value)
    {
        var entry = $"{name}={value}";
        var prefix = name + "=";
        var index = -1;
        for (var i = 0; i < Spec.Env.Length && index < 0; i++)
            if (Spec.Env[i].StartsWith(prefix, StringComparison.Ordinal))
                index = i;
        Spec = Spec with { Env = index >= 0 ? Spec.Env.SetItem(index, entry) : Spec.Env.Add(entry) };
        return this;
    }

    /// <summary>Replaces the whole environment (<c>NAME=value</c> entries).</summary>
    public ProcessBuilder ClearEnv()
    {
        Spec = Spec with { Env = [] };
        return this;
    }

    /// <summary>Sets the working directory, an absolute path inside the container.</summary>
    public ProcessBuilder WorkingDirectory(string path)
    {
        Spec = Spec with { WorkingDirectory = path };
        return this;
    }

    /// <summary>Sets where standard input comes from.</summary>
    public ProcessBuilder StandardInput(Stdio stdio)
    {
        Spec = Spec with { StandardInput = stdio };
        return this;
    }

    /// <summary>Sets where standard output goes.</summary>
    public ProcessBuilder StandardOutput(Stdio stdio)
    {
        Spec = Spec with { StandardOutput = stdio };
        return this;
    }

    /// <summary>Sets where standard error goes.</summary>
    public ProcessBuilder StandardError(Stdio stdio)
    {
        Spec = Spec with { StandardError = stdio };
        return this;
    }

    /// <summary>Passes a descriptor to the process as its next fd after 2 (3 for the first): see <see cref="ProcessSpec.ExtraFiles"/>.</summary>
    /// <exception cref="ArgumentNullException"><paramref name="handle"/> is null.</exception>
    public ProcessBuilder PassFile(Microsoft.Win32.SafeHandles.SafeFileHandle handle)
    {
        ArgumentNullException.ThrowIfNull(handle);
        Spec = Spec with { ExtraFiles = Spec.ExtraFiles.Add(handle) };
        return this;
    }

    /// <summary>Passes all three streams through from the host.</summary>
    public ProcessBuilder InheritStdio() => StandardInput(Stdio.Inherit).StandardOutput(Stdio.Inherit).StandardError(Stdio.Inherit);

    /// <summary>Runs the process as <paramref name="uid"/>:<paramref name="gid"/> with these supplementary groups (ids inside the user namespace).</summary>
    public ProcessBuilder User(uint uid, uint gid, params uint[] additionalGids)
    {
        Spec = Spec with { User = new ProcessUser(uid, gid, [.. additionalGids]) };
        return this;
    }

    /// <summary>Sets the file mode creation mask, e.g. <c>0x3f</c> (<c>077</c>).</summary>
    public ProcessBuilder Umask(uint mask)
    {
        Spec = Spec with { Umask = mask };
        return this;
    }

    /// <summary>Executes the program under this AppArmor profile (loaded on the host); null for the caller's.</summary>
    public ProcessBuilder AppArmorProfile(string? profile)
    {
        Spec = Spec with { AppArmorProfile = profile };
        return this;
    }

    /// <summary>Executes the program with this SELinux label (<c>user:role:type:level</c>); null for the default transition.</summary>
    public ProcessBuilder SelinuxLabel(string? label)
    {
        Spec = Spec with { SelinuxLabel = label };
        return this;
    }

    /// <summary>Sets <c>no_new_privs</c>: no exec in the container can gain privileges.</summary>
    public ProcessBuilder NoNewPrivileges(bool enabled = true)
    {
        Spec = Spec with { NoNewPrivileges = enabled };
        return this;
    }

    /// <summary>Changes the capability sets, starting from the current ones (by default the common container set).</summary>
    public ProcessBuilder Capabilities(Action<CapabilitiesBuilder> build)
    {
        Spec = Spec with { Capabilities = Spec.Capabilities.With(build) };
        return this;
    }

    /// <summary>Sets the capability sets.</summary>
    public ProcessBuilder Capabilities(CapabilitySpec capabilities)
    {
        Spec = Spec with { Capabilities = capabilities };
        return this;
    }

    /// <summary>Sets a resource limit (replacing an earlier one for the same resource).</summary>
    /// <param name="resource">The resource.</param>
    /// <param name="soft">The limit the kernel enforces, in the resource's unit (bytes for memory and file sizes, seconds
    /// of CPU time for <c>CPU</c>, a count for files and processes: setrlimit(2)); <see cref="Identity.Rlimit.Unlimited"/> for none.</param>
    /// <param name="hard">The ceiling of the soft limit, in the same unit.</param>
    public ProcessBuilder Rlimit(ResourceLimit resource, ulong soft, ulong hard)
    {
        var limit = new Rlimit(resource, soft, hard);
        Spec = Spec with { Rlimits = [.. Spec.Rlimits.Where(r => r.Resource != resource), limit] };
        return this;
    }

    /// <summary>Sets the process's <c>oom_score_adj</c> (-1000 … 1000).</summary>
    public ProcessBuilder OomScoreAdj(int value)
    {
        Spec = Spec with { OomScoreAdj = value };
        return this;
    }

    /// <summary>
    /// Gives the process a pseudo-terminal of <paramref name="columns"/> × <paramref name="rows"/> (0 × 0: the
    /// kernel's default) as its standard streams and controlling terminal; see <see cref="ProcessSpec.Terminal"/>.
    /// </summary>
    public ProcessBuilder Terminal(ushort columns = 0, ushort rows = 0)
    {
        Spec = Spec with { Terminal = new TerminalSpec(columns, rows) };
        return this;
    }

    /// <summary>Removes the pseudo-terminal: the standard streams are the <see cref="Stdio"/> settings again.</summary>
    public ProcessBuilder NoTerminal()
    {
        Spec = Spec with { Terminal = null };
        return this;
    }
}
