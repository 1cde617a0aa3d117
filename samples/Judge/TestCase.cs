namespace Containment.Judge;

/// <summary>One test case: its input and the expected output.</summary>
internal sealed record TestCase(string Name, string Input, string Expected)
{
    /// <summary>Every <c>NAME.in</c> with a <c>NAME.out</c> beside it, by name.</summary>
    public static IReadOnlyList<TestCase> Load(string directory) =>
        Directory.EnumerateFiles(directory, "*.in").Order(StringComparer.Ordinal)
            .Where(input => File.Exists(Path.ChangeExtension(input, ".out")))
            .Select(input => new TestCase(Path.GetFileNameWithoutExtension(input), File.ReadAllText(input), File.ReadAllText(Path.ChangeExtension(input, ".out"))))
            .ToList();
}
