using Containment.Identity;

namespace Containment.Tests.Identity;

public class NamesAndHelpersTests
{
    // A user with no supplementary group (nobody, a service account) has "Groups:\t"; Split(' ', '\t', options) took
    // the tab for a count and crashed every rootless start of such a user with a FormatException.
    [TestCase("Groups:\t", new uint[0])]
    [TestCase("Groups:\t0 ", new uint[] { 0 })]
    [TestCase("Groups:\t1 2 3 4 5 6 7 8 9 10 11 ", new uint[] { 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11 })]
    public void The_hosts_supplementary_groups_are_read_from_its_status_line(string line, uint[] groups) =>
        Assert.That(HostCredentials.ParseGroups(line), Is.EqualTo(groups));

    [Test]
    public void Every_rlimit_has_its_name_and_unknown_names_are_listed()
    {
        Assert.That(Enum.GetValues<ResourceLimit>(), Has.Length.EqualTo(16));
        Assert.That(Rlimit.Name(ResourceLimit.Cpu), Is.EqualTo("RLIMIT_CPU"));
        Assert.That(Rlimit.Name(ResourceLimit.Rttime), Is.EqualTo("RLIMIT_RTTIME"));
        foreach (var r in Enum.GetValues<ResourceLimit>())
            Assert.That(Rlimit.TryParse(Rlimit.Name(r), out var parsed) ? parsed : null, Is.EqualTo(r));
        Assert.That(Rlimit.TryParse("nofile", out var n) ? n : null, Is.EqualTo(ResourceLimit.Nofile));
        Assert.That(Rlimit.TryParse("RLIMIT_7", out _), Is.False, "numbers are not names");
        var e = Assert.Throws<ContainerSpecException>(() => Rlimit.Parse([("RLIMIT_NOFILE", 1, 2), ("RLIMIT_FOO", 1, 1), ("bar", 1, 1)]));
        Assert.That(e!.Errors.Select(x => x.Message), Is.EqualTo(new[] { "'RLIMIT_FOO' is not a resource limit", "'bar' is not a resource limit" }));
        Assert.That(new Rlimit(ResourceLimit.Nofile, 1024, Rlimit.Unlimited).ToString(), Is.EqualTo("RLIMIT_NOFILE=1024:unlimited"));
    }

    [Test]
    public void Subordinate_ranges_are_read_for_the_user_by_name_or_uid()
    {
        var file = Path.GetTempFileName();
        try
        {
            File.WriteAllLines(file, ["alice:100000:65536", "bob:165536:65536", "1001:300000:10", "alice:bad:1", "alice:400000:0", "# comment"]);
            Assert.That(SubordinateIds.Read(file, "alice", 1000), Is.EqualTo(new[] { new SubordinateIds.Range(100000, 65536) }));
            Assert.That(SubordinateIds.Read(file, "carol", 1001), Is.EqualTo(new[] { new SubordinateIds.Range(300000, 10) }));
            Assert.That(SubordinateIds.Read(file + ".missing", "alice", 1000), Is.Empty);
        }
        finally
        {
            File.Delete(file);
        }
    }

    [Test]
    public void Newuidmap_gets_the_pid_then_triples()
    {
        Assert.That(IdMapHelpers.Arguments(42, [new IdMapping(0, 1000, 1), new IdMapping(1, 100000, 65536)]),
            Is.EqualTo(new[] { "42", "0", "1000", "1", "1", "100000", "65536" }));
    }
}
