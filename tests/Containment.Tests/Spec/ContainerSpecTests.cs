using Containment.Namespaces;

namespace Containment.Tests.Spec;

public class ContainerSpecTests
{
    [Test]
    public void With_methods_return_changed_copies_and_leave_the_original_alone()
    {
        var a = ContainerSpec.HostReadOnly();
        var b = a.WithHostname("x").WithProcess(p => p.Args("sh").Env("A", "1"));
        Assert.That(a.Hostname, Is.Null);
        Assert.That(a.Process.Args, Is.Empty);
        Assert.That(b.Hostname, Is.EqualTo("x"));
        Assert.That(b.Process.GetEnv("A"), Is.EqualTo("1"));
    }

    [Test]
    public void Setting_an_environment_variable_twice_keeps_the_last_value_once()
    {
        var spec = ContainerSpec.HostReadOnly().WithProcess(p => p.Args("sh").Env("A", "1").Env("A", "2"));
        Assert.That(spec.Process.Env.Count(e => e.StartsWith("A=")), Is.EqualTo(1));
        Assert.That(spec.Process.GetEnv("A"), Is.EqualTo("2"));
    }

    [Test]
    public void A_valid_spec_has_no_errors()
    {
        Assert.That(ContainerSpec.HostReadOnly().WithHostname("h").WithProcess(p => p.Args("true")).Validate(), Is.Empty);
    }

    [Test]
    public void Every_problem_is_listed_with_its_field()
    {
        var spec = ContainerSpec.FromRootfs("rel")
            .WithNamespaces(NamespaceSet.Host.With(NamespaceKind.User).Join(NamespaceKind.Network, "relative/ns"))
            .WithHostname(new string('h', 65))
            .WithProcess(p => p.Args().WorkingDirectory("x").Env("", "v").StandardOutput(Stdio.File("out.txt")));
        var fields = spec.Validate().Select(e => e.Field).ToList();
        Assert.That(fields, Is.EquivalentTo(new[]
        {
            "rootfs", "namespaces.mount", "namespaces.network", "namespaces.user", "hostname", "hostname",
            "process.args", "process.env[1]", "process.cwd", "process.stdout",
        }));
    }

    [Test]
    public void The_hosts_root_is_not_a_rootfs()
    {
        var errors = ContainerSpec.FromRootfs("/").WithProcess(p => p.Args("true")).Validate();
        Assert.That(errors.Single().Message, Does.Contain("HostReadOnly"));
    }

    [Test]
    public void The_isolated_set_has_the_six_usual_namespaces()
    {
        Assert.That(NamespaceSet.Isolated.Settings.Keys, Is.EquivalentTo(new[]
        {
            NamespaceKind.Pid, NamespaceKind.Mount, NamespaceKind.Uts, NamespaceKind.Ipc, NamespaceKind.Network, NamespaceKind.Cgroup,
        }));
        Assert.That(NamespaceSet.Isolated.Settings.Values, Has.All.InstanceOf<NamespaceSetting.NewNamespace>());
    }

    [TestCase(0x0300, 3, null)]
    [TestCase(0x0000, 0, null)]
    [TestCase(0x0009, null, Signal.Kill)]
    [TestCase(0x008b, null, Signal.Segv)]
    public void Wait_statuses_decode_to_exit_codes_or_signals(int status, int? code, Signal? signal)
    {
        var exit = ContainerExit.FromWaitStatus(status);
        Assert.That(exit.ExitCode, Is.EqualTo(code));
        Assert.That(exit.Signal, Is.EqualTo(signal));
        Assert.That(exit.ShellCode, Is.EqualTo(code ?? 128 + (int)signal!.Value));
    }

    [Test]
    public void A_core_dump_is_reported()
    {
        Assert.That(ContainerExit.FromWaitStatus(0x008b).ToString(), Is.EqualTo("killed by SIGSEGV (core dumped)"));
    }
}
