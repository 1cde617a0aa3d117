using System.Buffers.Binary;
using Containment.Launch;

namespace Containment.Tests.Launch;

public class PlanWriterTests
{
    [Test]
    public void A_plan_starts_with_magic_version_and_op_count()
    {
        var w = new PlanWriter();
        w.Begin(PlanOp.Chdir).Str("/").End();
        w.Begin(PlanOp.Umask).U32(18).End();
        var bytes = w.ToArray();
        Assert.That(BinaryPrimitives.ReadUInt32LittleEndian(bytes), Is.EqualTo(0x4c505443u));
        Assert.That(BinaryPrimitives.ReadUInt32LittleEndian(bytes.AsSpan(4)), Is.EqualTo(1u));
        Assert.That(BinaryPrimitives.ReadUInt32LittleEndian(bytes.AsSpan(8)), Is.EqualTo(2u));
    }

    [Test]
    public void Each_op_carries_its_code_and_payload_length()
    {
        var w = new PlanWriter();
        w.Begin(PlanOp.Chdir).Str("/ab").End();
        var bytes = w.ToArray();
        Assert.That(BinaryPrimitives.ReadUInt32LittleEndian(bytes.AsSpan(12)), Is.EqualTo((uint)PlanOp.Chdir));
        Assert.That(BinaryPrimitives.ReadUInt32LittleEndian(bytes.AsSpan(16)), Is.EqualTo(8u), "u32 length + 3 bytes + NUL");
        Assert.That(BinaryPrimitives.ReadUInt32LittleEndian(bytes.AsSpan(20)), Is.EqualTo(4u));
        Assert.That(bytes.AsSpan(24, 4).ToArray(), Is.EqualTo("/ab\0"u8.ToArray()));
        Assert.That(bytes, Has.Length.EqualTo(28));
    }

    [Test]
    public void String_vectors_are_a_count_then_strings()
    {
        var w = new PlanWriter();
        w.Begin(PlanOp.Exec).StrV(["a", "bc"]).End();
        var payload = w.ToArray().AsSpan(20);
        Assert.That(BinaryPrimitives.ReadUInt32LittleEndian(payload), Is.EqualTo(2u));
        Assert.That(BinaryPrimitives.ReadUInt32LittleEndian(payload[4..]), Is.EqualTo(2u));
        Assert.That(BinaryPrimitives.ReadUInt32LittleEndian(payload[10..]), Is.EqualTo(3u));
    }

    [Test]
    public void A_string_with_NUL_is_refused()
    {
        var w = new PlanWriter();
        Assert.Throws<ArgumentException>(() => w.Begin(PlanOp.Chdir).Str("a\0b"));
    }

    [Test]
    public void An_unended_op_cannot_be_encoded()
    {
        var w = new PlanWriter();
        w.Begin(PlanOp.Chdir).Str("/");
        Assert.Throws<InvalidOperationException>(() => w.ToArray());
    }
}
