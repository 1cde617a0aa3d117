using Containment.Seccomp.Bpf;

namespace Containment.Seccomp;

/// <summary>
/// A seccomp program ready for <c>seccomp(SECCOMP_SET_MODE_FILTER, Flags, …)</c>: the instructions as the kernel's
/// <c>struct sock_filter</c> array in the target's byte order (8 bytes each), and the flags. This is what goes into
/// the executor's plan (OP_SECCOMP: u32 flags, u32 count, bytes filter[count * 8]).
/// </summary>
internal sealed class CompiledSeccompFilter
{
    public CompiledSeccompFilter(BpfInstruction[] instructions, SeccompFilterFlags flags, SeccompArchitecture native, ResolvedProfile source,
        IReadOnlyCollection<SeccompAction> actions)
    {
        Instructions = instructions;
        Flags = flags;
        Native = native;
        Source = source;
        Actions = actions;
        BigEndian = ArchitectureInfo.Get(native).BigEndian;
        Bytes = new byte[instructions.Length * BpfInstruction.Size];
        for (var i = 0; i < instructions.Length; i++)
            instructions[i].Write(Bytes.AsSpan(i * BpfInstruction.Size, BpfInstruction.Size), BigEndian);
    }

    /// <summary>A program compiled ahead of time (<see cref="PrecompiledFilters"/>), as <c>struct sock_filter[]</c> bytes.</summary>
    public CompiledSeccompFilter(byte[] bytes, SeccompFilterFlags flags, SeccompArchitecture native, bool bigEndian,
        IReadOnlyCollection<SeccompAction> actions)
    {
        Instructions = BpfInstruction.ReadProgram(bytes, bigEndian);
        Bytes = bytes;
        Flags = flags;
        Native = native;
        BigEndian = bigEndian;
        Actions = actions;
    }

    public IReadOnlyList<BpfInstruction> Instructions { get; }

    /// <summary>The program as <c>struct sock_filter[Count]</c>.</summary>
    public byte[] Bytes { get; }

    public int Count => Instructions.Count;

    /// <summary>Flags for seccomp(2); includes NEW_LISTENER when the profile uses NOTIFY.</summary>
    public SeccompFilterFlags Flags { get; }

    /// <summary>Whether loading the filter returns a user-notification listener fd.</summary>
    public bool ReturnsListener => (Flags & SeccompFilterFlags.NewListener) != 0;

    public SeccompArchitecture Native { get; }

    public bool BigEndian { get; }

    /// <summary>The resolved rules compiled (for explanations); null for a precompiled program.</summary>
    public ResolvedProfile? Source { get; }

    /// <summary>Every action the program can return (the profile's default and its rules'), each once.</summary>
    public IReadOnlyCollection<SeccompAction> Actions { get; }

    /// <summary>Runs the program in the interpreter: the SECCOMP_RET_* value the kernel would act on.</summary>
    public uint Run(SeccompData data) => BpfInterpreter.Run(Instructions.ToArray(), data, BigEndian);

    public override string ToString() => BpfDisassembler.Format(Instructions.ToArray());
}
