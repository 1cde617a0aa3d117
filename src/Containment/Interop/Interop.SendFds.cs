using System.Buffers.Binary;
using System.Runtime.InteropServices;

namespace Containment.Interop;

internal static partial class Libc
{
    /// <summary>
    /// One <c>sendmsg</c> of <paramref name="data"/> with <paramref name="fds"/> attached (SCM_RIGHTS), each handle
    /// referenced for the duration. Returns the bytes sent, or -1 with errno set.
    /// </summary>
    public static unsafe nint SendWithFds(int socket, ReadOnlySpan<byte> data, IReadOnlyList<SafeHandle> fds)
    {
        var refs = new bool[fds.Count];
        try
        {
            var control = new byte[fds.Count == 0 ? 0 : CmsgSpace(fds.Count * sizeof(int))];
            if (fds.Count > 0)
            {
                BinaryPrimitives.WriteUInt64LittleEndian(control, (ulong)(CmsgHeaderSize + fds.Count * sizeof(int)));
                BinaryPrimitives.WriteInt32LittleEndian(control.AsSpan(8), SOL_SOCKET);
                BinaryPrimitives.WriteInt32LittleEndian(control.AsSpan(12), SCM_RIGHTS);
                for (var i = 0; i < fds.Count; i++)
                {
                    fds[i].DangerousAddRef(ref refs[i]);
                    BinaryPrimitives.WriteInt32LittleEndian(control.AsSpan(CmsgHeaderSize + i * 4), (int)fds[i].DangerousGetHandle());
                }
            }
            fixed (byte* d = data)
            fixed (byte* ctl = control)
            {
                var iov = new IoVec { Base = d, Length = (nuint)data.Length };
                var hdr = new MsgHdr { Iov = &iov, IovLength = 1, Control = fds.Count > 0 ? ctl : null, ControlLength = (nuint)control.Length };
                nint n;
                do
                    n = SendMsg(socket, &hdr, MSG_NOSIGNAL);
                while (n < 0 && Marshal.GetLastPInvokeError() == Errno.EINTR);
                return n;
            }
        }
        finally
        {
            for (var i = 0; i < fds.Count; i++)
                if (refs[i])
                    fds[i].DangerousRelease();
        }
    }
}
