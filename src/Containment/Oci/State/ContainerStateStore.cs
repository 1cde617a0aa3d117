using System.Text.Json;
using Containment.Interop;

namespace Containment.Oci;

/// <summary>
/// The state directory of an OCI runtime: one folder per container (<c>ROOT/ID/state.json</c>, written
/// atomically, and <c>ROOT/ID/lock</c>, an <c>flock</c> held by whoever changes the container).
/// Reads need no lock; every change goes through a <see cref="ContainerLock"/>. The store records processes
/// but never starts one.
/// </summary>
internal sealed class ContainerStateStore
{
    /// <summary>The state directory used when none is given.</summary>
    public const string DefaultRoot = "/run/containment";

    internal const string StateFileName = "state.json", LockFileName = "lock";

    /// <summary>Opens (without creating) the store at <paramref name="root"/>, <see cref="DefaultRoot"/> by default.</summary>
    public ContainerStateStore(string? root = null) => Root = Path.GetFullPath(root ?? DefaultRoot);

    /// <summary>The state directory.</summary>
    public string Root { get; }

    /// <summary>The folder of a container.</summary>
    public string DirectoryOf(string id) => Path.Combine(Root, ContainerId.Validate(id));

    /// <summary>
    /// Removes what a create or delete killed halfway left in the state directory: a folder being built (<c>.new-*</c>)
    /// or being removed (<c>.deleted-*</c>, already unreachable by id). Neither names a container. Runs only while no
    /// create or delete is between making and finishing such a folder (they hold the directory's lock shared, this
    /// takes it exclusively without waiting), so every folder it removes belongs to an operation that died; when the
    /// lock is busy it does nothing and a later call cleans up. Best effort: nothing is thrown.
    /// </summary>
    public void RemoveLeftovers()
    {
        StateRootLock? exclusive;
        try
        {
            exclusive = StateRootLock.TryExclusive(Root);
        }
        catch (ContainerStateException)
        {
            return; // no state directory yet, or not ours to read
        }
        if (exclusive is null)
            return;
        using (exclusive)
        {
            IEnumerable<string> folders;
            try
            {
                folders = Directory.EnumerateDirectories(Root).ToList();
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                return;
            }
            foreach (var folder in folders)
            {
                var name = Path.GetFileName(folder);
                if (name.StartsWith(".deleted-", StringComparison.Ordinal) || name.StartsWith(".new-", StringComparison.Ordinal))
                    TryDeleteDirectory(folder);
            }
        }
    }

    /// <summary>
    /// Records a new container and returns it locked, so that its creation can proceed without other callers
    /// acting on it. The folder appears complete or not at all (it is built under a temporary name and renamed).
    /// </summary>
    /// <exception cref="ContainerExistsException">A container with that id exists.</exception>
    /// <exception cref="ContainerStateException">The id is invalid or the directory cannot be written.</exception>
    public ContainerLock Create(ContainerRecord record)
    {
        ArgumentNullException.ThrowIfNull(record);
        if (OperatingSystem.IsWindows()) throw new PlatformNotSupportedException();
        var final = DirectoryOf(record.Id);
        try
        {
            Directory.CreateDirectory(Root, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new ContainerStateException($"cannot create the state directory {Root}: {e.Message}", e);
        }
        if (Directory.Exists(final)) throw new ContainerExistsException(record.Id);
        RemoveLeftovers();

        var temp = Path.Combine(Root, $".new-{Guid.NewGuid():N}");
        ContainerLock? held = null;
        using var building = StateRootLock.Shared(Root); // until the folder is renamed into place or removed
        try
        {
            Directory.CreateDirectory(temp, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute
                                            | UnixFileMode.GroupExecute | UnixFileMode.OtherExecute);
            var fd = ContainerLock.OpenLockFile(Path.Combine(temp, LockFileName), create: true)
                     ?? throw new ContainerStateException($"cannot create the lock file in {temp}");
            held = new ContainerLock(this, record.Id, fd);
            ContainerLock.Acquire(fd, record.Id, Timeout.InfiniteTimeSpan);
            WriteRecord(temp, record);
            try
            {
                Directory.Move(temp, final); // rename(2); fails when the target exists (and is not empty)
            }
            catch (IOException) when (Directory.Exists(final))
            {
                throw new ContainerExistsException(record.Id);
            }
            return held;
        }
        catch (Exception e)
        {
            held?.Dispose();
            TryDeleteDirectory(temp);
            if (e is ContainmentException) throw;
            if (e is IOException or UnauthorizedAccessException)
                throw new ContainerStateException($"container {record.Id}: cannot record its state in {Root}: {e.Message}", e);
            throw;
        }
    }

    /// <summary>Takes the container's lock, waiting for as long as <paramref name="timeout"/> (forever by default).</summary>
    /// <exception cref="ContainerNotFoundException">No container has that id (or it was deleted while waiting).</exception>
    /// <exception cref="ContainerLockTimeoutException">The lock was still held by another caller when the time ran out.</exception>
    public ContainerLock Lock(string id, TimeSpan? timeout = null) =>
        ContainerLock.Open(this, id, timeout ?? Timeout.InfiniteTimeSpan)
        ?? throw new ContainerLockTimeoutException(id, timeout ?? Timeout.InfiniteTimeSpan);

    /// <summary>Takes the container's lock if nobody holds it; <c>null</c> when somebody does.</summary>
    /// <exception cref="ContainerNotFoundException">No container has that id.</exception>
    public ContainerLock? TryLock(string id) => ContainerLock.Open(this, id, TimeSpan.Zero);

    /// <summary>Whether a container with that id is recorded.</summary>
    public bool Exists(string id) => File.Exists(Path.Combine(DirectoryOf(id), StateFileName));

    /// <summary>Reads a container's record (no lock is needed: records are replaced atomically).</summary>
    /// <exception cref="ContainerNotFoundException">No container has that id.</exception>
    /// <exception cref="OciConfigException">The state file is corrupt.</exception>
    public ContainerRecord Load(string id) => ReadRecord(DirectoryOf(id), id);

    /// <summary>Every recorded container, ordered by id. Folders being created or deleted are skipped.</summary>
    public IReadOnlyList<ContainerRecord> List()
    {
        if (!Directory.Exists(Root)) return [];
        var records = new List<ContainerRecord>();
        foreach (var directory in Directory.EnumerateDirectories(Root))
        {
            var id = Path.GetFileName(directory);
            if (!ContainerId.IsValid(id) || id.StartsWith(".new-", StringComparison.Ordinal)
                || id.StartsWith(".deleted-", StringComparison.Ordinal)) continue;
            try
            {
                records.Add(ReadRecord(directory, id));
            }
            catch (ContainerNotFoundException)
            {
                // deleted meanwhile
            }
        }
        records.Sort((a, b) => string.CompareOrdinal(a.Id, b.Id));
        return records;
    }

    /// <summary>
    /// The live status of a recorded container: <see cref="OciStatus.Stopped"/> when its process no longer
    /// exists, has become a zombie, or the pid now belongs to another process (the start time differs);
    /// otherwise the recorded status.
    /// </summary>
    public static OciStatus GetStatus(ContainerRecord record)
    {
        ArgumentNullException.ThrowIfNull(record);
        if (record.Status == OciStatus.Stopped) return OciStatus.Stopped;
        if (record.Process is not { } process) return record.Status == OciStatus.Creating ? OciStatus.Creating : OciStatus.Stopped;
        return process.IsAlive() ? record.Status : OciStatus.Stopped;
    }

    /// <summary>The OCI state of a record, with its live status (pid 0 when stopped, as runc reports it).</summary>
    public static OciState ToOciState(ContainerRecord record)
    {
        var status = GetStatus(record);
        return new OciState
        {
            OciVersion = record.OciVersion,
            Id = record.Id,
            Status = status,
            Pid = status == OciStatus.Stopped ? 0 : record.Pid,
            Bundle = record.Bundle,
            Annotations = record.Annotations,
        };
    }

    /// <summary>The OCI state of a container, with its live status.</summary>
    /// <exception cref="ContainerNotFoundException">No container has that id.</exception>
    public OciState GetState(string id) => ToOciState(Load(id));

    internal static void WriteRecord(string directory, ContainerRecord record) =>
        AtomicFile.WriteAllText(Path.Combine(directory, StateFileName),
            JsonSerializer.Serialize(record, OciJsonContext.Default.ContainerRecord),
            UnixFileMode.UserRead | UnixFileMode.UserWrite);

    private static ContainerRecord ReadRecord(string directory, string id)
    {
        var path = Path.Combine(directory, StateFileName);
        string json;
        try
        {
            json = File.ReadAllText(path);
        }
        catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException)
        {
            throw new ContainerNotFoundException(id);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new ContainerStateException($"container {id}: cannot read {path}: {e.Message}", e);
        }
        return OciJson.Deserialize(json, OciJsonContext.Default.ContainerRecord, path);
    }

    internal static void TryDeleteDirectory(string path)
    {
        try
        {
            if (Directory.Exists(path)) Directory.Delete(path, recursive: true);
        }
        catch (IOException) { }
        catch (UnauthorizedAccessException) { }
    }
}

/// <summary>A container's lock could not be taken in time.</summary>
internal sealed class ContainerLockTimeoutException : ContainerStateException
{
    /// <summary>Creates the exception.</summary>
    public ContainerLockTimeoutException(string id, TimeSpan waited)
        : base($"container {id} is locked by another operation (waited {waited.TotalMilliseconds:0} ms)") => Id = id;

    /// <summary>The container's id.</summary>
    public string Id { get; }
}
