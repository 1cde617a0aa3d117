namespace Containment.Tests.Oci.Properties;

/// <summary>What a field of a JSON document holds, and the plausible values a generator draws for it.</summary>
internal abstract record Shape
{
    public static Shape Str(params string[] pool) => new StringShape(pool);

    public static Shape Num(NumberKind kind) => new NumberShape(kind);

    public static readonly Shape Bool = new BoolShape();

    public static Shape Obj(params (string Name, Shape Shape)[] fields) => new ObjectShape(fields);

    public static Shape List(Shape item, int max = 4) => new ArrayShape(item, max);

    public static Shape Map(string[] keys, Shape value) => new MapShape(keys, value);
}

/// <summary>The .NET type a number field is read into, which fixes the range the parser must accept.</summary>
internal enum NumberKind { UShort, Int, UInt, Long, ULong }

internal sealed record StringShape(string[] Pool) : Shape;

internal sealed record NumberShape(NumberKind Kind) : Shape;

internal sealed record BoolShape : Shape;

internal sealed record ObjectShape((string Name, Shape Shape)[] Fields) : Shape;

internal sealed record ArrayShape(Shape Item, int Max) : Shape;

internal sealed record MapShape(string[] Keys, Shape Value) : Shape;
