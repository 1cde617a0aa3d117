namespace Containment.Cgroups.Controllers;

/// <summary>One value written to one cgroup file.</summary>
/// <param name="File">The file (<c>memory.max</c>).</param>
/// <param name="Value">The value, without newline.</param>
/// <param name="Alternative">A file to write instead when <paramref name="File"/> is missing (<c>blkio.bfq.weight</c>).</param>
/// <param name="SwapWithNextOnInvalid">On EINVAL, write the next value first and then this one (memory limit vs memory+swap).</param>
internal readonly record struct CgroupWrite(string File, string Value, string? Alternative = null, bool SwapWithNextOnInvalid = false);
