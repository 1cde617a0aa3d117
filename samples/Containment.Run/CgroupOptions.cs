using System.Globalization;
using Containment.Cgroups;

namespace Containment.Run;

/// <summary>The sample's resource-limit options: a cgroup for the container when any is given.</summary>
internal sealed class CgroupOptions
{
    public const string Usage = """
          --memory SIZE        memory limit, e.g. 64m (an OOM kill is reported as such)
          --memory-swap SIZE   memory plus swap limit
          --cpus N.N           CPU quota in CPUs, e.g. 0.5
          --cpu-shares N       relative CPU weight (v1 shares; converted to a weight on v2)
          --cpuset CPUS        CPUs the container may run on, e.g. 0-1
          --pids N             at most N processes
          --device-deny c|b:MAJ:MIN  deny reading and writing a device, e.g. c:1:3 (repeatable)
          --stats              print the final cgroup statistics as JSON on stderr
        """;

    private readonly List<Action<CgroupBuilder>> _limits = [];
    private bool _denies;

    /// <summary>Whether <c>--stats</c> was given.</summary>
    public bool Stats { get; private set; }

    /// <summary>Takes <paramref name="flag"/> if it is a cgroup option; false otherwise.</summary>
    public bool TryParse(string flag, Func<string, string> next)
    {
        switch (flag)
        {
            case "--memory": var memory = Size(flag, next(flag)); _limits.Add(c => c.MemoryMax(memory)); return true;
            case "--memory-swap": var swap = Size(flag, next(flag)); _limits.Add(c => c.MemorySwapMax(swap)); return true;
            case "--cpus":
                var cpus = double.TryParse(next(flag), NumberStyles.Float, CultureInfo.InvariantCulture, out var c1) && c1 > 0
                    ? c1 : throw new ArgumentException("--cpus: expected a positive number of CPUs, e.g. 0.5");
                _limits.Add(c => c.CpuQuota(cpus));
                return true;
            case "--cpu-shares": var shares = Number(flag, next(flag)); _limits.Add(c => c.CpuShares(shares)); return true;
            case "--cpuset": var set = next(flag); _limits.Add(c => c.Cpus(set)); return true;
            case "--pids": var pids = Number(flag, next(flag)); _limits.Add(c => c.PidsMax(pids)); return true;
            case "--device-deny":
                var rule = DeviceDeny(next(flag));
                // Device rules deny what no rule allows: allow everything first, then take the denied ones away.
                if (!_denies)
                    _limits.Add(c => c.AllowDevice('a', null, null));
                _denies = true;
                _limits.Add(c => c.DenyDevice(rule.Type, rule.Major, rule.Minor, "rw"));
                return true;
            case "--stats": Stats = true; return true;
            default: return false;
        }
    }

    /// <summary>The spec with a cgroup holding the limits (a cgroup with none when only --stats was asked for).</summary>
    public ContainerSpec Apply(ContainerSpec spec) =>
        _limits.Count == 0 && !Stats ? spec : spec.WithCgroup(c => { foreach (var limit in _limits) limit(c); });

    private static long Size(string flag, string value) =>
        ByteSize.TryParse(value, out var bytes) && bytes > 0 ? bytes : throw new ArgumentException($"{flag}: '{value}' is not a size (e.g. 64m, 1g)");

    private static long Number(string flag, string value) =>
        long.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out var n) && n > 0 ? n : throw new ArgumentException($"{flag}: expected a positive whole number");

    private static (char Type, long? Major, long? Minor) DeviceDeny(string value)
    {
        var parts = value.Split(':');
        long? Part(string p) => p == "*" ? null : long.TryParse(p, NumberStyles.None, CultureInfo.InvariantCulture, out var n) ? n
            : throw new ArgumentException($"--device-deny {value}: expected c|b:MAJ:MIN (numbers or *)");
        if (parts.Length != 3 || parts[0] is not ("c" or "b"))
            throw new ArgumentException($"--device-deny {value}: expected c|b:MAJ:MIN, e.g. c:1:3");
        return (parts[0][0], Part(parts[1]), Part(parts[2]));
    }
}
