using System.Runtime.InteropServices;

namespace Containment.Interop;

internal static partial class Libc
{
    /// <summary>glibc's posix_spawn_file_actions_t is 80 bytes and posix_spawnattr_t 336; room to spare.</summary>
    public const int SpawnStructSize = 512;

    [LibraryImport(Name, EntryPoint = "posix_spawn_file_actions_init")]
    public static unsafe partial int PosixSpawnFileActionsInit(void* actions);

    [LibraryImport(Name, EntryPoint = "posix_spawn_file_actions_adddup2")]
    public static unsafe partial int PosixSpawnFileActionsAddDup2(void* actions, int fd, int newFd);

    [LibraryImport(Name, EntryPoint = "posix_spawn_file_actions_destroy")]
    public static unsafe partial int PosixSpawnFileActionsDestroy(void* actions);

    [LibraryImport(Name, EntryPoint = "posix_spawn")]
    public static unsafe partial int PosixSpawn(int* pid, byte* path, void* fileActions, void* attr, byte** argv, byte** envp);
}
