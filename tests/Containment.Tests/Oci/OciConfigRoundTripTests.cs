using System.Text.Json.Nodes;
using Containment.Oci;

namespace Containment.Tests.Oci;

public class OciConfigRoundTripTests
{
    private static readonly string[] Documents = ["runc-spec.json", "runc-spec-rootless.json", "podman.json", "podman-default.json", "containerd.json", "every-field.json"];

    [TestCaseSource(nameof(Documents))]
    public void Writing_a_parsed_document_loses_no_field(string name)
    {
        var input = OciTestData.Read(name);

        var output = OciConfig.Parse(input).ToJson();

        var difference = OciTestData.FirstDifference(
            OciTestData.Normalize(JsonNode.Parse(input)), OciTestData.Normalize(JsonNode.Parse(output)));
        Assert.That(difference, Is.Null, output);
    }

    [TestCaseSource(nameof(Documents))]
    public void Parsing_the_written_document_gives_the_same_model(string name)
    {
        var first = OciConfig.Load(OciTestData.PathOf(name));

        var second = OciConfig.Parse(first.ToJson());

        Assert.That(second, Is.EqualTo(first));
        Assert.That(second.GetHashCode(), Is.EqualTo(first.GetHashCode()));
        Assert.That(second.ToJson(), Is.EqualTo(first.ToJson()));
    }

    [TestCaseSource(nameof(Documents))]
    public void Real_documents_are_valid(string name)
    {
        var config = OciConfig.Load(OciTestData.PathOf(name));

        Assert.That(config.Validate(), Is.Empty);
    }

    [Test]
    public void The_runc_document_is_written_as_runc_writes_it()
    {
        var input = OciTestData.Read("runc-spec.json");

        Assert.That(OciConfig.Parse(input).ToJson() + "\n", Is.EqualTo(input));
    }

    [Test]
    public void Podman_fields_are_read_into_the_model()
    {
        var config = OciConfig.Load(OciTestData.PathOf("podman.json"));

        Assert.That(config.Process!.User.AdditionalGids, Has.Count.EqualTo(11));
        Assert.That(config.Process.User.Umask, Is.EqualTo(18));
        Assert.That(config.Process.Rlimits![1], Is.EqualTo(new OciRlimit { Type = "RLIMIT_NPROC", Hard = 4194304, Soft = 4194304 }));
        Assert.That(config.Hooks!.Poststop![0].Timeout, Is.EqualTo(30));
        Assert.That(config.Annotations!["io.container.manager"], Is.EqualTo("libpod"));
        Assert.That(config.Mounts, Has.Count.EqualTo(13));
        Assert.That(config.Linux!.Resources!.Memory!.Limit, Is.EqualTo(536870912));
        Assert.That(config.Linux.Resources.Cpu!.Quota, Is.EqualTo(150000));
        Assert.That(config.Linux.Resources.BlockIo!.Weight, Is.EqualTo(500));
        Assert.That(config.Linux.Namespaces![1], Is.EqualTo(new OciNamespace
            { Type = "network", Path = "/run/netns/netns-2b0f7c1e-5a9d-3e64-8c1f-0d7a6b5e4c3d" }));
        Assert.That(config.Linux.CgroupsPath, Does.StartWith("machine.slice:libpod:"));
    }

    [Test]
    public void Every_field_document_reaches_every_part_of_the_model()
    {
        var config = OciConfig.Load(OciTestData.PathOf("every-field.json"));
        var linux = config.Linux!;

        Assert.That(config.Process!.ConsoleSize, Is.EqualTo(new OciConsoleSize { Height = 25, Width = 80 }));
        Assert.That(config.Process.Rlimits![0].Hard, Is.EqualTo(ulong.MaxValue));
        Assert.That(config.Process.Scheduler!.Deadline, Is.EqualTo(20000000));
        Assert.That(config.Process.ExecCpuAffinity!.Final, Is.EqualTo("0-1"));
        Assert.That(config.Process.NoNewPrivileges, Is.False);
        Assert.That(config.Mounts![1].UidMappings![0].HostId, Is.EqualTo(100000));
        Assert.That(linux.Resources!.BlockIo!.ThrottleWriteIopsDevice![0].Rate, Is.EqualTo(300));
        Assert.That(linux.Resources.Network!.ClassId, Is.EqualTo(1048577));
        Assert.That(linux.Resources.Rdma!["mlx4_0"].HcaHandles, Is.Null);
        Assert.That(linux.Resources.Memory!.DisableOomKiller, Is.False);
        Assert.That(linux.TimeOffsets!["boottime"].Nanosecs, Is.EqualTo(123456789));
        Assert.That(linux.IntelRdt!.EnableCmt, Is.True);
        Assert.That(linux.NetDevices!["eth1"].Name, Is.EqualTo("ctr1"));
        Assert.That(linux.Devices![2].Major, Is.Null);
        Assert.That(linux.Personality!.Domain, Is.EqualTo("LINUX32"));
        Assert.That(linux.MemoryPolicy!.Flags, Is.EqualTo(new[] { "MPOL_F_STATIC_NODES" }));
    }
}
