using Containment.Capabilities;
using Containment.Cgroups;
using Containment.Identity;
using Containment.Mounts;

namespace Containment.Launch;

/// <summary>
/// What keeps a container away from the host's devices (a block device is the host's disk, <c>/dev/kvm</c> or
/// <c>/dev/tty0</c> are the host's too), decided before the plan is compiled:
/// <list type="bullet">
/// <item>With a cgroup: a device allow list, always. The spec's rules (deny-all when it has none), then the standard
/// nodes every container's <c>/dev</c> has (but one the spec denies by number) and the nodes it was given with
/// <c>WithDevice</c>, as runc appends its defaults.</item>
/// <item>Without a cgroup there is no list to enforce, so the process gets no CAP_MKNOD (it cannot make a node in its
/// <c>/dev</c>) and the root is mounted <c>nodev</c> before anything else is mounted on it (a node the rootfs already
/// holds cannot be opened); its own <c>/dev</c> and the binds it asked for keep their devices.</item>
/// <item>A process joining a running container never holds a capability outside that container's bounding set.</item>
/// </list>
/// Rootless containers are left alone: in a user namespace the kernel refuses device nodes to mknod, and the caller has
/// no device access to hand out.
/// </summary>
internal static class DeviceGuard
{
    /// <summary>mknod of any node, the standard nodes, the console, ptmx and the ptys (runc's defaults).</summary>
    public static IReadOnlyList<DeviceRule> Standard { get; } =
    [
        new(true, DeviceType.Char, null, null, DeviceAccess.Mknod), new(true, DeviceType.Block, null, null, DeviceAccess.Mknod),
        Node(1, 3), Node(1, 5), Node(1, 7), Node(1, 8), Node(1, 9), Node(5, 0), Node(5, 1), Node(5, 2),
        new(true, DeviceType.Char, 136, null, DeviceAccess.All),
    ];

    private static DeviceRule Node(long major, long minor) => new(true, DeviceType.Char, major, minor, DeviceAccess.All);

    /// <summary>The spec to launch, and whether its root must be mounted nodev.</summary>
    public static (ContainerSpec Spec, bool RootNoDev) Apply(ContainerSpec spec)
    {
        if (spec.Rootfs is RootfsSpec.Joined joined)
            return (WithinBoundingSetOf(spec, joined.Pid), false);
        if (Rootless.IsRootless)
            return (spec, false);
        if (spec.Cgroup is { } cgroup)
        {
            var given = spec.Filesystem.Devices.Where(d => d.Type is DeviceNodeType.Char or DeviceNodeType.Block)
                .Select(d => new DeviceRule(true, d.Type == DeviceNodeType.Block ? DeviceType.Block : DeviceType.Char, d.Major, d.Minor, DeviceAccess.All));
            IReadOnlyList<DeviceRule> rules = cgroup.Devices ?? [new DeviceRule(false, DeviceType.All, null, null, DeviceAccess.All)];
            // A node the spec denies by number stays denied: the standard rule for it is left out.
            var standard = Standard.Where(s => !rules.Any(r => !r.Allow && r.Type == s.Type && r.Major == s.Major && r.Minor == s.Minor && s.Major is not null));
            return (spec.WithCgroup(cgroup with { Devices = [.. rules, .. standard, .. given] }), false);
        }
        return (spec.WithProcess(spec.Process with { Capabilities = Without(spec.Process.Capabilities, CapabilitySet.Of(Capability.Mknod)) }), true);
    }

    /// <summary>Whether <see cref="Apply"/> gave the spec a device allow list (a cgroup, not rootless).</summary>
    public static bool EnforcesList(ContainerSpec spec) => spec.Cgroup is not null && spec.Rootfs is not RootfsSpec.Joined && !Rootless.IsRootless;

    private static ContainerSpec WithinBoundingSetOf(ContainerSpec spec, int pid)
    {
        // A process already gone: the join itself fails with a clear error.
        var bounding = HostCredentials.CapabilitiesOf(pid.ToString(System.Globalization.CultureInfo.InvariantCulture), "CapBnd");
        return bounding is { } keep ? spec.WithProcess(spec.Process with { Capabilities = Without(spec.Process.Capabilities, CapabilitySet.FromMask(~keep.Mask)) }) : spec;
    }

    private static CapabilitySpec Without(CapabilitySpec caps, CapabilitySet drop) => new(
        caps.Bounding.Except(drop), caps.Effective.Except(drop), caps.Permitted.Except(drop), caps.Inheritable.Except(drop), caps.Ambient.Except(drop));
}
