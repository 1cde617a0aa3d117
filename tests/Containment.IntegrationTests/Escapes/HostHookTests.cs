using System.Runtime.InteropServices;
using Containment.Hooks;

namespace Containment.IntegrationTests.Escapes;

/// <summary>
/// A host hook (OCI prestart, createRuntime, poststart, poststop; <see cref="ContainerHook.RunAsync"/>) run by a runtime
/// whose config an attacker wrote: what it inherits from the runtime, and whether it can hold the runtime forever.
/// </summary>
[System.Runtime.Versioning.SupportedOSPlatform("linux")]
public partial class HostHookTests
{
    /// <summary>A hang guard, not a measurement: the runtime must come back at all.</summary>
    private static readonly TimeSpan Guard = TimeSpan.FromSeconds(60);

    [Test]
    public async Task A_hook_that_leaves_a_daemon_holding_its_output_does_not_hold_the_runtime()
    {
        using var dir = new TempDir();
        var hook = new ContainerHook("/bin/sh") { Args = ["sh", "-c", $"sleep 600 & echo $! > {dir.Path}/daemon; echo started"], Timeout = TimeSpan.FromSeconds(300) };
        try
        {
            await hook.RunAsync("{}").WaitAsync(Guard);
        }
        finally
        {
            dir.KillRecorded("daemon");
        }
    }

    [Test]
    public async Task A_hook_that_does_not_read_a_large_input_and_never_exits_is_killed_at_its_timeout()
    {
        var hook = new ContainerHook("/bin/sleep") { Args = ["sleep", "600"], Timeout = TimeSpan.FromSeconds(1) };

        var e = Assert.ThrowsAsync<ContainerHookException>(() => hook.RunAsync(new string('x', 1 << 20)).WaitAsync(Guard));

        Assert.That(e!.Message, Does.Contain("timed out"));
    }

    [Test]
    public async Task A_hook_that_times_out_is_killed_with_the_processes_it_started()
    {
        using var dir = new TempDir();
        var hook = new ContainerHook("/bin/sh") { Args = ["sh", "-c", $"sleep 600 & echo $! > {dir.Path}/daemon; exec sleep 600"], Timeout = TimeSpan.FromSeconds(2) };

        Assert.ThrowsAsync<ContainerHookException>(() => hook.RunAsync("{}").WaitAsync(Guard));
        var pid = int.Parse(File.ReadAllText(Path.Combine(dir.Path, "daemon")));
        while (Alive(pid))
            await Task.Delay(50).WaitAsync(Guard);
    }

    [Test]
    public async Task A_hook_gets_only_its_three_streams_and_only_the_environment_its_config_gives()
    {
        using var dir = new TempDir();
        var leaked = Open("/etc/hostname", 0); // a descriptor of the runtime without close-on-exec
        Environment.SetEnvironmentVariable("CONTAINMENT_TEST_SECRET", "runtime-only");
        try
        {
            var hook = new ContainerHook("/bin/sh")
            {
                Args = ["sh", "-c", $"ls /proc/self/fd > {dir.Path}/fds; env > {dir.Path}/env"], Environment = ["GIVEN=1"],
            };
            await hook.RunAsync("{}").WaitAsync(Guard);
        }
        finally
        {
            Close(leaked);
            Environment.SetEnvironmentVariable("CONTAINMENT_TEST_SECRET", null);
        }

        // ls's own directory descriptor is the one beyond 0-2.
        var fds = File.ReadAllLines(Path.Combine(dir.Path, "fds")).Select(int.Parse).Where(fd => fd > 3).ToList();
        Assert.That(fds, Is.Empty, $"the hook held the runtime's descriptor {leaked}");
        var env = File.ReadAllLines(Path.Combine(dir.Path, "env"));
        Assert.That(env, Does.Contain("GIVEN=1"));
        Assert.That(env, Has.None.StartsWith("CONTAINMENT_TEST_SECRET"));
    }

    private static bool Alive(int pid) =>
        File.Exists($"/proc/{pid}/stat") && File.ReadAllText($"/proc/{pid}/stat").Split(") ")[1][0] != 'Z';

    [LibraryImport("libc", EntryPoint = "open", StringMarshalling = StringMarshalling.Utf8)]
    private static partial int Open(string path, int flags);

    [LibraryImport("libc", EntryPoint = "close")]
    private static partial int Close(int fd);

    private sealed class TempDir : IDisposable
    {
        public string Path { get; } = Directory.CreateTempSubdirectory("containment-hook-").FullName;

        /// <summary>SIGKILLs the process whose pid the hook wrote to <paramref name="name"/>, if it still runs.</summary>
        public void KillRecorded(string name)
        {
            var file = System.IO.Path.Combine(Path, name);
            if (File.Exists(file) && int.TryParse(File.ReadAllText(file), out var pid) && Alive(pid))
                System.Diagnostics.Process.GetProcessById(pid).Kill();
        }

        public void Dispose() => Directory.Delete(Path, recursive: true);
    }
}
