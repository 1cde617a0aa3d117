namespace Containment.Mounts;

/// <summary>The kind of a device node (OCI <c>linux.devices[].type</c>).</summary>
public enum DeviceNodeType
{
    /// <summary>A character device (<c>c</c>).</summary>
    Char,
    /// <summary>A block device (<c>b</c>).</summary>
    Block,
    /// <summary>A FIFO (<c>p</c>).</summary>
    Fifo,
}

/// <summary>
/// A device node created in the container's <c>/dev</c> (or bound from the host's node at the same path when
/// the container cannot create device nodes, e.g. in a user namespace).
/// </summary>
/// <param name="Path">An absolute path inside the container, e.g. <c>/dev/fuse</c>.</param>
/// <param name="Type">Character, block or FIFO.</param>
/// <param name="Major">The major number (0 for a FIFO).</param>
/// <param name="Minor">The minor number (0 for a FIFO).</param>
/// <param name="FileMode">The permission bits, e.g. <c>0x1b6</c> (0666).</param>
/// <param name="Uid">The owner, a uid in the container's user namespace.</param>
/// <param name="Gid">The group, a gid in the container's user namespace.</param>
public sealed record DeviceNode(string Path, DeviceNodeType Type, uint Major, uint Minor, uint FileMode = 0x1b6, uint Uid = 0, uint Gid = 0)
{
    /// <summary>Parses an OCI device type letter (<c>c</c>, <c>u</c>, <c>b</c>, <c>p</c>); null when unknown.</summary>
    public static DeviceNodeType? ParseType(string type) => type switch
    {
        "c" or "u" => DeviceNodeType.Char,
        "b" => DeviceNodeType.Block,
        "p" => DeviceNodeType.Fifo,
        _ => null,
    };
}
