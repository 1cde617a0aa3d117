using System.Diagnostics;
using Containment.Cgroups;
using Containment.Cgroups.Systemd;

namespace Containment.Tests.Cgroups.Systemd;

/// <summary>
/// <see cref="SystemdBus"/>'s messages as a real dbus-daemon reads them: a private bus with no systemd on it checks each
/// message against its signature and answers a well-formed call to the absent <c>org.freedesktop.systemd1</c> with
/// <c>ServiceUnknown</c>. A malformed one gets no answer (or the connection dropped), which the recording fake of the
/// driver tests cannot see: the calls once hung this way against a real systemd.
/// </summary>
[TestFixture, NonParallelizable]
public class SystemdBusWireTests
{
    private const string ServiceUnknown = "org.freedesktop.DBus.Error.ServiceUnknown";
    private string dir = null!;
    private Process daemon = null!;
    private string address = null!;

    [OneTimeSetUp]
    public async Task StartPrivateBus()
    {
        dir = Directory.CreateTempSubdirectory("containment-dbus-").FullName;
        var socket = Path.Combine(dir, "bus");
        var config = Path.Combine(dir, "bus.conf");
        // No service directories: nothing is activated, an unknown name is answered at once.
        File.WriteAllText(config, $"""
            <!DOCTYPE busconfig PUBLIC "-//freedesktop//DTD D-Bus Bus Configuration 1.0//EN" "http://www.freedesktop.org/standards/dbus/1.0/busconfig.dtd">
            <busconfig>
              <type>session</type>
              <listen>unix:path={socket}</listen>
              <auth>EXTERNAL</auth>
              <policy context="default"><allow send_destination="*"/><allow receive_sender="*"/><allow own="*"/></policy>
            </busconfig>
            """);
        var psi = new ProcessStartInfo("dbus-daemon") { RedirectStandardError = true };
        foreach (var a in new[] { "--config-file=" + config, "--nofork", "--nosyslog" }) psi.ArgumentList.Add(a);
        try
        {
            daemon = Process.Start(psi)!;
        }
        catch (System.ComponentModel.Win32Exception e)
        {
            Directory.Delete(dir, recursive: true);
            Assert.Fail($"dbus-daemon (package dbus-daemon, scripts/install-test-deps.sh) cannot start: {e.Message}");
        }
        for (var i = 0; i < 100 && !File.Exists(socket); i++) await Task.Delay(50);
        Assert.That(File.Exists(socket), Is.True, "the private bus listens");
        address = "unix:path=" + socket;
    }

    [OneTimeTearDown]
    public void StopPrivateBus()
    {
        if (daemon is { HasExited: false }) daemon.Kill();
        daemon?.WaitForExit();
        daemon?.Dispose();
        Directory.Delete(dir, recursive: true);
    }

    private async Task<SystemdBusException> Refused(Func<SystemdBus, Task> call)
    {
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(20));
        using var bus = await SystemdBus.ConnectAsync(address, cts.Token);
        var task = call(bus);
        var answered = await Task.WhenAny(task, Task.Delay(TimeSpan.FromSeconds(20))) == task;
        Assert.That(answered, Is.True, "the bus answers within 20 s (a malformed message is never answered)");
        var e = Assert.ThrowsAsync<SystemdBusException>(async () => await task);
        return e!;
    }

    [Test]
    public async Task StartTransientUnit_with_every_property_type_is_a_well_formed_call()
    {
        UnitProperty[] properties =
        [
            new("Description", "containment container abc"), new("Slice", "machine.slice"), new("Delegate", true),
            new("PIDs", new uint[] { 1 }), new("MemoryMax", 64UL << 20), new("TasksMax", UnitProperty.Infinity),
            new("AllowedCPUs", BitMask.From([0, 1])),
            new("IOReadBandwidthMax", new UnitProperty.DeviceValue[] { new("/dev/block/8:0", 1 << 20) }),
        ];
        var e = await Refused(bus => bus.StartTransientUnitAsync("libpod-abc.scope", properties, CancellationToken.None));
        Assert.That(e.ErrorName, Is.EqualTo(ServiceUnknown), e.Message);
    }

    [Test]
    public async Task SetUnitProperties_StopUnit_ResetFailedUnit_and_GetUnit_are_well_formed_calls()
    {
        var calls = new Func<SystemdBus, Task>[]
        {
            bus => bus.SetUnitPropertiesAsync("libpod-abc.scope", [new("TasksMax", 40UL), new("CPUWeight", 100UL)], CancellationToken.None),
            bus => bus.StopUnitAsync("libpod-abc.scope", CancellationToken.None),
            bus => bus.ResetFailedUnitAsync("libpod-abc.scope", CancellationToken.None),
            bus => bus.GetControlGroupAsync("libpod-abc.scope", CancellationToken.None),
        };
        foreach (var call in calls)
        {
            var e = await Refused(call);
            Assert.That(e.ErrorName, Is.EqualTo(ServiceUnknown), e.Message);
        }
    }
}
