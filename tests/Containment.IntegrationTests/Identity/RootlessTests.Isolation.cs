using System.Runtime.InteropServices;

namespace Containment.IntegrationTests.Identity;

/// <summary>
/// Issue 22: a rootless container must not act as the user who started it. Each test runs the host as the
/// throw-away user of <see cref="RootlessTests"/> and checks the kernel's answer inside the container.
/// </summary>
public partial class RootlessTests
{
    /// <summary>A directory of the user's, world-searchable (so the container's root, a subordinate id, can reach what is in it).</summary>
    private async Task<string> UserDirectory(string mode = "755")
    {
        var dir = Directory.CreateTempSubdirectory("containment-rootless-shared-").FullName;
        await Exec("chown", $"{_uid}:{_gid}", dir);
        await Exec("chmod", mode, dir);
        return dir;
    }

    private static Dictionary<string, string> Vars(params (string Key, string Value)[] vars) => vars.ToDictionary(v => v.Key, v => v.Value);

    [Test]
    public async Task With_CAP_SYS_ADMIN_the_read_only_views_cannot_be_remounted_or_uncovered()
    {
        var dir = await UserDirectory();
        try
        {
            await Exec("setpriv", "--reuid", _uid.ToString(), "--regid", _gid.ToString(), "--clear-groups", "sh", "-c", $"echo original > {dir}/file");
            const string script = """
                mount -o remount,bind,rw / 2>/dev/null && echo root-rw
                mount -o remount,bind,rw /srv 2>/dev/null && echo bind-rw
                echo changed 2>/dev/null > /srv/file && echo wrote
                umount -l /dev 2>/dev/null && echo dev-uncovered
                umount -l /tmp 2>/dev/null && echo tmp-uncovered
                mount -t tmpfs none /mnt && echo tmpfs-mounted
                grep CapEff /proc/self/status
                """;
            var (output, _) = await RunAsUserWithLog(null, ownRootfs: false, script,
                env: Vars(("CONTAINMENT_TESTHOST_CAP_ADD", "SYS_ADMIN"), ("CONTAINMENT_TESTHOST_BINDS", $"{dir}:/srv:ro")));
            // It holds CAP_SYS_ADMIN (and may mount a new filesystem of its own), but nothing set up for it moves.
            Assert.That(output, Does.StartWith("tmpfs-mounted\nCapEff:\t00000000a82425fb\n"), output);
            Assert.That(File.ReadAllText(Path.Combine(dir, "file")), Is.EqualTo("original\n"));
        }
        finally
        {
            Directory.Delete(dir, true);
        }
    }

    [Test]
    public async Task A_process_joins_a_container_whose_mounts_are_locked()
    {
        // The container's init is in the nested user namespace; its network, UTS, IPC and pid namespaces are the outer one's.
        var (code, output, errors) = await RunHost(Vars(("CONTAINMENT_TESTHOST_CAP_ADD", "SYS_ADMIN"), ("CONTAINMENT_TESTHOST_MODE", "cycle")), "sleep 30");
        Assert.That(code, Is.EqualTo(0), output + errors);
        Assert.That(output, Does.Contain("exec-exit 5\n"), output + errors);
        Assert.That(output, Does.Contain("zombies 0\n"));
    }

    [Test]
    public async Task The_callers_unix_socket_is_not_the_containers_to_connect_to()
    {
        // The user's agent socket: 0700 directory, 0600 socket, as gpg-agent and ssh ControlMaster make them.
        var dir = await UserDirectory();
        try
        {
            // The listener answers every connection until the host's shell exits (its EXIT trap ends it; alarm is a backstop).
            var prelude = $$"""
                rm -rf {{dir}}/agent && mkdir -m 700 {{dir}}/agent
                perl -MIO::Socket::UNIX -e 'alarm 120; umask 077; my $s = IO::Socket::UNIX->new(Local => "{{dir}}/agent/socket", Listen => 1) or die $!;
                    while (my $c = $s->accept) { print $c "signed\n"; close $c }' &
                agent=$!
                trap 'kill $agent' EXIT
                while [ ! -S {{dir}}/agent/socket ]; do sleep 0.1; done
                """;
            const string connect = """perl -MIO::Socket::UNIX -e '$c = IO::Socket::UNIX->new(Peer => "/mnt/agent/socket"); print $c ? "connected: " . <$c> : "refused: $!\n"'""";
            var binds = Vars(("CONTAINMENT_TESTHOST_BINDS", $"{dir}:/mnt:ro"));
            // Default: the container's root is a subordinate id, "other" to the caller's 0700 directory.
            var isolated = await RunAsUserWithLog(null, ownRootfs: false, connect, env: binds, hostPrelude: prelude);
            Assert.That(isolated.Output, Is.EqualTo("refused: Permission denied\n"), isolated.Stderr);
            // The explicit single-id map makes the container's root the caller: the socket is its own (what the default prevents).
            var caller = await RunAsUserWithLog("root", ownRootfs: false, connect, env: binds, hostPrelude: prelude);
            Assert.That(caller.Output, Is.EqualTo("connected: signed\n"), caller.Stderr);
        }
        finally
        {
            Directory.Delete(dir, true);
        }
    }

    [Test]
    public async Task The_callers_keyring_is_not_reachable_by_serial()
    {
        if (RuntimeInformation.ProcessArchitecture != Architecture.X64)
            Assert.Ignore("the test calls add_key and keyctl by their x86_64 numbers");
        var dir = await UserDirectory();
        try
        {
            // add_key("user", ..., KEY_SPEC_USER_KEYRING): a key in the caller's user keyring; its serial for the container.
            var prelude = $"""perl -e 'my ($t, $d, $p) = ("user", "ctm-secret", "x"); my $k = syscall(248, $t, $d, $p, 1, -4); die "add_key: $!" if $k < 0; print "$k\n"' > {dir}/serial""";
            // keyctl(KEYCTL_DESCRIBE, serial, buffer, size), with no seccomp filter to refuse keyctl first.
            const string describe = """perl -e 'open F, "/mnt/serial"; my $k = <F> + 0; my $b = "\0" x 256; print syscall(250, 6, $k, $b, 256) < 0 ? "refused: $!\n" : "described: " . unpack("Z*", $b) . "\n"'""";
            var env = Vars(("CONTAINMENT_TESTHOST_BINDS", $"{dir}:/mnt:ro"), ("CONTAINMENT_TESTHOST_SECCOMP", "unconfined"));
            var isolated = await RunAsUserWithLog(null, ownRootfs: false, describe, env: env, hostPrelude: prelude);
            Assert.That(isolated.Output, Is.EqualTo("refused: Permission denied\n"), isolated.Stderr);
            var caller = await RunAsUserWithLog("root", ownRootfs: false, describe, env: env, hostPrelude: prelude);
            Assert.That(caller.Output, Does.StartWith("described: user;0;0;"), "the caller's own key, seen as its root's: " + caller.Stderr);
        }
        finally
        {
            Directory.Delete(dir, true);
        }
    }

    [Test]
    public async Task Supplementary_groups_are_dropped_where_setgroups_is_allowed_and_kept_with_the_single_id_map()
    {
        var dir = await UserDirectory();
        try
        {
            File.WriteAllText(Path.Combine(dir, "group-only"), "for the group\n");
            await Exec("chown", $"root:{_group}", Path.Combine(dir, "group-only"));
            await Exec("chmod", "640", Path.Combine(dir, "group-only"));
            const string script = "grep '^Groups:' /proc/self/status | tr -d '[:space:]'; echo; cat /mnt/group-only 2>/dev/null || echo unreadable";
            var env = Vars(("CONTAINMENT_TESTHOST_BINDS", $"{dir}:/mnt:ro"));
            var isolated = await RunAsUserWithLog(null, ownRootfs: false, script, env: env);
            Assert.That(Lines(isolated.Output), Is.EqualTo(new[] { "Groups:", "unreadable" }), isolated.Output);
            // The single-id map must deny setgroups: the caller's groups stay, as docs/identity.md says.
            var caller = await RunAsUserWithLog("root", ownRootfs: false, script, env: env);
            Assert.That(caller.Output, Does.EndWith("for the group\n"), caller.Output);
        }
        finally
        {
            Directory.Delete(dir, true);
        }
    }

    [Test]
    public async Task A_bind_source_swapped_for_a_symlink_by_another_container_is_refused()
    {
        // A directory both containers' roots may write (as a shared cache of theirs would be).
        var dir = await UserDirectory("777");
        try
        {
            Directory.CreateDirectory(Path.Combine(dir, "cache"));
            await Exec("chmod", "777", Path.Combine(dir, "cache"));
            // Container A, given the shared directory, replaces cache with a symlink to the user's home.
            var a = await RunAsUserWithLog(null, ownRootfs: false, $"rmdir /mnt/cache && ln -s {_home} /mnt/cache && echo swapped",
                env: Vars(("CONTAINMENT_TESTHOST_BINDS", $"{dir}:/mnt")));
            Assert.That(a.Output, Is.EqualTo("swapped\n"), a.Stderr);
            // Container B, given only the cache, must not get the home.
            var (code, output, _) = await RunHost(Vars(("CONTAINMENT_TESTHOST_BINDS", $"{dir}/cache:/cache")), "ls /cache");
            Assert.That(code, Is.EqualTo(1), output);
            Assert.That(output, Does.Contain($"'{dir}/cache' is reached through a symlink"));
        }
        finally
        {
            Directory.Delete(dir, true);
        }
    }

    [Test]
    public async Task Limits_that_cannot_be_enforced_fail_the_start_and_name_the_limits()
    {
        var (code, output, _) = await RunHost(Vars(("CONTAINMENT_TESTHOST_PIDS_MAX", "5"), ("CONTAINMENT_TESTHOST_MEMORY_MAX", "16777216")), "echo ran");
        Assert.That(code, Is.EqualTo(1), output);
        Assert.That(output, Does.Contain("cgroup: the limits memory cannot be enforced: no cgroup was delegated to uid " + _uid));
        Assert.That(output, Does.Not.Contain("ran"));
        var (allowed, log) = await RunAsUserWithLog(null, ownRootfs: false, "echo ran",
            env: Vars(("CONTAINMENT_TESTHOST_MEMORY_MAX", "16777216"), ("CONTAINMENT_TESTHOST_ALLOW_UNENFORCED", "1")));
        Assert.That(allowed, Is.EqualTo("ran\n"));
        Assert.That(log, Does.Contain("so the container runs without its cgroup limits memory"));
    }

    [Test]
    public async Task Without_a_delegated_cgroup_pids_is_enforced_as_RLIMIT_NPROC()
    {
        // perl (exec'd by the shell: the container's only process) forks until the kernel refuses.
        const string script = """grep 'Max processes' /proc/self/limits; exec perl -e 'my $n = 0; while ($n < 10) { my $p = fork; last unless defined $p; if (!$p) { sleep 3; exit } $n++ } print "$n\n"'""";
        var (output, _) = await RunAsUserWithLog(null, ownRootfs: false, script, pidsMax: "5");
        var lines = Lines(output);
        Assert.That(lines[0], Is.EqualTo("Max processes 5 5 processes"), output);
        Assert.That(lines[1], Is.EqualTo("4"), "5 processes of the container's root: perl and 4 children");
    }
}
