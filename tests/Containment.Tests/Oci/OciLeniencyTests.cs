using Containment.Mounts;
using Containment.Oci;
using Microsoft.Extensions.Logging;

namespace Containment.Tests.Oci;

/// <summary>
/// What runc and crun go on without is ignored on the OCI path with a warning naming it (issue 13 #2); the typed API
/// stays strict. Each config is written as the tools write it.
/// </summary>
public class OciLeniencyTests
{
    private static readonly OciHostFeatures Modern = new(NetCls: false, NetPrio: false, BlkioLeafWeight: false);

    private static OciConfig Config(string linuxMembers = "", string mounts = "[]", string capabilities = "[\"CAP_KILL\"]") => OciConfig.Parse(
        """{"ociVersion":"1.0.2-dev","root":{"path":"rootfs"},"process":{"user":{"uid":0,"gid":0},"args":["sh"],"cwd":"/","env":["PATH=/bin"],"""
        + $"\"capabilities\":{{\"bounding\":{capabilities},\"effective\":{capabilities},\"permitted\":{capabilities}}}}},"
        + $"\"mounts\":{mounts},"
        + "\"linux\":{\"namespaces\":[{\"type\":\"pid\"},{\"type\":\"mount\"},{\"type\":\"network\"}]" + linuxMembers + "}}");

    private static (ContainerSpec Spec, List<SpecError> Warnings) Convert(OciConfig config, OciHostFeatures? host = null)
    {
        var warnings = new List<SpecError>();
        var spec = OciSpecConverter.Convert(config, "/bundle", host ?? Modern, warnings);
        return (spec, warnings);
    }

    [Test]
    public void Kernel_memory_limits_as_docker_writes_them_are_ignored_with_a_warning()
    {
        // docker run --memory 64m --kernel-memory 50m on Docker 20.10, kernelTCP as older containerd wrote it
        var (spec, warnings) = Convert(Config(""","resources":{"memory":{"limit":67108864,"kernel":52428800,"kernelTCP":10485760}}"""));

        Assert.That(spec.Cgroup!.Memory!.Max, Is.EqualTo(67108864), "the rest of the memory settings apply");
        Assert.That(warnings.Select(w => w.Field), Is.EqualTo(new[] { "linux.resources.memory.kernel", "linux.resources.memory.kernelTCP" }));
        Assert.That(warnings[0].Message, Does.Contain("removed from Linux"));
    }

    [Test]
    public void A_leaf_weight_is_ignored_with_a_warning_where_the_kernel_has_no_such_file_and_refused_where_it_has()
    {
        var config = Config(""","resources":{"blockIO":{"weight":500,"leafWeight":300,"weightDevice":[{"major":8,"minor":0,"weight":600,"leafWeight":200}]}}""");

        var (spec, warnings) = Convert(config);
        Assert.That(spec.Cgroup!.Io!.Weight, Is.EqualTo(500));
        Assert.That(spec.Cgroup.Io.DeviceWeights, Has.Count.EqualTo(1));
        Assert.That(warnings.Single().Field, Is.EqualTo("linux.resources.blockIO.leafWeight"));
        Assert.That(warnings.Single().Message, Does.Contain("blkio.leaf_weight"));

        var e = Assert.Throws<ContainerSpecException>(() => Convert(config, Modern with { BlkioLeafWeight = true }));
        Assert.That(e!.Errors.Single().Field, Is.EqualTo("linux.resources.blockIO.leafWeight"), "a CFQ kernel would apply it: not silently");
    }

    [Test]
    public void Net_cls_and_net_prio_are_skipped_with_a_warning_when_not_mounted_and_applied_when_they_are()
    {
        var config = Config(""","resources":{"network":{"classID":1048577,"priorities":[{"name":"eth0","priority":5}]}}""");

        var (spec, warnings) = Convert(config);
        Assert.That(spec.Cgroup!.Network, Is.Null);
        Assert.That(warnings.Select(w => w.Field), Is.EqualTo(new[] { "linux.resources.network.classID", "linux.resources.network.priorities" }));

        (spec, warnings) = Convert(config, OciHostFeatures.All);
        Assert.That(spec.Cgroup!.Network!.ClassId, Is.EqualTo(1048577));
        Assert.That(spec.Cgroup.Network.Priorities, Has.Count.EqualTo(1));
        Assert.That(warnings, Is.Empty);
    }

    [Test]
    public void Disabling_the_OOM_killer_is_applied_with_a_v1_memory_controller_and_skipped_with_a_warning_without()
    {
        // runtime-tools' linux_cgroups_memory writes it on every case; it used to be refused outright.
        var config = Config(""","resources":{"memory":{"limit":67108864,"disableOOMKiller":true}}""");

        var (spec, warnings) = Convert(config, OciHostFeatures.All);
        Assert.That(spec.Cgroup!.Memory!.DisableOomKiller, Is.True);
        Assert.That(warnings, Is.Empty);

        (spec, warnings) = Convert(config, Modern with { MemoryOomControl = false });
        Assert.That(spec.Cgroup!.Memory!.DisableOomKiller, Is.Null);
        Assert.That(spec.Cgroup.Memory.Max, Is.EqualTo(67108864));
        Assert.That(warnings.Single().Field, Is.EqualTo("linux.resources.memory.disableOOMKiller"));
    }

    [Test]
    public void Swappiness_is_applied_with_a_v1_memory_controller_and_skipped_with_a_warning_without()
    {
        // runtime-tools' linux_cgroups_memory sets it on every case; on cgroup v2 (no memory.swappiness) every one failed.
        var config = Config(""","resources":{"memory":{"limit":67108864,"swappiness":60}}""");

        var (spec, warnings) = Convert(config, OciHostFeatures.All);
        Assert.That(spec.Cgroup!.Memory!.Swappiness, Is.EqualTo(60));
        Assert.That(warnings, Is.Empty);

        (spec, warnings) = Convert(config, Modern with { MemoryOomControl = false });
        Assert.That(spec.Cgroup!.Memory!.Swappiness, Is.Null);
        Assert.That(spec.Cgroup.Memory.Max, Is.EqualTo(67108864));
        Assert.That(warnings.Single().Field, Is.EqualTo("linux.resources.memory.swappiness"));
    }

    [Test]
    public void Filesystem_data_on_bind_mounts_is_dropped_with_one_warning_and_kept_on_other_mounts()
    {
        var (spec, warnings) = Convert(Config(mounts: """
            [{"destination":"/data","type":"bind","source":"/srv/data","options":["rbind","mode=755","ro"]},
             {"destination":"/cache","type":"none","source":"/srv/cache","options":["bind","size=1k","uid=1000","nosuid"]},
             {"destination":"/tmp","type":"tmpfs","source":"tmpfs","options":["mode=1777","size=1k"]}]
            """));

        Assert.That(spec.Filesystem.Mounts, Is.EqualTo(new Mount[]
        {
            new("/data", "bind", "/srv/data", "rbind", "ro"),
            new("/cache", "none", "/srv/cache", "bind", "nosuid"),
            new("/tmp", "tmpfs", "tmpfs", "mode=1777", "size=1k"),
        }));
        Assert.That(warnings, Has.Count.EqualTo(1), "warned once for the whole config");
        Assert.That(warnings[0].Message, Does.Contain("mounts[0] (/data) mode=755").And.Contain("mounts[1] (/cache) size=1k,uid=1000"));
        Assert.That(spec.Validate().Select(e => e.Message), Has.None.Contains("option"), "the library accepts what is left");
    }

    [Test]
    public void The_typed_api_still_refuses_data_on_a_bind()
    {
        var spec = ContainerSpec.FromRootfs("/srv/rootfs").WithMounts(m => m.Add(new Mount("/data", "bind", "/srv/data", "rbind", "mode=755")));
        Assert.That(spec.Validate().Select(e => e.Message), Has.Some.Contains("mode=755"));
    }

    [Test]
    public void A_capability_this_kernel_does_not_know_is_skipped_with_a_warning_and_a_malformed_one_is_refused()
    {
        var (spec, warnings) = Convert(Config(capabilities: """["CAP_KILL","CAP_FROM_LINUX_9"]"""));
        Assert.That(spec.Process.Capabilities.Bounding, Is.EqualTo(Containment.Capabilities.CapabilitySet.Of(Containment.Capabilities.Capability.Kill)));
        Assert.That(warnings.Select(w => w.Field), Is.EquivalentTo(new[]
        {
            "process.capabilities.bounding[1]", "process.capabilities.effective[1]", "process.capabilities.permitted[1]",
        }));

        var e = Assert.Throws<ContainerSpecException>(() => Convert(Config(capabilities: """["kill me"]""")));
        Assert.That(e!.Errors.Select(x => x.Field), Has.Some.EqualTo("process.capabilities.bounding[0]"));
    }

    [Test]
    public void Check_before_update_is_ignored_with_a_warning()
    {
        var (_, warnings) = Convert(Config(""","resources":{"memory":{"limit":67108864,"checkBeforeUpdate":true}}"""));
        Assert.That(warnings.Single().Field, Is.EqualTo("linux.resources.memory.checkBeforeUpdate"));
    }

    [Test]
    public void The_public_converter_logs_each_warning_to_the_logger()
    {
        var logger = new ListLogger();
        OciSpecConverter.ToContainerSpec(Config(""","resources":{"memory":{"kernel":1048576}}"""), "/bundle", logger);
        Assert.That(logger.Lines, Has.Some.StartsWith("Warning linux.resources.memory.kernel ignored: kernel memory limits were removed"));
        Assert.DoesNotThrow(() => OciSpecConverter.ToContainerSpec(Config(""","resources":{"memory":{"kernel":1048576}}"""), "/bundle"));
    }

    private sealed class ListLogger : ILogger
    {
        public List<string> Lines { get; } = [];

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
            Lines.Add($"{logLevel} {formatter(state, exception)}");

        public bool IsEnabled(LogLevel logLevel) => true;

        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;
    }
}
