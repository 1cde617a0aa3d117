using System.Text;
using System.Text.Json;
using Containment.Seccomp;
using Containment.Seccomp.Json;

namespace Containment.Oci;

/// <summary>
/// What this runtime supports, as the OCI runtime-spec features document (<c>runc features</c>): managers read it to
/// decide, for example, whether id-mapped mounts (user-namespaced pods) or recursive read-only binds can be asked for.
/// </summary>
internal static class OciFeatures
{
    /// <summary>The six hook stages, all run.</summary>
    public static IReadOnlyList<string> Hooks { get; } = ["prestart", "createRuntime", "createContainer", "startContainer", "poststart", "poststop"];

    /// <summary>The mount options given a meaning (others are passed to the filesystem as data).</summary>
    public static IReadOnlyList<string> MountOptions { get; } = [.. Mounts.MountOptions.KnownNames];

    /// <summary>The features document, indented JSON.</summary>
    /// <param name="name">The runtime's name, for the <c>org.opencontainers.runtime-spec.features.name</c> annotation.</param>
    public static string ToJson(string name)
    {
        using var buffer = new MemoryStream();
        using (var w = new Utf8JsonWriter(buffer, new JsonWriterOptions { Indented = true }))
        {
            w.WriteStartObject();
            w.WriteString("ociVersionMin", "1.0.0");
            w.WriteString("ociVersionMax", OciConfig.CurrentVersion);
            WriteArray(w, "hooks", Hooks);
            WriteArray(w, "mountOptions", MountOptions);
            w.WriteStartObject("linux");
            WriteArray(w, "namespaces", ["cgroup", "ipc", "mount", "network", "pid", "time", "user", "uts"]);
            WriteArray(w, "capabilities", Enumerable.Range(0, (int)Capabilities.CapabilityNames.Last + 1).Select(c => Capabilities.CapabilityNames.Name((Capabilities.Capability)c)));
            w.WriteStartObject("cgroup");
            w.WriteBoolean("v1", true);
            w.WriteBoolean("v2", true);
            w.WriteBoolean("systemd", true);
            w.WriteBoolean("systemdUser", false);
            w.WriteBoolean("rdma", false);
            w.WriteEndObject();
            w.WriteStartObject("seccomp");
            w.WriteBoolean("enabled", SeccompKernelSupport.Current.Available);
            WriteArray(w, "actions", SeccompJsonNames.AllActions.Order(StringComparer.Ordinal));
            WriteArray(w, "operators", SeccompJsonNames.AllOperators);
            WriteArray(w, "archs", ArchitectureInfo.Every.Select(a => a.OciName));
            WriteArray(w, "knownFlags", SeccompJsonNames.AllFlags);
            WriteArray(w, "supportedFlags", SeccompJsonNames.Flags(SeccompKernelSupport.Current.Flags));
            w.WriteEndObject();
            w.WriteStartObject("apparmor");
            w.WriteBoolean("enabled", true);
            w.WriteEndObject();
            w.WriteStartObject("selinux");
            w.WriteBoolean("enabled", true);
            w.WriteEndObject();
            w.WriteStartObject("intelRdt");
            w.WriteBoolean("enabled", false);
            w.WriteEndObject();
            w.WriteStartObject("mountExtensions");
            w.WriteStartObject("idmap");
            w.WriteBoolean("enabled", true);
            w.WriteEndObject();
            w.WriteEndObject();
            w.WriteEndObject();
            w.WriteStartObject("annotations");
            w.WriteString("org.opencontainers.runtime-spec.features.name", name);
            w.WriteEndObject();
            w.WriteEndObject();
        }
        return Encoding.UTF8.GetString(buffer.ToArray());
    }

    private static void WriteArray(Utf8JsonWriter w, string name, IEnumerable<string> values)
    {
        w.WriteStartArray(name);
        foreach (var v in values)
            w.WriteStringValue(v);
        w.WriteEndArray();
    }
}
