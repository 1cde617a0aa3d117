using Containment.Cgroups.Systemd;
using Containment.Cgroups.V2;
using Microsoft.Win32.SafeHandles;

namespace Containment.Cgroups;

/// <summary>
/// One container's cgroup(s), created and configured: what the launcher needs to put the container's first
/// process in it, and what <see cref="Cgroup"/> operates on. Disposing closes the fds; <see cref="Destroy"/>
/// also kills what is left and removes the directories.
/// </summary>
internal sealed class CgroupHandle : IDisposable
{
    private readonly IReadOnlyList<CgroupPart> parts;
    private bool destroyed;

    internal CgroupHandle(CgroupMode mode, IReadOnlyList<CgroupPart> parts)
    {
        Mode = mode;
        this.parts = parts;
        ProcsFiles = parts.SelectMany(p => p.ProcsFiles).ToList();
        // CLONE_INTO_CGROUP only when the v2 leaf is the container's whole cgroup (unified mode).
        Directory = mode != CgroupMode.Unified ? null : parts switch
        {
            [CgroupV2Part v2] => v2.Directory,
            [SystemdCgroupPart scope] => scope.Directory,
            _ => null,
        };
    }

    /// <summary>The machine's cgroup mode.</summary>
    public CgroupMode Mode { get; }

    /// <summary>
    /// One writable (O_WRONLY | O_CLOEXEC) <c>cgroup.procs</c> per directory the first process must join: every v1
    /// hierarchy, plus the v2 leaf in hybrid mode when it is used. The launcher writes the child's pid into each
    /// while the child waits. In unified mode it holds the leaf's file too, for joining without clone3.
    /// </summary>
    public IReadOnlyList<SafeFileHandle> ProcsFiles { get; }

    /// <summary>The v2 leaf directory (O_RDONLY | O_DIRECTORY), for clone3(CLONE_INTO_CGROUP); null on v1 and hybrid.</summary>
    public SafeFileHandle? Directory { get; }

    internal IReadOnlyList<CgroupPart> Parts => parts;

    /// <summary>
    /// For the child's own join (<see cref="Launch.CgroupSelfJoin"/>): every v1 directory's <c>tasks</c> file, opened
    /// for writing and owned by the caller, and on a hybrid host the v2 leaf directory the child is cloned into (null
    /// when none was made).
    /// </summary>
    public (List<SafeFileHandle> Tasks, SafeFileHandle? Leaf) OpenSelfJoin() =>
        (parts.OfType<V1.CgroupV1Part>().SelectMany(p => p.OpenTasksFiles()).ToList(), parts.OfType<CgroupV2Part>().FirstOrDefault()?.Directory);

    /// <summary>The cgroup directories, for logs and state files.</summary>
    public IReadOnlyList<string> Paths => parts.SelectMany(p => p.Paths).ToList();

    /// <summary>
    /// Once the container's first process is in its cgroup: a systemd scope's placeholder (the executor monitor it
    /// was created with) goes back where it came from. Nothing to do for the other drivers.
    /// </summary>
    public void ContainerJoined()
    {
        foreach (var part in parts.OfType<SystemdCgroupPart>()) part.ReleasePlaceholder();
    }

    /// <summary>Moves a running process into the cgroup (writes its pid into every <see cref="ProcsFiles"/>).</summary>
    public void AddProcess(int pid)
    {
        ObjectDisposedException.ThrowIf(destroyed, this);
        foreach (var file in ProcsFiles)
            Fs.CgroupDirectory.WriteAll(file, pid.ToString(), "cgroup", "cgroup.procs", $"cgroup.procs of {string.Join(", ", Paths)}");
    }

    /// <summary>
    /// Kills remaining processes (cgroup.kill on v2, freeze-kill-thaw on v1), removes every directory this handle
    /// created (retrying EBUSY briefly) and closes the fds. Idempotent.
    /// </summary>
    public void Destroy()
    {
        if (destroyed) return;
        destroyed = true;
        List<Exception>? errors = null;
        foreach (var part in parts.Reverse())
        {
            try { part.Destroy(); }
            catch (Exception e) { (errors ??= []).Add(e); }
        }
        if (errors is not null) throw errors.Count == 1 ? errors[0] : new AggregateException("destroying the cgroup failed", errors);
    }

    /// <summary>Closes the fds without removing anything.</summary>
    public void Dispose()
    {
        foreach (var part in parts) part.Dispose();
    }
}
