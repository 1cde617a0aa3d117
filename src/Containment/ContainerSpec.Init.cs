namespace Containment;

public sealed partial record ContainerSpec
{
    /// <summary>
    /// Whether a tiny init runs as the container's PID 1 with the program as its child: it forwards signals to the
    /// program, reaps every zombie, and exits with the program's status. Default: false, the program is PID 1 (the OCI
    /// semantics: the kernel then drops default-action signals sent to it, such as SIGTERM, SIGINT and RLIMIT_CPU's
    /// SIGXCPU, and the orphans it inherits stay zombies unless it waits for them). See docs/init.md.
    /// </summary>
    public bool Init { get; private init; }

    /// <summary>Runs the program under an init (see <see cref="Init"/>): like <c>docker run --init</c> or bubblewrap's default.</summary>
    public ContainerSpec WithInit(bool init = true) => this with { Init = init };
}
