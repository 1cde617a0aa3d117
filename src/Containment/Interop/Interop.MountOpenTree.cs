namespace Containment.Interop;

internal static partial class Libc
{
    public const long SYS_open_tree = 428;
    public const int OPEN_TREE_CLONE = 1, OPEN_TREE_CLOEXEC = O_CLOEXEC, AT_RECURSIVE = 0x8000;

    /// <summary>open_tree(2): with <see cref="OPEN_TREE_CLONE"/>, a detached copy of the mount (tree) at <paramref name="fd"/>.</summary>
    public static unsafe int OpenTree(int fd, int flags)
    {
        byte empty = 0;
        return (int)Syscall(SYS_open_tree, fd, (long)&empty, flags | AT_EMPTY_PATH, 0);
    }
}
