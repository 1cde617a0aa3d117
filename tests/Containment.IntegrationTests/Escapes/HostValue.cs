namespace Containment.IntegrationTests.Escapes;

/// <summary>A host file an attack tries to change: read before, compared after, put back if the attack changed it.</summary>
internal static class HostValue
{
    /// <summary>
    /// Runs <paramref name="attack"/> (a script ending in <c>echo done</c> whose every write step must fail read-only),
    /// then checks that <paramref name="path"/> on the host still holds what it held before.
    /// </summary>
    public static async Task AssertUnchangedBy(string path, Func<Task<Support.Run.Result>> attack)
    {
        var before = File.ReadAllText(path);
        try
        {
            var r = await attack();
            Assert.That(r.Stdout, Is.EqualTo("done\n"), r.Stderr);
            Assert.That(r.Stderr, Does.Contain("Read-only file system"));
            Assert.That(File.ReadAllText(path), Is.EqualTo(before), "the host's value changed");
        }
        finally
        {
            if (File.ReadAllText(path) != before)
                File.WriteAllText(path, before);
        }
    }
}
