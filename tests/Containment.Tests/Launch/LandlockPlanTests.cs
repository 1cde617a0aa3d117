using Containment.Landlock;
using Containment.Launch;

namespace Containment.Tests.Launch;

/// <summary>Landlock rules: validation, negotiation with the kernel's ABI, and the executor steps they compile to.</summary>
public class LandlockPlanTests
{
    private static readonly LandlockRules Rules = LandlockRules.Empty.ReadOnly("/usr", "/etc").ReadWrite("/tmp").Execute("/usr/bin").ConnectTcp(443, 443, 80);

    private static ContainerSpec Spec(LandlockRules rules) =>
        ContainerSpec.FromRootfs("/srv/rootfs").WithProcess(p => p.Args("sh")).WithLandlock(rules);

    [Test]
    public void The_builder_records_each_path_with_its_access_and_the_ports()
    {
        Assert.That(Rules.Paths, Is.EqualTo(new[]
        {
            new LandlockPathRule("/usr", LandlockPathAccess.Read), new LandlockPathRule("/etc", LandlockPathAccess.Read),
            new LandlockPathRule("/tmp", LandlockPathAccess.Read | LandlockPathAccess.Write),
            new LandlockPathRule("/usr/bin", LandlockPathAccess.Read | LandlockPathAccess.Execute),
        }));
        Assert.That(Rules.RestrictsTcpConnect, Is.True);
        Assert.That(ContainerSpec.HostReadOnly().WithLandlock(l => l.ReadOnly("/a")).WithLandlock(l => l.ReadWrite("/b")).Landlock!.Paths, Has.Length.EqualTo(2));
    }

    [Test]
    public void At_ABI_7_every_filesystem_right_is_handled_and_each_rule_gets_its_own()
    {
        var load = LandlockPlanner.Negotiate(Rules, 7, null);
        Assert.Multiple(() =>
        {
            Assert.That(load.Abi, Is.EqualTo(7));
            Assert.That(load.HandledFs, Is.EqualTo(0xffffUL));
            Assert.That(load.HandledNet, Is.EqualTo(2UL), "CONNECT_TCP");
            Assert.That(load.Paths[0], Is.EqualTo(("/usr", 4UL | 8UL)), "READ_FILE | READ_DIR");
            Assert.That(load.Paths[2].Access, Is.EqualTo(0xfffeUL), "everything but EXECUTE");
            Assert.That(load.Paths[3].Access, Is.EqualTo(1UL | 4UL | 8UL));
            Assert.That(load.TcpConnectPorts, Is.EqualTo(new ushort[] { 443, 80 }));
            Assert.That(load.Dropped, Is.Empty);
        });
    }

    [Test]
    public void A_rule_the_ABI_cannot_enforce_is_an_error_naming_it_and_the_ABI_it_needs()
    {
        var e = Assert.Throws<ContainerSpecException>(() => LandlockPlanner.Negotiate(Rules, 3, null))!;
        Assert.That(e.Errors.Select(x => x.Field), Is.EqualTo(new[] { "landlock.connectTcp" }));
        Assert.That(e.Message, Does.Contain("ABI 4").And.Contain("ABI 3"));
        var old = Assert.Throws<ContainerSpecException>(() => LandlockPlanner.Negotiate(LandlockRules.Empty.ReadOnly("/"), 2, null))!;
        Assert.That(old.Message, Does.Contain("truncate"));
    }

    [Test]
    public void Best_effort_drops_what_the_ABI_cannot_enforce_and_says_so()
    {
        var load = LandlockPlanner.Negotiate(Rules.WithBestEffort(), 3, null);
        Assert.Multiple(() =>
        {
            Assert.That(load.Abi, Is.EqualTo(3));
            Assert.That(load.HandledNet, Is.Zero);
            Assert.That(load.TcpConnectPorts, Is.Empty);
            Assert.That(load.HandledFs, Is.EqualTo(0x7fffUL), "no IOCTL_DEV below ABI 5");
            Assert.That(load.Paths[2].Access, Is.EqualTo(0x7ffeUL));
            Assert.That(load.Dropped, Has.Length.EqualTo(1).And.Some.StartsWith("landlock.connectTcp: TCP port rules need Landlock ABI 4"));
        });
        var none = LandlockPlanner.Negotiate(Rules.WithBestEffort(), 0, null);
        Assert.That(none.Abi, Is.Zero);
        Assert.That(Steps(Spec(Rules), none), Has.None.StartsWith("landlock"));
    }

    [Test]
    public void No_Landlock_at_all_is_an_error_unless_best_effort()
    {
        var e = Assert.Throws<ContainerSpecException>(() => LandlockPlanner.Negotiate(Rules, 0, null))!;
        Assert.That(e.Message, Does.Contain("no Landlock"));
    }

    [Test]
    public void Paths_must_be_absolute()
    {
        var errors = Spec(LandlockRules.Empty.ReadOnly("usr").Allow(LandlockPathAccess.None, "/x")).Validate();
        Assert.That(errors.Where(e => e.Field.StartsWith("landlock", StringComparison.Ordinal)).Select(e => e.ToString()), Is.EqualTo(new[]
        {
            "landlock.paths[0]: 'usr' is not an absolute path", "landlock.paths[1]: '/x' has no valid access (None)",
        }));
    }

    private static List<string> Steps(ContainerSpec spec, LandlockLoad load) =>
        PlanCompiler.Compile(spec, new LaunchInputs { Landlock = load }, () => []).Steps.Select(s => s.ToString()).ToList();

    [Test]
    public void The_steps_come_after_the_fd_layout_and_right_before_the_seccomp_filter_and_the_exec()
    {
        var steps = Steps(Spec(Rules), LandlockPlanner.Negotiate(Rules, 7, null));
        var first = steps.IndexOf("landlock_create_ruleset(ABI 7)");
        Assert.That(steps.Skip(first).Take(9), Is.EqualTo(new[]
        {
            "landlock_create_ruleset(ABI 7)", "landlock_add_rule(/usr)", "landlock_add_rule(/etc)", "landlock_add_rule(/tmp)",
            "landlock_add_rule(/usr/bin)", "landlock_add_rule(TCP connect port 443)", "landlock_add_rule(TCP connect port 80)",
            "landlock_restrict_self(no_new_privs, then the ruleset)", steps[first + 8],
        }));
        Assert.That(steps[first + 8], Does.StartWith("seccomp("));
        Assert.That(steps.FindIndex(s => s.StartsWith("close_range(") || s.StartsWith("fd layout")), Is.LessThan(first).Or.EqualTo(-1));
        Assert.That(steps[^1], Does.StartWith("execve("));
    }

    [Test]
    public void Each_op_encodes_its_payload_in_the_executor_layout()
    {
        var plan = new LaunchPlan();
        LandlockPlanner.Apply(plan, LandlockPlanner.Negotiate(LandlockRules.Empty.ReadOnly("/a").ConnectTcp(8080), 7, null));
        var expected = new PlanWriter();
        expected.Begin(PlanOp.LandlockRuleset).U64(0xffff).U64(2).End();
        expected.Begin(PlanOp.LandlockPath).Str("/a").U64(12).End();
        expected.Begin(PlanOp.LandlockPort).U64(8080).U64(2).End();
        expected.Begin(PlanOp.LandlockRestrict).End();
        Assert.That(plan.Encode(), Is.EqualTo(expected.ToArray()));
    }
}
