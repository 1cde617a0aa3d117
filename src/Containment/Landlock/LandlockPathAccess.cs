namespace Containment.Landlock;

/// <summary>What a Landlock path rule allows beneath its path (see docs/landlock.md for the kernel rights each maps to).</summary>
[Flags]
public enum LandlockPathAccess
{
    /// <summary>Nothing.</summary>
    None = 0,

    /// <summary>Read files and list directories.</summary>
    Read = 1,

    /// <summary>Write, truncate, create, remove, rename and link files and directories (and use device ioctls).</summary>
    Write = 2,

    /// <summary>Execute files (and be the interpreter or a library a program maps).</summary>
    Execute = 4,
}
