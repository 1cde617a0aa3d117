using Tmds.DBus.Protocol;

namespace Containment.Cgroups.Systemd;

/// <summary>
/// systemd's manager over D-Bus, through Tmds.DBus.Protocol (a maintained, NativeAOT-compatible D-Bus library; no
/// hand-written wire protocol). One connection per driver operation. Jobs are awaited through the
/// <c>JobRemoved</c> signal, matched by unit name before the call is sent, so a job that finishes before the
/// reply arrives is not missed.
/// </summary>
internal sealed class SystemdBus : ISystemdManager
{
    private const string Service = "org.freedesktop.systemd1";
    private const string ManagerPath = "/org/freedesktop/systemd1";
    private const string Manager = "org.freedesktop.systemd1.Manager";

    private readonly DBusConnection connection;
    private readonly string address;
    private readonly Lock gate = new();
    private readonly Dictionary<string, TaskCompletionSource<string>> waiting = new(StringComparer.Ordinal);
    private IDisposable? watch;

    /// <summary>
    /// Writes a method call. By reference: <see cref="MessageWriter"/> is a ref struct, and a copy's writes never reach
    /// the message (an <c>Action&lt;MessageWriter&gt;</c> sent headers without their length: the bus never answered).
    /// </summary>
    private delegate void WriteCall(ref MessageWriter writer);

    /// <summary>How long a call waits for systemd's reply: a bus that never answers is an error, not a hang.</summary>
    private static readonly TimeSpan ReplyTimeout = TimeSpan.FromSeconds(30);

    private SystemdBus(DBusConnection connection, string address)
    {
        this.connection = connection;
        this.address = address;
    }

    /// <summary>Connects to <paramref name="address"/> and starts watching <c>JobRemoved</c>.</summary>
    /// <exception cref="CgroupException">The bus cannot be reached.</exception>
    public static async Task<SystemdBus> ConnectAsync(string address, CancellationToken cancellationToken)
    {
        var connection = new DBusConnection(address);
        var bus = new SystemdBus(connection, address);
        try
        {
            await connection.ConnectAsync().AsTask().WaitAsync(cancellationToken).ConfigureAwait(false);
            bus.watch = await connection.WatchSignalAsync(null, ManagerPath, Manager, "JobRemoved",
                static (Message m, object? _) =>
                {
                    var r = m.GetBodyReader();
                    r.ReadUInt32();
                    r.ReadObjectPathAsString();
                    return (Unit: r.ReadString(), Result: r.ReadString());
                },
                bus.OnJobRemoved, ObserverFlags.None, false, null).ConfigureAwait(false);
            return bus;
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            bus.Dispose();
            throw new CgroupException($"the systemd cgroup driver cannot reach systemd over D-Bus at {address}: {e.Message}", inner: e);
        }
    }

    public Task<string> StartTransientUnitAsync(string unit, IReadOnlyList<UnitProperty> properties, CancellationToken cancellationToken) =>
        RunJobAsync("StartTransientUnit", unit, cancellationToken, (ref MessageWriter w) =>
        {
            w.WriteMethodCallHeader(Service, ManagerPath, Manager, "StartTransientUnit", "ssa(sv)a(sa(sv))", MessageFlags.None);
            w.WriteString(unit);
            w.WriteString("replace");
            WriteProperties(ref w, properties);
            var aux = w.WriteArrayStart(DBusType.Struct);
            w.WriteArrayEnd(aux);
        });

    public Task<string> StopUnitAsync(string unit, CancellationToken cancellationToken) =>
        RunJobAsync("StopUnit", unit, cancellationToken, (ref MessageWriter w) =>
        {
            w.WriteMethodCallHeader(Service, ManagerPath, Manager, "StopUnit", "ss", MessageFlags.None);
            w.WriteString(unit);
            w.WriteString("replace");
        });

    public Task SetUnitPropertiesAsync(string unit, IReadOnlyList<UnitProperty> properties, CancellationToken cancellationToken) =>
        CallAsync("SetUnitProperties", cancellationToken, (ref MessageWriter w) =>
        {
            w.WriteMethodCallHeader(Service, ManagerPath, Manager, "SetUnitProperties", "sba(sv)", MessageFlags.None);
            w.WriteString(unit);
            w.WriteBool(true);
            WriteProperties(ref w, properties);
        });

    public Task ResetFailedUnitAsync(string unit, CancellationToken cancellationToken) =>
        CallAsync("ResetFailedUnit", cancellationToken, (ref MessageWriter w) =>
        {
            w.WriteMethodCallHeader(Service, ManagerPath, Manager, "ResetFailedUnit", "s", MessageFlags.None);
            w.WriteString(unit);
        });

    public async Task<string?> GetControlGroupAsync(string unit, CancellationToken cancellationToken)
    {
        string path;
        try
        {
            path = await CallAsync("GetUnit", cancellationToken, (ref MessageWriter w) =>
            {
                w.WriteMethodCallHeader(Service, ManagerPath, Manager, "GetUnit", "s", MessageFlags.None);
                w.WriteString(unit);
            }, static (m, _) => m.GetBodyReader().ReadObjectPathAsString()).ConfigureAwait(false);
        }
        catch (SystemdBusException e) when (e.ErrorName == SystemdBusException.NoSuchUnit)
        {
            return null;
        }
        var group = await CallAsync("Get ControlGroup", cancellationToken, (ref MessageWriter w) =>
        {
            w.WriteMethodCallHeader(Service, path, "org.freedesktop.DBus.Properties", "Get", "ss", MessageFlags.None);
            w.WriteString(unit.EndsWith(".slice", StringComparison.Ordinal) ? "org.freedesktop.systemd1.Slice" : "org.freedesktop.systemd1.Scope");
            w.WriteString("ControlGroup");
        }, static (m, _) =>
        {
            var r = m.GetBodyReader();
            r.ReadSignature("s");
            return r.ReadString();
        }).ConfigureAwait(false);
        return group.Length == 0 ? null : group;
    }

    /// <summary>Sends a job-starting call and waits for the unit's <c>JobRemoved</c>.</summary>
    private async Task<string> RunJobAsync(string call, string unit, CancellationToken cancellationToken, WriteCall write)
    {
        var done = new TaskCompletionSource<string>(TaskCreationOptions.RunContinuationsAsynchronously);
        lock (gate) waiting[unit] = done;
        try
        {
            await CallAsync(call, cancellationToken, write).ConfigureAwait(false);
            return await done.Task.WaitAsync(TimeSpan.FromSeconds(30), cancellationToken).ConfigureAwait(false);
        }
        catch (TimeoutException e)
        {
            throw new CgroupException($"systemd {call} {unit}: no JobRemoved for the job within 30 s", inner: e);
        }
        finally
        {
            lock (gate) waiting.Remove(unit);
        }
    }

    private void OnJobRemoved(Notification<(string Unit, string Result)> notification)
    {
        if (notification.IsCompletion) return;
        var job = notification.Value;
        lock (gate)
        {
            if (waiting.Remove(job.Unit, out var done)) done.TrySetResult(job.Result);
        }
    }

    private Task CallAsync(string call, CancellationToken cancellationToken, WriteCall write) =>
        CallAsync<bool>(call, cancellationToken, write, static (_, _) => true);

    private async Task<T> CallAsync<T>(string call, CancellationToken cancellationToken, WriteCall write, MessageValueReader<T> read)
    {
        MessageBuffer message;
        var writer = connection.GetMessageWriter();
        try
        {
            write(ref writer);
            message = writer.CreateMessage();
        }
        finally
        {
            writer.Dispose();
        }
        try
        {
            return await connection.CallMethodAsync(message, read, null).WaitAsync(ReplyTimeout, cancellationToken).ConfigureAwait(false);
        }
        catch (TimeoutException e)
        {
            throw new CgroupException($"systemd {call} over D-Bus at {address}: no reply within {ReplyTimeout.TotalSeconds} s", inner: e);
        }
        catch (DBusErrorReplyException e)
        {
            throw new SystemdBusException(call, e.ErrorName, e.ErrorMessage, e);
        }
        catch (Exception e) when (e is DBusConnectionException or DBusConnectionClosedException)
        {
            throw new CgroupException($"systemd {call} over D-Bus at {address}: {e.Message}", inner: e);
        }
    }

    /// <summary>Writes <c>a(sv)</c>.</summary>
    private static void WriteProperties(ref MessageWriter w, IReadOnlyList<UnitProperty> properties)
    {
        var array = w.WriteArrayStart(DBusType.Struct);
        foreach (var p in properties)
        {
            w.WriteStructureStart();
            w.WriteString(p.Name);
            switch (p.Value)
            {
                case bool b: w.WriteVariantBool(b); break;
                case ulong t: w.WriteVariantUInt64(t); break;
                case string s: w.WriteVariantString(s); break;
                case uint[] au:
                    w.WriteSignature("au");
                    w.WriteArray(au);
                    break;
                case byte[] ay:
                    w.WriteSignature("ay");
                    w.WriteArray(ay);
                    break;
                case UnitProperty.DeviceValue[] devices:
                    w.WriteSignature("a(st)");
                    var inner = w.WriteArrayStart(DBusType.Struct);
                    foreach (var d in devices)
                    {
                        w.WriteStructureStart();
                        w.WriteString(d.Path);
                        w.WriteUInt64(d.Value);
                    }
                    w.WriteArrayEnd(inner);
                    break;
                default:
                    throw new ArgumentException($"unit property {p.Name}: no D-Bus type for {p.Value.GetType().Name}");
            }
        }
        w.WriteArrayEnd(array);
    }

    public void Dispose()
    {
        watch?.Dispose();
        connection.Dispose();
    }
}
