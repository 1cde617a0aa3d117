using Containment.Cgroups;
using Microsoft.Extensions.Logging;

namespace Containment.Tests.Cgroups;

/// <summary>A cgroup that cannot be removed is logged with <see cref="LogEvents.CleanupFailed"/> (issue 15, trap 9).</summary>
public class CgroupCleanupLogTests
{
    private static readonly MachineTopology Machine = new(new HashSet<int> { 0 }, new HashSet<int> { 0 }, new HashSet<string> { "2MB" });

    private sealed class ListLogger : ILogger
    {
        public List<(LogLevel Level, EventId Id, string Message)> Entries { get; } = [];

        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
            Entries.Add((logLevel, eventId, formatter(state, exception)));
    }

    [Test]
    public void A_cgroup_directory_rmdir_refuses_is_logged_as_CleanupFailed()
    {
        using var fs = new FakeCgroupFs();
        var logger = new ListLogger();
        // The fake leaf holds regular files, so its rmdir fails with ENOTEMPTY (as a real leaf does while it is busy).
        var manager = new CgroupManager(new CgroupLayout(CgroupMode.Legacy, [fs.V1("pids", "containment/t1", "pids.max")], null), Machine, logger);
        using var cgroup = new Cgroup(manager.Open("t1", null), Machine, ownsHandle: true);

        Assert.That(cgroup.Destroy, Throws.TypeOf<CgroupException>().With.Message.Contains("ENOTEMPTY"));
        var failed = logger.Entries.Where(e => e.Id == LogEvents.CleanupFailed).ToList();
        Assert.That(failed, Has.Count.EqualTo(1), string.Join("\n", logger.Entries));
        Assert.That(failed[0].Level, Is.EqualTo(LogLevel.Warning));
        Assert.That(failed[0].Message, Does.Contain("containment/t1").And.Contain("ENOTEMPTY"));
    }
}
