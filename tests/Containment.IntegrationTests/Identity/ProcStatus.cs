using System.Globalization;
using Containment.Capabilities;

namespace Containment.IntegrationTests.Identity;

/// <summary>The identity lines of /proc/self/status, as printed inside a container.</summary>
public sealed record ProcStatus(IReadOnlyDictionary<string, string> Fields)
{
    /// <summary>A shell command that prints the lines this type reads.</summary>
    public const string Print = "grep -E '^(Uid|Gid|Groups|Cap[A-Za-z]+|NoNewPrivs):' /proc/self/status";

    public static ProcStatus Parse(string text) => new(text.Split('\n', StringSplitOptions.RemoveEmptyEntries)
        .Select(l => l.Split(':', 2)).Where(p => p.Length == 2).ToDictionary(p => p[0], p => p[1].Trim()));

    public CapabilitySet Cap(string set) => CapabilitySet.FromMask(ulong.Parse(Fields["Cap" + set], NumberStyles.HexNumber, CultureInfo.InvariantCulture));

    public CapabilitySet Bounding => Cap("Bnd");
    public CapabilitySet Effective => Cap("Eff");
    public CapabilitySet Permitted => Cap("Prm");
    public CapabilitySet Inheritable => Cap("Inh");
    public CapabilitySet Ambient => Cap("Amb");
    public string NoNewPrivs => Fields["NoNewPrivs"];

    /// <summary>The real, effective, saved and filesystem ids.</summary>
    public string Uid => Fields["Uid"];
    public string Gid => Fields["Gid"];
    public string Groups => Fields["Groups"];
}
