using Containment.IntegrationTests.Support;
using Containment.Launch;

namespace Containment.IntegrationTests.Landlock;

/// <summary>
/// validate.c knows the Landlock ops' layouts: a plan with a malformed one is refused as a whole with EBADMSG before
/// the clone, so none of its ops (here, a symlink on the host) runs; well-formed ones pass and run.
/// </summary>
public class LandlockPlanValidationTests
{
    private const ulong CLONE_NEWNS = 0x20000;
    private const int EBADMSG = 74;

    public enum Defect
    {
        None,
        RulesetWithoutNetworkRights,
        PathWithoutAccess,
        PortWithTrailingBytes,
        RestrictWithPayload,
    }

    private static byte[] Plan(Defect defect, string marker)
    {
        var w = new PlanWriter();
        w.Begin(PlanOp.Clone).U64(CLONE_NEWNS).I32(-1).U32(0).End();
        w.Begin(PlanOp.Release).End();
        w.Begin(PlanOp.WaitRelease).End();
        w.Begin(PlanOp.OpenRoot).Str(Path.GetDirectoryName(marker)!).End();
        w.Begin(PlanOp.Symlink).Str("performed").Str("/" + Path.GetFileName(marker)).End();
        switch (defect)
        {
            case Defect.None:
                w.Begin(PlanOp.LandlockRuleset).U64(0xffff).U64(2).End();
                w.Begin(PlanOp.LandlockPath).Str("/").U64(0xffff).End();
                w.Begin(PlanOp.LandlockPort).U64(443).U64(2).End();
                w.Begin(PlanOp.LandlockRestrict).End();
                break;
            case Defect.RulesetWithoutNetworkRights:
                w.Begin(PlanOp.LandlockRuleset).U64(0xffff).End();
                break;
            case Defect.PathWithoutAccess:
                w.Begin(PlanOp.LandlockRuleset).U64(0xffff).U64(0).End();
                w.Begin(PlanOp.LandlockPath).Str("/usr").End();
                break;
            case Defect.PortWithTrailingBytes:
                w.Begin(PlanOp.LandlockRuleset).U64(0xffff).U64(2).End();
                w.Begin(PlanOp.LandlockPort).U64(443).U64(2).U32(0).End();
                break;
            case Defect.RestrictWithPayload:
                w.Begin(PlanOp.LandlockRuleset).U64(0xffff).U64(0).End();
                w.Begin(PlanOp.LandlockRestrict).U32(1).End();
                break;
        }
        w.Begin(PlanOp.Exec).StrV(["/nonexistent/true"]).StrV(["true"]).StrV([]).End();
        return w.ToArray();
    }

    [Test]
    public async Task Well_formed_Landlock_ops_pass_validation_and_run_up_to_the_exec()
    {
        LandlockTests.RequireLandlock();
        var dir = Directory.CreateTempSubdirectory("landlock-plan-");
        var marker = Path.Combine(dir.FullName, "marker");
        try
        {
            var messages = await Messages(Plan(Defect.None, marker));
            Assert.That(new FileInfo(marker).LinkTarget, Is.EqualTo("performed"), "the plan ran");
            Assert.That(messages.Where(m => m.Kind == MessageKind.Error), Is.EqualTo(new[] { new ExecutorMessage(MessageKind.Error, 9, 2, 0) }),
                "the only failure is the exec of /nonexistent/true (ENOENT), after the four Landlock steps");
        }
        finally
        {
            dir.Delete(recursive: true);
        }
    }

    private static async Task<List<ExecutorMessage>> Messages(byte[] plan)
    {
        var messages = new List<ExecutorMessage>();
        using var channel = ExecutorChannel.Start(plan, []);
        using var cts = new CancellationTokenSource(TimeSpan.FromMinutes(1));
        while (await channel.ReceiveAsync(cts.Token) is var (message, fd))
        {
            fd?.Dispose();
            messages.Add(message);
        }
        channel.Reap();
        return messages;
    }

    [TestCase(Defect.RulesetWithoutNetworkRights)]
    [TestCase(Defect.PathWithoutAccess)]
    [TestCase(Defect.PortWithTrailingBytes)]
    [TestCase(Defect.RestrictWithPayload)]
    public async Task A_malformed_Landlock_op_is_refused_before_any_op_is_performed(Defect defect)
    {
        var dir = Directory.CreateTempSubdirectory("landlock-plan-");
        var marker = Path.Combine(dir.FullName, "marker");
        try
        {
            var messages = await Messages(Plan(defect, marker));
            Assert.That(messages, Is.EqualTo(new[] { new ExecutorMessage(MessageKind.Error, -1, EBADMSG, 0) }));
            Assert.That(new FileInfo(marker).LinkTarget, Is.Null, "no op of the plan ran");
        }
        finally
        {
            dir.Delete(recursive: true);
        }
    }
}
