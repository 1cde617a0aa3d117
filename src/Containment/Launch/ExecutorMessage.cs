namespace Containment.Launch;

/// <summary>A message on the executor's channel. Mirrors <c>struct msg</c> in protocol.h.</summary>
internal readonly record struct ExecutorMessage(MessageKind Kind, int Step, int Errno, int Value)
{
    public const int Size = 16;
}

internal enum MessageKind
{
    Pid = 1,
    Sync = 2,
    ExecOk = 3,
    Error = 4,
    Exit = 5,
    Ready = 6,
    SeccompListener = 8,
    Terminal = 10,
    /// <summary>Init to monitor only (init.c): the program's wait status; the monitor reports it as <see cref="Exit"/>.</summary>
    ProgramExit = 26,
    /// <summary>Init to monitor only: the program exec'd; the monitor reports <see cref="ExecOk"/>.</summary>
    InitExec = 27,
    Continue = 16,
    CgroupPlace = 29,
}
