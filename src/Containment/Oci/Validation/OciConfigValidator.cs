using System.Text.RegularExpressions;

namespace Containment.Oci;

/// <summary>
/// Checks an <see cref="OciConfig"/> against the runtime specification (and the few rules runc adds, such as
/// sysctls having to belong to a namespace the container owns). Every problem is reported, each naming its
/// field. Parsing never does this: a document that parses may still be invalid.
/// </summary>
internal sealed partial class OciConfigValidator
{
    private readonly List<SpecError> _errors = [];
    private readonly OciConfig _config;

    private OciConfigValidator(OciConfig config) => _config = config;

    public static IReadOnlyList<SpecError> Validate(OciConfig config)
    {
        ArgumentNullException.ThrowIfNull(config);
        var validator = new OciConfigValidator(config);
        validator.CheckDocument();
        return validator._errors;
    }

    private void Error(string field, string message) => _errors.Add(new SpecError(field, message));

    [GeneratedRegex(@"^(?<major>0|[1-9][0-9]*)\.(0|[1-9][0-9]*)\.(0|[1-9][0-9]*)(-[0-9A-Za-z.-]+)?(\+[0-9A-Za-z.-]+)?$", RegexOptions.CultureInvariant)]
    private static partial Regex SemVer();

    private void CheckDocument()
    {
        var c = _config;
        if (string.IsNullOrEmpty(c.OciVersion)) Error("ociVersion", "is required");
        else if (SemVer().Match(c.OciVersion) is not { Success: true } version)
            Error("ociVersion", $"\"{c.OciVersion}\" is not a SemVer version such as {OciConfig.CurrentVersion}");
        else if (version.Groups["major"].Value != "1")
            Error("ociVersion", $"version {c.OciVersion} is not supported (1.x expected)");

        if (c.Root is null) Error("root", "is required");
        else if (string.IsNullOrEmpty(c.Root.Path)) Error("root.path", "is required");
        else if (c.Root.Path.Contains('\0')) Error("root.path", "must not contain a NUL character");

        CheckHostnames();
        if (c.Annotations is { } annotations && annotations.Keys.Any(string.IsNullOrEmpty))
            Error("annotations", "keys must not be empty");

        if (c.Process is { } process) CheckProcess(process);
        if (c.Mounts is { } mounts)
            for (var i = 0; i < mounts.Count; i++) CheckMount($"mounts[{i}]", mounts[i]);
        if (c.Hooks is { } hooks) CheckHooks(hooks);
        if (c.Linux is { } linux) CheckLinux(linux);
    }

    private void CheckHostnames()
    {
        var hasUts = HasNamespace(OciNamespaceTypes.Uts);
        foreach (var (field, value) in new[] { ("hostname", _config.Hostname), ("domainname", _config.Domainname) })
        {
            if (string.IsNullOrEmpty(value)) continue;
            if (!hasUts) Error(field, "needs a UTS namespace (add {\"type\": \"uts\"} to linux.namespaces)");
            if (value.Length > 64) Error(field, "must be at most 64 characters");
        }
    }

    private bool HasNamespace(string type) => _config.Linux?.Namespaces?.Any(n => n?.Type == type) == true;

    private bool HasNewNamespace(string type) =>
        _config.Linux?.Namespaces?.Any(n => n?.Type == type && string.IsNullOrEmpty(n.Path)) == true;

    private void CheckMount(string field, OciMount mount)
    {
        if (mount is null) { Error(field, "must not be null"); return; }
        CheckAbsolute($"{field}.destination", mount.Destination, required: true);
        var options = mount.Options ?? [];
        for (var i = 0; i < options.Count; i++)
            if (string.IsNullOrEmpty(options[i])) Error($"{field}.options[{i}]", "must not be empty");
        var isBind = mount.Type == "bind" || options.Contains("bind") || options.Contains("rbind");
        if (isBind && string.IsNullOrEmpty(mount.Source)) Error($"{field}.source", "is required for a bind mount");
        if ((mount.UidMappings is null) != (mount.GidMappings is null))
            Error(mount.UidMappings is null ? $"{field}.uidMappings" : $"{field}.gidMappings",
                "an id-mapped mount needs both uidMappings and gidMappings");
        if (mount.UidMappings is { } uids) CheckMappings($"{field}.uidMappings", uids);
        if (mount.GidMappings is { } gids) CheckMappings($"{field}.gidMappings", gids);
    }

    private void CheckHooks(OciHooks hooks)
    {
        CheckHookList("hooks.prestart", hooks.Prestart);
        CheckHookList("hooks.createRuntime", hooks.CreateRuntime);
        CheckHookList("hooks.createContainer", hooks.CreateContainer);
        CheckHookList("hooks.startContainer", hooks.StartContainer);
        CheckHookList("hooks.poststart", hooks.Poststart);
        CheckHookList("hooks.poststop", hooks.Poststop);
    }

    private void CheckHookList(string field, IReadOnlyList<OciHook>? hooks)
    {
        if (hooks is null) return;
        for (var i = 0; i < hooks.Count; i++)
        {
            var hook = hooks[i];
            if (hook is null) { Error($"{field}[{i}]", "must not be null"); continue; }
            CheckAbsolute($"{field}[{i}].path", hook.Path, required: true);
            if (hook.Timeout is <= 0) Error($"{field}[{i}].timeout", "must be greater than zero");
            CheckEnv($"{field}[{i}].env", hook.Env);
        }
    }

    /// <summary>Reports an empty (when required) or relative path.</summary>
    private void CheckAbsolute(string field, string? path, bool required)
    {
        if (string.IsNullOrEmpty(path))
        {
            if (required) Error(field, "is required");
            return;
        }
        if (path[0] != '/') Error(field, $"\"{path}\" is not an absolute path");
        if (path.Contains('\0')) Error(field, "must not contain a NUL character");
    }

    private void CheckPathList(string field, IReadOnlyList<string>? paths)
    {
        if (paths is null) return;
        for (var i = 0; i < paths.Count; i++) CheckAbsolute($"{field}[{i}]", paths[i], required: true);
    }

    private void CheckEnv(string field, IReadOnlyList<string>? env)
    {
        if (env is null) return;
        for (var i = 0; i < env.Count; i++)
        {
            var entry = env[i];
            if (entry is null) Error($"{field}[{i}]", "must not be null");
            else if (entry.IndexOf('=') <= 0) Error($"{field}[{i}]", $"\"{entry}\" is not of the form NAME=value");
            else if (entry.Contains('\0')) Error($"{field}[{i}]", "must not contain a NUL character");
        }
    }

    /// <summary>Checks a list of CPUs or memory nodes such as <c>0-3,7</c>.</summary>
    private void CheckCpuList(string field, string? list)
    {
        if (string.IsNullOrEmpty(list)) return;
        if (!IsCpuList(list)) Error(field, $"\"{list}\" is not a CPU list such as 0-3,7");
    }

    internal static bool IsCpuList(string list)
    {
        foreach (var part in list.Split(','))
        {
            var item = part.Trim();
            var dash = item.IndexOf('-');
            if (dash < 0)
            {
                if (!uint.TryParse(item, System.Globalization.NumberStyles.None, null, out _)) return false;
            }
            else if (!uint.TryParse(item[..dash].Trim(), System.Globalization.NumberStyles.None, null, out var low)
                     || !uint.TryParse(item[(dash + 1)..].Trim(), System.Globalization.NumberStyles.None, null, out var high)
                     || low > high)
            {
                return false;
            }
        }
        return true;
    }
}
