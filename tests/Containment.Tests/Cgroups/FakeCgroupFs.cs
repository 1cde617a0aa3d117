using Containment.Cgroups;

namespace Containment.Tests.Cgroups;

/// <summary>A temp-dir stand-in for cgroupfs: hierarchies with pre-created (empty) files the drivers append to.</summary>
internal sealed class FakeCgroupFs : IDisposable
{
    public FakeCgroupFs() => Directory.CreateDirectory(Root = Path.Combine(Path.GetTempPath(), "fake-cgroupfs-" + Guid.NewGuid().ToString("N")));

    public string Root { get; }

    /// <summary>A v1 hierarchy whose leaf <paramref name="leaf"/> holds <paramref name="files"/>.</summary>
    public CgroupHierarchy V1(string controllers, string leaf, params string[] files)
    {
        var mount = Path.Combine(Root, controllers);
        Touch(Path.Combine(mount, leaf), ["cgroup.procs", .. files]);
        return new CgroupHierarchy(mount, "/", controllers.Split(',').ToHashSet(), false, "/");
    }

    /// <summary>A cgroup2 hierarchy offering <paramref name="controllers"/>, with the leaf and its ancestors.</summary>
    public CgroupHierarchy V2(string controllers, string leaf, params string[] files)
    {
        var mount = Path.Combine(Root, "unified");
        Touch(mount, ["cgroup.subtree_control"]);
        File.WriteAllText(Path.Combine(mount, "cgroup.controllers"), controllers + "\n");
        var parts = leaf.Split('/');
        for (var i = 1; i < parts.Length; i++) Touch(Path.Combine(mount, string.Join("/", parts.Take(i))), ["cgroup.subtree_control"]);
        Touch(Path.Combine(mount, leaf), ["cgroup.procs", "cgroup.events", .. files]);
        return new CgroupHierarchy(mount, "/", new HashSet<string>(), true, "/");
    }

    private static void Touch(string dir, IEnumerable<string> files)
    {
        Directory.CreateDirectory(dir);
        foreach (var f in files) File.WriteAllText(Path.Combine(dir, f), "");
    }

    /// <summary>The lines written to a file, in order.</summary>
    public string[] Lines(string relative) => File.ReadAllLines(Path.Combine(Root, relative));

    public void Write(string relative, string text) => File.WriteAllText(Path.Combine(Root, relative), text);

    public void Dispose() => Directory.Delete(Root, recursive: true);
}
