using Containment.Seccomp;

namespace Containment;

public sealed partial record ContainerSpec
{
    /// <summary>
    /// The seccomp profile the container's process runs under, or null for none (unconfined). Default:
    /// <see cref="SeccompProfile.Default"/>, the profile Docker, containerd and Podman apply to every container.
    /// <para>The profile is compiled when the container starts, its conditional rules decided by the process's
    /// <b>bounding</b> capability set (as Docker does: anything in the bounding set can become effective through an
    /// exec), so a container given <c>CAP_SYS_ADMIN</c> may <c>mount</c> and <c>unshare</c>. The filter is loaded
    /// just before exec when the process has <c>no_new_privs</c>; without it, loading needs <c>CAP_SYS_ADMIN</c>, so
    /// it is loaded before the process's user and capabilities change, as runc does: the profile must then also allow
    /// the few calls that finish the launch (<c>capset</c>, <c>setresuid</c>, <c>prctl</c>, <c>close_range</c>,
    /// <c>execve</c>…). See docs/seccomp.md.</para>
    /// </summary>
    public SeccompProfile? Seccomp { get; private init; } = SeccompProfile.Default;

    /// <summary>Sets the seccomp profile; null runs the container unconfined.</summary>
    public ContainerSpec WithSeccomp(SeccompProfile? profile) => this with { Seccomp = profile };

    /// <summary>
    /// Changes the seccomp profile, starting from the current one, e.g. <c>s => s.Deny("ptrace")</c>. An unconfined
    /// container starts from a profile that allows everything.
    /// </summary>
    public ContainerSpec WithSeccompRules(Func<SeccompProfile, SeccompProfile> change) =>
        this with { Seccomp = change(Seccomp ?? SeccompProfile.Create(SeccompAction.Allow)) };
}
