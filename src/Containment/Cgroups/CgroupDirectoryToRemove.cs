namespace Containment.Cgroups;

/// <summary>
/// A cgroup directory a launch created. Only a leaf's processes are the container's: an ancestor it created may
/// since hold other containers, so it is removed only when empty.
/// </summary>
internal sealed record CgroupDirectoryToRemove(string Path, bool IsLeaf);
