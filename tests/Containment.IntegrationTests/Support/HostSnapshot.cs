namespace Containment.IntegrationTests.Support;

/// <summary>What a launch could leak on the host: this process's fds, its children, and the host's mounts.</summary>
public sealed record HostSnapshot(IReadOnlyList<string> Fds, IReadOnlyList<int> Children, IReadOnlyList<string> Mounts)
{
    public static HostSnapshot Take() => new(OpenFds(), ChildPids(), MountPoints());

    /// <summary>
    /// A snapshot after finalizing what earlier tests left for the GC: otherwise their handles may close during this
    /// test (when its allocations trigger a collection) and look like fds that vanished.
    /// </summary>
    public static HostSnapshot TakeSettled()
    {
        GC.Collect();
        GC.WaitForPendingFinalizers();
        return Take();
    }

    /// <summary>
    /// This process's open fds, except the runtime's own assembly files: .NET opens an assembly the first time a
    /// code path needs it (an exception's first throw loads several), which is not a launch leaking anything.
    /// </summary>
    public static IReadOnlyList<string> OpenFds() =>
        Directory.GetFiles("/proc/self/fd").Select(f =>
        {
            try { return $"{Path.GetFileName(f)} -> {File.ResolveLinkTarget(f, false)?.FullName ?? new FileInfo(f).LinkTarget}"; }
            catch (IOException) { return Path.GetFileName(f); }
        }).Where(f => !f.EndsWith(".dll", StringComparison.Ordinal)).Order().ToList();

    /// <summary>Every child of every thread of this process.</summary>
    public static IReadOnlyList<int> ChildPids() =>
        Directory.GetDirectories("/proc/self/task")
            .SelectMany(t => File.ReadAllText(Path.Combine(t, "children")).Split(' ', StringSplitOptions.RemoveEmptyEntries))
            .Select(int.Parse).Order().ToList();

    public static IReadOnlyList<string> MountPoints() =>
        File.ReadAllLines("/proc/self/mountinfo").Select(l => l.Split(' ')[4]).Order().ToList();

    /// <summary>Waits briefly for transient state (an executor being reaped) to settle, then compares.</summary>
    public static async Task AssertUnchangedSince(HostSnapshot before)
    {
        HostSnapshot after = Take();
        for (var i = 0; i < 50 && !Same(before, after); i++)
        {
            await Task.Delay(20);
            after = Take();
        }
        Assert.Multiple(() =>
        {
            Assert.That(after.Children, Is.EquivalentTo(before.Children), "child processes left behind");
            Assert.That(after.Mounts, Is.EquivalentTo(before.Mounts), "mounts left behind");
            Assert.That(after.Fds.Except(before.Fds), Is.Empty, "file descriptors left behind");
        });
    }

    private static bool Same(HostSnapshot a, HostSnapshot b) =>
        a.Children.SequenceEqual(b.Children) && a.Mounts.SequenceEqual(b.Mounts) && !b.Fds.Except(a.Fds).Any();
}
