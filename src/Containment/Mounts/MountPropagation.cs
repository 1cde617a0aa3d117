namespace Containment.Mounts;

/// <summary>
/// How mount and unmount events travel between a mount and its peers (mount_namespaces(7)). The <c>R</c> forms
/// apply to every mount beneath as well.
/// </summary>
public enum MountPropagation
{
    /// <summary>Not set: a bind mount takes the container root's propagation (<c>rprivate</c> unless changed).</summary>
    Default = 0,
    /// <summary>Receives and sends nothing (<c>private</c>).</summary>
    Private,
    /// <summary><c>rprivate</c>.</summary>
    RPrivate,
    /// <summary>Receives events from its master, sends none (<c>slave</c>): host mounts appear inside, not the reverse.</summary>
    Slave,
    /// <summary><c>rslave</c>.</summary>
    RSlave,
    /// <summary>Sends and receives events with its peers (<c>shared</c>).</summary>
    Shared,
    /// <summary><c>rshared</c>.</summary>
    RShared,
    /// <summary>Private, and cannot be the source of a bind mount (<c>unbindable</c>).</summary>
    Unbindable,
    /// <summary><c>runbindable</c>.</summary>
    RUnbindable,
}
