using Containment.Cgroups;
using Containment.Oci;

namespace Containment.Runtime.Commands;

/// <summary>
/// <c>update [-r FILE|-] [--memory …] ID</c>: changes the limits of a live container's cgroup, as runc does: the
/// resources JSON (linux.resources) from a file or stdin, or flags; values not given stay as they are.
/// </summary>
internal static class UpdateCommand
{
    private static readonly string[] Valued =
    [
        "resources|r", "memory|m", "memory-swap", "memory-reservation", "cpu-shares", "cpu-quota", "cpu-period",
        "cpu-rt-runtime", "cpu-rt-period", "cpuset-cpus", "cpuset-mems", "pids-limit", "blkio-weight",
    ];

    public static int Run(Runtime runtime, IReadOnlyList<string> args)
    {
        var a = Args.Parse(args, Valued, []);
        var id = a.Id("update");
        using var guard = runtime.Lock(id);
        var record = guard.Load();
        if (Runtime.StatusOf(record) is OciStatus.Stopped)
            throw new CliException("cannot update a stopped container");
        var resources = a.Value("resources") is { } file ? ReadResources(file) : FromFlags(a);
        CgroupSpec spec;
        try
        {
            spec = OciSpecConverter.ToCgroupSpec(resources, runtime.Log);
        }
        catch (ContainerSpecException e)
        {
            throw new CliException(e.Message);
        }
        using var cgroup = ContainerOps.OpenCgroup(runtime, record);
        cgroup.Update(spec);
        return 0;
    }

    private static OciResources ReadResources(string file)
    {
        try
        {
            return OciResources.Parse(file == "-" ? Console.In.ReadToEnd() : File.ReadAllText(file));
        }
        catch (Exception e) when (e is OciConfigException or IOException or UnauthorizedAccessException)
        {
            throw new CliException($"--resources {file}: {e.Message}");
        }
    }

    private static OciResources FromFlags(Args a)
    {
        long? Bytes(string flag) => a.Value(flag) is { } v ? ByteSizes.Parse(flag, v) : null;
        long? Signed(string flag) => a.Value(flag) is { } v ? long.TryParse(v, out var n) ? n : throw new CliException($"--{flag} {v}: expected an integer") : null;
        ulong? Unsigned(string flag) => a.Value(flag) is { } v ? ulong.TryParse(v, out var n) ? n : throw new CliException($"--{flag} {v}: expected a non-negative integer") : null;

        var memory = new OciMemory { Limit = Bytes("memory"), Swap = Bytes("memory-swap"), Reservation = Bytes("memory-reservation") };
        var cpu = new OciCpu
        {
            Shares = Unsigned("cpu-shares"), Quota = Signed("cpu-quota"), Period = Unsigned("cpu-period"),
            RealtimeRuntime = Signed("cpu-rt-runtime"), RealtimePeriod = Unsigned("cpu-rt-period"),
            Cpus = a.Value("cpuset-cpus"), Mems = a.Value("cpuset-mems"),
        };
        var weight = Unsigned("blkio-weight");
        if (weight > ushort.MaxValue)
            throw new CliException($"--blkio-weight {weight}: out of range");
        return new OciResources
        {
            Memory = memory == new OciMemory() ? null : memory,
            Cpu = cpu == new OciCpu() ? null : cpu,
            Pids = Signed("pids-limit") is { } pids ? new OciPids { Limit = pids } : null,
            BlockIo = weight is { } w ? new OciBlockIo { Weight = (ushort)w } : null,
        };
    }
}
