using Containment.Namespaces;

namespace Containment;

/// <summary>Checks a <see cref="ContainerSpec"/> before anything starts, collecting every problem.</summary>
internal static class SpecValidator
{
    public static IReadOnlyList<SpecError> Validate(ContainerSpec spec)
    {
        var errors = new List<SpecError>();
        void Add(string field, string message) => errors.Add(new SpecError(field, message));

        if (spec.Rootfs is RootfsSpec.Directory dir)
        {
            if (!Path.IsPathFullyQualified(dir.Path))
                Add("rootfs", $"'{dir.Path}' is not an absolute path");
            else if (!Directory.Exists(dir.Path))
                Add("rootfs", $"'{dir.Path}' does not exist or is not a directory");
            else if (Path.GetFullPath(dir.Path) == "/")
                Add("rootfs", "the host's / cannot be the rootfs; use ContainerSpec.HostReadOnly()");
        }
        if (spec.Rootfs is RootfsSpec.HostReadOnly view)
            errors.AddRange(Mounts.HostViewPlanner.Validate(view));
        var joined = spec.Rootfs is RootfsSpec.Joined;
        // Its own, or one joined by path (runc's rule): the root is set up there, pivot_root included, as in a new one.
        if (!joined && !spec.Namespaces.IsNew(NamespaceKind.Mount) && spec.Namespaces[NamespaceKind.Mount] is not NamespaceSetting.JoinNamespace)
            Add("namespaces.mount", "a container with its own root filesystem needs a mount namespace of its own: a new one, or one joined by path");
        if (joined && spec.Namespaces.Settings.Values.Any(s => s is NamespaceSetting.NewNamespace))
            Add("namespaces", "a process joining a running container cannot create namespaces");

        foreach (var (kind, setting) in spec.Namespaces.Settings)
        {
            if (setting is NamespaceSetting.JoinNamespace join)
            {
                if (!Path.IsPathFullyQualified(join.Path))
                    Add($"namespaces.{kind.ToString().ToLowerInvariant()}", $"'{join.Path}' is not an absolute path");
                else if (!File.Exists(join.Path))
                    Add($"namespaces.{kind.ToString().ToLowerInvariant()}", $"'{join.Path}' does not exist");
            }
        }

        if (joined && spec.Init)
            Add("init", "a process joining a running container runs under the container's PID 1, not an init of its own");
        if (joined && (spec.Hostname ?? spec.Domainname) is not null)
            Add("hostname", "a process joining a running container keeps the container's names");
        ValidateName(spec.Hostname, "hostname", spec, errors);
        ValidateName(spec.Domainname, "domainname", spec, errors);
        ValidateProcess(spec.Process, errors);
        errors.AddRange(Identity.IdentityValidator.Validate(spec));
        Mounts.MountValidator.Validate(spec, errors);
        if (spec.Seccomp is not null)
            errors.AddRange(Seccomp.SeccompValidator.Validate(spec.Seccomp, "seccomp."));
        if (spec.Landlock is not null)
            errors.AddRange(Landlock.LandlockPlanner.Validate(spec.Landlock));
        if (spec.Cgroup is not null)
            errors.AddRange(spec.Cgroup.Validate());
        if (spec.Cgroup is not null && spec.CgroupDriver == Cgroups.CgroupDriverKind.Systemd)
            errors.AddRange(Cgroups.Systemd.SystemdScopePath.Validate(spec.CgroupsPath));
        else if (spec.Cgroup is null && spec.CgroupsPath is not null)
            errors.Add(new("cgroupsPath", "is set but the spec has no cgroup; call WithCgroup"));
        return errors;
    }

    private static void ValidateName(string? name, string field, ContainerSpec spec, List<SpecError> errors)
    {
        if (name is null)
            return;
        // Not the caller's: a new UTS namespace, or one joined by path (set there, as runc does).
        if (!spec.Namespaces.IsNew(NamespaceKind.Uts) && spec.Namespaces[NamespaceKind.Uts] is not NamespaceSetting.JoinNamespace)
            errors.Add(new(field, "setting it needs a UTS namespace of the container's own: a new one, or one joined by path"));
        if (name.Length is 0 or > 64 || name.Contains('\0'))
            errors.Add(new(field, $"'{name}' must be 1 to 64 characters without NUL"));
    }

    private static void ValidateProcess(ProcessSpec process, List<SpecError> errors)
    {
        if (process.Args.IsDefaultOrEmpty)
            errors.Add(new("process.args", "must name a program to run"));
        else
        {
            if (process.Args[0].Length == 0)
                errors.Add(new("process.args[0]", "is empty"));
            for (var i = 0; i < process.Args.Length; i++)
                if (process.Args[i].Contains('\0'))
                    errors.Add(new($"process.args[{i}]", "contains NUL"));
        }
        for (var i = 0; i < process.Env.Length; i++)
        {
            var e = process.Env[i];
            if (e.IndexOf('=') <= 0 || e.Contains('\0'))
                errors.Add(new($"process.env[{i}]", $"'{e}' is not NAME=value"));
        }
        if (!process.WorkingDirectory.StartsWith('/'))
            errors.Add(new("process.cwd", $"'{process.WorkingDirectory}' is not an absolute path"));
        ValidateStdio(process.StandardInput, "process.stdin", errors);
        ValidateStdio(process.StandardOutput, "process.stdout", errors);
        ValidateStdio(process.StandardError, "process.stderr", errors);
    }

    private static void ValidateStdio(Stdio stdio, string field, List<SpecError> errors)
    {
        if (stdio is Stdio.FileStdio f && !Path.IsPathFullyQualified(f.Path))
            errors.Add(new(field, $"'{f.Path}' is not an absolute path"));
        if (stdio is Stdio.HandleStdio h && (h.SafeHandle.IsInvalid || h.SafeHandle.IsClosed))
            errors.Add(new(field, "the handle is closed or invalid"));
    }
}
