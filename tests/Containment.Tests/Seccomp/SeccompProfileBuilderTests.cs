using Containment.Capabilities;
using Containment.Seccomp;

namespace Containment.Tests.Seccomp;

public class SeccompProfileBuilderTests
{
    [Test]
    public void Rule_methods_return_copies()
    {
        var a = SeccompProfile.Create(SeccompAction.Errno);
        var b = a.Allow("read");
        Assert.That(a.Syscalls, Is.Empty);
        Assert.That(b.Syscalls, Has.Count.EqualTo(1));
    }

    [Test]
    public void The_brief_example_reads_as_intended()
    {
        var p = SeccompProfile.Default.Deny("ptrace").Errno("mkdir", SeccompErrno.EACCES).Allow("personality", a => a.Arg(0).Equal(0x0));
        Assert.That(p.Explain(SeccompArchitecture.X86_64, "ptrace").Data, Is.EqualTo(1));
        Assert.That(p.Explain(SeccompArchitecture.X86_64, "ptrace", capabilities: CapabilitySet.Of(Capability.SysPtrace)).Action, Is.EqualTo(SeccompAction.Errno),
            "the later Deny overrides the capability rule too");
        Assert.That(p.Explain(SeccompArchitecture.X86_64, "mkdir").Data, Is.EqualTo(13));
        Assert.That(p.Explain(SeccompArchitecture.X86_64, "mkdirat").Action, Is.EqualTo(SeccompAction.Allow));
        Assert.That(p.Syscalls[0].Names, Does.Not.Contain("mkdir").And.Not.Contain("ptrace"), "unconditional rules take their names out of earlier rules");
    }

    [Test]
    public void Conditional_rules_add_to_earlier_ones()
    {
        var p = SeccompProfile.Create(SeccompAction.Errno).Allow("personality", a => a.Arg(0).Equal(0)).Allow("personality", a => a.Arg(0).Equal(8));
        Assert.That(p.Syscalls, Has.Count.EqualTo(2));
        Assert.That(p.Explain(SeccompArchitecture.X86_64, "personality", [8]).Action, Is.EqualTo(SeccompAction.Allow));
        Assert.That(p.Explain(SeccompArchitecture.X86_64, "personality", [0]).Action, Is.EqualTo(SeccompAction.Allow));
        Assert.That(p.Explain(SeccompArchitecture.X86_64, "personality", [9]).Action, Is.EqualTo(SeccompAction.Errno));
    }

    [Test]
    public void An_argument_index_above_5_is_refused_by_the_builder()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => SeccompProfile.Create(SeccompAction.Errno).Allow("read", a => a.Arg(6).Equal(0)));
    }

    [Test]
    public void A_hand_made_rule_with_a_bad_index_fails_validation_naming_it()
    {
        var p = SeccompProfile.Create(SeccompAction.Errno).Allow("read")
            .WithRule(new SeccompRule(["write"], SeccompAction.Allow, args: [new SeccompArgCondition(7, SeccompArgOperator.Equal, 1)]));
        var e = Assert.Throws<ContainerSpecException>(p.Validate)!;
        Assert.That(e.Errors.Single().ToString(), Is.EqualTo("syscalls[1].args[0].index: 7 is out of range 0..5"));
    }

    [Test]
    public void Explain_rejects_a_name_unknown_on_the_architecture()
    {
        Assert.Throws<ArgumentException>(() => SeccompProfile.Default.Explain(SeccompArchitecture.X86_64, "chown32"));
    }
}
