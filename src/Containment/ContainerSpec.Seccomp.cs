using Containment.Seccomp;

namespace Containment;

public sealed partial record ContainerSpec
{
    /// <summary>
    /// The seccomp profile the container's process runs under, or null for none (unconfined). By default
    /// <see cref="SeccompProfile.Default"/>, the profile Docker, containerd and Podman apply, resolved against the
    /// process's capabilities: a capability the container holds allows the system calls that go with it.
    /// </summary>
    public SeccompProfile? Seccomp { get; private init; } = SeccompProfile.Default;

    /// <summary>Runs the container under <paramref name="profile"/>; null runs it unconfined.</summary>
    public ContainerSpec WithSeccomp(SeccompProfile? profile) => this with { Seccomp = profile };
}
