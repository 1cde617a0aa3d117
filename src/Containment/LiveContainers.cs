using System.Collections.Concurrent;

namespace Containment;

/// <summary>
/// The ids and cgroup directories of the containers this host process has running: a second container with the same
/// id, or whose cgroup resolves to the same directory, is refused (it would silently share the first one's cgroup).
/// </summary>
internal static class LiveContainers
{
    private static readonly ConcurrentDictionary<string, byte> Ids = new(StringComparer.Ordinal);
    private static readonly ConcurrentDictionary<string, string> CgroupDirectories = new(StringComparer.Ordinal);

    /// <summary>Registers a container's id, or throws when a live container has it.</summary>
    /// <exception cref="ContainerSpecException">The id is in use by a live container.</exception>
    public static Registration Register(string id) => Ids.TryAdd(id, 0)
        ? new Registration(id)
        : throw new ContainerSpecException([new SpecError("id", $"a container with id '{id}' is already running in this process")]);

    /// <summary>Whether a container with this id runs in this process (from its start until its disposal ends).</summary>
    public static bool IsRunning(string id) => Ids.ContainsKey(id);

    /// <summary>A live container's claim; disposing releases it.</summary>
    internal sealed class Registration(string id) : IDisposable
    {
        private readonly List<string> _directories = [];
        private int _released;

        /// <summary>Claims the container's cgroup directories, or throws naming the container that has one.</summary>
        /// <exception cref="ContainerSpecException">A directory is the cgroup of a live container.</exception>
        public void Claim(IEnumerable<string> directories)
        {
            foreach (var directory in directories)
            {
                if (CgroupDirectories.TryAdd(directory, id))
                {
                    _directories.Add(directory);
                    continue;
                }
                CgroupDirectories.TryGetValue(directory, out var owner);
                throw new ContainerSpecException([new SpecError("cgroupsPath",
                    $"the cgroup directory {directory} is already the cgroup of running container '{owner}'")]);
            }
        }

        public void Dispose()
        {
            if (Interlocked.Exchange(ref _released, 1) != 0)
                return;
            foreach (var directory in _directories)
                CgroupDirectories.TryRemove(directory, out _);
            Ids.TryRemove(id, out _);
        }
    }
}
