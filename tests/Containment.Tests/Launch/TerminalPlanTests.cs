using Containment.Launch;

namespace Containment.Tests.Launch;

public class TerminalPlanTests
{
    private static List<string> Steps(ContainerSpec spec) =>
        PlanCompiler.Compile(spec, new LaunchInputs()).Steps.Select(s => s.ToString()).ToList();

    private static readonly ContainerSpec Spec = ContainerSpec.FromRootfs("/srv/rootfs").WithProcess(p => p.Args("sh").Terminal(80, 24));

    private const string TerminalStep = "open(/dev/pts/ptmx: the terminal (setsid, TIOCSCTTY, /dev/console))";

    [Test]
    public void The_terminal_is_opened_inside_the_root_before_the_paths_are_protected_and_the_user_switches()
    {
        var steps = Steps(Spec.WithProcess(p => p.User(1000, 1000)).WithReadOnlyRootfs());
        var terminal = steps.IndexOf(TerminalStep);
        Assert.That(terminal, Is.GreaterThan(steps.IndexOf("pivot_root(/srv/rootfs)")), "the container's devpts, not the host's");
        Assert.That(terminal, Is.LessThan(steps.FindIndex(s => s.StartsWith("mount(read-only "))), "before /proc/sys goes read-only");
        Assert.That(terminal, Is.LessThan(steps.FindIndex(s => s.StartsWith("mount_setattr(/)"))), "before the root goes read-only");
        Assert.That(terminal, Is.LessThan(steps.FindIndex(s => s.StartsWith("setresuid("))), "while it may still mount /dev/console");
        Assert.That(terminal, Is.LessThan(steps.IndexOf("dup2(standard streams)")));
    }

    [Test]
    public void Without_a_terminal_there_is_no_terminal_step()
    {
        Assert.That(Steps(Spec.WithProcess(p => p.NoTerminal())).Where(s => s.Contains("the terminal")), Is.Empty);
    }

    [Test]
    public void A_process_joining_a_container_gets_a_terminal_but_no_console_mount()
    {
        var steps = Steps(ContainerSpec.JoinRunning(Environment.ProcessId).WithProcess(p => p.Args("sh").Terminal()));
        Assert.That(steps, Does.Contain("open(/dev/pts/ptmx: the terminal (setsid, TIOCSCTTY))"));
    }

    [Test]
    public void The_terminal_step_carries_the_size_the_owner_and_the_console_flag()
    {
        var plan = PlanCompiler.Compile(Spec.WithProcess(p => p.User(1000, 5)), new LaunchInputs());
        var bytes = plan.Encode();
        // u32 columns, u32 rows, u32 uid, u32 flags, little-endian, in that order somewhere in the plan.
        var expected = new byte[] { 80, 0, 0, 0, 24, 0, 0, 0, 0xe8, 0x03, 0, 0, 1, 0, 0, 0 };
        Assert.That(bytes.AsSpan().IndexOf(expected), Is.GreaterThan(0));
        var root = PlanCompiler.Compile(Spec, new LaunchInputs()).Encode();
        Assert.That(root.AsSpan().IndexOf(new byte[] { 80, 0, 0, 0, 24, 0, 0, 0, 0xff, 0xff, 0xff, 0xff, 1, 0, 0, 0 }), Is.GreaterThan(0), "root keeps the owner");
    }
}
