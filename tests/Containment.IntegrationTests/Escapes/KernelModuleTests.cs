using static Containment.IntegrationTests.Escapes.EscapeProbe;

namespace Containment.IntegrationTests.Escapes;

/// <summary>Loading (or unloading) a kernel module: code in the host's kernel.</summary>
public class KernelModuleTests
{
    private static string Modules() => File.Exists("/proc/modules") ? File.ReadAllText("/proc/modules") : "(no module support)";

    [Test]
    public async Task Init_module_finit_module_and_delete_module_fail_with_EPERM_and_no_module_appears()
    {
        var before = Modules();
        // init_module(image, len, params) with a non-ELF image, finit_module on /bin/escape, delete_module of a name.
        var script = $"{Call("init_module", "/bin/escape", 16, "/")}; exec 5</bin/escape; {Call("finit_module", 5, "/", 0)}; {Call("delete_module", "/loop", 0)}";
        var confined = await Attack.InDefault(script);
        Assert.That(confined.Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries), Has.Length.EqualTo(3).And.All.EqualTo("ret=-1 errno=1"), confined.Stderr);
        // Without the filter the kernel still refuses: no CAP_SYS_MODULE (EPERM), or no module support at all (ENOSYS).
        var unconfined = await Attack.InDefault(script, s => s.WithSeccomp(null));
        Assert.That(unconfined.Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries), Has.All.Matches("^ret=-1 errno=(1|38)$"));
        Assert.That(Modules(), Is.EqualTo(before));
    }
}
