namespace Containment.Cgroups;

/// <summary>Block I/O settings (v1 <c>blkio</c>, v2 <c>io</c>).</summary>
public sealed record IoSettings
{
    /// <summary>The default weight on the v1 scale 10–1000 (v1 <c>blkio.weight</c>; v2 <c>io.weight</c> converted to 1–10000).</summary>
    public long? Weight { get; init; }

    /// <summary>Per-device weights on the v1 scale 10–1000.</summary>
    public IReadOnlyList<IoDeviceWeight> DeviceWeights { get; init; } = [];

    /// <summary>Per-device bandwidth and operation-rate limits.</summary>
    public IReadOnlyList<IoThrottle> Throttles { get; init; } = [];

    /// <summary>v2 weight from a v1 weight: <c>1 + (weight - 10) * 9999 / 990</c>.</summary>
    internal static long ToV2Weight(long v1Weight) => 1 + (v1Weight - 10) * 9999 / 990;
}

/// <summary>The weight of one block device.</summary>
/// <param name="Major">The device's major number.</param>
/// <param name="Minor">The device's minor number.</param>
/// <param name="Weight">The weight, 10–1000.</param>
public sealed record IoDeviceWeight(long Major, long Minor, long Weight);

/// <summary>What an <see cref="IoThrottle"/> limits.</summary>
public enum IoThrottleKind
{
    /// <summary>Bytes read per second.</summary>
    ReadBytesPerSecond,

    /// <summary>Bytes written per second.</summary>
    WriteBytesPerSecond,

    /// <summary>Read operations per second.</summary>
    ReadOpsPerSecond,

    /// <summary>Write operations per second.</summary>
    WriteOpsPerSecond,
}

/// <summary>A rate limit on one block device.</summary>
/// <param name="Major">The device's major number.</param>
/// <param name="Minor">The device's minor number.</param>
/// <param name="Kind">What is limited.</param>
/// <param name="Rate">The limit per second (positive).</param>
public sealed record IoThrottle(long Major, long Minor, IoThrottleKind Kind, long Rate);
