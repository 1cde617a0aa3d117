using Containment.Capabilities;
using Containment.Seccomp;

namespace Containment.Tests.Seccomp;

public class SeccompJsonTests
{
    private const string Oci = """
        {
          "defaultAction": "SCMP_ACT_ERRNO",
          "defaultErrnoRet": 1,
          "architectures": ["SCMP_ARCH_X86_64", "SCMP_ARCH_X86", "SCMP_ARCH_X32"],
          "flags": ["SECCOMP_FILTER_FLAG_LOG", "SECCOMP_FILTER_FLAG_SPEC_ALLOW"],
          "listenerPath": "/run/seccomp-agent.sock",
          "listenerMetadata": "hello",
          "syscalls": [
            { "names": ["read", "write"], "action": "SCMP_ACT_ALLOW" },
            { "names": ["mkdir"], "action": "SCMP_ACT_ERRNO", "errnoRet": 13 },
            { "names": ["personality"], "action": "SCMP_ACT_ALLOW",
              "args": [ { "index": 0, "value": 8, "op": "SCMP_CMP_EQ" } ] },
            { "names": ["clone"], "action": "SCMP_ACT_ALLOW",
              "args": [ { "index": 0, "value": 2114060288, "valueTwo": 0, "op": "SCMP_CMP_MASKED_EQ" } ] },
            { "names": ["ptrace"], "action": "SCMP_ACT_KILL" },
            { "names": ["uname"], "action": "SCMP_ACT_NOTIFY" }
          ]
        }
        """;

    [Test]
    public void An_OCI_seccomp_object_is_read_in_full()
    {
        var p = SeccompProfile.FromJson(Oci);
        Assert.That(p.DefaultAction, Is.EqualTo(SeccompAction.Errno));
        Assert.That(p.DefaultErrnoRet, Is.EqualTo(1));
        Assert.That(p.Architectures, Is.EqualTo(new[] { SeccompArchitecture.X86_64, SeccompArchitecture.X86, SeccompArchitecture.X32 }));
        Assert.That(p.Flags, Is.EqualTo(SeccompFilterFlags.Log | SeccompFilterFlags.SpecAllow));
        Assert.That(p.ListenerPath, Is.EqualTo("/run/seccomp-agent.sock"));
        Assert.That(p.ListenerMetadata, Is.EqualTo("hello"));
        Assert.That(p.Syscalls, Has.Count.EqualTo(6));
        Assert.That(p.Syscalls[0].Names, Is.EqualTo(new[] { "read", "write" }));
        Assert.That(p.Syscalls[1].ErrnoRet, Is.EqualTo(13));
        Assert.That(p.Syscalls[2].Args[0], Is.EqualTo(new SeccompArgCondition(0, SeccompArgOperator.Equal, 8)));
        Assert.That(p.Syscalls[3].Args[0], Is.EqualTo(new SeccompArgCondition(0, SeccompArgOperator.MaskedEqual, 2114060288, 0)));
        Assert.That(p.Syscalls[4].Action, Is.EqualTo(SeccompAction.KillThread), "SCMP_ACT_KILL is kill-thread");
        Assert.That(p.Syscalls[5].Action, Is.EqualTo(SeccompAction.Notify));
    }

    [Test]
    public void Writing_and_reading_back_gives_the_same_profile()
    {
        var p = SeccompProfile.FromJson(Oci);
        var again = SeccompProfile.FromJson(p.ToJson());
        Assert.That(again.ToJson(), Is.EqualTo(p.ToJson()));
        Assert.That(p.ToJson(), Does.Contain("\"SCMP_ACT_KILL_THREAD\""));
        Assert.That(p.ToJson(), Does.Contain("\"valueTwo\": 0"));
    }

    [Test]
    public void The_default_profile_round_trips_with_its_conditions()
    {
        var json = SeccompProfile.Default.ToJson();
        Assert.That(json, Does.Contain("\"includes\"").And.Contain("CAP_SYS_ADMIN"));
        var back = SeccompProfile.FromJson(json);
        Assert.That(back.ToJson(), Is.EqualTo(json));
        var a = SeccompCompiler.Compile(back, CapabilitySet.Of(Capability.SysPtrace), SeccompArchitecture.X86_64);
        var b = SeccompCompiler.Compile(SeccompProfile.Default, CapabilitySet.Of(Capability.SysPtrace), SeccompArchitecture.X86_64);
        Assert.That(a.Bytes, Is.EqualTo(b.Bytes));
    }

    [Test]
    public void A_resolved_profile_is_plain_OCI()
    {
        var json = SeccompProfile.Default.Resolve(CapabilitySet.Of(Capability.SysAdmin), SeccompArchitecture.X86_64).ToJson();
        Assert.That(json, Does.Not.Contain("includes").And.Not.Contain("excludes"));
        Assert.That(json, Does.Contain("\"mount\""));
        Assert.That(json, Does.Not.Contain("s390_pci_mmio_read"));
    }

    [Test]
    public void A_Docker_profile_with_archMap_and_capability_conditions_reads()
    {
        const string docker = """
            {
              "defaultAction": "SCMP_ACT_ERRNO",
              "defaultErrnoRet": 1,
              "archMap": [ { "architecture": "SCMP_ARCH_X86_64", "subArchitectures": ["SCMP_ARCH_X86", "SCMP_ARCH_X32"] } ],
              "syscalls": [
                { "names": ["read"], "action": "SCMP_ACT_ALLOW", "comment": "" },
                { "names": ["mount"], "action": "SCMP_ACT_ALLOW", "includes": { "caps": ["CAP_SYS_ADMIN"] } },
                { "names": ["arch_prctl"], "action": "SCMP_ACT_ALLOW", "includes": { "arches": ["amd64", "x32"] } },
                { "names": ["clone3"], "action": "SCMP_ACT_ERRNO", "errnoRet": 38, "excludes": { "caps": ["CAP_SYS_ADMIN"] } }
              ]
            }
            """;
        var p = SeccompProfile.FromJson(docker);
        Assert.That(p.Architectures, Has.Count.EqualTo(3));
        Assert.That(p.Syscalls[1].IncludedCapabilities, Is.EqualTo(new[] { "CAP_SYS_ADMIN" }));
        Assert.That(p.Syscalls[2].IncludedArchitectures, Is.EqualTo(new[] { SeccompArchitecture.X86_64, SeccompArchitecture.X32 }));
        Assert.That(p.Explain(SeccompArchitecture.X86_64, "mount").Action, Is.EqualTo(SeccompAction.Errno));
        Assert.That(p.Explain(SeccompArchitecture.X86_64, "mount", capabilities: CapabilitySet.Of(Capability.SysAdmin)).Action, Is.EqualTo(SeccompAction.Allow));
    }

    private static IReadOnlyList<SpecError> ErrorsOf(string json) =>
        Assert.Throws<ContainerSpecException>(() => SeccompProfile.FromJson(json))!.Errors;

    [Test]
    public void An_unknown_action_is_reported_with_its_field()
    {
        var errors = ErrorsOf("""{ "defaultAction": "SCMP_ACT_MAYBE", "syscalls": [ { "names": ["read"], "action": "ALLOW" } ] }""");
        Assert.That(errors.Select(e => e.Field), Is.EquivalentTo(new[] { "defaultAction", "syscalls[0].action" }));
        Assert.That(errors[0].Message, Does.Contain("SCMP_ACT_MAYBE"));
    }

    [Test]
    public void Every_problem_is_listed_at_once()
    {
        var errors = ErrorsOf("""
            { "defaultAction": "SCMP_ACT_ALLOW", "architectures": ["SCMP_ARCH_VAX"], "flags": ["SECCOMP_FILTER_FLAG_FAST"],
              "syscalls": [
                { "names": ["read"], "action": "SCMP_ACT_ALLOW" },
                { "names": [], "action": "SCMP_ACT_ALLOW" },
                { "names": [""], "action": "SCMP_ACT_ALLOW" },
                { "names": ["write"], "action": "SCMP_ACT_ALLOW", "args": [ { "index": 7, "value": 1, "op": "SCMP_CMP_EQ" } ] },
                { "names": ["write"], "action": "SCMP_ACT_ALLOW", "args": [ { "index": 0, "value": 1, "op": "SCMP_CMP_ALMOST" } ] },
                { "names": ["write"], "action": "SCMP_ACT_ALLOW", "errnoRet": 5 },
                { "names": ["write"], "action": "SCMP_ACT_ERRNO", "errnoRet": 70000 }
              ] }
            """);
        Assert.That(errors.Select(e => e.ToString()), Is.EquivalentTo(new[]
        {
            "architectures[0]: unknown architecture 'SCMP_ARCH_VAX'",
            "flags[0]: unknown flag 'SECCOMP_FILTER_FLAG_FAST'",
            "syscalls[1].names: must name at least one system call",
            "syscalls[2].names[0]: is empty",
            "syscalls[3].args[0].index: 7 is out of range 0..5",
            "syscalls[4].args[0].op: unknown operator 'SCMP_CMP_ALMOST'",
            "syscalls[5].errnoRet: is only used with SCMP_ACT_ERRNO and SCMP_ACT_TRACE, not SCMP_ACT_ALLOW",
            "syscalls[6].errnoRet: 70000 is out of range 0..4095",
        }));
    }

    [Test]
    public void A_negative_index_and_a_missing_default_action_are_reported()
    {
        var errors = ErrorsOf("""{ "syscalls": [ { "names": ["read"], "action": "SCMP_ACT_ALLOW", "args": [ { "index": -1, "op": "SCMP_CMP_EQ" } ] } ] }""");
        Assert.That(errors.Select(e => e.ToString()), Is.EquivalentTo(new[]
        {
            "defaultAction: is required",
            "syscalls[0].args[0].index: -1 is out of range 0..5",
        }));
    }

    [Test]
    public void Errors_carry_the_field_the_profile_sits_in()
    {
        var e = Assert.Throws<ContainerSpecException>(() => SeccompProfile.FromJson(
            """{ "defaultAction": "SCMP_ACT_ALLOW", "syscalls": [ { "names": ["read"], "action": "SCMP_ACT_MAYBE" } ] }""", "linux.seccomp"))!;
        Assert.That(e.Errors.Single().Field, Is.EqualTo("linux.seccomp.syscalls[0].action"));
        var json = Assert.Throws<ContainerSpecException>(() => SeccompProfile.FromJson("""{ "defaultAction": 3 }""", "linux.seccomp"))!;
        Assert.That(json.Errors.Single().Field, Is.EqualTo("linux.seccomp.defaultAction"));
        var broken = Assert.Throws<ContainerSpecException>(() => SeccompProfile.FromJson("{", "linux.seccomp"))!;
        Assert.That(broken.Errors.Single().Field, Does.StartWith("linux.seccomp"));
    }

    [Test]
    public void Malformed_JSON_names_the_place()
    {
        var errors = ErrorsOf("""{ "defaultAction": "SCMP_ACT_ALLOW", "syscalls": [ { "names": ["read"], "action": "SCMP_ACT_ALLOW", "args": [ { "index": 0, "value": "one" } ] } ] }""");
        Assert.That(errors.Single().Field, Is.EqualTo("syscalls[0].args[0].value"));
    }

    [Test]
    public void Notify_as_the_default_action_is_refused()
    {
        var errors = ErrorsOf("""{ "defaultAction": "SCMP_ACT_NOTIFY" }""");
        Assert.That(errors.Single().Field, Is.EqualTo("defaultAction"));
    }

    [Test]
    public void A_name_unknown_on_every_architecture_is_an_error_naming_the_rule()
    {
        var p = SeccompProfile.FromJson("""
            { "defaultAction": "SCMP_ACT_ERRNO", "architectures": ["SCMP_ARCH_X86_64"],
              "syscalls": [ { "names": ["read", "frobnicate"], "action": "SCMP_ACT_ALLOW" } ] }
            """);
        var e = Assert.Throws<ContainerSpecException>(() => SeccompCompiler.Compile(p, CapabilitySet.Empty, SeccompArchitecture.X86_64))!;
        Assert.That(e.Errors.Single().Field, Is.EqualTo("syscalls[0].names[1]"));
        Assert.That(e.Errors.Single().Message, Does.Contain("frobnicate"));
    }

    [Test]
    public void A_name_unknown_on_one_architecture_is_skipped_there()
    {
        // chown32 exists on x86 only; mmap2 on x86 and arm.
        var p = SeccompProfile.Create(SeccompAction.Errno).WithArchitectures(SeccompArchitecture.X86_64, SeccompArchitecture.X86).Allow("chown32", "read");
        var f = SeccompCompiler.Compile(p, CapabilitySet.Empty, SeccompArchitecture.X86_64);
        Assert.That(SeccompTestKit.Run(f, SeccompArchitecture.X86, "chown32"), Is.EqualTo(SeccompTestKit.Allow));
        Assert.That(SeccompTestKit.Run(f, SeccompArchitecture.X86_64, "read"), Is.EqualTo(SeccompTestKit.Allow));
    }
}
