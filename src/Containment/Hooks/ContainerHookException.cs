namespace Containment.Hooks;

/// <summary>A hook could not start, exited non-zero, or ran past its timeout.</summary>
internal sealed class ContainerHookException : ContainmentException
{
    /// <summary>Creates the exception for <paramref name="hook"/>.</summary>
    public ContainerHookException(ContainerHook hook, string problem) : base($"hook {hook.Path}: {problem}") => Hook = hook;

    /// <summary>The hook that failed.</summary>
    public ContainerHook Hook { get; }
}
