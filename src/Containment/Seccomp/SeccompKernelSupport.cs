using System.Runtime.InteropServices;
using Containment.Interop;

namespace Containment.Seccomp;

/// <summary>
/// What the running kernel's seccomp can do: the filter flags and return actions it knows. Probed once per process
/// the way libseccomp does, without installing anything: <c>seccomp(SECCOMP_SET_MODE_FILTER, flag, NULL)</c> fails with
/// EFAULT when the flag is known (the kernel checks flags before it reads the program) and EINVAL when not;
/// <c>SECCOMP_GET_ACTION_AVAIL</c> answers for actions.
/// </summary>
/// <param name="Available">Whether the kernel has seccomp filters at all (CONFIG_SECCOMP_FILTER).</param>
/// <param name="Flags">The filter flags the kernel knows.</param>
/// <param name="Actions">The actions the kernel knows.</param>
internal sealed record SeccompKernelSupport(bool Available, SeccompFilterFlags Flags, IReadOnlySet<SeccompAction> Actions)
{
    private static readonly Lazy<SeccompKernelSupport> Probed = new(Probe);

    /// <summary>The running kernel's support.</summary>
    public static SeccompKernelSupport Current => Probed.Value;

    /// <summary>A kernel that knows every flag and action (for plans compiled in tests).</summary>
    public static SeccompKernelSupport Everything { get; } = new(true,
        SeccompFilterFlags.Tsync | SeccompFilterFlags.Log | SeccompFilterFlags.SpecAllow | SeccompFilterFlags.NewListener
        | SeccompFilterFlags.TsyncEsrch | SeccompFilterFlags.WaitKillableRecv, Enum.GetValues<SeccompAction>().ToHashSet());

    internal static unsafe SeccompKernelSupport Probe()
    {
        var available = ProbeFlags(SeccompFilterFlags.None) != Errno.ENOSYS;
        if (!available)
            return new(false, SeccompFilterFlags.None, new HashSet<SeccompAction>());
        var flags = SeccompFilterFlags.None;
        foreach (var flag in new[] { SeccompFilterFlags.Tsync, SeccompFilterFlags.Log, SeccompFilterFlags.SpecAllow,
                     SeccompFilterFlags.NewListener, SeccompFilterFlags.TsyncEsrch })
            if (ProbeFlags(flag) != Errno.EINVAL)
                flags |= flag;
        // WAIT_KILLABLE_RECV is refused without NEW_LISTENER on every kernel.
        if (ProbeFlags(SeccompFilterFlags.NewListener | SeccompFilterFlags.WaitKillableRecv) != Errno.EINVAL)
            flags |= SeccompFilterFlags.WaitKillableRecv;
        var actions = new HashSet<SeccompAction>();
        foreach (var action in Enum.GetValues<SeccompAction>())
        {
            var value = SeccompReturn.Of(action, 0);
            if (Libc.Seccomp(Libc.SECCOMP_GET_ACTION_AVAIL, 0, (nint)(&value)) == 0 || Marshal.GetLastPInvokeError() != Errno.EOPNOTSUPP)
                actions.Add(action);
        }
        return new(true, flags, actions);
    }

    /// <summary>The errno of a filter load with these flags and no program (EFAULT: the flags are fine).</summary>
    private static int ProbeFlags(SeccompFilterFlags flags) =>
        Libc.Seccomp(Libc.SECCOMP_SET_MODE_FILTER, (uint)flags, 0) < 0 ? Marshal.GetLastPInvokeError() : 0;
}
