namespace Containment.Cgroups;

/// <summary>A kind of device, as the devices controller names it.</summary>
public enum DeviceType
{
    /// <summary>Every device (<c>a</c>).</summary>
    All = 'a',

    /// <summary>Character devices (<c>c</c>).</summary>
    Char = 'c',

    /// <summary>Block devices (<c>b</c>).</summary>
    Block = 'b',
}

/// <summary>What a process may do with a device. The values are the kernel's (<c>BPF_DEVCG_ACC_*</c>).</summary>
[Flags]
public enum DeviceAccess
{
    /// <summary>Nothing.</summary>
    None = 0,

    /// <summary>Create the device node (<c>m</c>).</summary>
    Mknod = 1,

    /// <summary>Open for reading (<c>r</c>).</summary>
    Read = 2,

    /// <summary>Open for writing (<c>w</c>).</summary>
    Write = 4,

    /// <summary><c>rwm</c>.</summary>
    All = Mknod | Read | Write,
}

/// <summary>
/// One device-access rule. Rules apply in order and a later rule overrides an earlier one, as with
/// writes to v1 <c>devices.allow</c>/<c>devices.deny</c>; a device no rule matches is denied.
/// </summary>
/// <param name="Allow">Allow (true) or deny (false).</param>
/// <param name="Type">The kind of device.</param>
/// <param name="Major">The major number, or null for any.</param>
/// <param name="Minor">The minor number, or null for any.</param>
/// <param name="Access">The access allowed or denied.</param>
public sealed record DeviceRule(bool Allow, DeviceType Type, long? Major, long? Minor, DeviceAccess Access)
{
    /// <summary>Parses an access string such as <c>rwm</c>; null when it holds another letter.</summary>
    public static DeviceAccess? ParseAccess(string access)
    {
        var result = DeviceAccess.None;
        foreach (var c in access)
        {
            switch (c)
            {
                case 'r': result |= DeviceAccess.Read; break;
                case 'w': result |= DeviceAccess.Write; break;
                case 'm': result |= DeviceAccess.Mknod; break;
                default: return null;
            }
        }
        return result;
    }

    /// <summary>The type letter: <c>a</c>, <c>c</c> or <c>b</c>.</summary>
    internal char TypeLetter => (char)Type;

    /// <summary>The rule in v1 <c>devices.allow</c> syntax: <c>c 1:3 rwm</c>.</summary>
    internal string ToV1Line()
    {
        if (Type == DeviceType.All) return "a";
        var access = (Access.HasFlag(DeviceAccess.Read) ? "r" : "") + (Access.HasFlag(DeviceAccess.Write) ? "w" : "") +
                     (Access.HasFlag(DeviceAccess.Mknod) ? "m" : "");
        return $"{TypeLetter} {(Major is { } ma ? ma.ToString() : "*")}:{(Minor is { } mi ? mi.ToString() : "*")} {access}";
    }

    /// <inheritdoc />
    public override string ToString() => (Allow ? "allow " : "deny ") + ToV1Line();
}
