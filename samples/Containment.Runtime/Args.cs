namespace Containment.Runtime;

/// <summary>A command's arguments: flags in runc's forms (<c>--flag value</c>, <c>--flag=value</c>, <c>-b value</c>) and positionals.</summary>
internal sealed class Args
{
    private readonly Dictionary<string, List<string>> _values = [];
    private readonly HashSet<string> _switches = [];

    public List<string> Positional { get; } = [];

    /// <param name="args">The command's arguments.</param>
    /// <param name="valued">Flags that take a value, with their aliases (e.g. "bundle|b").</param>
    /// <param name="switches">Flags without a value.</param>
    public static Args Parse(IReadOnlyList<string> args, string[] valued, string[] switches)
    {
        var result = new Args();
        string? Canonical(string name, string[] set) => set.FirstOrDefault(s => s.Split('|').Contains(name))?.Split('|')[0];
        for (var i = 0; i < args.Count; i++)
        {
            var a = args[i];
            if (a == "--")
            {
                result.Positional.AddRange(args.Skip(i + 1));
                break;
            }
            // Like runc (urfave/cli), flags stop at the first positional: `exec ID sh -c ...` keeps its -c.
            if (result.Positional.Count == 0 && a.Length > 1 && a[0] == '-')
            {
                var name = a.TrimStart('-');
                string? inline = null;
                var eq = name.IndexOf('=');
                if (eq >= 0)
                {
                    inline = name[(eq + 1)..];
                    name = name[..eq];
                }
                if (Canonical(name, switches) is { } sw)
                {
                    if (inline is null or "true")
                        result._switches.Add(sw);
                    continue;
                }
                var key = Canonical(name, valued) ?? throw new CliException($"flag provided but not defined: -{name}");
                var value = inline ?? (i + 1 < args.Count ? args[++i] : throw new CliException($"flag needs an argument: -{name}"));
                if (!result._values.TryGetValue(key, out var list))
                    result._values[key] = list = [];
                list.Add(value);
                continue;
            }
            result.Positional.Add(a);
        }
        return result;
    }

    public string? Value(string name) => _values.TryGetValue(name, out var v) ? v[^1] : null;

    public IReadOnlyList<string> Values(string name) => _values.TryGetValue(name, out var v) ? v : [];

    public bool Has(string name) => _switches.Contains(name);

    public string Id(string command)
    {
        if (Positional.Count == 0)
            throw new CliException($"\"{command}\" requires a container id");
        return Positional[0];
    }

    /// <summary>The global options before the command.</summary>
    public static GlobalOptions ParseGlobals(string[] args, out List<string> rest)
    {
        var g = new GlobalOptions();
        var i = 0;
        for (; i < args.Length && args[i].StartsWith('-'); i++)
        {
            var a = args[i].TrimStart('-');
            string? inline = null;
            var eq = a.IndexOf('=');
            if (eq >= 0)
            {
                inline = a[(eq + 1)..];
                a = a[..eq];
            }
            string Next() => inline ?? (i + 1 < args.Length ? args[++i] : throw new CliException($"flag needs an argument: --{a}"));
            switch (a)
            {
                case "root": g.Root = Next(); break;
                case "log": g.Log = Next(); break;
                case "log-format": g.LogFormat = Next(); break;
                case "debug": g.Debug = true; break;
                case "allow-unenforced-limits": g.AllowUnenforcedLimits = true; break;
                case "systemd-cgroup": g.SystemdCgroup = inline is null or "true"; break;
                case "rootless": Next(); break; // accepted like runc's auto detection
                case "help" or "h" or "version" or "v": rest = [args[i], .. args[(i + 1)..]]; return g;
                default: throw new CliException($"flag provided but not defined: -{a}");
            }
        }
        rest = [.. args[i..]];
        return g;
    }
}

/// <summary>runc's global options.</summary>
internal sealed class GlobalOptions
{
    public string? Root { get; set; }
    public string? Log { get; set; }
    public string LogFormat { get; set; } = "text";
    public bool Debug { get; set; }
    public bool SystemdCgroup { get; set; }
    public bool AllowUnenforcedLimits { get; set; }
}
