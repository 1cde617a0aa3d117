using System.Runtime.InteropServices;

namespace Containment.Interop;

internal static partial class Libc
{
    [LibraryImport(Name, EntryPoint = "mkfifo", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    public static partial int Mkfifo(string path, int mode);
}
