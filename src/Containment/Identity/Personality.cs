namespace Containment.Identity;

/// <summary>The execution domain the container's process runs in (<c>personality(2)</c>).</summary>
public enum Personality
{
    /// <summary><c>PER_LINUX</c>: the native domain.</summary>
    Linux = 0x0000,
    /// <summary><c>PER_LINUX32</c>: <c>uname</c> reports a 32-bit machine (e.g. <c>i686</c> on x86_64).</summary>
    Linux32 = 0x0008,
}
