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

    /// <summary>Passes all three streams through from the host.</summary>
    public ProcessBuilder InheritStdio() => StandardInput(Stdio.Inherit).StandardOutput(Stdio.Inherit).StandardError(Stdio.Inherit);
}
