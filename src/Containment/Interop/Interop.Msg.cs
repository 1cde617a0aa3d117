using System.Runtime.InteropServices;

namespace Containment.Interop;

internal static partial class Libc
{
    public const int SOL_SOCKET = 1, SCM_RIGHTS = 1;
    public const int MSG_DONTWAIT = 0x40, MSG_NOSIGNAL = 0x4000, MSG_CMSG_CLOEXEC = 0x40000000;
    public const int MSG_TRUNC = 0x20, MSG_CTRUNC = 0x8;

    [StructLayout(LayoutKind.Sequential)]
    public unsafe struct IoVec
    {
        public void* Base;
        public nuint Length;
    }

    [StructLayout(LayoutKind.Sequential)]
    public unsafe struct MsgHdr
    {
        public void* Name;
        public uint NameLength;
        public IoVec* Iov;
        public nuint IovLength;
        public void* Control;
        public nuint ControlLength;
        public int Flags;
    }

    /// <summary>struct cmsghdr: size_t len, int level, int type, then data (aligned to size_t).</summary>
    public const int CmsgHeaderSize = 16;

    public static int CmsgSpace(int dataLength) => CmsgHeaderSize + ((dataLength + 7) & ~7);

    [LibraryImport(Name, EntryPoint = "sendmsg", SetLastError = true)]
    public static unsafe partial nint SendMsg(int fd, MsgHdr* msg, int flags);

    [LibraryImport(Name, EntryPoint = "recvmsg", SetLastError = true)]
    public static unsafe partial nint RecvMsg(int fd, MsgHdr* msg, int flags);
}
