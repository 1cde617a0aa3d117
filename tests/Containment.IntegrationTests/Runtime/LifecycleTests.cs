namespace Containment.IntegrationTests.Runtime;

public class LifecycleTests
{
    private RuntimeCli _cli = null!;

    [SetUp]
    public void SetUp() => _cli = new RuntimeCli();

    [TearDown]
    public void TearDown() => _cli.Dispose();

    [Test]
    public void Create_start_state_kill_delete_walk_through_the_OCI_statuses()
    {
        var marker = Path.Combine(_cli.Bundle, "rootfs/tmp/started");
        _cli.WriteConfig(["sh", "-c", "touch /tmp/started; exec sleep 60"]);
        var pidFile = Path.Combine(_cli.Bundle, "pid");

        Assert.That(_cli.Run("create", "--bundle", _cli.Bundle, "--pid-file", pidFile, "c1").ExitCode, Is.Zero);
        Assert.That(_cli.Status("c1"), Is.EqualTo("created"));
        var pid = int.Parse(File.ReadAllText(pidFile));
        Assert.That(Directory.Exists($"/proc/{pid}"), Is.True);
        Assert.That(File.Exists(marker), Is.False, "nothing of the user's process ran before start");

        Assert.That(_cli.Run("start", "c1").ExitCode, Is.Zero);
        Assert.That(_cli.Status("c1"), Is.EqualTo("running"));
        for (var i = 0; i < 200 && !File.Exists(marker); i++)
            Thread.Sleep(10);
        Assert.That(File.Exists(marker), Is.True);

        Assert.That(_cli.Run("kill", "c1", "KILL").ExitCode, Is.Zero);
        for (var i = 0; i < 200 && _cli.Status("c1") != "stopped"; i++)
            Thread.Sleep(10);
        Assert.That(_cli.Status("c1"), Is.EqualTo("stopped"));
        Assert.That(_cli.Run("delete", "c1").ExitCode, Is.Zero);
        Assert.That(Directory.Exists(Path.Combine(_cli.Root, "c1")), Is.False);
    }

    [Test]
    public void Run_returns_the_containers_exit_code_and_output()
    {
        _cli.WriteConfig(["sh", "-c", "echo out-$(hostname); exit 7"], c => c["hostname"] = "clibox");
        var r = _cli.Run("run", "--bundle", _cli.Bundle, "r1");
        Assert.That(r.ExitCode, Is.EqualTo(7), r.Stderr);
        Assert.That(r.Stdout, Is.EqualTo("out-clibox\n"));
        Assert.That(Directory.Exists(Path.Combine(_cli.Root, "r1")), Is.False, "run deletes the container after it exits");
    }

    [Test]
    public void Lifecycle_errors_are_non_zero_with_a_clear_message()
    {
        _cli.WriteConfig(["sleep", "60"]);
        Assert.That(_cli.Run("create", "--bundle", _cli.Bundle, "e1").ExitCode, Is.Zero);

        var duplicate = _cli.Run("create", "--bundle", _cli.Bundle, "e1");
        Assert.That(duplicate.ExitCode, Is.Not.Zero);
        Assert.That(duplicate.Stderr, Does.Contain("container with id \"e1\" already exists"));

        Assert.That(_cli.Run("start", "e1").ExitCode, Is.Zero);
        var twice = _cli.Run("start", "e1");
        Assert.That(twice.ExitCode, Is.Not.Zero);
        Assert.That(twice.Stderr, Does.Contain("cannot start a container that has already started"));

        var running = _cli.Run("delete", "e1");
        Assert.That(running.ExitCode, Is.Not.Zero);
        Assert.That(running.Stderr, Does.Contain("cannot delete container e1 that is not stopped: running"));

        Assert.That(_cli.Run("kill", "e1", "9").ExitCode, Is.Zero);
        for (var i = 0; i < 200 && _cli.Status("e1") != "stopped"; i++)
            Thread.Sleep(10);
        var stopped = _cli.Run("kill", "e1");
        Assert.That(stopped.ExitCode, Is.Not.Zero);
        Assert.That(stopped.Stderr, Does.Contain("container not running"));
        Assert.That(_cli.Run("delete", "e1").ExitCode, Is.Zero);

        var unknown = _cli.Run("state", "nope");
        Assert.That(unknown.ExitCode, Is.Not.Zero);
        Assert.That(unknown.Stderr, Does.Contain("container \"nope\" does not exist"));
    }

    [Test]
    public void Delete_force_kills_a_running_container_and_removes_its_cgroup()
    {
        _cli.WriteConfig(["sleep", "60"], c => c["linux"]!["resources"]!["pids"] = new System.Text.Json.Nodes.JsonObject { ["limit"] = 32 });
        Assert.That(_cli.Run("run", "--detach", "--bundle", _cli.Bundle, "f1").ExitCode, Is.Zero);
        var pid = int.Parse(System.Text.Json.Nodes.JsonNode.Parse(_cli.Run("state", "f1").Stdout)!["pid"]!.ToString());
        var cgroup = File.ReadAllLines($"/proc/{pid}/cgroup").Single(l => l.Contains(":pids:")).Split(':')[2];
        Assert.That(Directory.Exists("/sys/fs/cgroup/pids" + cgroup), Is.True);
        Assert.That(File.ReadAllText("/sys/fs/cgroup/pids" + cgroup + "/pids.max").Trim(), Is.EqualTo("32"));

        Assert.That(_cli.Run("delete", "--force", "f1").ExitCode, Is.Zero);
        Assert.That(Directory.Exists($"/proc/{pid}") && !File.ReadAllText($"/proc/{pid}/stat").Contains(") Z "), Is.False);
        Assert.That(Directory.Exists("/sys/fs/cgroup/pids" + cgroup), Is.False);
    }

    [Test]
    public void Exec_runs_a_process_inside_the_running_container()
    {
        _cli.WriteConfig(["sleep", "60"], c => c["hostname"] = "execbox");
        Assert.That(_cli.Run("run", "--detach", "--bundle", _cli.Bundle, "x1").ExitCode, Is.Zero);
        var r = _cli.Run("exec", "--env", "V=1", "x1", "sh", "-c", "echo $(hostname) $V; cat /proc/1/cmdline; exit 4");
        Assert.That(r.ExitCode, Is.EqualTo(4), r.Stderr);
        Assert.That(r.Stdout, Does.StartWith("execbox 1\nsleep"));
    }

    [Test]
    public void Pause_and_resume_freeze_and_thaw_the_container()
    {
        _cli.WriteConfig(["sleep", "60"]);
        Assert.That(_cli.Run("run", "--detach", "--bundle", _cli.Bundle, "p1").ExitCode, Is.Zero);
        Assert.That(_cli.Run("pause", "p1").ExitCode, Is.Zero);
        Assert.That(_cli.Status("p1"), Is.EqualTo("paused"));
        var pid = int.Parse(System.Text.Json.Nodes.JsonNode.Parse(_cli.Run("state", "p1").Stdout)!["pid"]!.ToString());
        Assert.That(File.ReadAllText($"/proc/{pid}/stat"), Does.Match(@"\) [DS] "), "frozen tasks sleep in the freezer");
        Assert.That(_cli.Run("resume", "p1").ExitCode, Is.Zero);
        Assert.That(_cli.Status("p1"), Is.EqualTo("running"));
    }

    [Test]
    public void All_six_hooks_run_in_order_in_their_namespaces_with_the_state_on_stdin()
    {
        // The log is inside the rootfs: hooks in the runtime's namespaces and createContainer (before pivot_root, where
        // the host's paths still resolve) write it by its host path; startContainer, inside the container, as /tmp.
        // The container waits for poststart: a process that already exited would rightly be reported "stopped" to it.
        var log = Path.Combine(_cli.Bundle, "rootfs/tmp/hooks.log");
        System.Text.Json.Nodes.JsonObject Hook(string name, string logPath) => new()
        {
            ["path"] = "/bin/sh",
            ["args"] = new System.Text.Json.Nodes.JsonArray("sh", "-c",
                $"echo {name} $(cat | tr -d '\\n\\t ' | grep -o '\"status\":\"[a-z]*\"') $(readlink /proc/self/ns/mnt) >> {logPath}"),
        };
        _cli.WriteConfig(["sh", "-c", "i=0; until grep -q poststart /tmp/hooks.log || [ $i -ge 1000 ]; do i=$((i+1)); sleep 0.01; done"], c => c["hooks"] = new System.Text.Json.Nodes.JsonObject
        {
            ["prestart"] = new System.Text.Json.Nodes.JsonArray(Hook("prestart", log)),
            ["createRuntime"] = new System.Text.Json.Nodes.JsonArray(Hook("createRuntime", log)),
            ["createContainer"] = new System.Text.Json.Nodes.JsonArray(Hook("createContainer", log)),
            ["startContainer"] = new System.Text.Json.Nodes.JsonArray(Hook("startContainer", "/tmp/hooks.log")),
            ["poststart"] = new System.Text.Json.Nodes.JsonArray(Hook("poststart", log)),
            ["poststop"] = new System.Text.Json.Nodes.JsonArray(Hook("poststop", log)),
        });
        Assert.That(_cli.Run("run", "--bundle", _cli.Bundle, "h1").ExitCode, Is.Zero);
        var lines = File.ReadAllLines(log).Select(l => l.Split(' ')).ToList();
        var host = new FileInfo("/proc/self/ns/mnt").LinkTarget;
        Assert.That(lines.Select(l => $"{l[0]} {l[1]}"), Is.EqualTo(new[]
        {
            "prestart \"status\":\"creating\"", "createRuntime \"status\":\"creating\"", "createContainer \"status\":\"creating\"",
            "startContainer \"status\":\"created\"", "poststart \"status\":\"running\"", "poststop \"status\":\"stopped\"",
        }));
        Assert.Multiple(() =>
        {
            foreach (var runtimeHook in new[] { 0, 1, 4, 5 })
                Assert.That(lines[runtimeHook][2], Is.EqualTo(host), $"{lines[runtimeHook][0]} runs in the runtime's mount namespace");
            Assert.That(lines[2][2], Is.Not.EqualTo(host), "createContainer runs in the container's mount namespace");
            Assert.That(lines[3][2], Is.EqualTo(lines[2][2]), "startContainer runs in the container's mount namespace");
        });
    }

    [Test]
    public void A_failing_createContainer_hook_aborts_create_and_leaves_nothing()
    {
        _cli.WriteConfig(["sleep", "60"], c => c["hooks"] = new System.Text.Json.Nodes.JsonObject
        {
            ["createContainer"] = new System.Text.Json.Nodes.JsonArray(new System.Text.Json.Nodes.JsonObject { ["path"] = "/bin/sh", ["args"] = new System.Text.Json.Nodes.JsonArray("sh", "-c", "echo no >&2; exit 3") }),
        });
        var r = _cli.Run("create", "--bundle", _cli.Bundle, "hc");
        Assert.That(r.ExitCode, Is.Not.Zero);
        Assert.That(r.Stderr, Does.Contain("createContainer hook 0: hook /bin/sh: failed").And.Contain("no"));
        Assert.That(Directory.Exists(Path.Combine(_cli.Root, "hc")), Is.False);
        Assert.That(Directory.Exists("/sys/fs/cgroup/pids/containment/hc"), Is.False);
    }

    [Test]
    public void A_failing_startContainer_hook_fails_start_and_stops_the_container()
    {
        _cli.WriteConfig(["sleep", "60"], c => c["hooks"] = new System.Text.Json.Nodes.JsonObject
        {
            ["startContainer"] = new System.Text.Json.Nodes.JsonArray(new System.Text.Json.Nodes.JsonObject { ["path"] = "/bin/false" }),
        });
        Assert.That(_cli.Run("create", "--bundle", _cli.Bundle, "hs").ExitCode, Is.Zero);
        var r = _cli.Run("start", "hs");
        Assert.That(r.ExitCode, Is.Not.Zero);
        Assert.That(r.Stderr, Does.Contain("startContainer hook 0: hook /bin/false: failed"));
        Assert.That(_cli.Status("hs"), Is.EqualTo("stopped"));
        Assert.That(_cli.Run("delete", "hs").ExitCode, Is.Zero);
    }

    [Test]
    public void A_failing_prestart_hook_aborts_create_and_leaves_nothing()
    {
        _cli.WriteConfig(["sleep", "60"], c => c["hooks"] = new System.Text.Json.Nodes.JsonObject
        {
            ["prestart"] = new System.Text.Json.Nodes.JsonArray(new System.Text.Json.Nodes.JsonObject { ["path"] = "/bin/false" }),
        });
        var r = _cli.Run("create", "--bundle", _cli.Bundle, "hf");
        Assert.That(r.ExitCode, Is.Not.Zero);
        Assert.That(r.Stderr, Does.Contain("prestart hook 0: hook /bin/false: failed"));
        Assert.That(Directory.Exists(Path.Combine(_cli.Root, "hf")), Is.False);
        Assert.That(Directory.Exists("/sys/fs/cgroup/pids/containment/hf"), Is.False);
    }

    [Test]
    public void Preserve_fds_passes_the_callers_fds_3_and_up_and_nothing_else()
    {
        var input = Path.Combine(_cli.Bundle, "fd3.txt");
        var output = Path.Combine(_cli.Bundle, "fd4.txt");
        File.WriteAllText(input, "through-fd-3\n");
        _cli.WriteConfig(["sh", "-c", "cat <&3; echo through-fd-4 >&4; for f in /proc/self/fd/*; do [ -e $f ] && echo fd ${f##*/}; done; true"]);
        var r = _cli.RunWith($"exec 3<{input} 4>{output} 5</dev/null", "run", "--preserve-fds", "2", "--bundle", _cli.Bundle, "pf");
        Assert.That(r.ExitCode, Is.Zero, r.Stderr);
        Assert.That(r.Stdout, Does.Contain("through-fd-3"));
        Assert.That(File.ReadAllText(output), Is.EqualTo("through-fd-4\n"));
        var fds = r.Stdout.Split('\n').Where(l => l.StartsWith("fd ")).Select(l => l[3..]).ToList();
        // The glob's own directory fd is closed by the time the loop tests it; a leaked fd 5 would still be open.
        Assert.That(fds, Is.EqualTo(new[] { "0", "1", "2", "3", "4" }), "fd 5 was not asked for");
    }

    [Test]
    public void Preserve_fds_naming_a_closed_fd_is_refused()
    {
        _cli.WriteConfig(["true"]);
        var r = _cli.Run("create", "--preserve-fds", "200", "--bundle", _cli.Bundle, "pc");
        Assert.That(r.ExitCode, Is.Not.Zero);
        Assert.That(r.Stderr, Does.Match(@"--preserve-fds 200: fd \d+ is not open"));
        Assert.That(Directory.Exists(Path.Combine(_cli.Root, "pc")), Is.False);
    }

    [Test]
    public void A_foreground_run_with_a_terminal_relays_it_to_the_callers_stdio()
    {
        _cli.WriteConfig(["sh", "-c", "tty; test -t 0 && echo stdin-is-a-tty; read line; echo got-$line; exit 5"], c => c["process"]!["terminal"] = true);
        var r = _cli.RunWith("exec 0<<'EOF'\nhello\nEOF", "run", "--bundle", _cli.Bundle, "tt");
        Assert.That(r.ExitCode, Is.EqualTo(5), r.Stderr);
        Assert.That(r.Stdout, Does.Contain("/dev/pts/0").And.Contain("stdin-is-a-tty").And.Contain("got-hello"));
        Assert.That(Directory.Exists(Path.Combine(_cli.Root, "tt")), Is.False, "a foreground run deletes its container");
    }

    [Test]
    public void A_detached_run_with_a_terminal_needs_a_console_socket()
    {
        _cli.WriteConfig(["true"], c => c["process"]!["terminal"] = true);
        var r = _cli.Run("run", "--detach", "--bundle", _cli.Bundle, "td");
        Assert.That(r.ExitCode, Is.Not.Zero);
        Assert.That(r.Stderr, Does.Contain("--console-socket"));
    }

    [Test]
    public void An_unsupported_field_is_refused_by_name()
    {
        _cli.WriteConfig(["true"], c => c["process"]!["ioPriority"] = new System.Text.Json.Nodes.JsonObject { ["class"] = "IOPRIO_CLASS_IDLE", ["priority"] = 7 });
        var r = _cli.Run("create", "--bundle", _cli.Bundle, "u1");
        Assert.That(r.ExitCode, Is.Not.Zero);
        Assert.That(r.Stderr, Does.Contain("process.ioPriority"));
    }
}
