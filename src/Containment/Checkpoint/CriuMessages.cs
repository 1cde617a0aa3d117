namespace Containment.Checkpoint;

/// <summary>criu_req_type in CRIU's images/rpc.proto (the values this library sends or reads).</summary>
internal enum CriuRequestType
{
    Empty = 0,
    Dump = 1,
    Restore = 2,
    Check = 3,
    PreDump = 4,
    Notify = 6,
    Version = 10,
}

/// <summary>
/// criu_opts in CRIU's images/rpc.proto: the fields this library sets, by their field numbers there. Unset fields are
/// not written (CRIU's defaults apply).
/// </summary>
internal sealed record CriuOptions
{
    public required int ImagesDirFd { get; init; }
    public int? Pid { get; init; }
    public bool LeaveRunning { get; init; }
    public bool TcpEstablished { get; init; }
    public bool ShellJob { get; init; }
    public bool FileLocks { get; init; }
    public int LogLevel { get; init; } = 4;
    public string? LogFile { get; init; }
    public bool NotifyScripts { get; init; } = true;
    public string? Root { get; init; }
    public string? ParentImage { get; init; }
    public bool TrackMemory { get; init; }
    public int? WorkDirFd { get; init; }
    public IReadOnlyList<(string Key, string Value)> ExternalMounts { get; init; } = [];
    public IReadOnlyList<(string? Controller, string Path)> CgroupRoots { get; init; } = [];
    public bool RestoreSibling { get; init; }
    public IReadOnlyList<(string Key, int Fd)> InheritFds { get; init; } = [];
    public IReadOnlyList<string> External { get; init; } = [];
    public IReadOnlyList<(string Ns, string File)> JoinNamespaces { get; init; } = [];
    public int? ManageCgroupsMode { get; init; }
    public string? FreezeCgroup { get; init; }
    public bool OrphanPtsMaster { get; init; }

    public ProtoWriter Encode()
    {
        var w = new ProtoWriter().Int(1, ImagesDirFd);
        if (Pid is { } pid)
            w.Int(2, pid);
        w.Flag(3, LeaveRunning).Flag(5, TcpEstablished).Flag(7, ShellJob).Flag(8, FileLocks).Int(9, LogLevel).String(10, LogFile)
            .Flag(12, NotifyScripts).String(13, Root).String(14, ParentImage).Flag(15, TrackMemory);
        if (WorkDirFd is { } work)
            w.Int(17, work);
        foreach (var (key, value) in ExternalMounts)
            w.Message(23, new ProtoWriter().String(1, key).String(2, value));
        foreach (var (controller, path) in CgroupRoots)
            w.Message(25, new ProtoWriter().String(1, controller).String(2, path));
        w.Flag(26, RestoreSibling);
        foreach (var (key, fd) in InheritFds)
            w.Message(27, new ProtoWriter().String(1, key).Int(2, fd));
        foreach (var external in External)
            w.String(37, external);
        if (ManageCgroupsMode is { } mode)
            w.Int(34, mode);
        foreach (var (ns, file) in JoinNamespaces)
            w.Message(39, new ProtoWriter().String(1, ns).String(2, file));
        w.String(44, FreezeCgroup).Flag(50, OrphanPtsMaster);
        return w;
    }
}

/// <summary>criu_req: a request with its options, or the acknowledgement of a notification.</summary>
internal static class CriuRequest
{
    public static byte[] Create(CriuRequestType type, CriuOptions? options)
    {
        var w = new ProtoWriter().Int(1, (int)type);
        if (options is not null)
            w.Message(2, options.Encode());
        return w.ToArray();
    }

    /// <summary>What CRIU waits for after each notification: the script "succeeded".</summary>
    public static byte[] NotifyAck() => new ProtoWriter().Int(1, (int)CriuRequestType.Notify).Bool(3, true).ToArray();
}

/// <summary>criu_resp: the fields this library reads.</summary>
internal sealed record CriuResponse(CriuRequestType Type, bool Success, int? RestoredPid, string? NotifyScript, int? NotifyPid,
    int? Errno, string? ErrorMessage, string? Version)
{
    /// <exception cref="InvalidDataException">The message is not a well-formed criu_resp.</exception>
    public static CriuResponse Parse(ReadOnlySpan<byte> data)
    {
        var type = CriuRequestType.Empty;
        bool success = false;
        int? pid = null, notifyPid = null, errno = null;
        string? script = null, message = null, version = null;
        var r = new ProtoReader(data);
        while (r.Next())
        {
            switch (r.Field)
            {
                case 1: type = (CriuRequestType)r.Int32; break;
                case 2: success = r.Bool; break;
                case 4:
                    var restore = new ProtoReader(r.Bytes);
                    while (restore.Next())
                        if (restore.Field == 1)
                            pid = restore.Int32;
                    break;
                case 5:
                    var notify = new ProtoReader(r.Bytes);
                    while (notify.Next())
                    {
                        if (notify.Field == 1)
                            script = notify.String;
                        else if (notify.Field == 2)
                            notifyPid = notify.Int32;
                    }
                    break;
                case 7: errno = r.Int32; break;
                case 9: message = r.String; break;
                case 10:
                    var v = new ProtoReader(r.Bytes);
                    int major = 0, minor = 0, sublevel = 0;
                    while (v.Next())
                    {
                        if (v.Field == 1) major = v.Int32;
                        else if (v.Field == 2) minor = v.Int32;
                        else if (v.Field == 4) sublevel = v.Int32;
                    }
                    version = $"{major}.{minor}.{sublevel}";
                    break;
            }
        }
        return new CriuResponse(type, success, pid, script, notifyPid, errno, message, version);
    }
}
