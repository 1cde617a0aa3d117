namespace Containment.Cgroups.Systemd;

/// <summary>
/// Which bus reaches the systemd instance that owns the container's cgroup: the system bus for root
/// (<c>DBUS_SYSTEM_BUS_ADDRESS</c>, else <c>/run/dbus/system_bus_socket</c>), the user's own bus rootless (the
/// user's <c>systemd --user</c>: <c>DBUS_SESSION_BUS_ADDRESS</c>, else <c>$XDG_RUNTIME_DIR/bus</c>).
/// </summary>
internal static class SystemdBusAddress
{
    public const string SystemSocket = "/run/dbus/system_bus_socket";

    /// <exception cref="CgroupException">Rootless, and neither variable says where the user's bus is.</exception>
    public static string For(bool rootless, Func<string, string?> environment)
    {
        if (!rootless)
            return NonEmpty(environment("DBUS_SYSTEM_BUS_ADDRESS")) ?? "unix:path=" + SystemSocket;
        if (NonEmpty(environment("DBUS_SESSION_BUS_ADDRESS")) is { } session) return session;
        if (NonEmpty(environment("XDG_RUNTIME_DIR")) is { } runtime) return "unix:path=" + runtime.TrimEnd('/') + "/bus";
        throw new CgroupException("the systemd cgroup driver, rootless, needs the user's D-Bus (systemd --user): " +
            "neither DBUS_SESSION_BUS_ADDRESS nor XDG_RUNTIME_DIR is set");
    }

    private static string? NonEmpty(string? value) => string.IsNullOrEmpty(value) ? null : value;
}
