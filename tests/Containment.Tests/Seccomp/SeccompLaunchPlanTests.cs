using Containment.Capabilities;
using Containment.Launch;
using Containment.Seccomp;
using Microsoft.Extensions.Logging;

namespace Containment.Tests.Seccomp;

/// <summary>Where the filter goes in a launch plan, what it is compiled against, and the flags a kernel gets.</summary>
public class SeccompLaunchPlanTests
{
    private static readonly ContainerSpec Spec = ContainerSpec.FromRootfs("/srv/rootfs").WithProcess(p => p.Args("sh"));

    private static readonly SeccompKernelSupport Everything = SeccompKernelSupport.Everything;

    private static List<string> Steps(ContainerSpec spec, LaunchInputs? inputs = null)
    {
        inputs ??= new LaunchInputs();
        inputs.Seccomp ??= SeccompPlanner.Compile(spec, Everything, null);
        return PlanCompiler.Compile(spec, inputs).Steps.Select(s => s.ToString()).ToList();
    }

    private static int Index(List<string> steps, string prefix) => steps.FindIndex(s => s.StartsWith(prefix, StringComparison.Ordinal));

    [Test]
    public void Every_container_gets_the_default_profile()
    {
        Assert.That(Spec.Seccomp, Is.SameAs(SeccompProfile.Default));
        Assert.That(Steps(Spec), Has.Exactly(1).StartsWith("seccomp(filter of "));
    }

    [Test]
    public void An_unconfined_container_loads_no_filter() =>
        Assert.That(Steps(Spec.WithSeccomp(null)), Has.None.StartsWith("seccomp("));

    private const ulong SysAdmin = 1UL << 21;

    private static ulong CapsetMask(List<string> steps, string set)
    {
        var capset = steps.Single(s => s.StartsWith("capset(", StringComparison.Ordinal));
        var value = capset[(capset.IndexOf(set + " ", StringComparison.Ordinal) + set.Length + 1)..].Split(',', ')')[0];
        return Convert.ToUInt64(value, 16);
    }

    [TestCase(false)]
    [TestCase(true)]
    public void The_filter_is_the_last_step_before_execve(bool noNewPrivileges)
    {
        var spec = Spec.WithProcess(p => p.User(1000, 1000));
        var steps = Steps(noNewPrivileges ? spec.WithProcess(p => p.NoNewPrivileges()) : spec);
        var seccomp = Index(steps, "seccomp(");
        Assert.That(seccomp, Is.EqualTo(Index(steps, "execve(") - 1), string.Join("\n", steps));
        Assert.That(seccomp, Is.EqualTo(Index(steps, "close_range(") + 1));
        Assert.That(seccomp, Is.GreaterThan(Index(steps, "capset(")));
        Assert.That(seccomp, Is.GreaterThan(Index(steps, "setresuid(1000)")));
    }

    [Test]
    public void Without_no_new_privs_CAP_SYS_ADMIN_stays_effective_for_the_filter_and_only_then()
    {
        Assert.That(Spec.Process.Capabilities.Permitted.Contains(Capability.SysAdmin), Is.False, "the default set has no CAP_SYS_ADMIN");
        var steps = Steps(Spec.WithProcess(p => p.User(1000, 1000)));
        Assert.That(CapsetMask(steps, "effective") & SysAdmin, Is.EqualTo(SysAdmin), string.Join("\n", steps));
        Assert.That(CapsetMask(steps, "permitted") & SysAdmin, Is.EqualTo(SysAdmin));
        Assert.That(CapsetMask(steps, "ambient") & SysAdmin, Is.Zero, "the exec drops it: never ambient");
        Assert.That(CapsetMask(Steps(Spec.WithProcess(p => p.NoNewPrivileges())), "effective") & SysAdmin, Is.Zero, "no_new_privs needs none");
        Assert.That(CapsetMask(Steps(Spec.WithSeccomp(null)), "effective") & SysAdmin, Is.Zero, "no filter needs none");
    }

    [Test]
    public void With_a_start_fifo_the_ready_report_and_the_wait_come_before_the_filter()
    {
        using var fifo = File.OpenHandle("/dev/null");
        var steps = Steps(Spec, new LaunchInputs { StartFifo = fifo, StartFifoPath = "exec.fifo" });
        var seccomp = Index(steps, "seccomp(");
        Assert.That(seccomp, Is.GreaterThan(steps.IndexOf("send(ready)")), string.Join("\n", steps));
        Assert.That(seccomp, Is.GreaterThan(steps.IndexOf("open(exec.fifo)")));
        Assert.That(seccomp, Is.EqualTo(Index(steps, "execve(") - 1));
    }

    [Test]
    public void A_filter_with_a_notify_listener_is_loaded_before_the_ready_report()
    {
        using var fifo = File.OpenHandle("/dev/null");
        var steps = Steps(Spec.WithSeccompRules(p => p.Notify("mkdir")), new LaunchInputs { StartFifo = fifo, StartFifoPath = "exec.fifo" });
        var seccomp = Index(steps, "seccomp(");
        Assert.That(seccomp, Is.EqualTo(steps.IndexOf("send(ready)") - 1), string.Join("\n", steps));
        Assert.That(seccomp, Is.EqualTo(Index(steps, "close_range(") + 1));
    }

    [Test]
    public void The_profile_is_resolved_against_the_bounding_set()
    {
        // CAP_SYS_ADMIN bounding only: an exec of a file with capabilities can make it effective, so mount is allowed.
        var spec = Spec.WithCapabilities(c => c.SetBounding(CapabilitySet.Default.Add(Capability.SysAdmin)));
        var load = SeccompPlanner.Compile(spec, Everything, null)!;
        var nr = (uint)SeccompTestKit.Nr(ArchitectureInfo.Native, "mount");
        var arch = ArchitectureInfo.Get(ArchitectureInfo.Native).AuditArch;
        Assert.That(SeccompTestKit.RunNr(load.Filter, arch, nr), Is.EqualTo(SeccompTestKit.Allow));
        var plain = SeccompPlanner.Compile(Spec, Everything, null)!;
        Assert.That(SeccompTestKit.RunNr(plain.Filter, arch, nr), Is.EqualTo(SeccompTestKit.EPERM));
    }

    [Test]
    public void The_compiled_filter_is_reused_for_the_same_profile_and_capabilities()
    {
        var a = SeccompPlanner.Compile(Spec, Everything, null)!;
        var b = SeccompPlanner.Compile(Spec.WithHostname("other"), Everything, null)!;
        var c = SeccompPlanner.Compile(Spec.WithCapabilities(x => x.Add(Capability.SysAdmin)), Everything, null)!;
        Assert.That(b.Filter, Is.SameAs(a.Filter));
        Assert.That(c.Filter, Is.Not.SameAs(a.Filter));
    }

    [Test]
    public void Notify_rules_ask_for_a_listener()
    {
        var load = SeccompPlanner.Compile(Spec.WithSeccompRules(p => p.Notify("mkdir")), Everything, null)!;
        Assert.That(load.ReturnsListener, Is.True);
        Assert.That(SeccompPlanner.Compile(Spec, Everything, null)!.ReturnsListener, Is.False);
    }

    [Test]
    public void Seccomp_errors_are_named_in_spec_validation()
    {
        var spec = Spec.WithSeccomp(SeccompProfile.Create(SeccompAction.Notify));
        Assert.That(spec.Validate().Select(e => e.Field), Does.Contain("seccomp.defaultAction"));
    }

    [Test]
    public void Changing_the_profile_of_an_unconfined_container_starts_from_allowing_everything()
    {
        var spec = Spec.WithSeccomp(null).WithSeccompRules(p => p.Deny("ptrace"));
        Assert.That(spec.Seccomp!.DefaultAction, Is.EqualTo(SeccompAction.Allow));
        Assert.That(spec.Seccomp.Explain("ptrace").Action, Is.EqualTo(SeccompAction.Errno));
    }

    private static SeccompKernelSupport Kernel(SeccompFilterFlags flags, params SeccompAction[] missing) =>
        Everything with { Flags = flags, Actions = Enum.GetValues<SeccompAction>().Except(missing).ToHashSet() };

    [Test]
    public void A_kernel_without_seccomp_refuses_a_profile_but_runs_an_unconfined_container()
    {
        var none = new SeccompKernelSupport(false, SeccompFilterFlags.None, new HashSet<SeccompAction>());
        var e = Assert.Throws<ContainerSpecException>(() => SeccompPlanner.Compile(Spec, none, null))!;
        Assert.That(e.Message, Does.Contain("WithSeccomp(null)"));
        Assert.That(SeccompPlanner.Compile(Spec.WithSeccomp(null), none, null), Is.Null);
    }

    [Test]
    public void Flags_a_kernel_lacks_are_dropped_with_a_warning()
    {
        var logger = new ListLogger();
        var requested = SeccompFilterFlags.Log | SeccompFilterFlags.SpecAllow | SeccompFilterFlags.Tsync;
        var fitted = SeccompPlanner.FitFlags(requested, Kernel(SeccompFilterFlags.Tsync | SeccompFilterFlags.Log), logger);
        Assert.That(fitted, Is.EqualTo(SeccompFilterFlags.Tsync | SeccompFilterFlags.Log));
        Assert.That(logger.Lines, Has.One.Contains("SECCOMP_FILTER_FLAG_SPEC_ALLOW"));
    }

    [Test]
    public void A_kernel_without_listeners_refuses_notify_rules()
    {
        var e = Assert.Throws<ContainerSpecException>(() =>
            SeccompPlanner.FitFlags(SeccompFilterFlags.NewListener, Kernel(SeccompFilterFlags.Tsync), null))!;
        Assert.That(e.Errors.Single().Message, Does.Contain("SECCOMP_FILTER_FLAG_NEW_LISTENER (Linux 5.0)"));
    }

    [Test]
    public void Wait_killable_recv_is_kept_with_a_listener_and_dropped_without_one()
    {
        var all = Everything.Flags;
        Assert.That(SeccompPlanner.FitFlags(SeccompFilterFlags.WaitKillableRecv | SeccompFilterFlags.NewListener, Kernel(all), null),
            Is.EqualTo(SeccompFilterFlags.WaitKillableRecv | SeccompFilterFlags.NewListener));
        Assert.That(SeccompPlanner.FitFlags(SeccompFilterFlags.WaitKillableRecv, Kernel(all), null), Is.EqualTo(SeccompFilterFlags.None));
        Assert.That(SeccompPlanner.FitFlags(SeccompFilterFlags.WaitKillableRecv | SeccompFilterFlags.NewListener,
            Kernel(all & ~SeccompFilterFlags.WaitKillableRecv), null), Is.EqualTo(SeccompFilterFlags.NewListener));
    }

    [Test]
    public void Tsync_with_a_listener_is_dropped_when_the_kernel_lacks_tsync_esrch()
    {
        var requested = SeccompFilterFlags.Tsync | SeccompFilterFlags.TsyncEsrch | SeccompFilterFlags.NewListener;
        Assert.That(SeccompPlanner.FitFlags(requested, Kernel(Everything.Flags & ~SeccompFilterFlags.TsyncEsrch), null),
            Is.EqualTo(SeccompFilterFlags.NewListener));
        Assert.That(SeccompPlanner.FitFlags(requested, Kernel(Everything.Flags), null), Is.EqualTo(requested));
    }

    [Test]
    public void An_action_the_kernel_lacks_is_refused()
    {
        var e = Assert.Throws<ContainerSpecException>(() =>
            SeccompPlanner.Compile(Spec.WithSeccompRules(p => p.Log("getpid")), Kernel(Everything.Flags, SeccompAction.Log), null))!;
        Assert.That(e.Errors.Single().Message, Does.Contain("SCMP_ACT_LOG"));
    }

    [Test]
    public void The_running_kernel_is_probed_without_installing_a_filter()
    {
        static string Filters() => File.ReadAllLines("/proc/self/status").Single(l => l.StartsWith("Seccomp_filters:", StringComparison.Ordinal));
        var before = Filters();
        var kernel = SeccompKernelSupport.Probe();
        Assert.That(kernel.Available, Is.True);
        Assert.That(kernel.Actions, Does.Contain(SeccompAction.Allow).And.Contain(SeccompAction.Errno));
        Assert.That(kernel.Flags & SeccompFilterFlags.Tsync, Is.EqualTo(SeccompFilterFlags.Tsync));
        Assert.That(Filters(), Is.EqualTo(before));
    }

    private sealed class ListLogger : ILogger
    {
        public List<string> Lines { get; } = [];

        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
            Lines.Add(formatter(state, exception));
    }
}
