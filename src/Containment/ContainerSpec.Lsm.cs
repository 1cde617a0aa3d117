namespace Containment;

public sealed partial record ContainerSpec
{
    /// <summary>
    /// The SELinux context of the filesystems the container mounts that take one (tmpfs, devpts, mqueue, ramfs), as
    /// their <c>context=</c> option; not proc, sysfs, cgroup or binds. Ignored with a warning on a host without SELinux
    /// (as crun). The program's own label is <see cref="ProcessBuilder.SelinuxLabel"/>.
    /// </summary>
    public string? MountLabel { get; init; }

    /// <summary>Sets <see cref="MountLabel"/>.</summary>
    [System.Diagnostics.Contracts.Pure]
    public ContainerSpec WithMountLabel(string? label) => this with { MountLabel = label };
}
