using Containment.Hooks;
using Containment.Oci;

namespace Containment.Runtime;

/// <summary>Runs a stage's OCI hooks in order, the state on stdin; the first failure names the stage and the hook.</summary>
internal static class Hooks
{
    /// <summary>In the runtime's namespaces: prestart, createRuntime, poststart, poststop.</summary>
    public static Task RunAsync(string stage, IReadOnlyList<OciHook>? hooks, string stateJson, CancellationToken cancellationToken) =>
        RunEachAsync(stage, hooks, (hook, ct) => hook.RunAsync(stateJson, ct), cancellationToken);

    /// <summary>
    /// poststart and poststop: a hook that fails is logged as a warning and the remaining hooks still run, as the runtime
    /// specification requires (the lifecycle goes on as if it had succeeded).
    /// </summary>
    public static async Task RunWarningAsync(string stage, IReadOnlyList<OciHook>? hooks, string stateJson, Log log, CancellationToken cancellationToken)
    {
        foreach (var (hook, index) in (hooks ?? []).Select((h, i) => (h, i)))
        {
            try
            {
                await hook.ToContainerHook().RunAsync(stateJson, cancellationToken);
            }
            catch (ContainerHookException e)
            {
                log.Warning($"{stage} hook {index}: {e.Message}");
            }
        }
    }

    /// <summary>
    /// In the namespaces of the container whose init is <paramref name="pid"/>: createContainer with the runtime's
    /// privileges; startContainer (<paramref name="confinedAs"/> given) with the user, capabilities, no_new_privs and
    /// seccomp filter of the container's process, as runc runs it from the container's init.
    /// </summary>
    public static Task RunInContainerAsync(string stage, IReadOnlyList<OciHook>? hooks, int pid, string stateJson, CancellationToken cancellationToken,
        ContainerSpec? confinedAs = null) =>
        RunEachAsync(stage, hooks, (hook, ct) => confinedAs is null ? hook.RunInContainerAsync(pid, stateJson, ct)
            : hook.RunInContainerAsync(pid, stateJson, confinedAs, ct), cancellationToken);

    private static async Task RunEachAsync(string stage, IReadOnlyList<OciHook>? hooks, Func<ContainerHook, CancellationToken, Task> run, CancellationToken cancellationToken)
    {
        foreach (var (hook, index) in (hooks ?? []).Select((h, i) => (h, i)))
        {
            try
            {
                await run(hook.ToContainerHook(), cancellationToken);
            }
            catch (ContainerHookException e)
            {
                throw new CliException($"{stage} hook {index}: {e.Message}");
            }
        }
    }
}
