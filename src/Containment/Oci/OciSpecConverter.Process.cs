using Containment.Capabilities;
using Containment.Identity;

namespace Containment.Oci;

internal static partial class OciSpecConverter
{
    private static ProcessSpec ConvertProcess(OciProcess process, Action<string, string> refuse, Action<string, string> warn)
    {
        RefuseUnsupported(process, refuse);
        var user = process.User ?? new OciUser();
        return new ProcessSpec
        {
            Args = [.. process.Args ?? []],
            Env = [.. process.Env ?? []],
            WorkingDirectory = process.Cwd.Length == 0 ? "/" : process.Cwd,
            StandardInput = Stdio.Inherit,
            StandardOutput = Stdio.Inherit,
            StandardError = Stdio.Inherit,
            Terminal = process.Terminal == true ? ConvertTerminal(process.ConsoleSize, refuse) : null,
            User = new ProcessUser(user.Uid, user.Gid, [.. user.AdditionalGids ?? []]),
            Umask = user.Umask ?? new ProcessSpec().Umask,
            NoNewPrivileges = process.NoNewPrivileges == true,
            // OCI: an absent capabilities object grants none, and an absent set is an empty set.
            Capabilities = process.Capabilities is { } caps ? ConvertCapabilities(caps, warn) : CapabilitySpec.None,
            Rlimits = [.. Rlimit.Parse((process.Rlimits ?? []).Select(r => (r.Type, r.Soft, r.Hard)))],
            OomScoreAdj = process.OomScoreAdj,
            AppArmorProfile = process.ApparmorProfile is { Length: > 0 } profile ? profile : null,
            SelinuxLabel = process.SelinuxLabel is { Length: > 0 } label ? label : null,
        };
    }

    /// <summary>The five sets; a name this kernel's list does not know (a newer capability) is skipped with a warning,
    /// as runc skips unknown or unavailable capabilities.</summary>
    private static CapabilitySpec ConvertCapabilities(OciCapabilities caps, Action<string, string> warn)
    {
        CapabilitySet Set(IReadOnlyList<string>? names, string set)
        {
            var known = new List<string>();
            for (var i = 0; i < (names?.Count ?? 0); i++)
            {
                if (CapabilityNames.TryParse(names![i], out _))
                    known.Add(names[i]);
                else
                    warn($"process.capabilities.{set}[{i}]", $"unknown capability \"{names[i]}\", as runc skips it");
            }
            return CapabilityNames.ParseSet(known, $"process.capabilities.{set}");
        }
        var permitted = Set(caps.Permitted, "permitted");
        var inheritable = Set(caps.Inheritable, "inheritable");
        // The kernel raises an ambient capability only if it is permitted and inheritable; runc skips the others
        // (`runc spec` lists ambient capabilities with no inheritable set since CVE-2022-29162), and so do we.
        var ambient = Set(caps.Ambient, "ambient").Intersect(permitted).Intersect(inheritable);
        return new CapabilitySpec(Set(caps.Bounding, "bounding"), Set(caps.Effective, "effective"), permitted, inheritable, ambient);
    }

    private static TerminalSpec ConvertTerminal(OciConsoleSize? size, Action<string, string> refuse)
    {
        if (size is null)
            return TerminalSpec.Default;
        if (size.Width > ushort.MaxValue || size.Height > ushort.MaxValue)
        {
            refuse("process.consoleSize", $"{size.Width}x{size.Height} is larger than a terminal can be (65535x65535)");
            return TerminalSpec.Default;
        }
        return new TerminalSpec((ushort)size.Width, (ushort)size.Height);
    }

    /// <summary>What this version cannot do: refused unless empty or the default, which managers send anyway.</summary>
    private static void RefuseUnsupported(OciProcess process, Action<string, string> refuse)
    {
        if (process.Scheduler is { } s && !IsDefaultScheduler(s))
            refuse("process.scheduler", $"scheduling policies are not supported ('{s.Policy}'); only SCHED_OTHER with nice 0, the default");
        if (process.IoPriority is { } io)
            refuse("process.ioPriority", $"I/O priorities are not supported ('{io.Class}' {io.Priority})");
        if (process.ExecCpuAffinity is { } affinity && (affinity.Initial is { Length: > 0 } || affinity.Final is { Length: > 0 }))
            refuse("process.execCPUAffinity", "CPU affinity while executing is not supported");
        if (process.CommandLine is { Length: > 0 })
            refuse("process.commandLine", "is for Windows; use process.args");
        if (process.User?.Username is { Length: > 0 })
            refuse("process.user.username", "is for Windows; use process.user.uid");
    }

    private static bool IsDefaultScheduler(OciScheduler s) =>
        s.Policy == "SCHED_OTHER" && s.Nice is null or 0 && s.Priority is null or 0 && s.Flags is not { Count: > 0 }
        && s.Runtime is null or 0 && s.Deadline is null or 0 && s.Period is null or 0;
}
