using System.Text;
using System.Text.Json;
using Containment.Oci;

namespace Containment.Runtime.Commands;

/// <summary><c>spec</c> writes a default config.json; <c>features</c> says what this runtime supports.</summary>
internal static class SpecCommand
{
    public static int Spec(IReadOnlyList<string> args)
    {
        var a = Args.Parse(args, ["bundle|b"], ["rootless"]);
        var path = Path.Combine(a.Value("bundle") ?? ".", "config.json");
        if (File.Exists(path))
            throw new CliException("File config.json exists. Remove it first");
        OciConfig.CreateDefault(a.Has("rootless")).Save(path);
        return 0;
    }

    public static int Features()
    {
        using var buffer = new MemoryStream();
        using (var w = new Utf8JsonWriter(buffer, new JsonWriterOptions { Indented = true }))
        {
            w.WriteStartObject();
            w.WriteString("ociVersionMin", "1.0.0");
            w.WriteString("ociVersionMax", OciConfig.CurrentVersion);
            WriteArray(w, "hooks", ["prestart", "createRuntime", "poststart", "poststop"]);
            WriteArray(w, "mountOptions", []);
            w.WriteStartObject("linux");
            WriteArray(w, "namespaces", ["cgroup", "ipc", "mount", "network", "pid", "time", "uts"]);
            w.WriteStartObject("cgroup");
            w.WriteBoolean("v1", true);
            w.WriteBoolean("v2", true);
            w.WriteBoolean("systemd", false);
            w.WriteBoolean("systemdUser", false);
            w.WriteEndObject();
            w.WriteEndObject();
            w.WriteStartObject("annotations");
            w.WriteString("org.opencontainers.runtime-spec.features.name", "containment");
            w.WriteEndObject();
            w.WriteEndObject();
        }
        Console.WriteLine(Encoding.UTF8.GetString(buffer.ToArray()));
        return 0;
    }

    private static void WriteArray(Utf8JsonWriter w, string name, string[] values)
    {
        w.WriteStartArray(name);
        foreach (var v in values)
            w.WriteStringValue(v);
        w.WriteEndArray();
    }
}
