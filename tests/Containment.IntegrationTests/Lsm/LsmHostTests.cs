using Containment.IntegrationTests.Runtime;
using Containment.IntegrationTests.Support;
using Containment.Lsm;
using Microsoft.Extensions.Logging;

namespace Containment.IntegrationTests.Lsm;

/// <summary>
/// AppArmor and SELinux on a host that enforces neither (this one; the qemu VM stage is where AppArmor is enabled): a
/// profile or label is refused before anything starts, as runc does; a mount label is ignored with a warning, as crun
/// does; the executor's label write reaches the kernel through its own procfs.
/// </summary>
public class LsmHostTests
{
    [SetUp]
    public void SetUp()
    {
        Assume.That(LsmHost.Current.AppArmor, Is.False, "AppArmor is enabled here");
        Assume.That(LsmHost.Current.Selinux, Is.False, "SELinux is enabled here");
    }

    private static ContainerSpec Echo => ContainerSpec.HostReadOnly().WithProcess(p => p.Args("/bin/echo", "ran"));

    [Test]
    public void An_AppArmor_profile_is_refused_with_the_reason()
    {
        var e = Assert.ThrowsAsync<ContainerSpecException>(() => Run.ToCompletion(Echo.WithProcess(p => p.AppArmorProfile("docker-default"))))!;
        Assert.That(e.Errors.Single().Field, Is.EqualTo("process.apparmorProfile"));
        Assert.That(e.Message, Does.Contain("AppArmor is not enabled on this host"));
    }

    [Test]
    public void An_SELinux_process_label_is_refused_with_the_reason()
    {
        var e = Assert.ThrowsAsync<ContainerSpecException>(() => Run.ToCompletion(Echo.WithProcess(p => p.SelinuxLabel("system_u:system_r:container_t:s0"))))!;
        Assert.That(e.Errors.Single().Field, Is.EqualTo("process.selinuxLabel"));
        Assert.That(e.Message, Does.Contain("SELinux is not enabled on this host"));
    }

    [Test]
    public async Task Unconfined_and_a_mount_label_run_the_label_with_a_warning()
    {
        var logger = new ListLogger();
        var r = await Run.ToCompletion(Echo.WithProcess(p => p.AppArmorProfile("unconfined")).WithMountLabel("system_u:object_r:container_file_t:s0"),
            new ContainerStartOptions { Logger = logger });
        Assert.That(r.Stdout, Is.EqualTo("ran\n"), r.Stderr);
        Assert.That(logger.Warnings, Has.One.Contains("SELinux is not enabled on this host: the mount label"));
    }

    [Test]
    public void The_label_write_goes_through_a_procfs_of_its_own_and_reports_the_kernels_answer()
    {
        // Planned as if AppArmor were enabled: attr/apparmor does not exist here, so the write falls back to attr/exec,
        // which a kernel without a security module refuses. Reaching that refusal proves the procfs was opened and
        // verified and the fallback taken (ENOENT, EXDEV or ELOOP would mean it was not).
        var e = Assert.ThrowsAsync<ContainerStartException>(() => Run.ToCompletion(Echo.WithProcess(p => p.AppArmorProfile("p1")),
            new ContainerStartOptions { Lsm = new LsmHost(AppArmor: true, Selinux: false) }))!;
        Assert.That(e.Subject, Is.EqualTo("/proc/self/attr/apparmor/exec: exec p1"), e.Message);
        Assert.That(e.ErrnoName, Is.AnyOf("EINVAL", "EIO", "EOPNOTSUPP"), e.Message);
    }

    [Test]
    public void The_CLI_refuses_a_config_with_an_AppArmor_profile_here()
    {
        using var cli = new RuntimeCli();
        cli.WriteConfig(["true"], c => c["process"]!["apparmorProfile"] = "containers-default-0.57.4");
        var r = cli.Run("run", "--bundle", cli.Bundle, "a1");
        Assert.That(r.ExitCode, Is.Not.Zero);
        Assert.That(r.Stderr, Does.Contain("AppArmor is not enabled on this host"));
    }

    private sealed class ListLogger : ILogger
    {
        public List<string> Warnings { get; } = [];

        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            if (logLevel == LogLevel.Warning)
                lock (Warnings)
                    Warnings.Add(formatter(state, exception));
        }
    }
}
