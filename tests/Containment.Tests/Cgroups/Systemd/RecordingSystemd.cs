using Containment.Cgroups.Systemd;

namespace Containment.Tests.Cgroups.Systemd;

/// <summary>
/// A stand-in for systemd's manager: records every call (<c>StartTransientUnit u Name=value ...</c>), answers with
/// scripted errors and job results, and knows which units it "started" (their ControlGroup is slice path + unit).
/// </summary>
internal sealed class RecordingSystemd : ISystemdManager
{
    private readonly Dictionary<string, string> groups = new();

    public List<string> Calls { get; } = [];

    /// <summary>D-Bus errors to answer StartTransientUnit with, in turn, before succeeding.</summary>
    public Queue<string> StartErrors { get; } = new();

    public string StartResult { get; set; } = "done";

    public string? StopError { get; set; }

    public int Connections { get; private set; }

    public bool Disposed { get; private set; }

    /// <summary>A connect function for the driver: each connection is this recorder.</summary>
    public Func<ISystemdManager> Connect => () =>
    {
        Connections++;
        return this;
    };

    public IReadOnlyCollection<string> LiveUnits => groups.Keys;

    public Task<string> StartTransientUnitAsync(string unit, IReadOnlyList<UnitProperty> properties, CancellationToken cancellationToken)
    {
        Calls.Add($"StartTransientUnit {unit} {string.Join(' ', properties)}");
        if (StartErrors.TryDequeue(out var error)) throw new SystemdBusException("StartTransientUnit", error, "scripted");
        if (StartResult == "done")
        {
            var slice = (string)properties.Single(p => p.Name == "Slice").Value;
            var slicePath = SystemdScopePath.ExpandSlice(slice)!;
            groups[unit] = "/" + (slicePath.Length == 0 ? unit : slicePath + "/" + unit);
        }
        return Task.FromResult(StartResult);
    }

    public Task<string> StopUnitAsync(string unit, CancellationToken cancellationToken)
    {
        Calls.Add($"StopUnit {unit}");
        if (StopError is { } error) throw new SystemdBusException("StopUnit", error, "scripted");
        return Task.FromResult(groups.Remove(unit) ? "done" : throw new SystemdBusException("StopUnit", SystemdBusException.NoSuchUnit, unit));
    }

    public Task SetUnitPropertiesAsync(string unit, IReadOnlyList<UnitProperty> properties, CancellationToken cancellationToken)
    {
        Calls.Add($"SetUnitProperties {unit} {string.Join(' ', properties)}");
        return Task.CompletedTask;
    }

    public Task ResetFailedUnitAsync(string unit, CancellationToken cancellationToken)
    {
        Calls.Add($"ResetFailedUnit {unit}");
        return Task.CompletedTask;
    }

    public Task<string?> GetControlGroupAsync(string unit, CancellationToken cancellationToken) =>
        Task.FromResult(groups.GetValueOrDefault(unit));

    public void Dispose() => Disposed = true;
}
