using Containment.Oci;

namespace Containment.Runtime;

/// <summary>What every command shares: the global options, the state store and the log.</summary>
internal sealed class Runtime
{
    public const string FifoName = "exec.fifo";
    public const string CgroupsPathKey = "cgroupsPath";
    public const string CgroupDriverKey = "cgroupDriver";

    public Runtime(string? root, Log log, bool allowUnenforcedLimits = false)
    {
        Store = new ContainerStateStore(root);
        Log = log;
        AllowUnenforcedLimits = allowUnenforcedLimits;
    }

    /// <summary>--allow-unenforced-limits: a rootless start without a delegated cgroup runs without the config's limits.</summary>
    public bool AllowUnenforcedLimits { get; }

    /// <summary>How every container of this runtime is started: the library's log in ours.</summary>
    public ContainerStartOptions StartOptions => new() { Logger = new LibraryLog(Log), AllowUnenforcedLimits = AllowUnenforcedLimits };

    public ContainerStateStore Store { get; }

    /// <summary>--systemd-cgroup: new containers' cgroups are systemd scopes (a container keeps the driver it was created with).</summary>
    public bool SystemdCgroup { get; init; }

    /// <summary>The driver of a container: the one recorded at create, else the global option's.</summary>
    public Cgroups.CgroupDriverKind DriverOf(ContainerRecord record) =>
        record.RuntimeData?.GetValueOrDefault(CgroupDriverKey) == "systemd" || SystemdCgroup ? Cgroups.CgroupDriverKind.Systemd : Cgroups.CgroupDriverKind.Cgroupfs;

    public Log Log { get; }

    public string FifoOf(string id) => Path.Combine(Store.DirectoryOf(id), FifoName);

    /// <summary>Loads a container, or fails the way managers expect (<c>container "x" does not exist</c>).</summary>
    public ContainerRecord Load(string id)
    {
        if (!Store.Exists(id))
            throw new CliException($"container \"{id}\" does not exist");
        return Store.Load(id);
    }

    public ContainerLock Lock(string id)
    {
        if (!Store.Exists(id))
            throw new CliException($"container \"{id}\" does not exist");
        return Store.Lock(id, TimeSpan.FromSeconds(30));
    }

    /// <summary>The live status: stopped when the recorded process is gone; paused when its cgroup is frozen.</summary>
    public static OciStatus StatusOf(ContainerRecord record) => ContainerStateStore.GetStatus(record);

    /// <summary>The OCI state document of a container, as <c>state</c> prints it and hooks read it.</summary>
    public static string StateJson(ContainerRecord record) => ContainerStateStore.ToOciState(record with { Status = StatusOf(record) }).ToJson();

    /// <summary>
    /// The state poststart hooks read: the container as its start left it, running with its pid, even when a short
    /// process has already ended by the time the hook runs (a state that just says stopped, pid 0, tells a hook nothing
    /// about the container it was called for; crun passes it so).
    /// </summary>
    public static string StartedStateJson(ContainerRecord record) =>
        (ContainerStateStore.ToOciState(record) with { Status = OciStatus.Running, Pid = record.Pid }).ToJson();
}
