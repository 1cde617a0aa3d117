using Microsoft.Win32.SafeHandles;

namespace Containment.Cgroups.Devices;

/// <summary>Puts a compiled device filter on a cgroup v2 directory; replaced in unit tests that use a fake cgroupfs.</summary>
internal interface IDeviceFilterAttacher
{
    /// <summary>Attaches <paramref name="program"/> to the cgroup, replacing <paramref name="previous"/> if given; returns what to keep (to detach later).</summary>
    IDisposable Attach(SafeFileHandle cgroup, string cgroupPath, IReadOnlyList<BpfInstruction> program, IDisposable? previous);
}

/// <summary>The real attacher: bpf(2) load, attach, then detach the previous program.</summary>
internal sealed class BpfDeviceFilterAttacher : IDeviceFilterAttacher
{
    public static BpfDeviceFilterAttacher Instance { get; } = new();

    public IDisposable Attach(SafeFileHandle cgroup, string cgroupPath, IReadOnlyList<BpfInstruction> program, IDisposable? previous)
    {
        var loaded = DeviceFilterProgram.Load(program);
        try
        {
            DeviceFilterProgram.Attach(cgroup, loaded, cgroupPath);
        }
        catch
        {
            loaded.Dispose();
            throw;
        }
        if (previous is SafeFileHandle old)
        {
            // The new filter is in place first, so there is no moment without one.
            try { DeviceFilterProgram.Detach(cgroup, old, cgroupPath); }
            finally { old.Dispose(); }
        }
        return loaded;
    }
}
