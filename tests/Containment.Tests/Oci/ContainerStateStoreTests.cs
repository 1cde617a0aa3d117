using System.Diagnostics;
using System.Text.Json;
using Containment.Oci;

namespace Containment.Tests.Oci;

public class ContainerStateStoreTests
{
    private string _root = "";
    private ContainerStateStore _store = null!;

    [SetUp]
    public void SetUp()
    {
        _root = Path.Combine(Path.GetTempPath(), $"containment-state-{Guid.NewGuid():N}");
        _store = new ContainerStateStore(_root);
    }

    [TearDown]
    public void TearDown()
    {
        if (Directory.Exists(_root)) Directory.Delete(_root, recursive: true);
    }

    private static ContainerRecord Record(string id, OciStatus status = OciStatus.Created) => new()
    {
        Id = id, Bundle = "/srv/bundles/" + id, Status = status, Created = new DateTimeOffset(2025, 1, 2, 3, 4, 5, TimeSpan.Zero),
        Annotations = new Dictionary<string, string> { ["k"] = "v" },
    };

    private void Add(ContainerRecord record)
    {
        using var _ = _store.Create(record);
    }

    [Test]
    public void A_created_container_loads_back_with_every_field()
    {
        var record = Record("web") with
        {
            Pid = 1234, ProcessStartTime = 98765, RuntimeData = new Dictionary<string, string> { ["cgroup"] = "/containment/web" },
        };

        Add(record);

        Assert.That(_store.Load("web"), Is.EqualTo(record));
        Assert.That(_store.Exists("web"), Is.True);
    }

    [Test]
    public void The_state_file_is_private_json_with_lowercase_status()
    {
        Add(Record("web"));
        var path = Path.Combine(_root, "web", "state.json");

        var json = JsonDocument.Parse(File.ReadAllText(path)).RootElement;

        Assert.That(json.GetProperty("status").GetString(), Is.EqualTo("created"));
        Assert.That(json.GetProperty("created").GetString(), Is.EqualTo("2025-01-02T03:04:05+00:00"));
        if (!OperatingSystem.IsWindows()) Assert.That(File.GetUnixFileMode(path), Is.EqualTo(UnixFileMode.UserRead | UnixFileMode.UserWrite));
    }

    [Test]
    public void Creating_an_existing_id_fails_and_keeps_the_first()
    {
        Add(Record("web"));

        Assert.Throws<ContainerExistsException>(() => _store.Create(Record("web") with { Bundle = "/other" }));

        Assert.That(_store.Load("web").Bundle, Is.EqualTo("/srv/bundles/web"));
        Assert.That(Directory.GetDirectories(_root).Select(Path.GetFileName), Is.EqualTo(new[] { "web" }));
    }

    [Test]
    public void Concurrent_creates_of_one_id_let_exactly_one_win()
    {
        var outcomes = Enumerable.Range(0, 8).AsParallel().WithDegreeOfParallelism(8).Select(i =>
        {
            try
            {
                using var _ = _store.Create(Record("race") with { Bundle = $"/b{i}" });
                return "created";
            }
            catch (ContainerExistsException)
            {
                return "exists";
            }
        }).ToList();

        Assert.That(outcomes.Count(o => o == "created"), Is.EqualTo(1));
        Assert.That(Directory.GetDirectories(_root).Select(Path.GetFileName), Is.EqualTo(new[] { "race" }));
    }

    [Test]
    public void Loading_an_unknown_id_says_it_does_not_exist()
    {
        var e = Assert.Throws<ContainerNotFoundException>(() => _store.Load("ghost"))!;

        Assert.That(e.Message, Is.EqualTo("container ghost does not exist"));
        Assert.Throws<ContainerNotFoundException>(() => _store.Lock("ghost"));
    }

    [Test]
    public void List_returns_every_container_by_id_and_skips_unfinished_folders()
    {
        Add(Record("b"));
        Add(Record("a"));
        Add(Record("c"));
        Directory.CreateDirectory(Path.Combine(_root, ".new-0123"));
        Directory.CreateDirectory(Path.Combine(_root, "half-made"));

        Assert.That(_store.List().Select(r => r.Id), Is.EqualTo(new[] { "a", "b", "c" }));
    }

    [Test]
    public void List_of_a_missing_state_directory_is_empty()
    {
        Assert.That(_store.List(), Is.Empty);
    }

    [Test]
    public void Delete_removes_the_container_folder()
    {
        Add(Record("web"));

        _store.Lock("web").Delete();

        Assert.That(_store.Exists("web"), Is.False);
        Assert.That(Directory.GetFileSystemEntries(_root), Is.Empty);
        Assert.Throws<ContainerNotFoundException>(() => _store.Load("web"));
    }

    [Test]
    public void A_deleted_lock_can_no_longer_write()
    {
        Add(Record("web"));
        var handle = _store.Lock("web");
        handle.Delete();

        Assert.That(handle.IsHeld, Is.False);
        Assert.Throws<ObjectDisposedException>(() => handle.Save(Record("web")));
    }

    [Test]
    public void Save_replaces_the_record_and_leaves_no_temporary_file()
    {
        Add(Record("web"));

        using (var handle = _store.Lock("web"))
            handle.Save(handle.Load() with { Status = OciStatus.Running, Pid = 42 });

        Assert.That(_store.Load("web").Status, Is.EqualTo(OciStatus.Running));
        Assert.That(Directory.GetFiles(Path.Combine(_root, "web")).Select(Path.GetFileName), Is.EquivalentTo(new[] { "lock", "state.json" }));
    }

    [Test]
    public void Save_refuses_a_record_of_another_container()
    {
        Add(Record("web"));
        using var handle = _store.Lock("web");

        Assert.Throws<ArgumentException>(() => handle.Save(Record("db")));
    }

    [Test]
    public void Readers_never_see_a_partly_written_record()
    {
        var small = Record("web") with { RuntimeData = new Dictionary<string, string> { ["blob"] = "a" } };
        var large = Record("web") with { RuntimeData = new Dictionary<string, string> { ["blob"] = new string('b', 256 * 1024) } };
        Add(small);
        using var stop = new CancellationTokenSource();
        var writer = Task.Run(() =>
        {
            using var handle = _store.Lock("web");
            for (var i = 0; !stop.IsCancellationRequested; i++) handle.Save(i % 2 == 0 ? large : small);
        });

        var reads = 0;
        var clock = Stopwatch.StartNew();
        while (clock.Elapsed < TimeSpan.FromSeconds(1.5))
        {
            var record = _store.Load("web"); // throws if it ever reads a torn file
            Assert.That(record.RuntimeData!["blob"], Is.EqualTo("a").Or.EqualTo(large.RuntimeData!["blob"]));
            reads++;
        }
        stop.Cancel();
        writer.Wait();

        Assert.That(reads, Is.GreaterThan(10));
    }

    [Test]
    public void A_held_lock_cannot_be_taken_again()
    {
        Add(Record("web"));
        using var first = _store.Lock("web");

        Assert.That(_store.TryLock("web"), Is.Null);

        first.Dispose();
        using var second = _store.TryLock("web");
        Assert.That(second, Is.Not.Null);
    }

    [Test]
    public void Waiting_for_a_held_lock_times_out()
    {
        Add(Record("web"));
        using var first = _store.Lock("web");
        var clock = Stopwatch.StartNew();

        Assert.Throws<ContainerLockTimeoutException>(() => _store.Lock("web", TimeSpan.FromMilliseconds(150)));

        Assert.That(clock.Elapsed, Is.GreaterThanOrEqualTo(TimeSpan.FromMilliseconds(140)));
    }

    [Test]
    public void A_second_locker_waits_until_the_first_releases()
    {
        Add(Record("web"));
        var first = _store.Lock("web");
        var second = Task.Run(() => _store.Lock("web"));

        Assert.That(second.Wait(TimeSpan.FromMilliseconds(300)), Is.False, "the second locker got the lock while it was held");
        first.Dispose();

        Assert.That(second.Wait(TimeSpan.FromSeconds(10)), Is.True);
        second.Result.Dispose();
    }

    [Test]
    public void A_waiter_finds_the_container_gone_after_it_is_deleted()
    {
        Add(Record("web"));
        var first = _store.Lock("web");
        var waiter = Task.Run(() => _store.Lock("web"));
        Thread.Sleep(200);

        first.Delete();

        var e = Assert.Throws<AggregateException>(() => waiter.Wait(TimeSpan.FromSeconds(10)))!;
        Assert.That(e.InnerException, Is.InstanceOf<ContainerNotFoundException>());
    }

    [Test]
    public void The_lock_excludes_other_processes()
    {
        Add(Record("web"));
        var lockFile = Path.Combine(_root, "web", "lock");
        // One process holds the lock: the shell opens the file, flock(1) locks that open file, the shell becomes sleep.
        using var holder = Process.Start(new ProcessStartInfo("sh", ["-c", "exec 9<>\"$0\"; flock -x 9; exec sleep 30", lockFile]))!;
        try
        {
            var clock = Stopwatch.StartNew();
            while (_store.TryLock("web") is { } mine)
            {
                mine.Dispose(); // the other process has not taken it yet
                Assert.That(clock.Elapsed, Is.LessThan(TimeSpan.FromSeconds(10)), "flock(1) never took the lock");
                Thread.Sleep(20);
            }

            Assert.That(_store.TryLock("web"), Is.Null);
        }
        finally
        {
            holder.Kill();
            holder.WaitForExit();
        }

        using var after = _store.Lock("web", TimeSpan.FromSeconds(10));
        Assert.That(after.IsHeld, Is.True);
    }

    [Test]
    public void A_live_process_keeps_its_recorded_status()
    {
        var me = ProcessIdentity.Of(Environment.ProcessId)!.Value;

        Assert.That(ContainerStateStore.GetStatus(Record("a", OciStatus.Running).WithProcess(me)), Is.EqualTo(OciStatus.Running));
        Assert.That(ContainerStateStore.GetStatus(Record("a", OciStatus.Created).WithProcess(me)), Is.EqualTo(OciStatus.Created));
        Assert.That(ContainerStateStore.GetStatus(Record("a", OciStatus.Paused).WithProcess(me)), Is.EqualTo(OciStatus.Paused));
    }

    [Test]
    public void A_dead_process_means_stopped()
    {
        using var child = Process.Start(new ProcessStartInfo("sleep", ["30"]))!;
        var record = Record("a", OciStatus.Running).WithProcess(child.Id);
        Assert.That(ContainerStateStore.GetStatus(record), Is.EqualTo(OciStatus.Running));

        child.Kill();
        child.WaitForExit();

        Assert.That(ContainerStateStore.GetStatus(record), Is.EqualTo(OciStatus.Stopped));
        var state = ContainerStateStore.ToOciState(record);
        Assert.That(state.Status, Is.EqualTo(OciStatus.Stopped));
        Assert.That(state.Pid, Is.EqualTo(0));
    }

    [Test]
    public void A_recycled_pid_means_stopped()
    {
        var me = ProcessIdentity.Of(Environment.ProcessId)!.Value;
        var record = Record("a", OciStatus.Running).WithProcess(me with { StartTime = me.StartTime + 1 });

        Assert.That(ContainerStateStore.GetStatus(record), Is.EqualTo(OciStatus.Stopped));
    }

    [Test]
    public void Without_a_process_a_creating_container_is_creating_and_others_are_stopped()
    {
        Assert.That(ContainerStateStore.GetStatus(Record("a", OciStatus.Creating)), Is.EqualTo(OciStatus.Creating));
        Assert.That(ContainerStateStore.GetStatus(Record("a", OciStatus.Created)), Is.EqualTo(OciStatus.Stopped));
    }

    [Test]
    public void Recording_a_missing_process_fails()
    {
        using var child = Process.Start(new ProcessStartInfo("true"))!;
        child.WaitForExit();

        Assert.Throws<ContainerStateException>(() => Record("a").WithProcess(child.Id));
    }

    [Test]
    public void GetState_reports_the_oci_state_of_a_running_container()
    {
        Add(Record("web", OciStatus.Running).WithProcess(Environment.ProcessId));

        var state = _store.GetState("web");

        Assert.That(state, Is.EqualTo(new OciState
        {
            Id = "web", Status = OciStatus.Running, Pid = Environment.ProcessId, Bundle = "/srv/bundles/web",
            Annotations = new Dictionary<string, string> { ["k"] = "v" },
        }));
    }

    [TestCase("web")]
    [TestCase("a.b_c-d+e")]
    [TestCase("0123456789abcdef")]
    [TestCase("...")]
    public void Valid_container_ids_are_accepted(string id)
    {
        Assert.That(ContainerId.IsValid(id), Is.True);
        Add(Record(id));
        Assert.That(_store.Load(id).Id, Is.EqualTo(id));
    }

    [TestCase("")]
    [TestCase(".")]
    [TestCase("..")]
    [TestCase("a/b")]
    [TestCase("../etc")]
    [TestCase("a b")]
    [TestCase("caf\u00e9")]
    [TestCase("a\nb")]
    public void Invalid_container_ids_are_refused(string id)
    {
        Assert.That(ContainerId.IsValid(id), Is.False);
        Assert.Throws<ContainerStateException>(() => _store.Create(Record(id)));
        Assert.Throws<ContainerStateException>(() => _store.Load(id));
        Assert.That(Directory.Exists(_root) ? Directory.GetFileSystemEntries(_root) : [], Is.Empty);
    }

    [Test]
    public void Ids_longer_than_a_directory_name_are_refused()
    {
        Assert.That(ContainerId.IsValid(new string('a', 255)), Is.True);
        Assert.That(ContainerId.Problem(new string('a', 256)), Does.Contain("255"));
    }

    [Test]
    public void Leftovers_of_a_killed_create_or_delete_are_removed_and_nothing_live_is_touched()
    {
        Add(Record("kept"));
        using var creating = _store.Create(Record("being-created")); // renamed into place already; its lock is held
        var tombstone = Directory.CreateDirectory(Path.Combine(_root, ".deleted-0123")).FullName;
        File.WriteAllText(Path.Combine(tombstone, "state.json"), "{}");
        var abandoned = Directory.CreateDirectory(Path.Combine(_root, ".new-aaaa")).FullName;
        File.WriteAllText(Path.Combine(abandoned, "lock"), "");

        _store.RemoveLeftovers();

        Assert.Multiple(() =>
        {
            Assert.That(Directory.Exists(tombstone), Is.False, "a folder whose delete died");
            Assert.That(Directory.Exists(abandoned), Is.False, "a folder whose create died");
            Assert.That(_store.List().Select(r => r.Id), Is.EqualTo(new[] { "being-created", "kept" }));
        });
    }

    [Test]
    public void A_cleanup_leaves_the_folders_of_operations_in_progress_alone()
    {
        Add(Record("kept"));
        // A create or delete in progress holds the state directory's lock shared from before its folder exists.
        using var inProgress = StateRootLock.Shared(_root);
        var building = Directory.CreateDirectory(Path.Combine(_root, ".new-bbbb")).FullName; // no lock file yet
        var removing = Directory.CreateDirectory(Path.Combine(_root, ".deleted-cccc")).FullName; // lock file already gone

        _store.RemoveLeftovers();

        Assert.That(Directory.Exists(building) && Directory.Exists(removing), Is.True);
        inProgress.Dispose();
        _store.RemoveLeftovers();
        Assert.That(Directory.Exists(building) || Directory.Exists(removing), Is.False, "once it died, they are leftovers");
    }

    [Test]
    public void Creates_and_deletes_racing_cleanups_never_fail_and_leave_nothing()
    {
        // 8 workers create and delete containers while 2 more clean up in a loop: the cleanup must never remove a folder
        // that a live create is filling or that a live delete is removing (issue 13 #5).
        using var stop = new CancellationTokenSource();
        var errors = new System.Collections.Concurrent.ConcurrentBag<Exception>();
        var cleaners = Enumerable.Range(0, 2).Select(_ => Task.Run(() =>
        {
            while (!stop.IsCancellationRequested) _store.RemoveLeftovers();
        })).ToList();
        var workers = Enumerable.Range(0, 8).Select(w => Task.Run(() =>
        {
            for (var i = 0; i < 150; i++)
            {
                try
                {
                    using var held = _store.Create(Record($"w{w}-{i}"));
                    held.Save(Record($"w{w}-{i}", OciStatus.Running));
                    held.Delete();
                }
                catch (Exception e)
                {
                    errors.Add(e);
                }
            }
        })).ToArray();
        Task.WaitAll(workers);
        stop.Cancel();
        Task.WaitAll([.. cleaners]);

        Assert.That(errors.Select(e => e.Message), Is.Empty);
        Assert.That(Directory.GetFileSystemEntries(_root), Is.Empty);
    }
}
