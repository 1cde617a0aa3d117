using System.Text.Json.Serialization;

namespace Containment.Oci;

/// <summary>The container process (<c>process</c> in config.json).</summary>
internal sealed record OciProcess
{
    /// <summary>Value equality: the same data, lists and maps compared by content.</summary>
    public bool Equals(OciProcess? other) => OciEquality.Same(this, other, OciJsonContext.Default.OciProcess);

    /// <inheritdoc />
    public override int GetHashCode() => OciEquality.Hash(this, OciJsonContext.Default.OciProcess);

    /// <summary>Parses a process object alone (what <c>exec --process</c> reads).</summary>
    /// <exception cref="OciConfigException">The JSON is malformed.</exception>
    public static OciProcess Parse(string json) => OciJson.Deserialize(json, OciJsonContext.Default.OciProcess, source: null);

    /// <summary>Whether a pseudo-terminal is attached to the process.</summary>
    public bool? Terminal { get; init; }

    /// <summary>The size of the console, when <see cref="Terminal"/> is set.</summary>
    public OciConsoleSize? ConsoleSize { get; init; }

    /// <summary>The user the process runs as.</summary>
    public OciUser User { get; init; } = new();

    /// <summary>The executable and its arguments (<c>args[0]</c> is looked up in <c>PATH</c> when relative).</summary>
    public IReadOnlyList<string>? Args { get; init; }

    /// <summary>The full command line (Windows only; kept for round trips).</summary>
    public string? CommandLine { get; init; }

    /// <summary>The environment, as <c>KEY=value</c> strings.</summary>
    public IReadOnlyList<string>? Env { get; init; }

    /// <summary>The working directory inside the container; an absolute path.</summary>
    public string Cwd { get; init; } = "";

    /// <summary>The capability sets the process keeps.</summary>
    public OciCapabilities? Capabilities { get; init; }

    /// <summary>Resource limits set with <c>setrlimit</c>.</summary>
    public IReadOnlyList<OciRlimit>? Rlimits { get; init; }

    /// <summary>Whether <c>PR_SET_NO_NEW_PRIVS</c> is set.</summary>
    public bool? NoNewPrivileges { get; init; }

    /// <summary>The AppArmor profile to apply.</summary>
    public string? ApparmorProfile { get; init; }

    /// <summary>The value written to <c>/proc/PID/oom_score_adj</c> (-1000 to 1000).</summary>
    public int? OomScoreAdj { get; init; }

    /// <summary>Scheduling attributes applied with <c>sched_setattr</c>.</summary>
    public OciScheduler? Scheduler { get; init; }

    /// <summary>The SELinux label the process runs with.</summary>
    public string? SelinuxLabel { get; init; }

    /// <summary>The I/O priority (<c>ioprio_set</c>).</summary>
    public OciIoPriority? IoPriority { get; init; }

    /// <summary>The CPU affinity used while executing the process (not applied to a container's init).</summary>
    [JsonPropertyName("execCPUAffinity")]
    public OciExecCpuAffinity? ExecCpuAffinity { get; init; }
}

/// <summary>The size of a console, in characters.</summary>
internal sealed record OciConsoleSize
{
    /// <summary>Rows.</summary>
    public uint Height { get; init; }

    /// <summary>Columns.</summary>
    public uint Width { get; init; }
}

/// <summary>The user and groups a process runs as, in the container's user namespace.</summary>
internal sealed record OciUser
{
    /// <summary>Value equality: the same data, lists and maps compared by content.</summary>
    public bool Equals(OciUser? other) => OciEquality.Same(this, other, OciJsonContext.Default.OciUser);

    /// <inheritdoc />
    public override int GetHashCode() => OciEquality.Hash(this, OciJsonContext.Default.OciUser);

    /// <summary>The user id.</summary>
    public uint Uid { get; init; }

    /// <summary>The group id.</summary>
    public uint Gid { get; init; }

    /// <summary>The umask of the process (for example 0022 = 18).</summary>
    public uint? Umask { get; init; }

    /// <summary>Supplementary group ids.</summary>
    public IReadOnlyList<uint>? AdditionalGids { get; init; }

    /// <summary>The user name (Windows only; kept for round trips).</summary>
    public string? Username { get; init; }
}

/// <summary>The five capability sets, each a list of names such as <c>CAP_KILL</c>.</summary>
internal sealed record OciCapabilities
{
    /// <summary>Value equality: the same data, lists and maps compared by content.</summary>
    public bool Equals(OciCapabilities? other) => OciEquality.Same(this, other, OciJsonContext.Default.OciCapabilities);

    /// <inheritdoc />
    public override int GetHashCode() => OciEquality.Hash(this, OciJsonContext.Default.OciCapabilities);

    /// <summary>The bounding set.</summary>
    public IReadOnlyList<string>? Bounding { get; init; }

    /// <summary>The effective set.</summary>
    public IReadOnlyList<string>? Effective { get; init; }

    /// <summary>The inheritable set.</summary>
    public IReadOnlyList<string>? Inheritable { get; init; }

    /// <summary>The permitted set.</summary>
    public IReadOnlyList<string>? Permitted { get; init; }

    /// <summary>The ambient set.</summary>
    public IReadOnlyList<string>? Ambient { get; init; }
}

/// <summary>One POSIX resource limit.</summary>
internal sealed record OciRlimit
{
    /// <summary>The limit's name, such as <c>RLIMIT_NOFILE</c>.</summary>
    public string Type { get; init; } = "";

    /// <summary>The hard limit.</summary>
    public ulong Hard { get; init; }

    /// <summary>The soft limit.</summary>
    public ulong Soft { get; init; }
}

/// <summary>An I/O scheduling class and priority.</summary>
internal sealed record OciIoPriority
{
    /// <summary><c>IOPRIO_CLASS_RT</c>, <c>IOPRIO_CLASS_BE</c> or <c>IOPRIO_CLASS_IDLE</c>.</summary>
    public string Class { get; init; } = "";

    /// <summary>The level within the class, 0 (highest) to 7 (lowest).</summary>
    public int Priority { get; init; }
}

/// <summary>Scheduling attributes (<c>sched_setattr</c>).</summary>
internal sealed record OciScheduler
{
    /// <summary>Value equality: the same data, lists and maps compared by content.</summary>
    public bool Equals(OciScheduler? other) => OciEquality.Same(this, other, OciJsonContext.Default.OciScheduler);

    /// <inheritdoc />
    public override int GetHashCode() => OciEquality.Hash(this, OciJsonContext.Default.OciScheduler);

    /// <summary>The policy: <c>SCHED_OTHER</c>, <c>SCHED_FIFO</c>, <c>SCHED_RR</c>, <c>SCHED_BATCH</c>,
    /// <c>SCHED_ISO</c>, <c>SCHED_IDLE</c> or <c>SCHED_DEADLINE</c>.</summary>
    public string Policy { get; init; } = "";

    /// <summary>The nice value (-20 to 19).</summary>
    public int? Nice { get; init; }

    /// <summary>The static priority (real-time policies).</summary>
    public int? Priority { get; init; }

    /// <summary>Scheduling flags such as <c>SCHED_FLAG_RESET_ON_FORK</c>.</summary>
    public IReadOnlyList<string>? Flags { get; init; }

    /// <summary>SCHED_DEADLINE runtime, in nanoseconds.</summary>
    public ulong? Runtime { get; init; }

    /// <summary>SCHED_DEADLINE deadline, in nanoseconds.</summary>
    public ulong? Deadline { get; init; }

    /// <summary>SCHED_DEADLINE period, in nanoseconds.</summary>
    public ulong? Period { get; init; }
}

/// <summary>CPU lists (such as <c>0-3,7</c>) a runtime uses while executing a process.</summary>
internal sealed record OciExecCpuAffinity
{
    /// <summary>The CPUs used before the process joins the container's cgroup.</summary>
    public string? Initial { get; init; }

    /// <summary>The CPUs used after it joined the cgroup.</summary>
    public string? Final { get; init; }
}
