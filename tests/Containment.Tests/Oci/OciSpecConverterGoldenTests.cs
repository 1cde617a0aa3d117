using Containment.Capabilities;
using Containment.Cgroups;
using Containment.Identity;
using Containment.Mounts;
using Containment.Namespaces;
using Containment.Oci;

namespace Containment.Tests.Oci;

/// <summary>
/// Real configurations (what <c>runc spec</c>, <c>runc spec --rootless</c>, <c>ctr run</c> and <c>podman run</c>
/// write) parsed and converted; the resulting spec is checked field by field.
/// </summary>
public class OciSpecConverterGoldenTests
{
    private const string Bundle = "/run/bundles/b1";

    private static OciConfig Load(string name) => OciConfig.Load(OciTestData.PathOf(name));

    private static ContainerSpec Convert(string name) => OciSpecConverter.ToContainerSpec(Load(name), Bundle);

    private static CapabilitySet Caps(params Capability[] caps) => CapabilitySet.Of(caps);

    /// <summary>The mounts as the config lists them, one to one.</summary>
    private static Mount[] MountsOf(OciConfig config) =>
        config.Mounts!.Select(m => new Mount(m.Destination, m.Type ?? "", m.Source ?? "", (m.Options ?? []).ToArray())).ToArray();

    [Test]
    public void Runc_spec()
    {
        var spec = Convert("runc-spec.json");

        Assert.Multiple(() =>
        {
            Assert.That(spec.Rootfs, Is.EqualTo(new RootfsSpec.Directory(Bundle + "/rootfs")));
            Assert.That(spec.Filesystem.ReadOnlyRootfs, Is.True);
            Assert.That(spec.Hostname, Is.EqualTo("runc"));
            Assert.That(spec.Namespaces.ToString(), Is.EqualTo("Mount,Uts,Ipc,Pid,Network,Cgroup"));
            Assert.That(spec.UserNamespace, Is.Null);

            var p = spec.Process;
            Assert.That(p.Args, Is.EqualTo(new[] { "sh" }));
            Assert.That(p.Env, Is.EqualTo(new[] { "PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin", "TERM=xterm" }));
            Assert.That(p.WorkingDirectory, Is.EqualTo("/"));
            Assert.That(p.Terminal, Is.EqualTo(TerminalSpec.Default), "terminal: true, no consoleSize");
            Assert.That(p.User, Is.EqualTo(ProcessUser.Root));
            Assert.That(p.Umask, Is.EqualTo(0x12u), "no umask: 022");
            var three = Caps(Capability.AuditWrite, Capability.Kill, Capability.NetBindService);
            Assert.That(p.Capabilities, Is.EqualTo(new CapabilitySpec(three, three, three, CapabilitySet.Empty, CapabilitySet.Empty)));
            Assert.That(p.Rlimits, Is.EqualTo(new[] { new Rlimit(ResourceLimit.Nofile, 1024, 1024) }));
            Assert.That(p.NoNewPrivileges, Is.True);
            Assert.That(p.OomScoreAdj, Is.Null);
            Assert.That(p.StandardInput, Is.EqualTo(Stdio.Inherit));

            Assert.That(spec.Filesystem.Mounts, Is.EqualTo(new Mount[]
            {
                new("/proc", "proc", "proc"),
                new("/dev", "tmpfs", "tmpfs", "nosuid", "strictatime", "mode=755", "size=65536k"),
                new("/dev/pts", "devpts", "devpts", "nosuid", "noexec", "newinstance", "ptmxmode=0666", "mode=0620", "gid=5"),
                new("/dev/shm", "tmpfs", "shm", "nosuid", "noexec", "nodev", "mode=1777", "size=65536k"),
                new("/dev/mqueue", "mqueue", "mqueue", "nosuid", "noexec", "nodev"),
                new("/sys", "sysfs", "sysfs", "nosuid", "noexec", "nodev", "ro"),
                new("/sys/fs/cgroup", "cgroup", "cgroup", "nosuid", "noexec", "nodev", "relatime", "ro"),
            }));
            Assert.That(spec.Filesystem.MaskedPaths, Is.EqualTo(new[]
            {
                "/proc/acpi", "/proc/asound", "/proc/kcore", "/proc/keys", "/proc/latency_stats", "/proc/timer_list",
                "/proc/timer_stats", "/proc/sched_debug", "/sys/firmware", "/proc/scsi", "/sys/devices/virtual/tpm",
            }));
            Assert.That(spec.Filesystem.ReadonlyPaths, Is.EqualTo(new[] { "/proc/bus", "/proc/fs", "/proc/irq", "/proc/sys", "/proc/sysrq-trigger" }));
            Assert.That(spec.Filesystem.Devices, Is.Empty);
            Assert.That(spec.Filesystem.RootfsPropagation, Is.EqualTo(MountPropagation.Default));

            // The config's rules; the standard nodes are appended at launch (DeviceGuard), for every container.
            Assert.That(spec.Cgroup!.Devices!.Select(d => d.ToString()), Is.EqualTo(new[] { "deny a" }));
            Assert.That(spec.Cgroup.Memory, Is.Null);
            Assert.That(spec.CgroupsPath, Is.Null);
            Assert.That(spec.Validate().Where(e => e.Field != "rootfs"), Is.Empty, "valid but for the missing rootfs directory");
        });
    }

    [Test]
    public void Runc_spec_rootless()
    {
        var config = Load("runc-spec-rootless.json");
        var spec = OciSpecConverter.ToContainerSpec(config, Bundle);

        Assert.Multiple(() =>
        {
            Assert.That(spec.Namespaces.ToString(), Is.EqualTo("Mount,Uts,Ipc,Pid,Cgroup,User"));
            var maps = config.Linux!.UidMappings![0];
            Assert.That(spec.UserNamespace, Is.EqualTo(new UserNamespaceSpec
            {
                UidMappings = [new IdMapping(0, maps.HostId, 1)],
                GidMappings = [new IdMapping(0, config.Linux.GidMappings![0].HostId, 1)],
            }));
            Assert.That(spec.Filesystem.Mounts, Is.EqualTo(MountsOf(config)));
            Assert.That(spec.Filesystem.Mounts.Single(m => m.Destination == "/sys"),
                Is.EqualTo(new Mount("/sys", "none", "/sys", "rbind", "nosuid", "noexec", "nodev", "ro")));
            Assert.That(spec.Filesystem.Mounts.Single(m => m.Destination == "/sys").IsBind, Is.True);
            Assert.That(spec.Filesystem.Mounts.Single(m => m.Destination == "/dev/pts").Options, Does.Not.Contain("gid=5"));
            Assert.That(spec.Cgroup, Is.EqualTo(CgroupSpec.Empty), "no resources: a cgroup without limits");
            Assert.That(spec.Process.Terminal, Is.Not.Null);
        });
    }

    [Test]
    public void Containerd_ctr_run()
    {
        var config = Load("containerd.json");
        var spec = OciSpecConverter.ToContainerSpec(config, Bundle);

        Assert.Multiple(() =>
        {
            Assert.That(spec.Rootfs, Is.EqualTo(new RootfsSpec.Directory(Bundle + "/rootfs")));
            Assert.That(spec.Filesystem.ReadOnlyRootfs, Is.False);
            Assert.That(spec.Hostname, Is.Null);
            Assert.That(spec.Namespaces.ToString(), Is.EqualTo("Mount,Uts,Ipc,Pid,Network"));
            Assert.That(spec.Process.Args, Is.EqualTo(new[] { "sh", "-c", "echo hello from containerd" }));
            Assert.That(spec.Process.Env, Is.EqualTo(new[] { "PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin" }));
            Assert.That(spec.Process.Terminal, Is.Null);
            Assert.That(spec.Process.Capabilities, Is.EqualTo(CapabilitySpec.Default), "containerd's default set is the common container set");
            Assert.That(spec.Process.NoNewPrivileges, Is.True);
            Assert.That(spec.Process.Rlimits, Is.EqualTo(new[] { new Rlimit(ResourceLimit.Nofile, 1024, 1024) }));
            Assert.That(spec.Filesystem.Mounts, Is.EqualTo(MountsOf(config)));
            Assert.That(spec.Filesystem.Mounts[^1], Is.EqualTo(new Mount("/run", "tmpfs", "tmpfs", "nosuid", "strictatime", "mode=755", "size=65536k")));
            Assert.That(spec.Filesystem.MaskedPaths, Is.EqualTo(config.Linux!.MaskedPaths));
            Assert.That(spec.Filesystem.ReadonlyPaths, Is.EqualTo(config.Linux.ReadonlyPaths));
            Assert.That(spec.CgroupsPath, Is.EqualTo("/default/hello"));
            Assert.That(spec.Cgroup!.Devices![0].ToString(), Is.EqualTo("deny a"));
            Assert.That(spec.Validate().Where(e => e.Field != "rootfs"), Is.Empty, "valid but for the missing rootfs directory");
        });
    }

    [Test]
    public void Podman_run_converts_with_its_seccomp_profile()
    {
        var spec = OciSpecConverter.ToContainerSpec(Load("podman-default.json"), Bundle);

        Assert.That(spec.Seccomp, Is.Not.Null);
        Assert.That(spec.Seccomp!.DefaultAction, Is.EqualTo(Containment.Seccomp.SeccompAction.Errno));
        Assert.That(spec.Seccomp.Syscalls.SelectMany(r => r.Names), Does.Contain("read").And.Contain("clone"));
        Assert.That(spec.Seccomp.Syscalls.SelectMany(r => r.Names), Does.Not.Contain("recv"), "names no ABI here knows are skipped, as runc does");
        Assert.DoesNotThrow(() => Containment.Seccomp.SeccompPlanner.Compile(spec, Containment.Seccomp.SeccompKernelSupport.Current, null));
    }

    [Test]
    public void Without_linux_seccomp_there_is_no_filter()
    {
        var config = Load("podman-default.json");
        var spec = OciSpecConverter.ToContainerSpec(config with { Linux = config.Linux! with { Seccomp = null } }, Bundle);
        Assert.That(spec.Seccomp, Is.Null);
    }

    [Test]
    public void Podman_run()
    {
        var config = Load("podman-default.json");
        config = config with { Linux = config.Linux! with { Seccomp = null } };
        var spec = OciSpecConverter.ToContainerSpec(config, Bundle);

        Assert.Multiple(() =>
        {
            Assert.That(spec.Rootfs, Is.EqualTo(new RootfsSpec.Directory(config.Root!.Path)));
            Assert.That(spec.Hostname, Is.EqualTo("7c2e5d1f0a9b"));
            Assert.That(spec.Namespaces.ToString(), Is.EqualTo("Mount,Uts,Ipc,Pid,Network=/run/netns/netns-5d0b1c2e-3f4a-9b8c-7d6e-1f2a3b4c5d6e"));
            var p = spec.Process;
            Assert.That(p.User, Is.EqualTo(new ProcessUser(0, 0, [0, 1, 2, 3, 4, 6, 10, 11, 20, 26, 27])));
            Assert.That(p.Umask, Is.EqualTo(18u));
            var eleven = Caps(Capability.Chown, Capability.DacOverride, Capability.Fowner, Capability.Fsetid, Capability.Kill,
                Capability.NetBindService, Capability.Setfcap, Capability.Setgid, Capability.Setpcap, Capability.Setuid, Capability.SysChroot);
            Assert.That(p.Capabilities, Is.EqualTo(new CapabilitySpec(eleven, eleven, eleven, CapabilitySet.Empty, CapabilitySet.Empty)));
            Assert.That(p.NoNewPrivileges, Is.False);
            Assert.That(p.OomScoreAdj, Is.EqualTo(0));
            Assert.That(p.Rlimits, Is.EqualTo(new[] { new Rlimit(ResourceLimit.Nofile, 1048576, 1048576), new Rlimit(ResourceLimit.Nproc, 4194304, 4194304) }));
            Assert.That(spec.Sysctls, Is.EqualTo(new Dictionary<string, string> { ["net.ipv4.ping_group_range"] = "0 0" }));
            Assert.That(spec.Filesystem.Mounts, Is.EqualTo(MountsOf(config)));
            Assert.That(spec.Filesystem.Mounts.Count(m => m.IsBind), Is.EqualTo(5));
            Assert.That(spec.Filesystem.MaskedPaths, Is.EqualTo(config.Linux.MaskedPaths));
            Assert.That(spec.Filesystem.MaskedPaths, Does.Contain("/sys/fs/selinux").And.Contain("/sys/dev/block"));
            Assert.That(spec.Filesystem.ReadonlyPaths, Is.EqualTo(config.Linux.ReadonlyPaths));
            Assert.That(spec.Cgroup!.PidsMax, Is.EqualTo(2048));
            Assert.That(spec.CgroupsPath, Does.StartWith("/libpod_parent/libpod-"));
        });
    }

    [Test]
    public void The_synthetic_podman_document_converts_with_its_AppArmor_profile()
    {
        var spec = Convert("podman.json");
        Assert.That(spec.Process.AppArmorProfile, Is.EqualTo("containers-default-0.57.4"));
    }
}
