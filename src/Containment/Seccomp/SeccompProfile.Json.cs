using System.Text.Json;
using Containment.Seccomp.Json;

namespace Containment.Seccomp;

public sealed partial class SeccompProfile
{
    /// <summary>
    /// Reads an OCI <c>linux.seccomp</c> object. Docker/containerd/Podman profile files read too: their
    /// <c>archMap</c> adds architectures and <c>includes</c>/<c>excludes</c> (<c>caps</c>, <c>arches</c>) become rule
    /// conditions.
    /// </summary>
    /// <param name="json">The profile.</param>
    /// <param name="field">Where the profile sits in a larger document, prefixed to every error's field (an OCI
    /// runtime passes <c>linux.seccomp</c>: errors then read <c>linux.seccomp.syscalls[3].action</c>).</param>
    /// <exception cref="ContainerSpecException">The JSON is malformed or names an unknown action, operator,
    /// architecture or flag, or an argument index out of 0..5; every problem is listed with its field.</exception>
    public static SeccompProfile FromJson(string json, string? field = null)
    {
        var prefix = string.IsNullOrEmpty(field) ? "" : field + ".";
        SeccompJson? model;
        try
        {
            model = JsonSerializer.Deserialize(json, SeccompJsonContext.Default.SeccompJson);
        }
        catch (JsonException e)
        {
            var path = e.Path is null or "$" ? null : e.Path.StartsWith("$.", StringComparison.Ordinal) ? e.Path[2..] : e.Path;
            throw new ContainerSpecException([new SpecError(path is null ? field ?? "(document)" : prefix + path, "invalid JSON: " + e.Message)]);
        }
        if (model is null)
            throw new ContainerSpecException([new SpecError(field ?? "(document)", "is null")]);
        return FromModel(model, prefix);
    }

    /// <summary>Writes the profile as an OCI <c>linux.seccomp</c> object. Conditional rules keep their conditions as
    /// Docker-style <c>includes</c>/<c>excludes</c>; <see cref="Resolve"/> first for plain OCI.</summary>
    public string ToJson() => JsonSerializer.Serialize(ToModel(), SeccompJsonContext.Default.SeccompJson);

    internal static SeccompProfile FromModel(SeccompJson model, string prefix)
    {
        var errors = new List<SpecError>();
        void Error(string field, string message) => errors.Add(new SpecError(prefix + field, message));

        var defaultAction = SeccompAction.Errno;
        if (model.DefaultAction is null)
            Error("defaultAction", "is required");
        else if (!SeccompJsonNames.TryParseAction(model.DefaultAction, out defaultAction))
            Error("defaultAction", $"unknown action '{model.DefaultAction}'");

        var architectures = new List<SeccompArchitecture>();
        void AddArch(string? name, string field)
        {
            if (name is not null && name.StartsWith("SCMP_ARCH_", StringComparison.Ordinal) && ArchitectureInfo.TryParse(name, out var arch))
            {
                if (!architectures.Contains(arch))
                    architectures.Add(arch);
            }
            else
            {
                Error(field, $"unknown architecture '{name}'");
            }
        }
        for (var i = 0; i < (model.Architectures?.Count ?? 0); i++)
            AddArch(model.Architectures![i], $"architectures[{i}]");
        for (var i = 0; i < (model.ArchMap?.Count ?? 0); i++)
        {
            if (model.ArchMap![i] is null)
            {
                Error($"archMap[{i}]", "is null");
                continue;
            }
            AddArch(model.ArchMap![i].Architecture, $"archMap[{i}].architecture");
            for (var j = 0; j < (model.ArchMap[i].SubArchitectures?.Count ?? 0); j++)
                AddArch(model.ArchMap[i].SubArchitectures![j], $"archMap[{i}].subArchitectures[{j}]");
        }

        var flags = SeccompFilterFlags.None;
        for (var i = 0; i < (model.Flags?.Count ?? 0); i++)
        {
            if (SeccompJsonNames.TryParseFlag(model.Flags![i], out var flag))
                flags |= flag;
            else
                Error($"flags[{i}]", $"unknown flag '{model.Flags[i]}'");
        }

        var rules = new List<SeccompRule>();
        for (var r = 0; r < (model.Syscalls?.Count ?? 0); r++)
        {
            var s = model.Syscalls![r];
            var at = $"syscalls[{r}]";
            if (s is null)
            {
                Error(at, "is null");
                continue;
            }
            var names = s.Names ?? (s.Name is null ? [] : [s.Name]);
            var action = SeccompAction.Errno;
            if (s.Action is null)
                Error($"{at}.action", "is required");
            else if (!SeccompJsonNames.TryParseAction(s.Action, out action))
                Error($"{at}.action", $"unknown action '{s.Action}'");
            var args = new List<SeccompArgCondition>();
            for (var a = 0; a < (s.Args?.Count ?? 0); a++)
            {
                var arg = s.Args![a];
                if (arg is null)
                {
                    Error($"{at}.args[{a}]", "is null");
                    continue;
                }
                if (arg.Index is null)
                    Error($"{at}.args[{a}].index", "is required");
                else if (arg.Index is < 0 or > 5)
                    Error($"{at}.args[{a}].index", $"{arg.Index} is out of range 0..5");
                if (arg.Op is null)
                    Error($"{at}.args[{a}].op", "is required");
                else if (!SeccompJsonNames.TryParseOperator(arg.Op, out var op))
                    Error($"{at}.args[{a}].op", $"unknown operator '{arg.Op}'");
                else if (arg.Index is >= 0 and <= 5)
                    args.Add(new SeccompArgCondition((int)arg.Index.Value, op, arg.Value, arg.ValueTwo));
            }
            var includedArches = ParseArches(s.Includes?.Arches, $"{at}.includes.arches", errors, prefix);
            var excludedArches = ParseArches(s.Excludes?.Arches, $"{at}.excludes.arches", errors, prefix);
            rules.Add(new SeccompRule(names.Select(n => n ?? ""), action, s.ErrnoRet, args)
            {
                IncludedCapabilities = s.Includes?.Caps?.ToArray() ?? [],
                ExcludedCapabilities = s.Excludes?.Caps?.ToArray() ?? [],
                IncludedArchitectures = includedArches,
                ExcludedArchitectures = excludedArches,
            });
        }

        var profile = new SeccompProfile(defaultAction, model.DefaultErrnoRet, architectures, flags, model.ListenerPath,
            model.ListenerMetadata, rules);
        // Model-level checks (errno ranges, empty names, …), without repeating what was found above.
        foreach (var e in SeccompValidator.Validate(profile, prefix))
            if (!errors.Any(x => x.Field == e.Field))
                errors.Add(e);
        if (errors.Count > 0)
            throw new ContainerSpecException(errors);
        return profile;
    }

    private static SeccompArchitecture[] ParseArches(List<string>? names, string field, List<SpecError> errors, string prefix)
    {
        var result = new List<SeccompArchitecture>();
        for (var i = 0; i < (names?.Count ?? 0); i++)
        {
            if (ArchitectureInfo.TryParse(names![i], out var arch))
                result.Add(arch);
            else
                errors.Add(new SpecError($"{prefix}{field}[{i}]", $"unknown architecture '{names[i]}'"));
        }
        return result.ToArray();
    }

    internal SeccompJson ToModel() => new()
    {
        DefaultAction = SeccompJsonNames.Action(DefaultAction),
        DefaultErrnoRet = DefaultErrnoRet,
        Architectures = Architectures.Count == 0 ? null : Architectures.Select(a => ArchitectureInfo.Get(a).OciName).ToList(),
        Flags = Flags == SeccompFilterFlags.None ? null : SeccompJsonNames.Flags(Flags).ToList(),
        ListenerPath = ListenerPath,
        ListenerMetadata = ListenerMetadata,
        Syscalls = Syscalls.Count == 0 ? null : Syscalls.Select(r => new SeccompSyscallJson
        {
            Names = r.Names.ToList(),
            Action = SeccompJsonNames.Action(r.Action),
            ErrnoRet = r.ErrnoRet,
            Args = r.Args.Count == 0 ? null : r.Args.Select(a => new SeccompArgJson
            {
                Index = a.Index,
                Value = a.Value,
                ValueTwo = a.ValueTwo,
                Op = SeccompJsonNames.Operator(a.Operator),
            }).ToList(),
            Includes = r.IncludedCapabilities.Count + r.IncludedArchitectures.Count == 0 ? null : new SeccompFilterJson
            {
                Caps = r.IncludedCapabilities.Count == 0 ? null : r.IncludedCapabilities.ToList(),
                Arches = r.IncludedArchitectures.Count == 0 ? null : r.IncludedArchitectures.Select(a => ArchitectureInfo.Get(a).OciName).ToList(),
            },
            Excludes = r.ExcludedCapabilities.Count + r.ExcludedArchitectures.Count == 0 ? null : new SeccompFilterJson
            {
                Caps = r.ExcludedCapabilities.Count == 0 ? null : r.ExcludedCapabilities.ToList(),
                Arches = r.ExcludedArchitectures.Count == 0 ? null : r.ExcludedArchitectures.Select(a => ArchitectureInfo.Get(a).OciName).ToList(),
            },
        }).ToList(),
    };
}
