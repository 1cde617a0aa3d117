using Containment.Capabilities;
using Containment.Identity;
using Containment.Launch;
using Containment.Mounts;
using Containment.Namespaces;
using Containment.Seccomp;
using Microsoft.Win32.SafeHandles;

namespace Containment.Tests.Launch;

/// <summary>
/// Real plans, encoded by the compiler for a varied set of specs: the seed corpus of the executor's plan decoder
/// fuzzer (tests/fuzz). With CONTAINMENT_PLAN_CORPUS naming a directory, each is written there as NAME.plan.
/// </summary>
public class PlanCorpusTests
{
    private const string CorpusVariable = "CONTAINMENT_PLAN_CORPUS";

    private static ContainerSpec Base => ContainerSpec.FromRootfs("/srv/rootfs").WithProcess(p => p.Args("sh", "-c", "exit 0"));

    /// <summary>Each spec with what the host opened for it; a descriptor is only counted, so one handle stands for all.</summary>
    private static IEnumerable<(string Name, ContainerSpec Spec, Func<SafeFileHandle, LaunchInputs> Inputs)> Cases(string bindSource)
    {
        static LaunchInputs Plain(SafeFileHandle _) => new();
        yield return ("default", Base, Plain);
        yield return ("host-namespaces-unconfined", Base.WithNamespaces(NamespaceSet.Host.With(NamespaceKind.Mount)).WithSeccomp(null), Plain);
        yield return ("hostname-domainname-env-cwd", Base.WithHostname("box").WithDomainname("example.org")
            .WithProcess(p => p.Env("LANG", "C.UTF-8").Env("PATH", "/bin:/usr/bin:").WorkingDirectory("/tmp").Umask(0x12)), Plain);
        yield return ("mounts", Base.WithMounts(m => m.Tmpfs("/scratch", size: 1 << 20, mode: 0x1ed, uid: 1000, gid: 1000)
            .Bind(bindSource, "/data", readOnly: true, MountFlags.NoExec | MountFlags.NoSuid, MountPropagation.RSlave)
            .Bind(bindSource, "/flat", recursive: false, propagation: MountPropagation.Shared)
            .Overlay("/merged", ["/lower1", "/lower2"], "/upper", "/work", MountFlags.ReadOnly)
            .Add("/etc", "tmpfs", "tmpfs", "tmpcopyup", "nodev")
            .Mqueue().Cgroup(readOnly: false)), Plain);
        yield return ("rootfs-readonly-masked-propagation", Base.WithReadOnlyRootfs().WithRootfsPropagation(MountPropagation.Slave)
            .WithMaskedPaths("/proc/kcore", "/sys/firmware").WithReadonlyPaths("/proc/sys", "/proc/bus"), Plain);
        yield return ("no-pivot", Base.WithNoPivotRoot(), Plain);
        yield return ("host-readonly", ContainerSpec.HostReadOnly().WithProcess(p => p.Args("/bin/true")), Plain);
        yield return ("host-readonly-init-no-pivot", ContainerSpec.HostReadOnly(v => v.WithTmpSize(1 << 20).Hide("/srv"))
            .WithInit().WithNoPivotRoot().WithMounts(m => m.Tmpfs("/run").Tmpfs("/scratch")).WithProcess(p => p.Args("/bin/true")), Plain);
        yield return ("devices", Base.WithDevice("/dev/fuse", DeviceNodeType.Char, 10, 229, 0x1b6, 0, 0)
            .WithDevice("/dev/loop-test", DeviceNodeType.Block, 7, 0, 0x1a0, 0, 6).WithDevice("/dev/pipe", DeviceNodeType.Fifo, 0, 0), Plain);
        yield return ("capabilities", Base.WithCapabilities(c => c.DropAll().Add(Capability.NetBindService, Capability.Chown)
            .AddAmbient(Capability.NetBindService)).WithProcess(p => p.NoNewPrivileges()), Plain);
        yield return ("user-groups-rlimits", Base.WithProcess(p => p.User(1000, 1000, 10, 20, 30).Rlimit(ResourceLimit.Nofile, 1024, 4096)
            .Rlimit(ResourceLimit.Core, 0, ulong.MaxValue).OomScoreAdj(500)), Plain);
        yield return ("sysctl-personality-time", Base.WithNamespaces(n => n.With(NamespaceKind.Time)).WithSysctl("net.ipv4.ip_forward", "1")
            .WithSysctl("kernel.msgmax", "65536").WithPersonality(Personality.Linux32)
            .WithTimeOffsets(TimeSpan.FromDays(1), TimeSpan.FromSeconds(-30)), Plain);
        yield return ("user-namespace", Base.WithUserNamespace(u => u.MapUser(0, 100000, 65536).MapGroup(0, 100000, 65536))
            .WithMounts(m => m.Bind(bindSource, "/idmapped").Add(new Mount("/ridmapped", "bind", bindSource, "rbind", "ridmap"))), Plain);
        yield return ("user-namespace-setgroups-denied", Base.WithUserNamespace(u => u.MapUser(0, 1000).MapGroup(0, 1000)),
            _ => new LaunchInputs { IdMapWriter = IdMapWriter.MonitorSetgroupsDenied });
        yield return ("user-namespace-helpers", Base.WithUserNamespace(u => u.MapUser(0, 100000, 65536).MapGroup(0, 100000, 65536))
            .WithProcess(p => p.User(1000, 1000)), _ => new LaunchInputs { IdMapWriter = IdMapWriter.Helpers });
        yield return ("terminal", Base.WithProcess(p => p.Terminal(120, 40).User(1000, 5)), Plain);
        yield return ("terminal-root", Base.WithProcess(p => p.Terminal()), Plain);
        yield return ("seccomp-custom", Base.WithSeccomp(SeccompProfile.Create(SeccompAction.Allow).Deny("mount", "umount2")
            .Kill("kexec_load").Errno("ptrace", SeccompErrno.EPERM).WithFlags(SeccompFilterFlags.Log)), Plain);
        yield return ("landlock", Base.WithLandlock(l => l.ReadOnly("/usr", "/etc/passwd").ReadWrite("/tmp").Execute("/bin").ConnectTcp(443, 80)),
            _ => new LaunchInputs { Landlock = Containment.Landlock.LandlockPlanner.Negotiate(
                Containment.Landlock.LandlockRules.Empty.ReadOnly("/usr", "/etc/passwd").ReadWrite("/tmp").Execute("/bin").ConnectTcp(443, 80), 7, null) });
        yield return ("cgroup-v2", Base.WithCgroup(c => c.MemoryMax(1 << 28).PidsMax(64)),
            fd => new LaunchInputs { CgroupDirectory = fd, CgroupPaths = ["/sys/fs/cgroup/containment/c1"] });
        yield return ("cgroup-v1", Base.WithCgroup(c => c.CpuShares(512)).WithMounts(m => m.Cgroup()), fd =>
        {
            var inputs = new LaunchInputs { CgroupPaths = ["/sys/fs/cgroup/memory/containment/c1", "/sys/fs/cgroup/pids/containment/c1"] };
            inputs.CgroupProcs.AddRange([fd, fd]);
            return inputs;
        });
        yield return ("cgroup-v1-self-join", Base.WithCgroup(c => c.MemoryMax(1 << 26).PidsMax(32)), fd =>
        {
            var inputs = new LaunchInputs { CgroupPaths = ["/sys/fs/cgroup/memory/containment/c1", "/sys/fs/cgroup/pids/containment/c1"] };
            inputs.CgroupTasks.AddRange([fd, fd]);
            return inputs;
        });
        yield return ("joined-namespaces", Base.WithNamespaces(n => n.Join(NamespaceKind.Network, "/proc/1/ns/net")
            .Join(NamespaceKind.User, "/proc/1/ns/user").Join(NamespaceKind.Ipc, "/proc/1/ns/ipc")), fd =>
        {
            var inputs = new LaunchInputs();
            inputs.JoinedNamespaces[NamespaceKind.Network] = fd;
            inputs.JoinedNamespaces[NamespaceKind.User] = fd;
            inputs.JoinedNamespaces[NamespaceKind.Ipc] = fd;
            return inputs;
        });
        yield return ("exec-in-running", ContainerSpec.JoinRunning(Environment.ProcessId).WithProcess(p => p.Args("ps")), fd =>
        {
            var inputs = new LaunchInputs { CgroupDirectory = fd };
            foreach (var kind in new[] { NamespaceKind.Mount, NamespaceKind.Pid, NamespaceKind.Uts })
                inputs.JoinedNamespaces[kind] = fd;
            return inputs;
        });
        yield return ("detached-start-fifo-stdio", Base, fd =>
        {
            var inputs = new LaunchInputs { Detached = true, StartFifo = fd, StartFifoPath = "/run/containment/c1/exec.fifo" };
            inputs.Stdio[0] = fd;
            inputs.Stdio[2] = fd;
            return inputs;
        });
        yield return ("lsm-labels", Base.WithProcess(p => p.AppArmorProfile("containers-default-0.57.4").SelinuxLabel("system_u:system_r:container_t:s0:c1,c2"))
            .WithMountLabel("system_u:object_r:container_file_t:s0:c1,c2"),
            _ => new LaunchInputs { Lsm = new Containment.Lsm.LsmHost(true, true), MountLabel = "system_u:object_r:container_file_t:s0:c1,c2" });
        var rootless = ContainerSpec.FromRootfs(bindSource).WithProcess(p => p.Args("sh")).WithUserNamespace(u => u.MapUser(0, 100000, 65536).MapGroup(0, 100000, 65536))
            .WithCapabilities(c => c.Add(Capability.SysAdmin)).WithMounts(m => m.Bind(bindSource, "/data", readOnly: true));
        yield return ("rootless-bind-path-lock-mounts", rootless,
            _ => new LaunchInputs { IdMapWriter = IdMapWriter.Helpers, LockMounts = true, MountSources = MountSources.Open(rootless, byPath: true) });
        yield return ("resolve-walk-fail-at", Base, _ => new LaunchInputs { ResolveByWalk = true, FailAtStep = 6, FailErrno = 5 });
    }

    [Test]
    public void Every_spec_of_the_corpus_compiles_to_a_plan_of_its_own()
    {
        var bindSource = Directory.CreateTempSubdirectory("plan-corpus-").FullName;
        var outDir = Environment.GetEnvironmentVariable(CorpusVariable);
        using var handle = File.OpenHandle("/dev/null");
        try
        {
            var plans = new Dictionary<string, string>();
            foreach (var (name, spec, makeInputs) in Cases(bindSource))
            {
                var inputs = makeInputs(handle);
                if (spec.Rootfs is not RootfsSpec.Joined)
                    inputs.MountSources ??= MountSources.Open(spec);
                using var sources = inputs.MountSources;
                var plan = PlanCompiler.Compile(spec, inputs).Encode();
                var key = Convert.ToHexString(plan);
                Assert.That(plans.ContainsKey(key), Is.False, $"{name} compiles to the same plan as {plans.GetValueOrDefault(key)}");
                plans[key] = name;
                if (!string.IsNullOrEmpty(outDir))
                    File.WriteAllBytes(Path.Combine(outDir, name + ".plan"), plan);
            }
        }
        finally
        {
            Directory.Delete(bindSource, recursive: true);
        }
    }
}
