namespace Containment.Interop;

/// <summary>Names for errno values, for messages such as <c>pivot_root(/srv/rootfs): EINVAL</c>.</summary>
internal static class Errno
{
    public const int EPERM = 1, ENOENT = 2, ESRCH = 3, EINTR = 4, EIO = 5, EBADF = 9, ECHILD = 10, EAGAIN = 11,
        ENOMEM = 12, EACCES = 13, EFAULT = 14, EBUSY = 16, EEXIST = 17, EXDEV = 18, ENODEV = 19, ENOTDIR = 20,
        EISDIR = 21, EINVAL = 22, ENFILE = 23, EMFILE = 24, ENOSPC = 28, EROFS = 30, EPIPE = 32, ERANGE = 34,
        ENAMETOOLONG = 36, ENOSYS = 38, ELOOP = 40, EBADMSG = 74, EOPNOTSUPP = 95, ECONNRESET = 104;

    private static readonly Dictionary<int, string> Names = new()
    {
        [1] = "EPERM", [2] = "ENOENT", [3] = "ESRCH", [4] = "EINTR", [5] = "EIO", [6] = "ENXIO", [7] = "E2BIG",
        [8] = "ENOEXEC", [9] = "EBADF", [10] = "ECHILD", [11] = "EAGAIN", [12] = "ENOMEM", [13] = "EACCES",
        [14] = "EFAULT", [15] = "ENOTBLK", [16] = "EBUSY", [17] = "EEXIST", [18] = "EXDEV", [19] = "ENODEV",
        [20] = "ENOTDIR", [21] = "EISDIR", [22] = "EINVAL", [23] = "ENFILE", [24] = "EMFILE", [25] = "ENOTTY",
        [26] = "ETXTBSY", [27] = "EFBIG", [28] = "ENOSPC", [29] = "ESPIPE", [30] = "EROFS", [31] = "EMLINK",
        [32] = "EPIPE", [33] = "EDOM", [34] = "ERANGE", [36] = "ENAMETOOLONG", [38] = "ENOSYS",
        [39] = "ENOTEMPTY", [40] = "ELOOP", [61] = "ENODATA", [74] = "EBADMSG", [75] = "EOVERFLOW",
        [95] = "EOPNOTSUPP", [110] = "ETIMEDOUT", [116] = "ESTALE",
    };

    /// <summary>The symbolic name of an errno value (<c>EINVAL</c>), or <c>errno N</c> when unknown.</summary>
    public static string Name(int errno) => Names.TryGetValue(errno, out var name) ? name : $"errno {errno}";
}
