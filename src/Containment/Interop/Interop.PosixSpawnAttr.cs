using System.Runtime.InteropServices;

namespace Containment.Interop;

internal static partial class Libc
{
    /// <summary>glibc's and musl's posix_spawnattr_t flags.</summary>
    public const short POSIX_SPAWN_SETPGROUP = 0x02, POSIX_SPAWN_SETSIGDEF = 0x04, POSIX_SPAWN_SETSIGMASK = 0x08;

    /// <summary>sigset_t: 1024 bits in glibc, 128 bytes in musl too.</summary>
    public const int SigSetSize = 128;

    [LibraryImport(Name, EntryPoint = "posix_spawnattr_init")]
    public static unsafe partial int PosixSpawnAttrInit(void* attr);

    [LibraryImport(Name, EntryPoint = "posix_spawnattr_destroy")]
    public static unsafe partial int PosixSpawnAttrDestroy(void* attr);

    [LibraryImport(Name, EntryPoint = "posix_spawnattr_setflags")]
    public static unsafe partial int PosixSpawnAttrSetFlags(void* attr, short flags);

    [LibraryImport(Name, EntryPoint = "posix_spawnattr_setsigdefault")]
    public static unsafe partial int PosixSpawnAttrSetSigDefault(void* attr, void* sigset);

    [LibraryImport(Name, EntryPoint = "posix_spawnattr_setsigmask")]
    public static unsafe partial int PosixSpawnAttrSetSigMask(void* attr, void* sigset);

    [LibraryImport(Name, EntryPoint = "posix_spawnattr_setpgroup")]
    public static unsafe partial int PosixSpawnAttrSetPgroup(void* attr, int pgroup);

    /// <summary>glibc 2.34+: the child closes every descriptor from <paramref name="from"/> on before it executes.</summary>
    [LibraryImport(Name, EntryPoint = "posix_spawn_file_actions_addclosefrom_np")]
    public static unsafe partial int PosixSpawnFileActionsAddCloseFrom(void* actions, int from);

    [LibraryImport(Name, EntryPoint = "sigfillset")]
    public static unsafe partial int SigFillSet(void* sigset);

    [LibraryImport(Name, EntryPoint = "sigemptyset")]
    public static unsafe partial int SigEmptySet(void* sigset);
}
