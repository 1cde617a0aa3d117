using Containment.IntegrationTests.Support;

namespace Containment.IntegrationTests.Identity;

/// <summary>A container does not share its caller's session keyring (keys a host session holds stay out of reach).</summary>
public class SessionKeyringTests
{
    private static async Task<string> KeysSeenBy(ContainerSpec spec, string id)
    {
        spec = spec.WithMaskedPaths([]).WithProcess(p => p.Args("/bin/sh", "-c", "cat /proc/keys"));
        var r = await Run.ToCompletion(spec, new ContainerStartOptions { Id = id });
        Assert.That(r.Exit.ExitCode, Is.Zero, r.Stderr);
        return r.Stdout;
    }

    [Test]
    public async Task Each_container_joins_a_new_session_keyring_named_for_it()
    {
        var id = $"kr{Guid.NewGuid():N}"[..14];
        var keys = await KeysSeenBy(ContainerSpec.HostReadOnly(), id);
        var own = keys.Split('\n').SingleOrDefault(l => l.Contains($"keyring   _ses.{id}:"));
        Assert.That(own, Is.Not.Null, keys);
        Assert.That(own!.Split(' ', StringSplitOptions.RemoveEmptyEntries)[4], Is.EqualTo("3f090000"), "possessor all, user view and search");
        // The kernel collects an unreferenced keyring in the background: it must go, not stay charged to root's quota.
        for (var i = 0; i < 100 && File.ReadAllText("/proc/keys").Contains($"_ses.{id}"); i++)
            await Task.Delay(100);
        Assert.That(File.ReadAllText("/proc/keys"), Does.Not.Contain($"_ses.{id}"), "the keyring went with the container");
    }

    [Test]
    public async Task Without_a_new_keyring_the_callers_session_keyring_is_kept()
    {
        var id = $"kr{Guid.NewGuid():N}"[..14];
        var keys = await KeysSeenBy(ContainerSpec.HostReadOnly().WithNewSessionKeyring(false), id);
        Assert.That(keys, Does.Not.Contain($"_ses.{id}"));
        Assert.That(keys, Does.Contain("keyring"), "the caller's keyrings are visible instead");
    }
}
