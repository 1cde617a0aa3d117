using System.Runtime.InteropServices;
using Containment.Interop;
using Containment.Namespaces;

namespace Containment.Mounts;

/// <summary>Checks the filesystem part of a spec: every mount, device and path, each problem naming its entry.</summary>
internal static class MountValidator
{
    /// <summary>How an error names a mount: its index and destination, e.g. <c>mounts[3] (/data)</c>.</summary>
    public static string Field(int index, Mount mount) => $"mounts[{index}] ({mount.Destination})";

    public static void Validate(ContainerSpec spec, List<SpecError> errors)
    {
        var fs = spec.Filesystem;
        void Add(string field, string message) => errors.Add(new SpecError(field, message));

        for (var i = 0; i < fs.Mounts.Length; i++)
        {
            var m = fs.Mounts[i];
            if (m is null)
            {
                Add($"mounts[{i}]", "is null");
                continue;
            }
            var field = Field(i, m);
            if (!IsAbsolute(m.Destination))
                Add(field, $"destination '{m.Destination}' is not an absolute path");
            var options = MountOptions.Parse(m.Options.IsDefault ? [] : m.Options);
            foreach (var e in options.Errors)
                Add(field, e);
            if (m.IsBind)
            {
                foreach (var d in options.Data)
                    Add(field, $"option '{d}' is not a bind mount option (flags, r-flags, propagation)");
                ValidateSource(m.Source, field, errors);
                if (options.Idmap && !spec.Namespaces.IsNew(NamespaceKind.User))
                    Add(field, "an id-mapped mount (idmap, ridmap) needs a new user namespace: its maps are the mount's");
                else if (options.Idmap && Identity.Rootless.IsRootless)
                    Add(field, "an unprivileged host cannot id-map a mount (mount_setattr with MOUNT_ATTR_IDMAP needs root over the source's mount)");
            }
            else if (options.Idmap)
                Add(field, "idmap and ridmap apply to bind mounts only");
            else if (options.CopyUp && m.Type != "tmpfs")
                Add(field, "option 'tmpcopyup' is only for a tmpfs");
            else if (string.IsNullOrEmpty(m.Type) || m.Type.Contains('\0'))
                Add(field, "has no filesystem type (and no bind option)");
            if (m.Source?.Contains('\0') == true)
                Add(field, "source contains NUL");
        }

        for (var i = 0; i < fs.Devices.Length; i++)
        {
            var d = fs.Devices[i];
            var field = $"devices[{i}] ({d.Path})";
            if (!IsAbsolute(d.Path) || d.Path.TrimEnd('/') is "" or "/dev")
                Add(field, $"'{d.Path}' is not an absolute path to a file");
            if (!Enum.IsDefined(d.Type))
                Add(field, $"unknown device type {(int)d.Type}");
            if (d.FileMode > 0xfff)
                Add(field, $"file mode {Convert.ToString(d.FileMode, 8)} has bits beyond 07777");
        }
        for (var i = 0; i < fs.MaskedPaths.Length; i++)
            if (!IsAbsolute(fs.MaskedPaths[i]))
                Add($"maskedPaths[{i}]", $"'{fs.MaskedPaths[i]}' is not an absolute path");
        for (var i = 0; i < fs.ReadonlyPaths.Length; i++)
            if (!IsAbsolute(fs.ReadonlyPaths[i]))
                Add($"readonlyPaths[{i}]", $"'{fs.ReadonlyPaths[i]}' is not an absolute path");
        if (!Enum.IsDefined(fs.RootfsPropagation))
            Add("rootfsPropagation", $"unknown propagation {(int)fs.RootfsPropagation}");
    }

    private static bool IsAbsolute(string? path) => path is not null && path.StartsWith('/') && !path.Contains('\0');

    private static void ValidateSource(string? source, string field, List<SpecError> errors)
    {
        if (!IsAbsolute(source))
        {
            errors.Add(new SpecError(field, $"bind source '{source}' is not an absolute path"));
            return;
        }
        // open(O_PATH) follows every link: it fails only when the final target is missing.
        var fd = Libc.Open(source!, Libc.O_PATH | Libc.O_CLOEXEC, 0);
        if (fd >= 0)
        {
            Libc.Close(fd);
            return;
        }
        var errno = Marshal.GetLastPInvokeError();
        var link = new FileInfo(source!).LinkTarget;
        errors.Add(new SpecError(field,
            errno != Errno.ENOENT ? $"bind source '{source}' cannot be opened: {Errno.Name(errno)}"
            : link is null ? $"bind source '{source}' does not exist"
            : $"bind source '{source}' is a dangling symlink (-> {link})"));
    }
}
