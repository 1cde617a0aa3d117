using System.Collections.Immutable;

namespace Containment;

/// <summary>The program a container runs, with its environment and standard streams. Immutable.</summary>
public sealed record ProcessSpec
{
    /// <summary>The program and its arguments; <c>Args[0]</c> is looked up on the container's <c>PATH</c> when it has no slash.</summary>
    public ImmutableArray<string> Args { get; init; } = [];

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

    /// <summary>The value of an environment variable, or null.</summary>
    public string? GetEnv(string name)
    {
        foreach (var entry in Env)
            if (entry.Length > name.Length && entry[name.Length] == '=' && entry.StartsWith(name, StringComparison.Ordinal))
                return entry[(name.Length + 1)..];
        return null;
    }
}
