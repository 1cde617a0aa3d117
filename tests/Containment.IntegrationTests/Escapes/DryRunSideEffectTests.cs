using System.Text.Json.Nodes;
using Containment.IntegrationTests.Runtime;
using Containment.IntegrationTests.Support;

namespace Containment.IntegrationTests.Escapes;

/// <summary>
/// A dry run (the plan preview) of a hostile config must act on nothing: no hook runs, no CNI plugin runs, no network
/// file, namespace, interface, lease or cgroup appears on the host.
/// </summary>
[System.Runtime.Versioning.SupportedOSPlatform("linux")]
public class DryRunSideEffectTests
{
    private static readonly string[] HookKinds = ["prestart", "createRuntime", "createContainer", "startContainer", "poststart", "poststop"];

    [TestCase("create")]
    [TestCase("run")]
    public void A_dry_run_runs_none_of_the_configs_hooks(string command)
    {
        using var cli = new RuntimeCli();
        var markers = Path.Combine(cli.Bundle, "hooks-ran");
        Directory.CreateDirectory(markers);
        cli.WriteConfig(["true"], c =>
        {
            var hooks = new JsonObject();
            foreach (var kind in HookKinds)
                hooks[kind] = new JsonArray(new JsonObject { ["path"] = "/bin/sh", ["args"] = new JsonArray("sh", "-c", $"touch {markers}/{kind}") });
            c["hooks"] = hooks;
        });

        var r = cli.Run(command, "--dry-run", "--bundle", cli.Bundle, "dry-hooks");

        Assert.That(r.ExitCode, Is.Zero, r.Stderr);
        Assert.That(Directory.GetFiles(markers), Is.Empty, "a hook ran");
    }

    [Test]
    public void A_preview_of_a_container_on_a_cni_network_runs_no_plugin_and_makes_nothing()
    {
        using var host = TestHostNetwork.Create();
        var id = "dry-cni-" + Guid.NewGuid().ToString("N")[..8];
        var spec = ContainerSpec.HostReadOnly().WithNetwork(host.Bridge().WithPortMapping(8086, 86)).WithCgroup(c => c.MemoryMax(64 << 20))
            .WithProcess(p => p.Args("/bin/true"));
        var rulesBefore = host.Rules();

        var steps = ContainerProcess.Preview(spec, new ContainerStartOptions { Id = id });

        Assert.That(steps, Is.Not.Empty);
        Assert.That(Directory.Exists($"/run/containment/network/{id}"), Is.False, "network files");
        Assert.That(host.Links(), Is.EqualTo(new[] { "lo" }), "the bridge or a veth");
        Assert.That(host.Leases(), Is.Empty);
        Assert.That(host.Rules(), Is.EqualTo(rulesBefore), "portmap's rules");
        var cgroups = steps.Where(s => s.Syscall == "mkdir").Select(s => s.Arguments).ToList();
        Assert.That(cgroups, Is.Not.Empty.And.None.Matches<string>(Directory.Exists));
    }
}
