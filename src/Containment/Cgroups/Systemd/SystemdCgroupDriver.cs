using Containment.Cgroups.Controllers;
using Containment.Cgroups.Devices;
using Containment.Cgroups.Fs;
using Containment.Cgroups.V2;
using Microsoft.Extensions.Logging;

namespace Containment.Cgroups.Systemd;

/// <summary>
/// The systemd driver (cgroup v2): the container's cgroup is a transient scope unit with <c>Delegate=yes</c> in the
/// requested slice, created over D-Bus with the limits as unit properties, then configured through its files like
/// the v2 driver's leaf (what systemd has no property for, and the device filter).
/// <para>
/// systemd refuses a scope without a process, yet the container's first process must start inside its cgroup
/// (<c>clone3(CLONE_INTO_CGROUP)</c>, so not one instruction of it runs elsewhere). So the scope is created around a
/// placeholder, the launch's executor monitor, which clones the container into the scope and is then moved back to
/// the cgroup it came from (<see cref="SystemdCgroupPart.ReleasePlaceholder"/>). runc and crun create the scope
/// around their init after the clone instead; their init runs outside until then.
/// </para>
/// </summary>
/// <param name="hierarchy">The cgroup2 mount.</param>
/// <param name="connect">Opens the bus to systemd's manager.</param>
/// <param name="placeholderPid">The process the scope is created with (the launch's executor monitor).</param>
/// <param name="attacher">Attaches the device filter.</param>
/// <param name="rootless">Whether the caller is rootless (the default slice is then <c>user.slice</c>).</param>
/// <param name="logger">Where to log.</param>
internal sealed class SystemdCgroupDriver(CgroupHierarchy hierarchy, Func<ISystemdManager> connect, int placeholderPid,
    IDeviceFilterAttacher attacher, bool rootless, ILogger? logger) : CgroupDriver
{
    /// <summary>The cgroup v2 path of a process (its <c>0::</c> line in /proc/PID/cgroup); tests replace it.</summary>
    internal Func<int, string> CgroupOf { get; init; } = ProcCgroupOf;

    public override CgroupPart Create(CgroupSpec spec, IReadOnlyList<CgroupController> controllers, string containerId, string? cgroupsPath)
    {
        var path = SystemdScopePath.Parse(cgroupsPath, containerId, rootless);
        if (placeholderPid <= 0)
            throw new CgroupException($"systemd scope {path.Unit}: no process to create it with");
        // Where the placeholder returns to once the container is in the scope: its cgroup now.
        var home = OpenHome(placeholderPid);
        var writes = controllers.Where(c => c.IsRequested(spec) && c.ExistsOnV2 && c is not DevicesController)
            .SelectMany(c => c.V2Writes(spec)).ToList();
        var properties = SystemdProperties.ForNewScope(path, containerId, placeholderPid, writes);
        ISystemdManager? manager = null;
        var started = false;
        try
        {
            manager = connect();
            StartScope(manager, path, properties);
            started = true;
            var group = manager.GetControlGroupAsync(path.Unit, CancellationToken.None).GetAwaiter().GetResult()?.TrimStart('/') ?? path.CgroupPath;
            var node = CgroupNode.TryOpenExisting(hierarchy, group)
                ?? throw new CgroupException($"systemd started {path.Unit}, but its cgroup {hierarchy.MountPoint.TrimEnd('/')}/{group} does not exist");
            var inner = new CgroupV2Part(node, controllers, attacher, logger);
            var part = new SystemdCgroupPart(inner, path.Unit, connect, home, placeholderPid, logger);
            home = null;
            try
            {
                inner.Apply(spec);
                inner.OpenProcsFile();
            }
            catch
            {
                part.Destroy();
                started = false;
                throw;
            }
            logger?.LogDebug("cgroup systemd: {Unit} in {Slice} at {Path} ({Count} properties)", path.Unit, path.Slice, node.Path, properties.Count);
            return part;
        }
        catch when (started && manager is not null)
        {
            StopQuietly(manager, path.Unit, logger);
            throw;
        }
        finally
        {
            manager?.Dispose();
            home?.Dispose();
        }
    }

    /// <summary>
    /// Starts the scope and waits for its job. A unit of that name that already exists may be a failed leftover:
    /// as runc does, reset it and try once more.
    /// </summary>
    internal static void StartScope(ISystemdManager manager, SystemdScopePath path, IReadOnlyList<UnitProperty> properties)
    {
        for (var attempt = 0; ; attempt++)
        {
            string result;
            try
            {
                result = manager.StartTransientUnitAsync(path.Unit, properties, CancellationToken.None).GetAwaiter().GetResult();
            }
            catch (SystemdBusException e) when (e.ErrorName == SystemdBusException.UnitExists && attempt == 0)
            {
                try { manager.ResetFailedUnitAsync(path.Unit, CancellationToken.None).GetAwaiter().GetResult(); }
                catch (SystemdBusException) { /* not failed, or gone meanwhile: the retry says which */ }
                continue;
            }
            catch (SystemdBusException e)
            {
                throw new CgroupException($"cannot create systemd scope {path.Unit} in {path.Slice}: {e.Message}", inner: e);
            }
            if (result == "done") return;
            try { manager.ResetFailedUnitAsync(path.Unit, CancellationToken.None).GetAwaiter().GetResult(); }
            catch (SystemdBusException) { }
            throw new CgroupException($"cannot create systemd scope {path.Unit} in {path.Slice}: its start job ended '{result}' (journalctl -u {path.Unit})");
        }
    }

    /// <summary>Stops the unit (tolerating one that is gone already) and lets systemd forget it if it failed.</summary>
    internal static void Stop(ISystemdManager manager, string unit)
    {
        try
        {
            var result = manager.StopUnitAsync(unit, CancellationToken.None).GetAwaiter().GetResult();
            if (result is not ("done" or "skipped"))
                throw new CgroupException($"cannot stop systemd scope {unit}: its stop job ended '{result}'");
        }
        catch (SystemdBusException e) when (e.ErrorName is SystemdBusException.NoSuchUnit or SystemdBusException.LoadFailed)
        {
        }
        catch (SystemdBusException e)
        {
            throw new CgroupException($"cannot stop systemd scope {unit}: {e.Message}", inner: e);
        }
        finally
        {
            try { manager.ResetFailedUnitAsync(unit, CancellationToken.None).GetAwaiter().GetResult(); }
            catch (SystemdBusException) { }
        }
    }

    private static void StopQuietly(ISystemdManager manager, string unit, ILogger? logger)
    {
        try { Stop(manager, unit); }
        catch (CgroupException e) { logger?.LogWarning(LogEvents.CleanupFailed, e, "cgroup systemd: cleanup of {Unit} after a failed create", unit); }
    }

    private static string ProcCgroupOf(int pid) =>
        File.ReadLines($"/proc/{pid}/cgroup").FirstOrDefault(l => l.StartsWith("0::", StringComparison.Ordinal))?[3..]
            ?? throw new CgroupException($"/proc/{pid}/cgroup has no cgroup v2 line: the systemd cgroup driver needs cgroup v2");

    /// <summary>The directory of the cgroup <paramref name="pid"/> is in now (its v2 line of /proc/PID/cgroup).</summary>
    private CgroupDirectory? OpenHome(int pid)
    {
        var relative = CgroupOf(pid).Trim('/');
        var root = CgroupDirectory.OpenRoot(hierarchy.MountPoint);
        try
        {
            return relative.Length == 0 ? root : root.TryOpenDirectory(relative)
                ?? throw new CgroupException($"{hierarchy.MountPoint.TrimEnd('/')}/{relative} (the cgroup of pid {pid}) disappeared");
        }
        finally
        {
            if (relative.Length != 0) root.Dispose();
        }
    }
}
