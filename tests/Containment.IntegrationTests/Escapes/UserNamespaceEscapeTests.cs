using static Containment.IntegrationTests.Escapes.EscapeProbe;

namespace Containment.IntegrationTests.Escapes;

/// <summary>
/// A new user namespace from inside, where the container's root would get every capability again (and with them
/// mount, and the kernel's attack surface behind them): unshare(2), clone(2) and clone3(2).
/// </summary>
public class UserNamespaceEscapeTests
{
    [Test]
    public async Task Unshare_and_clone_with_CLONE_NEWUSER_fail_under_the_default_profile_and_the_process_stays_in_the_hosts_user_namespace()
    {
        const int CLONE_NEWUSER = 0x10000000, SIGCHLD = 17;
        var host = new FileInfo("/proc/self/ns/user").LinkTarget;
        // A raw clone that worked would return twice: the child prints ret=0 as well.
        var r = await Attack.InDefault($"""
            {Call("unshare", CLONE_NEWUSER)}
            {Call("clone", CLONE_NEWUSER | SIGCHLD, 0, 0, 0, 0)}
            unshare -U -r true && echo unshared
            readlink /proc/self/ns/user
            """);
        Assert.That(r.Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries),
            Is.EqualTo(new[] { "ret=-1 errno=1", "ret=-1 errno=1", host }), r.Stderr);
    }
}
