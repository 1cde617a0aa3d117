using System.Diagnostics;
using Containment.Capabilities;
using Containment.IntegrationTests.Support;

namespace Containment.IntegrationTests.Identity;

/// <summary>
/// The library used by an unprivileged host: a throw-away user runs the test host (setpriv drops every
/// capability with the uid change) and starts containers.
/// </summary>
[NonParallelizable]
public partial class RootlessTests
{
    private const uint SubStart = 600000, SubCount = 65536;
    private string _user = "";
    private string _group = "";
    private uint _uid, _gid;
    private string _hostDir = "";
    private string _home = "";
    private TestRootfs? _rootfs;

    [OneTimeSetUp]
    public async Task CreateUser()
    {
        if (!File.Exists("/usr/bin/newuidmap") || !File.Exists("/usr/sbin/useradd"))
            Assert.Ignore("needs useradd and newuidmap (packages passwd, uidmap)");
        _user = "ctm-rl-" + Guid.NewGuid().ToString("N")[..8];
        _group = _user + "g";
        await Exec("groupadd", _group); // a supplementary group of the user's
        await Exec("useradd", "-K", "SUB_UID_COUNT=0", "-K", "SUB_GID_COUNT=0", "--no-create-home", "--shell", "/usr/sbin/nologin", "--groups", _group, _user);
        await Exec("usermod", "--add-subuids", $"{SubStart}-{SubStart + SubCount - 1}", "--add-subgids", $"{SubStart}-{SubStart + SubCount - 1}", _user);
        _uid = uint.Parse((await Exec("id", "-u", _user)).Trim());
        _gid = uint.Parse((await Exec("id", "-g", _user)).Trim());

        // The built test host may sit below directories the user cannot read: run a copy from a temp dir.
        _hostDir = Directory.CreateTempSubdirectory("containment-rootless-host-").FullName;
        foreach (var f in Directory.GetFiles(AppContext.BaseDirectory))
            File.Copy(f, Path.Combine(_hostDir, Path.GetFileName(f)));
        _home = Directory.CreateTempSubdirectory("containment-rootless-home-").FullName;
        await Exec("chown", $"{_uid}:{_gid}", _home);
        await Exec("chmod", "-R", "a+rX", _hostDir);
        _rootfs = TestRootfs.Create();
        await Exec("chmod", "755", _rootfs.Path);
    }

    [OneTimeTearDown]
    public async Task DeleteUser()
    {
        if (_user.Length > 0)
            await Exec("userdel", _user); // also removes its /etc/subuid and /etc/subgid lines
        if (_group.Length > 0)
            await Exec("groupdel", _group);
        _rootfs?.Dispose();
        if (_hostDir.Length > 0)
            Directory.Delete(_hostDir, true);
        if (_home.Length > 0)
            Directory.Delete(_home, true);
    }

    private static async Task<string> Exec(string file, params string[] args)
    {
        var psi = new ProcessStartInfo(file) { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var a in args)
            psi.ArgumentList.Add(a);
        using var p = Process.Start(psi)!;
        var stdout = p.StandardOutput.ReadToEndAsync();
        var stderr = p.StandardError.ReadToEndAsync();
        await p.WaitForExitAsync();
        if (p.ExitCode != 0)
            Assert.Fail($"{file} {string.Join(' ', args)}: exit {p.ExitCode}: {await stderr}");
        return await stdout;
    }

    /// <summary>Runs the test host as the unprivileged user; returns everything it printed.</summary>
    private async Task<string> RunAsUser(string? userns, bool ownRootfs, string script) => (await RunAsUserWithLog(userns, ownRootfs, script)).Output;

    /// <summary>Runs the test host as the unprivileged user; returns the container's output and the host's stderr.</summary>
    private async Task<(string Output, string Stderr)> RunAsUserWithLog(string? userns, bool ownRootfs, string script, string? pidsMax = null,
        IReadOnlyDictionary<string, string>? env = null, string hostPrelude = "")
    {
        var all = new Dictionary<string, string>(env ?? new Dictionary<string, string>())
        {
            ["CONTAINMENT_TESTHOST_USERNS"] = userns ?? "", ["CONTAINMENT_TESTHOST_ROOTFS"] = ownRootfs ? _rootfs!.Path : "",
            ["CONTAINMENT_TESTHOST_PIDS_MAX"] = pidsMax ?? "",
        };
        var (code, output, errors) = await RunHost(all, script, hostPrelude);
        Assert.That(code, Is.EqualTo(0), $"{output}\n{errors}");
        // The host's own lines race with the container's output, even in the middle of one of its lines (seen:
        // "Groups:pid 11179\n\n"): check them, cut them out where they are, then keep only the container's lines.
        var hostPid = new System.Text.RegularExpressions.Regex(@"pid \d+\n");
        Assert.That(output, Does.Match(hostPid.ToString()));
        Assert.That(output, Does.EndWith("exit 0\n"));
        var container = hostPid.Replace(output, "", 1);
        return (string.Concat(container.Split('\n').Where(l => l.Length > 0 && !l.StartsWith("exit ")).Select(l => l + "\n")), errors);
    }

    /// <summary>
    /// Runs the test host as the unprivileged user with these CONTAINMENT_TESTHOST_* variables, after
    /// <paramref name="hostPrelude"/> (shell, as the user, on the host); returns its exit code, stdout and stderr.
    /// </summary>
    private async Task<(int Code, string Output, string Stderr)> RunHost(IReadOnlyDictionary<string, string> env, string script, string hostPrelude = "")
    {
        var psi = new ProcessStartInfo("setpriv") { RedirectStandardOutput = true, RedirectStandardError = true };
        var vars = new List<string> { $"HOME={_home}", "DOTNET_NOLOGO=1", "DOTNET_CLI_TELEMETRY_OPTOUT=1", $"CTM_SCRIPT={script}" };
        vars.AddRange(env.Select(kv => $"{kv.Key}={kv.Value}"));
        // Not exec'd: an EXIT trap of the prelude runs once the host is done.
        var host = $"{hostPrelude}\n/usr/bin/dotnet {Path.Combine(_hostDir, "Containment.TestHost.dll")} /bin/sh -c \"$CTM_SCRIPT\"\nexit $?";
        foreach (var a in new[] { "--reuid", _uid.ToString(), "--regid", _gid.ToString(), "--init-groups", "--reset-env", "env" }.Concat(vars)
                     .Concat(["/bin/sh", "-c", host]))
            psi.ArgumentList.Add(a);
        using var p = Process.Start(psi)!;
        using var cts = new CancellationTokenSource(Run.Timeout);
        var stdout = p.StandardOutput.ReadToEndAsync(cts.Token);
        var stderr = p.StandardError.ReadToEndAsync(cts.Token);
        await p.WaitForExitAsync(cts.Token);
        return (p.ExitCode, await stdout, await stderr);
    }

    private static string[] Lines(string s) => s.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => string.Join(' ', l.Split(' ', StringSplitOptions.RemoveEmptyEntries))).ToArray();

    [Test]
    public async Task An_unprivileged_host_gets_a_user_namespace_whose_root_is_its_first_subordinate_id()
    {
        var output = await RunAsUser(null, ownRootfs: false, "cat /proc/self/uid_map /proc/self/gid_map /proc/self/setgroups; id -u; cd /proc && echo [0-9]*");
        var lines = Lines(output);
        Assert.That(lines[0], Is.EqualTo($"0 {SubStart} {SubCount}"), "the caller is not mapped: " + output);
        Assert.That(lines[1], Is.EqualTo($"0 {SubStart} {SubCount}"));
        Assert.That(lines[2], Is.EqualTo("allow"));
        Assert.That(lines[3], Is.EqualTo("0"));
        Assert.That(lines[4], Is.EqualTo("1"), "a pid namespace of its own");
    }

    [Test]
    public async Task Mapping_the_caller_to_root_is_an_explicit_choice()
    {
        var output = await RunAsUser("root", ownRootfs: false, "cat /proc/self/uid_map /proc/self/gid_map /proc/self/setgroups");
        Assert.That(Lines(output), Is.EqualTo(new[] { $"0 {_uid} 1", $"0 {_gid} 1", "deny" }), output);
    }

    [Test]
    public async Task An_unprivileged_host_runs_a_busybox_rootfs_with_the_default_capabilities()
    {
        var output = await RunAsUser("root", ownRootfs: true, $"cat /etc/marker; echo x > /dev/null && echo dev-ok; {ProcStatus.Print}");
        Assert.That(output, Does.StartWith("inside-rootfs\ndev-ok\n"));
        var status = ProcStatus.Parse(output);
        Assert.That(status.Bounding, Is.EqualTo(CapabilitySet.Default));
        Assert.That(status.Uid, Is.EqualTo("0\t0\t0\t0"));
    }

    [Test]
    public async Task Subordinate_ranges_are_mapped_through_newuidmap_and_newgidmap()
    {
        var output = await RunAsUser("subids", ownRootfs: false, "cat /proc/self/uid_map; echo --; cat /proc/self/gid_map; echo --; cat /proc/self/setgroups");
        var parts = output.Split("--\n");
        Assert.That(Lines(parts[0]), Is.EqualTo(new[] { $"0 {_uid} 1", $"1 {SubStart} {SubCount}" }), output);
        Assert.That(Lines(parts[1]), Is.EqualTo(new[] { $"0 {_gid} 1", $"1 {SubStart} {SubCount}" }));
        Assert.That(Lines(parts[2])[0], Is.EqualTo("allow"));
    }

    [Test]
    public async Task An_unprivileged_host_can_switch_to_a_subordinate_user_inside()
    {
        // The id 1000 inside is host uid SubStart + 999: only reachable through the subordinate range.
        var output = await RunAsUser("subids", ownRootfs: false, "touch /tmp/x; chown 1000:1000 /tmp/x && stat -c %u:%g /tmp/x");
        Assert.That(output, Is.EqualTo("1000:1000\n"));
    }

    [Test]
    public async Task A_bind_of_the_hosts_tmp_shows_the_hosts_tmp_and_the_hosts_diagnostics_socket_is_hidden()
    {
        // The host view used to be staged at /tmp, where a source /tmp/X named the host's /X: /tmp showed the whole host.
        var marker = Path.Combine("/tmp", $"containment-test-{Guid.NewGuid():N}");
        File.WriteAllText(marker, "");
        try
        {
            var (output, _) = await RunAsUserWithLog(null, ownRootfs: false,
                $"test -e /mnt/{Path.GetFileName(marker)} && echo marker; test -e /mnt/etc/passwd && echo host-root; " +
                "ls -A /mnt | grep -q dotnet-diagnostic && echo bound-tmp-has-sockets; ls -A /tmp | grep -c dotnet-diagnostic; true",
                env: new Dictionary<string, string> { ["CONTAINMENT_TESTHOST_BINDS"] = "/tmp:/mnt:ro" });
            Assert.That(output, Is.EqualTo("marker\nbound-tmp-has-sockets\n0\n"));
        }
        finally
        {
            File.Delete(marker);
        }
    }

    [Test]
    public async Task Without_a_delegated_cgroup_the_container_runs_without_one_and_the_log_says_so()
    {
        var (output, log) = await RunAsUserWithLog(null, ownRootfs: false, "echo ran", pidsMax: "10");
        Assert.That(output, Is.EqualTo("ran\n"));
        Assert.That(log, Does.Contain($"log Warning: Rootless: no cgroup was delegated to uid {_uid}"));
        Assert.That(log, Does.Contain($"log Information: Rootless: the container gets a user namespace mapping root to subordinate uid {SubStart}"));
        Assert.That(log, Does.Contain("log Warning: Rootless: pids.max 10 is enforced as RLIMIT_NPROC 10"));
    }
}
