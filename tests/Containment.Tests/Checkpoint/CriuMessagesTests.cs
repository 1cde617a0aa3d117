using Containment.Checkpoint;

namespace Containment.Tests.Checkpoint;

/// <summary>The hand-written protobuf codec for CRIU's rpc.proto: bytes as protoc's encoder writes them.</summary>
public class CriuMessagesTests
{
    [Test]
    public void A_dump_request_is_encoded_field_by_field_as_protobuf_does()
    {
        var options = new CriuOptions { ImagesDirFd = 7, Pid = 300, LeaveRunning = true, LogFile = "d", NotifyScripts = false, LogLevel = 4 };
        var bytes = CriuRequest.Create(CriuRequestType.Dump, options);
        byte[] opts = [0x08, 7, 0x10, 0xAC, 0x02, 0x18, 1, 0x48, 4, 0x52, 1, (byte)'d'];
        Assert.That(bytes, Is.EqualTo((byte[])[0x08, 1, 0x12, (byte)opts.Length, .. opts]));
    }

    [Test]
    public void A_negative_int32_takes_ten_bytes_and_repeated_messages_nest()
    {
        var bytes = new CriuOptions { ImagesDirFd = -1, LogLevel = 0, NotifyScripts = false, InheritFds = [("pipe:[5]", 1)] }.Encode().ToArray();
        Assert.That(bytes[..11], Is.EqualTo((byte[])[0x08, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0x01]));
        byte[] inherit = [0x0A, 8, .. "pipe:[5]"u8.ToArray(), 0x10, 1];
        Assert.That(bytes[^(inherit.Length + 3)..], Is.EqualTo((byte[])[0xDA, 0x01, (byte)inherit.Length, .. inherit]), "field 27, length-delimited");
    }

    [Test]
    public void A_restore_response_gives_the_pid_and_unknown_fields_are_skipped()
    {
        // type RESTORE, success, restore { pid 4242 }, an unknown fixed32 field 99, cr_errmsg "x"
        byte[] bytes = [0x08, 2, 0x10, 1, 0x22, 3, 0x08, 0x92, 0x21, 0x9D, 0x06, 1, 2, 3, 4, 0x4A, 1, (byte)'x'];
        var r = CriuResponse.Parse(bytes);
        Assert.That((r.Type, r.Success, r.RestoredPid, r.ErrorMessage), Is.EqualTo((CriuRequestType.Restore, true, (int?)4242, "x")));
    }

    [Test]
    public void A_notification_names_its_script()
    {
        byte[] bytes = [0x08, 6, 0x10, 1, 0x2A, 14, 0x0A, 12, .. "post-restore"u8.ToArray()];
        var r = CriuResponse.Parse(bytes);
        Assert.That((r.Type, r.NotifyScript), Is.EqualTo((CriuRequestType.Notify, "post-restore")));
    }

    [Test]
    public void A_truncated_message_is_refused()
    {
        byte[] bytes = [0x08, 2, 0x4A, 5, (byte)'x'];
        Assert.Throws<InvalidDataException>(() => CriuResponse.Parse(bytes));
    }
}
