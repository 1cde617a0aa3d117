namespace Containment.IntegrationTests.Cgroups;

/// <summary>
/// Around the cgroup classes: the library's default parent (<c>containment/</c>) that was not there before them is not
/// left behind, empty, after them (it goes with the last container in it, docs/cgroups.md). One with a cgroup in it is
/// another process's running container (a machine shared with other runs), not a leftover of ours.
/// </summary>
[SetUpFixture]
public class DefaultParentLeftover
{
    private List<string> absent = [];

    private static IEnumerable<string> Parents() =>
        File.ReadLines("/proc/self/mountinfo").Select(l => l.Split(' ')).Where(f => f.Length > 8 && Array.IndexOf(f, "-") is var dash and > 0 &&
            f[dash + 1] is "cgroup" or "cgroup2").Select(f => Path.Combine(f[4], "containment")).Distinct();

    [OneTimeSetUp]
    public void Note() => absent = Parents().Where(p => !Directory.Exists(p)).ToList();

    [OneTimeTearDown]
    public void Check()
    {
        var left = absent.Where(p => Directory.Exists(p) && !Directory.EnumerateDirectories(p).Any()).ToList();
        Assert.That(left, Is.Empty, "an empty default parent left behind by the cgroup tests");
    }
}
