using System.Globalization;
using Containment.Capabilities;
using Containment.Identity;
using Containment.Landlock;
using Containment.Namespaces;
using Containment.Seccomp;

namespace Containment.Run;

/// <summary>The sample's command line.</summary>
internal sealed class RunOptions
{
    public const string Usage = """
        usage: containment-run [options] -- COMMAND [ARGS...]
          --rootfs DIR         root filesystem (default: a read-only view of the host's)
          --hostname NAME      hostname inside the container
          --env K=V            set an environment variable (repeatable)
          --cwd DIR            working directory inside the container
          --net host|none      share the host's network, or a private one with only lo (default: none)
          --share NS           keep a namespace of the host: pid, mount, uts, ipc, network, cgroup (repeatable)
          --join-ns TYPE:PATH  join an existing namespace, e.g. network:/proc/1234/ns/net (repeatable)
          --user UID[:GID]     run as this user (and group; default: the uid) inside the container
          --userns             a user namespace: root inside is 100000.. on the host (as root), or the caller
                               plus its /etc/subuid and /etc/subgid ranges (as another user)
          --cap-add CAP        add a capability to the default set, e.g. NET_ADMIN (repeatable)
          --cap-drop CAP|ALL   drop a capability, or every one (repeatable)
          --no-new-privileges  no exec in the container can gain privileges
          --init, --no-init    run the command under a tiny init as PID 1 that forwards signals and reaps
                               zombies (default), or as PID 1 itself
          --rlimit NAME=SOFT[:HARD]  a resource limit, e.g. nofile=1024:4096 (repeatable)
          --sysctl K=V         a namespaced sysctl, e.g. net.ipv4.ip_unprivileged_port_start=0 (repeatable)
          --bind SRC:DST[:ro]  bind a host path into the container, read-only with :ro (repeatable)
          --tmpfs DST[:size=N] mount a tmpfs, N in bytes or with k/m/g (repeatable)
          --read-only          make the root filesystem read-only
          --mask PATH          hide a path inside the container, besides the default ones (repeatable)
          --device PATH        bind the host's device node PATH at the same path (repeatable)
          --seccomp default|unconfined|FILE.json
                               the seccomp profile: the common container default, none, or an OCI/Docker
                               profile file (default: default)
          --deny-syscall NAME  make a system call fail with EPERM (repeatable)
          --explain-syscall NAME  print what the effective profile does with NAME and why, then exit
          --dry-run            print every step the start would perform (who, system call, arguments), then
                               exit without creating anything (see docs/preview.md)
          --landlock-ro PATH   Landlock: the command may read beneath PATH; once any --landlock-* is given,
                               everything not named is closed to it (repeatable; see docs/landlock.md)
          --landlock-rw PATH   Landlock: ... read and write beneath PATH (repeatable)
          --landlock-exec PATH Landlock: ... read and execute beneath PATH (repeatable)
          --landlock-connect PORT  Landlock: TCP connects only to these ports (repeatable; ABI 4, Linux 6.7)
          --landlock-best-effort  drop the Landlock rules this kernel cannot enforce, with a warning
          --allow-unenforced-limits  start even when cgroup limits cannot be enforced (rootless without a
                               delegated cgroup: a warning names them; otherwise the start fails)

        """ + CgroupOptions.Usage + "\n" + NetworkOptions.Usage + "\n" + RunLimits.Usage;

    public string? Rootfs { get; private set; }
    public string? Hostname { get; private set; }
    public List<(string Name, string Value)> Env { get; } = [];
    public string? Cwd { get; private set; }
    public NamespaceSet Namespaces { get; private set; } = NamespaceSet.Isolated;
    public string[] Command { get; private set; } = [];
    public bool ShowHelp { get; private set; }
    public (uint Uid, uint Gid)? User { get; private set; }
    public bool UserNamespace { get; private set; }
    public List<(bool Add, Capability? Capability)> CapabilityChanges { get; } = [];
    public bool NoNewPrivileges { get; private set; }
    public bool Init { get; private set; } = true;
    public List<Rlimit> Rlimits { get; } = [];
    public List<(string Key, string Value)> Sysctls { get; } = [];
    public List<Action<Containment.Mounts.MountsBuilder>> Mounts { get; } = [];
    public List<string> Masks { get; } = [];
    public bool ReadOnly { get; private set; }
    public CgroupOptions Cgroup { get; } = new();
    public RunLimits Limits { get; } = new();
    public NetworkOptions Network { get; } = new();
    public string Seccomp { get; private set; } = "default";
    public List<string> DeniedSyscalls { get; } = [];
    public string? ExplainSyscall { get; private set; }
    public bool DryRun { get; private set; }
    public LandlockRules? Landlock { get; private set; }
    private LandlockRules LandlockOrEmpty => Landlock ?? LandlockRules.Empty;
    public bool AllowUnenforcedLimits { get; private set; }

    public static RunOptions Parse(string[] args)
    {
        var o = new RunOptions();
        var i = 0;
        string Next(string flag) => i + 1 < args.Length ? args[++i] : throw new ArgumentException($"{flag} needs a value");
        for (; i < args.Length; i++)
        {
            var a = args[i];
            if (a == "--")
            {
                o.Command = args[(i + 1)..];
                break;
            }
            switch (a)
            {
                case "-h" or "--help": o.ShowHelp = true; return o;
                case "--rootfs": o.Rootfs = Next(a); break;
                case "--hostname": o.Hostname = Next(a); break;
                case "--cwd": o.Cwd = Next(a); break;
                case "--env":
                    o.Env.Add(KeyValue(a, Next(a)));
                    break;
                case "--net":
                    o.Namespaces = Next(a) switch
                    {
                        "host" => o.Namespaces.Without(NamespaceKind.Network),
                        "none" => o.Namespaces.With(NamespaceKind.Network),
                        var v => throw new ArgumentException($"--net {v}: expected host or none"),
                    };
                    break;
                case "--share":
                    o.Namespaces = o.Namespaces.Without(ParseKind(Next(a)));
                    break;
                case "--join-ns":
                    var spec = Next(a);
                    var colon = spec.IndexOf(':');
                    if (colon <= 0)
                        throw new ArgumentException($"--join-ns {spec}: expected TYPE:PATH");
                    o.Namespaces = o.Namespaces.Join(ParseKind(spec[..colon]), spec[(colon + 1)..]);
                    break;
                case "--user":
                    o.User = ParseUser(Next(a));
                    break;
                case "--userns": o.UserNamespace = true; break;
                case "--allow-unenforced-limits": o.AllowUnenforcedLimits = true; break;
                case "--no-new-privileges": o.NoNewPrivileges = true; break;
                case "--init": o.Init = true; break;
                case "--no-init": o.Init = false; break;
                case "--cap-add":
                    o.CapabilityChanges.Add((true, ParseCapability(Next(a), allowAll: false)));
                    break;
                case "--cap-drop":
                    o.CapabilityChanges.Add((false, ParseCapability(Next(a), allowAll: true)));
                    break;
                case "--rlimit":
                    o.Rlimits.Add(ParseRlimit(Next(a)));
                    break;
                case "--sysctl":
                    o.Sysctls.Add(KeyValue(a, Next(a)));
                    break;
                case "--bind":
                    var bind = Next(a).Split(':');
                    if (bind.Length is < 2 or > 3 || (bind.Length == 3 && bind[2] != "ro"))
                        throw new ArgumentException($"--bind {string.Join(':', bind)}: expected SRC:DST[:ro]");
                    var readOnly = bind.Length == 3;
                    o.Mounts.Add(m => m.Bind(Path.GetFullPath(bind[0]), bind[1], readOnly));
                    break;
                case "--tmpfs":
                    var tmpfs = Next(a);
                    var sizeAt = tmpfs.IndexOf(":size=", StringComparison.Ordinal);
                    long? size = sizeAt < 0 ? null : ParseSize(tmpfs[(sizeAt + 6)..]);
                    var dst = sizeAt < 0 ? tmpfs : tmpfs[..sizeAt];
                    o.Mounts.Add(m => m.Tmpfs(dst, size));
                    break;
                case "--read-only": o.ReadOnly = true; break;
                case "--mask": o.Masks.Add(Next(a)); break;
                case "--device":
                    var device = Next(a);
                    o.Mounts.Add(m => m.Bind(device, device, recursive: false));
                    break;
                case "--seccomp": o.Seccomp = Next(a); break;
                case "--deny-syscall": o.DeniedSyscalls.Add(Next(a)); break;
                case "--explain-syscall": o.ExplainSyscall = Next(a); break;
                case "--dry-run": o.DryRun = true; break;
                case "--landlock-ro": o.Landlock = o.LandlockOrEmpty.ReadOnly(Next(a)); break;
                case "--landlock-rw": o.Landlock = o.LandlockOrEmpty.ReadWrite(Next(a)); break;
                case "--landlock-exec": o.Landlock = o.LandlockOrEmpty.Execute(Next(a)); break;
                case "--landlock-connect":
                    var port = Next(a);
                    o.Landlock = o.LandlockOrEmpty.ConnectTcp(ushort.TryParse(port, CultureInfo.InvariantCulture, out var portNumber)
                        ? portNumber : throw new ArgumentException($"--landlock-connect: '{port}' is not a TCP port"));
                    break;
                case "--landlock-best-effort": o.Landlock = o.LandlockOrEmpty.WithBestEffort(); break;
                default:
                    if (o.Cgroup.TryParse(a, Next) || o.Network.TryParse(a, Next) || o.Limits.TryParse(a, Next))
                        break;
                    if (a.StartsWith('-'))
                        throw new ArgumentException($"unknown option {a}");
                    o.Command = args[i..];
                    i = args.Length;
                    break;
            }
        }
        o.Network.Validate();
        if (o.Command.Length == 0 && !o.ShowHelp && o.ExplainSyscall is null)
            throw new ArgumentException("no command given");
        return o;
    }

    /// <summary>What the spec's seccomp profile does with <see cref="ExplainSyscall"/>, and why.</summary>
    public static string Explain(ContainerSpec spec, string syscall)
    {
        if (spec.Seccomp is not { } profile)
            return $"{syscall}: ALLOW: the container runs unconfined (no seccomp filter)";
        var decision = profile.Explain(syscall, capabilities: spec.Process.Capabilities.Bounding);
        var argumentRules = profile.Syscalls.Any(r => r.Args.Count > 0 && r.Names.Contains(syscall));
        return $"{syscall}: {decision}" + (argumentRules ? $"\n(for arguments all 0: some rules for {syscall} look at its arguments)" : "");
    }

    private static (uint, uint) ParseUser(string value)
    {
        var parts = value.Split(':');
        if (parts.Length > 2 || !uint.TryParse(parts[0], CultureInfo.InvariantCulture, out var uid))
            throw new ArgumentException($"--user {value}: expected UID[:GID] (numbers)");
        var gid = uid;
        if (parts.Length == 2 && !uint.TryParse(parts[1], CultureInfo.InvariantCulture, out gid))
            throw new ArgumentException($"--user {value}: expected UID[:GID] (numbers)");
        return (uid, gid);
    }

    /// <summary>A capability name (null for ALL when allowed).</summary>
    private static Capability? ParseCapability(string name, bool allowAll)
    {
        if (allowAll && name.Equals("ALL", StringComparison.OrdinalIgnoreCase))
            return null;
        return CapabilityNames.TryParse(name, out var c) ? c : throw new ArgumentException($"'{name}' is not a capability");
    }

    /// <summary>A <c>K=V</c> value of <paramref name="flag"/> (<c>--env</c>, <c>--sysctl</c>), split at the first <c>=</c>.</summary>
    private static (string, string) KeyValue(string flag, string value)
    {
        var eq = value.IndexOf('=');
        return eq > 0 ? (value[..eq], value[(eq + 1)..]) : throw new ArgumentException($"{flag} {value}: expected K=V");
    }

    private static Rlimit ParseRlimit(string value)
    {
        var eq = value.IndexOf('=');
        if (eq <= 0 || !Rlimit.TryParse(value[..eq], out var resource))
            throw new ArgumentException($"--rlimit {value}: expected NAME=SOFT[:HARD] with a resource name such as nofile");
        var limits = value[(eq + 1)..].Split(':');
        static ulong Limit(string v) => v is "unlimited" or "-1" ? Rlimit.Unlimited
            : ulong.TryParse(v, CultureInfo.InvariantCulture, out var n) ? n : throw new ArgumentException($"'{v}' is not a limit");
        if (limits.Length > 2)
            throw new ArgumentException($"--rlimit {value}: expected NAME=SOFT[:HARD]");
        var soft = Limit(limits[0]);
        return new Rlimit(resource.Value, soft, limits.Length == 2 ? Limit(limits[1]) : soft);
    }

    private static long ParseSize(string text)
    {
        var unit = text.Length > 0 ? char.ToLowerInvariant(text[^1]) : ' ';
        var shift = unit switch { 'k' => 10, 'm' => 20, 'g' => 30, _ => 0 };
        var digits = shift == 0 ? text : text[..^1];
        return long.TryParse(digits, out var n) && n > 0 ? n << shift : throw new ArgumentException($"--tmpfs: bad size '{text}'");
    }

    private static NamespaceKind ParseKind(string name) => name.ToLowerInvariant() switch
    {
        "pid" => NamespaceKind.Pid,
        "mnt" or "mount" => NamespaceKind.Mount,
        "uts" => NamespaceKind.Uts,
        "ipc" => NamespaceKind.Ipc,
        "net" or "network" => NamespaceKind.Network,
        "cgroup" => NamespaceKind.Cgroup,
        "time" => NamespaceKind.Time,
        "user" => NamespaceKind.User,
        _ => throw new ArgumentException($"unknown namespace type '{name}'"),
    };

    public ContainerSpec ToSpec()
    {
        var spec = Rootfs is null ? ContainerSpec.HostReadOnly() : ContainerSpec.FromRootfs(Path.GetFullPath(Rootfs));
        spec = spec.WithNamespaces(Namespaces).WithInit(Init);
        if (Hostname is not null)
            spec = spec.WithHostname(Hostname);
        if (UserNamespace)
            spec = spec.WithUserNamespace(u =>
            {
                if (Environment.UserName == "root")
                    u.MapUser(0, 100000, 65536).MapGroup(0, 100000, 65536);
                else
                    u.MapCurrentUserWithSubordinateIds();
            });
        foreach (var (key, value) in Sysctls)
            spec = spec.WithSysctl(key, value);
        foreach (var (add, capability) in CapabilityChanges)
            spec = spec.WithCapabilities(c =>
            {
                if (add)
                    c.Add(capability!.Value);
                else if (capability is null)
                    c.DropAll();
                else
                    c.Drop(capability.Value);
            });
        foreach (var mount in Mounts)
            spec = spec.WithMounts(mount);
        if (Masks.Count > 0)
            spec = spec.WithMaskedPaths(spec.Filesystem.MaskedPaths.Concat(Masks));
        if (ReadOnly)
            spec = spec.WithReadOnlyRootfs();
        spec = Cgroup.Apply(spec);
        spec = Network.Apply(spec);
        if (Limits.Report && spec.Cgroup is null && Environment.UserName == "root")
            spec = spec.WithCgroup(Containment.Cgroups.CgroupSpec.Empty); // CPU time and peak memory come from a cgroup
        spec = Seccomp switch
        {
            "default" => spec.WithSeccomp(SeccompProfile.Default),
            "unconfined" => spec.WithSeccomp(null),
            var file => spec.WithSeccomp(SeccompProfile.FromJson(File.ReadAllText(file))),
        };
        if (DeniedSyscalls.Count > 0)
            spec = spec.WithSeccompRules(p => p.Deny([.. DeniedSyscalls]));
        if (Landlock is not null)
            spec = spec.WithLandlock(Landlock);
        return Limits.Apply(spec.WithProcess(p =>
        {
            p.Args(Command.Length > 0 ? Command : ["true"]).InheritStdio();
            foreach (var (name, value) in Env)
                p.Env(name, value);
            if (Cwd is not null)
                p.WorkingDirectory(Cwd);
            if (User is { } user)
                p.User(user.Uid, user.Gid);
            if (NoNewPrivileges)
                p.NoNewPrivileges();
            foreach (var r in Rlimits)
                p.Rlimit(r.Resource, r.Soft, r.Hard);
        }));
    }
}
