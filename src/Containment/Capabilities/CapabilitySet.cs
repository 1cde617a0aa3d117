using System.Collections;
using System.Diagnostics.Contracts;

namespace Containment.Capabilities;

/// <summary>An immutable set of capabilities; every method returns a new set.</summary>
public readonly struct CapabilitySet : IEquatable<CapabilitySet>, IReadOnlyCollection<Capability>
{
    private CapabilitySet(ulong mask) => Mask = mask;

    /// <summary>The set as the kernel's bit mask (bit N is capability N).</summary>
    public ulong Mask { get; }

    /// <summary>No capabilities.</summary>
    public static CapabilitySet Empty => default;

    /// <summary>Every capability this library knows (<c>CAP_CHOWN</c> … <c>CAP_CHECKPOINT_RESTORE</c>).</summary>
    public static CapabilitySet All { get; } = new((2UL << (int)CapabilityNames.Last) - 1);

    /// <summary>
    /// The set container runtimes give a container by default (runc, containerd, Docker, Podman): <c>CHOWN</c>,
    /// <c>DAC_OVERRIDE</c>, <c>FSETID</c>, <c>FOWNER</c>, <c>MKNOD</c>, <c>NET_RAW</c>, <c>SETGID</c>, <c>SETUID</c>,
    /// <c>SETFCAP</c>, <c>SETPCAP</c>, <c>NET_BIND_SERVICE</c>, <c>SYS_CHROOT</c>, <c>KILL</c>, <c>AUDIT_WRITE</c>.
    /// </summary>
    public static CapabilitySet Default { get; } = Of(
        Capability.Chown, Capability.DacOverride, Capability.Fsetid, Capability.Fowner, Capability.Mknod,
        Capability.NetRaw, Capability.Setgid, Capability.Setuid, Capability.Setfcap, Capability.Setpcap,
        Capability.NetBindService, Capability.SysChroot, Capability.Kill, Capability.AuditWrite);

    /// <summary>A set of these capabilities.</summary>
    public static CapabilitySet Of(params ReadOnlySpan<Capability> capabilities)
    {
        var set = Empty;
        foreach (var c in capabilities)
            set = set.Add(c);
        return set;
    }

    /// <summary>The set with this bit mask. Bits beyond <see cref="CapabilityNames.Last"/> are kept (and refused at validation).</summary>
    public static CapabilitySet FromMask(ulong mask) => new(mask);

    /// <summary>A set with <paramref name="capability"/> added.</summary>
    /// <exception cref="ArgumentOutOfRangeException">The value is not between 0 and 63.</exception>
    [Pure]
    public CapabilitySet Add(Capability capability) => new(Mask | Bit(capability));

    /// <summary>A set with every capability of <paramref name="other"/> added.</summary>
    [Pure]
    public CapabilitySet Union(CapabilitySet other) => new(Mask | other.Mask);

    /// <summary>A set without <paramref name="capability"/>.</summary>
    [Pure]
    public CapabilitySet Remove(Capability capability) => new(Mask & ~Bit(capability));

    /// <summary>A set without any capability of <paramref name="other"/>.</summary>
    [Pure]
    public CapabilitySet Except(CapabilitySet other) => new(Mask & ~other.Mask);

    /// <summary>The capabilities in both sets.</summary>
    [Pure]
    public CapabilitySet Intersect(CapabilitySet other) => new(Mask & other.Mask);

    /// <summary>Whether the set holds <paramref name="capability"/>.</summary>
    public bool Contains(Capability capability) => (uint)capability < 64 && (Mask & (1UL << (int)capability)) != 0;

    /// <summary>Whether every capability of this set is in <paramref name="other"/>.</summary>
    public bool IsSubsetOf(CapabilitySet other) => (Mask & ~other.Mask) == 0;

    /// <summary>How many capabilities the set holds.</summary>
    public int Count => System.Numerics.BitOperations.PopCount(Mask);

    /// <summary>Whether the set is empty.</summary>
    public bool IsEmpty => Mask == 0;

    private static ulong Bit(Capability capability) =>
        (uint)capability < 64 ? 1UL << (int)capability : throw new ArgumentOutOfRangeException(nameof(capability), capability, "capabilities are numbered 0 to 63");

    /// <summary>The capabilities in ascending order.</summary>
    public IEnumerator<Capability> GetEnumerator()
    {
        for (var i = 0; i < 64; i++)
            if ((Mask & (1UL << i)) != 0)
                yield return (Capability)i;
    }

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();

    /// <inheritdoc />
    public bool Equals(CapabilitySet other) => Mask == other.Mask;

    /// <inheritdoc />
    public override bool Equals(object? obj) => obj is CapabilitySet other && Equals(other);

    /// <inheritdoc />
    public override int GetHashCode() => Mask.GetHashCode();

    /// <summary>Whether two sets hold the same capabilities.</summary>
    public static bool operator ==(CapabilitySet left, CapabilitySet right) => left.Equals(right);

    /// <summary>Whether two sets differ.</summary>
    public static bool operator !=(CapabilitySet left, CapabilitySet right) => !left.Equals(right);

    /// <summary>The OCI names, comma-separated, e.g. <c>CAP_KILL,CAP_NET_RAW</c>; numbers for bits beyond the known ones.</summary>
    public override string ToString() =>
        string.Join(",", this.Select(c => c <= CapabilityNames.Last ? CapabilityNames.Name(c) : $"CAP_{(int)c}"));
}
