using Containment.Identity;
using Containment.Lsm;
using Containment.Seccomp;

namespace Containment.Launch;

/// <summary>
/// What a start decides before it opens anything: the spec adapted (rootless, device guard) and validated with its
/// options, the seccomp filter and Landlock rules compiled for this kernel, and the launch inputs that follow. The
/// launch (<see cref="Launcher"/>) and the preview (<see cref="Preview.PlanPreviewer"/>) both begin here, so a preview
/// prepares exactly what a start would.
/// </summary>
internal static class LaunchPreparation
{
    /// <summary>
    /// The adapted spec and its inputs, with nothing opened yet (the caller adds descriptors). <paramref name="chooseId"/>
    /// names the container once the adapted spec is known to be valid (a launch may take a prepared cgroup then).
    /// </summary>
    /// <exception cref="ContainerSpecException">The spec or the options are invalid, every problem listed.</exception>
    public static (ContainerSpec Spec, LaunchInputs Inputs) Prepare(ContainerSpec spec, ContainerStartOptions options, Func<ContainerSpec, string> chooseId)
    {
        var logger = options.LoggerFor("Container");
        spec = Rootless.Adapt(spec, logger);
        if (JoinsNetwork(spec))
            spec = Networking.RawSocketGuard.Apply(spec);
        var errors = new List<SpecError>(spec.Validate());
        var mapWriter = Rootless.ChooseMapWriter(spec, errors);
        if (options.Id is not null && Oci.ContainerId.Problem(options.Id) is { } idProblem)
            errors.Add(new SpecError("id", idProblem));
        if (options.StartFifo is not null && !options.Detached)
            errors.Add(new SpecError("startFifo", "a container waiting for a start signal must be started detached"));
        if (options.Detached && spec.Process.Terminal is null)
            foreach (var (stdio, name) in new[] { (spec.Process.StandardInput, "stdin"), (spec.Process.StandardOutput, "stdout"), (spec.Process.StandardError, "stderr") })
                if (stdio is Stdio.PipeStdio)
                    errors.Add(new SpecError($"process.{name}", "a detached container cannot have a pipe to its host"));
        errors.AddRange(spec.ValidateNetwork(options.Detached));
        if (errors.Count > 0)
            throw new ContainerSpecException(errors);
        var lsm = options.Lsm ?? LsmHost.Current;
        if (LsmPlanner.Validate(spec, lsm).ToList() is { Count: > 0 } lsmErrors)
            throw new ContainerSpecException(lsmErrors);
        (spec, var rootNoDev) = DeviceGuard.Apply(spec);
        // Without a profile the kernel is not probed: a start pays only for what it uses.
        var seccomp = spec.Seccomp is null ? null : SeccompPlanner.Compile(spec, SeccompKernelSupport.Current, options.LoggerFor("Seccomp"));
        if (seccomp is { ReturnsListener: true } && options.SeccompNotify is null && options.SeccompListener is null)
            throw new ContainerSpecException([new SpecError("seccomp",
                "the profile has NOTIFY rules: set ContainerStartOptions.SeccompNotify to answer them (or SeccompListener to take the listener)")]);
        var landlock = spec.Landlock is null ? null
            : Landlock.LandlockPlanner.Negotiate(spec.Landlock, options.LandlockAbi ?? Landlock.LandlockAbi.Current, options.LoggerFor("Landlock"));
        var mountLabel = LsmPlanner.MountLabel(spec, lsm, logger);
        var lockMounts = Rootless.LocksMounts(spec, logger);
        var id = chooseId(spec); // last: nothing after it can refuse the start
        var inputs = new LaunchInputs
        {
            Detached = options.Detached, FailAtStep = options.FailAtStep, FailErrno = options.InjectedErrno, IdMapWriter = mapWriter,
            ResolveByWalk = options.ResolveByWalk, Seccomp = seccomp, Landlock = landlock, ContainerId = id,
            SyncBeforePivot = options.BeforePivotRoot is not null || JoinsNetwork(spec), RootNoDev = rootNoDev,
            DeviceListEnforced = DeviceGuard.EnforcesList(spec),
            Lsm = lsm, MountLabel = mountLabel, LockMounts = lockMounts,
        };
        return (spec, inputs);
    }

    /// <summary>Whether the container gets a network of its own, attached by the host before pivot_root (CNI).</summary>
    public static bool JoinsNetwork(ContainerSpec spec) => spec.Network is not null && spec.Rootfs is not RootfsSpec.Joined;
}
