namespace Containment.Seccomp;

/// <summary>The kernel's SECCOMP_RET_* values (include/uapi/linux/seccomp.h).</summary>
internal static class SeccompReturn
{
    public const uint KillProcess = 0x80000000, KillThread = 0x00000000, Trap = 0x00030000, Errno = 0x00050000,
        UserNotif = 0x7fc00000, Trace = 0x7ff00000, Log = 0x7ffc0000, Allow = 0x7fff0000;
    public const uint ActionFullMask = 0xffff0000, DataMask = 0x0000ffff;
    public const uint EPERM = 1, ENOSYS = 38;

    /// <summary>The return value for an action; ERRNO and TRACE default to EPERM as in runc.</summary>
    public static uint Of(SeccompAction action, uint? data) => action switch
    {
        SeccompAction.KillProcess => KillProcess,
        SeccompAction.KillThread => KillThread,
        SeccompAction.Trap => Trap,
        SeccompAction.Errno => Errno | ((data ?? EPERM) & DataMask),
        SeccompAction.Trace => Trace | ((data ?? EPERM) & DataMask),
        SeccompAction.Allow => Allow,
        SeccompAction.Log => Log,
        SeccompAction.Notify => UserNotif,
        _ => throw new ArgumentOutOfRangeException(nameof(action)),
    };

    /// <summary>The action a return value stands for (the kernel's reading: unknown values kill the process).</summary>
    public static (SeccompAction Action, uint Data) Decode(uint value) => (value & ActionFullMask) switch
    {
        KillProcess => (SeccompAction.KillProcess, 0),
        KillThread => (SeccompAction.KillThread, 0),
        Trap => (SeccompAction.Trap, value & DataMask),
        Errno => (SeccompAction.Errno, value & DataMask),
        UserNotif => (SeccompAction.Notify, 0),
        Trace => (SeccompAction.Trace, value & DataMask),
        Log => (SeccompAction.Log, 0),
        Allow => (SeccompAction.Allow, 0),
        _ => (SeccompAction.KillProcess, 0),
    };

    public static string Describe(uint value)
    {
        var (action, data) = Decode(value);
        return action switch
        {
            SeccompAction.Errno => $"ERRNO({(Enum.IsDefined((SeccompErrno)data) ? ((SeccompErrno)data).ToString() : data.ToString(System.Globalization.CultureInfo.InvariantCulture))})",
            SeccompAction.Trace => $"TRACE({data})",
            _ => action.ToString().ToUpperInvariant(),
        };
    }
}
