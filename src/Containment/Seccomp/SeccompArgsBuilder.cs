namespace Containment.Seccomp;

/// <summary>Collects argument conditions for a rule: <c>a =&gt; a.Arg(0).Equal(0).Arg(1).NotEqual(2)</c>.</summary>
public sealed class SeccompArgsBuilder
{
    private readonly List<SeccompArgCondition> _conditions = [];

    internal IReadOnlyList<SeccompArgCondition> Conditions => _conditions;

    /// <summary>Starts a condition on argument <paramref name="index"/> (0 to 5).</summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="index"/> is not 0 to 5.</exception>
    public SeccompArgBuilder Arg(int index)
    {
        if (index is < 0 or > 5)
            throw new ArgumentOutOfRangeException(nameof(index), index, "a system call has arguments 0 to 5");
        return new SeccompArgBuilder(this, index);
    }

    internal SeccompArgsBuilder Add(SeccompArgCondition condition)
    {
        _conditions.Add(condition);
        return this;
    }
}

/// <summary>The comparison for one argument; each method returns the rule's <see cref="SeccompArgsBuilder"/>.</summary>
public readonly struct SeccompArgBuilder
{
    private readonly SeccompArgsBuilder _owner;
    private readonly int _index;

    internal SeccompArgBuilder(SeccompArgsBuilder owner, int index) => (_owner, _index) = (owner, index);

    /// <summary>argument = value.</summary>
    public SeccompArgsBuilder Equal(ulong value) => Add(SeccompArgOperator.Equal, value);

    /// <summary>argument ≠ value.</summary>
    public SeccompArgsBuilder NotEqual(ulong value) => Add(SeccompArgOperator.NotEqual, value);

    /// <summary>argument &lt; value (unsigned).</summary>
    public SeccompArgsBuilder LessThan(ulong value) => Add(SeccompArgOperator.LessThan, value);

    /// <summary>argument ≤ value (unsigned).</summary>
    public SeccompArgsBuilder LessOrEqual(ulong value) => Add(SeccompArgOperator.LessOrEqual, value);

    /// <summary>argument &gt; value (unsigned).</summary>
    public SeccompArgsBuilder GreaterThan(ulong value) => Add(SeccompArgOperator.GreaterThan, value);

    /// <summary>argument ≥ value (unsigned).</summary>
    public SeccompArgsBuilder GreaterOrEqual(ulong value) => Add(SeccompArgOperator.GreaterOrEqual, value);

    /// <summary>(argument &amp; mask) = value.</summary>
    public SeccompArgsBuilder MaskedEqual(ulong mask, ulong value) =>
        _owner.Add(new SeccompArgCondition(_index, SeccompArgOperator.MaskedEqual, mask, value));

    private SeccompArgsBuilder Add(SeccompArgOperator op, ulong value) => _owner.Add(new SeccompArgCondition(_index, op, value));
}
