using Containment.Preview;

namespace Containment;

public sealed partial class ContainerProcess
{
    /// <summary>
    /// Every step a start of <paramref name="spec"/> would perform, in order, without performing any: no cgroup, mount,
    /// file or process is created. The steps are the plan the start compiles, decoded (docs/preview.md): which process
    /// performs each (host, monitor, child), its system call and its arguments (paths, flags by name, cgroup files and
    /// values, the seccomp filter's summary, the Landlock rules).
    /// </summary>
    /// <param name="spec">The container to preview.</param>
    /// <param name="options">The start options that change the plan (<see cref="ContainerStartOptions.Id"/>), or null.</param>
    /// <exception cref="ContainerSpecException">The spec is invalid, as a start would report it.</exception>
    public static IReadOnlyList<PreviewStep> Preview(ContainerSpec spec, ContainerStartOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(spec);
        return PlanPreviewer.Preview(spec, options ?? new ContainerStartOptions());
    }
}
