namespace Containment.Seccomp;

/// <summary>How a system-call argument (a 64-bit value) is compared in a seccomp rule.</summary>
public enum SeccompArgOperator
{
    /// <summary><c>SCMP_CMP_NE</c>: argument ≠ value.</summary>
    NotEqual,

    /// <summary><c>SCMP_CMP_LT</c>: argument &lt; value (unsigned).</summary>
    LessThan,

    /// <summary><c>SCMP_CMP_LE</c>: argument ≤ value (unsigned).</summary>
    LessOrEqual,

    /// <summary><c>SCMP_CMP_EQ</c>: argument = value.</summary>
    Equal,

    /// <summary><c>SCMP_CMP_GE</c>: argument ≥ value (unsigned).</summary>
    GreaterOrEqual,

    /// <summary><c>SCMP_CMP_GT</c>: argument &gt; value (unsigned).</summary>
    GreaterThan,

    /// <summary><c>SCMP_CMP_MASKED_EQ</c>: (argument &amp; value) = valueTwo.</summary>
    MaskedEqual,
}
