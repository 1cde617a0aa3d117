using Containment.IntegrationTests.Support;
using Containment.Oci;

namespace Containment.IntegrationTests.Escapes;

/// <summary>Runs an attack script as <c>sh -c</c> in a default container whose rootfs has the escape probes installed.</summary>
internal static class Attack
{
    /// <summary>In <c>ContainerSpec.FromRootfs</c> with the library's defaults, changed by <paramref name="configure"/>.</summary>
    public static async Task<Run.Result> InDefault(string script, Func<ContainerSpec, ContainerSpec>? configure = null)
    {
        using var rootfs = TestRootfs.Create();
        EscapeProbe.InstallInto(rootfs);
        var spec = ContainerSpec.FromRootfs(rootfs.Path).WithProcess(p => p.Args("/bin/sh", "-c", script));
        return Log(await Run.ToCompletion(configure is null ? spec : configure(spec)));
    }

    /// <summary>In the container <c>runc spec</c> describes (with a cgroup namespace, no terminal).</summary>
    public static async Task<Run.Result> InRuncDefault(string script)
    {
        using var rootfs = TestRootfs.Create();
        EscapeProbe.InstallInto(rootfs);
        return Log(await Run.ToCompletion(RuncDefault(rootfs, script)));
    }

    /// <summary>runc's default config rooted at <paramref name="rootfs"/>, running <c>sh -c script</c> with piped output.</summary>
    public static ContainerSpec RuncDefault(TestRootfs rootfs, string script)
    {
        var config = OciConfig.CreateDefault(rootless: false, cgroupNamespace: true, hostUid: 0, hostGid: 0);
        config = config with
        {
            Root = config.Root! with { Path = rootfs.Path },
            Process = config.Process! with { Terminal = false, Args = ["/bin/sh", "-c", script] },
        };
        return ContainerSpec.FromOci(config, "/nonexistent-bundle")
            .WithProcess(p => p.StandardOutput(Stdio.Pipe).StandardError(Stdio.Pipe).StandardInput(Stdio.Null));
    }

    private static Run.Result Log(Run.Result r)
    {
        TestContext.Out.WriteLine($"{r.Exit}\n{r.Stdout}{r.Stderr}");
        return r;
    }
}
