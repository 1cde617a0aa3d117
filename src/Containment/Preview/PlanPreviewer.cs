using Containment.Cgroups;
using Containment.Cgroups.Controllers;
using Containment.Launch;
using Containment.Namespaces;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Win32.SafeHandles;

namespace Containment.Preview;

/// <summary>
/// A launch's steps without performing any: the spec is validated and adapted by <see cref="LaunchPreparation"/>, as a start is, the real
/// <see cref="PlanCompiler"/> compiles it (with placeholders where a start would hold descriptors: a cgroup, a pipe, a
/// joined namespace) and the encoded plan is decoded back into words, op by op. Nothing is created: no cgroup,
/// mount, file or process (bind sources are opened to be checked, and closed).
/// </summary>
internal static class PlanPreviewer
{
    public static IReadOnlyList<PreviewStep> Preview(ContainerSpec spec, ContainerStartOptions options)
    {
        var id = options.Id ?? "<id>";
        (spec, var inputs) = LaunchPreparation.Prepare(spec, options with { Logger = NullLogger.Instance }, _ => id);
        var steps = new List<PreviewStep>();
        using var placeholder = new SafeFileHandle(-1, ownsHandle: false);
        foreach (var (kind, setting) in spec.Namespaces.Settings)
            if (setting is NamespaceSetting.JoinNamespace)
                inputs.JoinedNamespaces[kind] = placeholder;
        for (var i = 0; i < 3; i++)
            if (new[] { spec.Process.StandardInput, spec.Process.StandardOutput, spec.Process.StandardError }[i] is not Stdio.InheritStdio)
                inputs.Stdio[i] = placeholder;
        if (options.StartFifo is not null)
            (inputs.StartFifo, inputs.StartFifoPath) = (placeholder, options.StartFifo);
        if (spec.Rootfs is not RootfsSpec.Joined && spec.Cgroup is not null)
            steps.AddRange(Cgroup(spec, id, inputs, placeholder));
        try
        {
            if (spec.Rootfs is not RootfsSpec.Joined)
                inputs.MountSources = Mounts.MountSources.Open(spec);
            var plan = PlanCompiler.Compile(spec, inputs);
            steps.AddRange(Executor(plan, spec));
        }
        finally
        {
            inputs.MountSources?.Dispose();
        }
        return steps;
    }

    /// <summary>The executor's steps: each encoded op, by the process the executor runs it in (executor.h is_monitor_op).</summary>
    internal static IEnumerable<PreviewStep> Executor(LaunchPlan plan, ContainerSpec spec)
    {
        var ops = PlanDecoder.Decode(plan.Encode());
        var cloneAt = -1;
        for (var i = 0; i < ops.Count; i++)
        {
            var (op, payload) = ops[i];
            if (op == PlanOp.Clone && cloneAt < 0)
                cloneAt = i;
            var step = plan.Describe(i)!;
            var performer = cloneAt < 0 || cloneAt == i || IsMonitorOp(op) ? PreviewPerformer.Monitor : PreviewPerformer.Child;
            yield return new PreviewStep(performer, step.Syscall, StepFormatter.Arguments(op, payload, step, spec));
        }
    }

    private static bool IsMonitorOp(PlanOp op) => op is PlanOp.WritePid or PlanOp.WriteChildProc or PlanOp.Release or
        PlanOp.HostSync or PlanOp.IdmapTree or PlanOp.RaiseChildRlimit;

    /// <summary>The host's cgroup steps: each leaf directory made, and each limit written (as <see cref="CgroupManager.Create"/> would).</summary>
    private static IEnumerable<PreviewStep> Cgroup(ContainerSpec spec, string id, LaunchInputs inputs, SafeFileHandle placeholder)
    {
        var manager = CgroupManager.Detect();
        if (spec.CgroupDriver == CgroupDriverKind.Systemd)
            manager = new CgroupManager(manager.Layout, MachineTopology.Host) { Driver = CgroupDriverKind.Systemd };
        spec.Cgroup!.ThrowIfInvalid(MachineTopology.Host);
        var (v1, v2) = manager.Place(spec.Cgroup!);
        // As Create: the v2 leaf of a hybrid machine only when a controller is placed there.
        var unified = manager.Mode != CgroupMode.Unified && v2.Count == 0 && manager.Layout.Unified is { } u ? u.MountPoint.TrimEnd('/') + "/" : null;
        var steps = manager.DirectoriesOf(id, spec.CgroupsPath).Where(d => d.IsLeaf && (unified is null || !d.Path.StartsWith(unified, StringComparison.Ordinal)))
            .Select(d => new PreviewStep(PreviewPerformer.Host, "mkdir", d.Path)).ToList();
        foreach (var (controllers, v2Files) in new[] { (v1, false), (v2, true) })
            foreach (var controller in controllers.Where(c => c.IsRequested(spec.Cgroup!)))
                foreach (var write in v2Files ? controller.V2Writes(spec.Cgroup!) : controller.V1Writes(spec.Cgroup!))
                    steps.Add(new PreviewStep(PreviewPerformer.Host, "write", $"{write.File} = {write.Value}"));
        inputs.CgroupPaths = steps.Where(s => s.Syscall == "mkdir").Select(s => s.Arguments).ToList();
        if (manager.Mode == CgroupMode.Unified)
            inputs.CgroupDirectory = placeholder;
        else if (CgroupSelfJoin.Applies(manager))
        {
            // As the launcher: the child writes itself into each v1 tasks file, and is cloned into a hybrid host's v2 leaf.
            var leafRoot = manager.Layout.Unified is { } leafMount ? leafMount.MountPoint.TrimEnd('/') + "/" : null;
            inputs.CgroupTasks.AddRange(inputs.CgroupPaths.Where(p => leafRoot is null || !p.StartsWith(leafRoot, StringComparison.Ordinal)).Select(_ => placeholder));
            if (v2.Count > 0)
                inputs.CgroupDirectory = placeholder;
        }
        else
            inputs.CgroupProcs.AddRange(inputs.CgroupPaths.Select(_ => placeholder));
        return steps;
    }
}
