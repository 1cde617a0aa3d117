namespace Containment.Seccomp.Notify;

/// <summary>
/// The answer to a supervised call: let it run (<see cref="Continue"/>), fail it (<see cref="Fail"/>), or complete it
/// without running it, returning a value (<see cref="Return"/>).
/// </summary>
public readonly record struct SeccompResponse
{
    private SeccompResponse(long value, SeccompErrno? errno, bool isContinue)
    {
        Value = value;
        Errno = errno;
        IsContinue = isContinue;
    }

    /// <summary>
    /// Lets the call run as the target made it (<c>SECCOMP_USER_NOTIF_FLAG_CONTINUE</c>). Not a security decision:
    /// the target can change the memory its arguments point to after the supervisor looked at it (docs/seccomp.md).
    /// </summary>
    public static SeccompResponse Continue { get; } = new(0, null, true);

    /// <summary>The call is not made and fails with <paramref name="errno"/>.</summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="errno"/> is not 1 to 4095.</exception>
    public static SeccompResponse Fail(SeccompErrno errno) =>
        (int)errno is > 0 and <= 4095 ? new(0, errno, false) : throw new ArgumentOutOfRangeException(nameof(errno), errno, "an errno is 1 to 4095");

    /// <summary>The call is not made and returns <paramref name="value"/> (the supervisor did its work).</summary>
    public static SeccompResponse Return(long value) => new(value, null, false);

    /// <summary>The value returned (when neither continued nor failed).</summary>
    public long Value { get; }

    /// <summary>The errno the call fails with, or null.</summary>
    public SeccompErrno? Errno { get; }

    /// <summary>Whether the call runs as made.</summary>
    public bool IsContinue { get; }

    /// <inheritdoc />
    public override string ToString() => IsContinue ? "continue" : Errno is { } e ? $"fail {e}" : $"return {Value}";
}
