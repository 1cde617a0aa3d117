namespace Containment.Cgroups.Systemd;

/// <summary>
/// One systemd unit property as sent over D-Bus (<c>(sv)</c>). <see cref="Value"/> is a <see cref="bool"/> (<c>b</c>),
/// <see cref="ulong"/> (<c>t</c>), <see cref="string"/> (<c>s</c>), <see cref="T:uint[]"/> (<c>au</c>),
/// <see cref="T:byte[]"/> (<c>ay</c>, a bit mask) or <see cref="T:DeviceValue[]"/> (<c>a(st)</c>).
/// </summary>
internal sealed record UnitProperty(string Name, object Value)
{
    /// <summary>systemd's "infinity" for <c>t</c> limits.</summary>
    public const ulong Infinity = ulong.MaxValue;

    /// <summary>A device path and a value (<c>IOReadBandwidthMax</c>, <c>IODeviceWeight</c>).</summary>
    internal readonly record struct DeviceValue(string Path, ulong Value);

    /// <summary><c>Name=value</c>, as <c>systemctl show</c> would print it (infinity, CPU lists, device pairs).</summary>
    public override string ToString() => Name + "=" + Value switch
    {
        ulong.MaxValue => "infinity",
        bool b => b ? "yes" : "no",
        uint[] pids => string.Join(' ', pids),
        byte[] mask => string.Join(',', BitMask.Members(mask)),
        DeviceValue[] devices => string.Join(' ', devices.Select(d => d.Path + " " + d.Value)),
        var v => Convert.ToString(v, System.Globalization.CultureInfo.InvariantCulture),
    };
}

/// <summary>systemd's CPU and NUMA node masks (<c>AllowedCPUs</c>): bit <c>i % 8</c> of byte <c>i / 8</c> is number <c>i</c>.</summary>
internal static class BitMask
{
    public static byte[] From(IEnumerable<int> numbers)
    {
        var list = numbers.ToList();
        var mask = new byte[list.Count == 0 ? 0 : list.Max() / 8 + 1];
        foreach (var n in list) mask[n / 8] |= (byte)(1 << (n % 8));
        return mask;
    }

    public static IEnumerable<int> Members(byte[] mask)
    {
        for (var i = 0; i < mask.Length * 8; i++)
            if ((mask[i / 8] & (1 << (i % 8))) != 0) yield return i;
    }
}
