namespace Containment.Cgroups;

/// <summary>A limit on huge pages of one size.</summary>
/// <param name="PageSize">The page size as the kernel names it in cgroup files: <c>2MB</c>, <c>1GB</c>.</param>
/// <param name="Limit">The limit in bytes (positive).</param>
public sealed record HugetlbLimit(string PageSize, long Limit);
