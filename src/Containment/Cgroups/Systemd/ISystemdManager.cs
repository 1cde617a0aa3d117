namespace Containment.Cgroups.Systemd;

/// <summary>
/// The calls the systemd driver makes to systemd's manager (<c>org.freedesktop.systemd1.Manager</c>): the seam
/// between the driver's decisions and D-Bus. <see cref="SystemdBus"/> is the real one; tests record the calls.
/// Every job-starting call returns once systemd reports the job finished (<c>JobRemoved</c>), with its result.
/// </summary>
internal interface ISystemdManager : IDisposable
{
    /// <summary><c>StartTransientUnit(name, "replace", properties, [])</c>, then the job's result (<c>done</c>, <c>failed</c>, ...).</summary>
    /// <exception cref="SystemdBusException">systemd refused the call (e.g. <c>org.freedesktop.systemd1.UnitExists</c>).</exception>
    Task<string> StartTransientUnitAsync(string unit, IReadOnlyList<UnitProperty> properties, CancellationToken cancellationToken);

    /// <summary><c>StopUnit(name, "replace")</c>, then the job's result.</summary>
    /// <exception cref="SystemdBusException">systemd refused the call (e.g. <c>org.freedesktop.systemd1.NoSuchUnit</c>).</exception>
    Task<string> StopUnitAsync(string unit, CancellationToken cancellationToken);

    /// <summary><c>SetUnitProperties(name, runtime: true, properties)</c>.</summary>
    Task SetUnitPropertiesAsync(string unit, IReadOnlyList<UnitProperty> properties, CancellationToken cancellationToken);

    /// <summary><c>ResetFailedUnit(name)</c>: lets systemd forget a failed unit so its name can be used again.</summary>
    Task ResetFailedUnitAsync(string unit, CancellationToken cancellationToken);

    /// <summary>The unit's <c>ControlGroup</c> property (<c>/machine.slice/x.scope</c>), or null when the unit is not loaded.</summary>
    Task<string?> GetControlGroupAsync(string unit, CancellationToken cancellationToken);
}

/// <summary>systemd (or the bus) answered a call with a D-Bus error.</summary>
internal sealed class SystemdBusException(string call, string errorName, string errorMessage, Exception? inner = null)
    : Exception($"systemd {call}: {errorName}: {errorMessage}", inner)
{
    public const string UnitExists = "org.freedesktop.systemd1.UnitExists";
    public const string NoSuchUnit = "org.freedesktop.systemd1.NoSuchUnit";
    public const string LoadFailed = "org.freedesktop.systemd1.LoadFailed";

    public string ErrorName { get; } = errorName;
}
