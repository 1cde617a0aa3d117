namespace Containment.Seccomp;

/// <summary>
/// One comparison of a system-call argument in a seccomp rule (the OCI <c>args[]</c> entry). Arguments are compared
/// as unsigned 64-bit values; for <see cref="SeccompArgOperator.MaskedEqual"/> the test is
/// <c>(argument &amp; Value) == ValueTwo</c>.
/// </summary>
/// <param name="Index">The argument, 0 to 5.</param>
/// <param name="Operator">The comparison.</param>
/// <param name="Value">The value compared with (the mask for <see cref="SeccompArgOperator.MaskedEqual"/>).</param>
/// <param name="ValueTwo">The expected masked value for <see cref="SeccompArgOperator.MaskedEqual"/>; unused otherwise.</param>
public sealed record SeccompArgCondition(int Index, SeccompArgOperator Operator, ulong Value, ulong ValueTwo = 0)
{
    /// <summary>Whether an argument value satisfies this condition.</summary>
    /// <exception cref="InvalidOperationException"><see cref="Operator"/> is not a defined <see cref="SeccompArgOperator"/>.</exception>
    public bool Matches(ulong argument) => Operator switch
    {
        SeccompArgOperator.NotEqual => argument != Value,
        SeccompArgOperator.LessThan => argument < Value,
        SeccompArgOperator.LessOrEqual => argument <= Value,
        SeccompArgOperator.Equal => argument == Value,
        SeccompArgOperator.GreaterOrEqual => argument >= Value,
        SeccompArgOperator.GreaterThan => argument > Value,
        SeccompArgOperator.MaskedEqual => (argument & Value) == ValueTwo,
        _ => throw new InvalidOperationException($"unknown operator {Operator}"),
    };

    /// <inheritdoc />
    public override string ToString() => Operator == SeccompArgOperator.MaskedEqual
        ? $"(arg{Index} & 0x{Value:x}) == 0x{ValueTwo:x}"
        : $"arg{Index} {Symbol(Operator)} 0x{Value:x}";

    private static string Symbol(SeccompArgOperator op) => op switch
    {
        SeccompArgOperator.NotEqual => "!=",
        SeccompArgOperator.LessThan => "<",
        SeccompArgOperator.LessOrEqual => "<=",
        SeccompArgOperator.Equal => "==",
        SeccompArgOperator.GreaterOrEqual => ">=",
        _ => ">",
    };
}
