using static Containment.IntegrationTests.Escapes.EscapeProbe;

namespace Containment.IntegrationTests.Escapes;

/// <summary>The kernel keyring is not namespaced: keys made inside would be the host's.</summary>
public class KeyringTests
{
    [Test]
    public async Task Keyctl_add_key_and_request_key_fail_with_EPERM_and_no_keyring_appears_on_the_host()
    {
        var name = "/escape-" + Guid.NewGuid().ToString("N")[..8];
        var r = await Attack.InDefault($"""
            {Call("keyctl", 1 /* KEYCTL_JOIN_SESSION_KEYRING */, name)}
            {Call("add_key", "/keyring", name, 0, 0, -3)}
            {Call("request_key", "/keyring", name, 0, -3)}
            {Call("keyctl", 0 /* KEYCTL_GET_KEYRING_ID */, -3 /* session */, 1)}
            """);
        Assert.That(r.Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries), Has.Length.EqualTo(4).And.All.EqualTo("ret=-1 errno=1"), r.Stderr);
        Assert.That(File.ReadAllText("/proc/keys"), Does.Not.Contain(name[1..]));
    }
}
