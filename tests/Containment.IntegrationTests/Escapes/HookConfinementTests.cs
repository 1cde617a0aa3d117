using System.Text.Json.Nodes;
using Containment.IntegrationTests.Runtime;

namespace Containment.IntegrationTests.Escapes;

/// <summary>
/// A startContainer hook is an image binary run inside the container just before its process: it must be no more
/// privileged than that process (runc runs these hooks from the container's init after it dropped its privileges).
/// </summary>
public class HookConfinementTests
{
    private const string Status = "grep -E '^(Uid|Gid|Groups|CapInh|CapPrm|CapEff|CapBnd|CapAmb|NoNewPrivs|Seccomp):' /proc/self/status";

    [Test]
    public void A_startContainer_hook_runs_with_the_container_process_user_capabilities_no_new_privs_and_seccomp()
    {
        using var cli = new RuntimeCli();
        var tmp = Path.Combine(cli.Bundle, "rootfs/tmp");
        if (OperatingSystem.IsLinux())
        {
            File.SetUnixFileMode(Path.GetDirectoryName(tmp)!, (UnixFileMode)Convert.ToInt32("755", 8)); // an image's / is 755
            File.SetUnixFileMode(tmp, (UnixFileMode)Convert.ToInt32("1777", 8));
        }
        cli.WriteConfig(["sh", "-c", $"{Status} > /tmp/process.status"], c =>
        {
            var process = c["process"]!.AsObject();
            process["user"] = new JsonObject { ["uid"] = 1000, ["gid"] = 1000, ["additionalGids"] = new JsonArray(1001) };
            process["noNewPrivileges"] = true;
            process["capabilities"] = new JsonObject
            {
                ["bounding"] = new JsonArray("CAP_KILL", "CAP_NET_BIND_SERVICE"),
                ["permitted"] = new JsonArray("CAP_KILL"),
                ["effective"] = new JsonArray("CAP_KILL"),
            };
            c["linux"]!["seccomp"] = new JsonObject
            {
                ["defaultAction"] = "SCMP_ACT_ALLOW",
                ["syscalls"] = new JsonArray(new JsonObject { ["names"] = new JsonArray("mknodat", "mknod"), ["action"] = "SCMP_ACT_ERRNO", ["errnoRet"] = 1 }),
            };
            c["hooks"] = new JsonObject
            {
                ["startContainer"] = new JsonArray(new JsonObject
                {
                    ["path"] = "/bin/sh", ["args"] = new JsonArray("sh", "-c", $"{Status} > /tmp/hook.status"),
                }),
            };
        });
        var r = cli.Run("run", "--bundle", cli.Bundle, "hk");
        Assert.That(r.ExitCode, Is.Zero, r.Stderr);
        var process = File.ReadAllText(Path.Combine(tmp, "process.status"));
        var hook = File.ReadAllText(Path.Combine(tmp, "hook.status"));
        TestContext.Out.WriteLine($"process:\n{process}hook:\n{hook}");
        Assert.That(process, Does.Match(@"Uid:\s+1000\s").And.Match(@"NoNewPrivs:\s+1").And.Match(@"Seccomp:\s+2"), "the container's process as configured");
        Assert.That(hook, Is.EqualTo(process), "the hook's user, groups, capabilities, no_new_privs and seccomp mode are the process's");
    }
}
