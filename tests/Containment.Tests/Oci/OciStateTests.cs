using Containment.Oci;

namespace Containment.Tests.Oci;

public class OciStateTests
{
    [Test]
    public void A_runc_state_document_parses()
    {
        const string json = """
            {"ociVersion":"1.2.1","id":"web","status":"running","pid":4242,"bundle":"/srv/bundles/web",
             "annotations":{"a":"b"},"rootfs":"/srv/bundles/web/rootfs","created":"2025-01-01T00:00:00Z","owner":""}
            """;

        var state = OciState.Parse(json);

        Assert.That(state, Is.EqualTo(new OciState
        {
            OciVersion = "1.2.1", Id = "web", Status = OciStatus.Running, Pid = 4242, Bundle = "/srv/bundles/web",
            Annotations = new Dictionary<string, string> { ["a"] = "b" },
        }));
    }

    [TestCase(OciStatus.Creating, "creating")]
    [TestCase(OciStatus.Created, "created")]
    [TestCase(OciStatus.Running, "running")]
    [TestCase(OciStatus.Paused, "paused")]
    [TestCase(OciStatus.Stopped, "stopped")]
    public void Statuses_are_written_as_the_specification_spells_them(object boxed, string text) // object: OciStatus is internal
    {
        var status = (OciStatus)boxed;
        var json = new OciState { Id = "x", Status = status, Bundle = "/b" }.ToJson();

        Assert.That(json, Does.Contain($"\"status\": \"{text}\""));
        Assert.That(OciState.Parse(json).Status, Is.EqualTo(status));
    }

    [Test]
    public void An_unknown_status_is_a_parse_error_naming_the_field()
    {
        var e = Assert.Throws<OciConfigException>(() => OciState.Parse("""{"id":"x","status":"exploded","bundle":"/b"}"""))!;

        Assert.That(e.JsonPath, Is.EqualTo("status"));
    }

    [Test]
    public void The_stat_line_is_read_past_a_command_name_with_spaces_and_parentheses()
    {
        const string line = "4242 (my (odd) name) S 1 4242 4242 0 -1 4194560 1 0 0 0 0 0 0 0 20 0 1 0 987654 1000 100";

        Assert.That(ProcStat.Parse(line), Is.EqualTo(new ProcStat('S', 987654)));
        Assert.That(ProcStat.Parse("4242 (short) S 1 2"), Is.Null);
        Assert.That(ProcStat.Parse("garbage"), Is.Null);
    }

    [Test]
    public void The_start_time_of_this_process_is_stable()
    {
        var first = ProcessIdentity.Of(Environment.ProcessId);
        var second = ProcessIdentity.Of(Environment.ProcessId);

        Assert.That(first, Is.Not.Null);
        Assert.That(first!.Value.StartTime, Is.GreaterThan(0));
        Assert.That(second, Is.EqualTo(first));
        Assert.That(first.Value.IsAlive(), Is.True);
        Assert.That(ProcessIdentity.Of(0), Is.Null);
    }
}
