namespace Containment.Cgroups;

/// <summary>What the machine has, for validating a <see cref="CgroupSpec"/>: online CPUs, memory nodes, huge page sizes.</summary>
internal sealed record MachineTopology(IReadOnlySet<int> Cpus, IReadOnlySet<int> Mems, IReadOnlySet<string> HugePageSizes)
{
    private static readonly Lazy<MachineTopology> host = new(ReadHost);

    /// <summary>This machine, read once from /sys.</summary>
    public static MachineTopology Host => host.Value;

    private static MachineTopology ReadHost()
    {
        static IReadOnlySet<int> List(string path, string fallback)
        {
            string text;
            try { text = File.ReadAllText(path); }
            catch (IOException) { text = fallback; }
            catch (UnauthorizedAccessException) { text = fallback; }
            return CpuList.Parse(text) ?? CpuList.Parse(fallback)!;
        }

        var sizes = new HashSet<string>();
        try
        {
            foreach (var dir in Directory.EnumerateDirectories("/sys/kernel/mm/hugepages", "hugepages-*kB"))
            {
                var name = Path.GetFileName(dir);
                if (long.TryParse(name["hugepages-".Length..^2], out var kb)) sizes.Add(PageSizeName(kb * 1024));
            }
        }
        catch (IOException) { }
        catch (UnauthorizedAccessException) { }
        return new MachineTopology(List("/sys/devices/system/cpu/online", "0"), List("/sys/devices/system/node/online", "0"), sizes);
    }

    /// <summary>A page size as cgroup file names spell it (the kernel's <c>mem_fmt</c>): <c>64KB</c>, <c>2MB</c>, <c>1GB</c>.</summary>
    public static string PageSizeName(long bytes) =>
        bytes >= ByteSize.GiB ? $"{bytes / ByteSize.GiB}GB" : bytes >= ByteSize.MiB ? $"{bytes / ByteSize.MiB}MB" : $"{bytes / ByteSize.KiB}KB";
}
