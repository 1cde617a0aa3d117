namespace Containment.Interop;

internal static partial class Libc
{
    /// <summary>The C library every P/Invoke in this assembly binds to.</summary>
    public const string Name = "libc";
}
