using Containment.IntegrationTests.Support;
using Containment.Launch;

namespace Containment.IntegrationTests.Fuzz;

/// <summary>
/// The executor checks a whole plan before it performs any of it: a plan with one malformed op is refused with
/// EBADMSG before the clone, so none of its well-formed ops (here, a write to a host file) ever runs.
/// </summary>
public class MalformedPlanTests
{
    private const ulong CLONE_NEWNS = 0x20000, CLONE_NEWPID = 0x20000000;
    private const int EBADMSG = 74;

    /// <summary>What is wrong with the plan.</summary>
    public enum Defect
    {
        TruncatedPayload,
        TrailingBytes,
        UnknownOp,
        RetiredOp,
        DescriptorIndexBeyondThoseSent,
        StringWithoutNul,
        EmptyExecCandidates,
        ChildOpBeforeTheClone,
        SecondClone,
    }

    private static byte[] Plan(Defect defect, string marker)
    {
        var w = new PlanWriter();
        if (defect == Defect.ChildOpBeforeTheClone)
            w.Begin(PlanOp.Umask).U32(0).End();
        w.Begin(PlanOp.Clone).U64(CLONE_NEWNS | CLONE_NEWPID).I32(-1).U32(0).End();
        w.Begin(PlanOp.Release).End();
        w.Begin(PlanOp.WaitRelease).End();
        // A step with a visible effect: the link appears if any op of the plan runs.
        w.Begin(PlanOp.OpenRoot).Str(Path.GetDirectoryName(marker)!).End();
        w.Begin(PlanOp.Symlink).Str("performed").Str("/" + Path.GetFileName(marker)).End();
        switch (defect)
        {
            case Defect.TruncatedPayload:
                w.Begin(PlanOp.Mknod).Str("/dev/x").U32(0x21b6).End();
                break;
            case Defect.TrailingBytes:
                w.Begin(PlanOp.Umask).U32(0x12).U32(0).End();
                break;
            case Defect.UnknownOp:
                w.Begin((PlanOp)77).End();
                break;
            case Defect.RetiredOp:
                // 45 was OP_UMOUNT (str path, u32 flags), never emitted and removed: well formed, but no longer an op.
                w.Begin((PlanOp)45).Str("/").U32(2).End();
                break;
            case Defect.DescriptorIndexBeyondThoseSent:
                w.Begin(PlanOp.WaitFifo).U32(0).End();
                break;
            case Defect.StringWithoutNul:
                w.Begin(PlanOp.Chdir).U32(2).Bytes("/x"u8).End();
                break;
            case Defect.EmptyExecCandidates:
                w.Begin(PlanOp.Exec).StrV([]).StrV(["true"]).StrV([]).End();
                break;
            case Defect.SecondClone:
                w.Begin(PlanOp.Clone).U64(0).I32(-1).U32(0).End();
                break;
        }
        w.Begin(PlanOp.Exec).StrV(["/nonexistent/true"]).StrV(["true"]).StrV([]).End();
        return w.ToArray();
    }

    [TestCase(Defect.TruncatedPayload)]
    [TestCase(Defect.TrailingBytes)]
    [TestCase(Defect.UnknownOp)]
    [TestCase(Defect.RetiredOp)]
    [TestCase(Defect.DescriptorIndexBeyondThoseSent)]
    [TestCase(Defect.StringWithoutNul)]
    [TestCase(Defect.EmptyExecCandidates)]
    [TestCase(Defect.ChildOpBeforeTheClone)]
    [TestCase(Defect.SecondClone)]
    public async Task A_plan_with_one_malformed_op_is_refused_before_any_op_is_performed(Defect defect)
    {
        var dir = Directory.CreateTempSubdirectory("malformed-plan-");
        var marker = Path.Combine(dir.FullName, "marker");
        _ = ExecutorImage.Path; // loaded once per process: its memfd stays open, and is no leak of this test
        var before = HostSnapshot.TakeSettled();
        try
        {
            var messages = new List<ExecutorMessage>();
            using (var channel = ExecutorChannel.Start(Plan(defect, marker), []))
            {
                using var cts = new CancellationTokenSource(TimeSpan.FromMinutes(1));
                while (await channel.ReceiveAsync(cts.Token) is var (message, fd))
                {
                    fd?.Dispose();
                    messages.Add(message);
                }
                channel.Reap();
            }
            Assert.That(messages, Is.EqualTo(new[] { new ExecutorMessage(MessageKind.Error, -1, EBADMSG, 0) }),
                "one error for the whole plan, and no child (no pid)");
            Assert.That(new FileInfo(marker).LinkTarget, Is.Null, "no op of the plan ran");
        }
        finally
        {
            dir.Delete(recursive: true);
        }
        await HostSnapshot.AssertUnchangedSince(before);
    }
}
