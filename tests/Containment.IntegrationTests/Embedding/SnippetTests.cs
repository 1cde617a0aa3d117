using Containment.IntegrationTests.Support;

namespace Containment.IntegrationTests.Embedding;

/// <summary>Issue 15: the C# in README.md and docs/embedding.md compiles and runs as written.</summary>
public class SnippetTests
{
    private static readonly TimeSpan Hang = TimeSpan.FromSeconds(60);

    public static IEnumerable<TestCaseData> ReadmeSnippets() =>
        Snippets.Of("README.md").Select((code, i) => new TestCaseData(code).SetName($"README_snippet_{i + 1}_compiles_and_runs"));

    public static IEnumerable<TestCaseData> EmbeddingRecipes() =>
        Snippets.Of("docs/embedding.md").Select((code, i) => new TestCaseData(code).SetName($"Embedding_recipe_{i + 1}_compiles_and_runs"));

    [TestCaseSource(nameof(ReadmeSnippets))]
    [TestCaseSource(nameof(EmbeddingRecipes))]
    public async Task Snippet_compiles_and_runs(string code)
    {
        var children = HostSnapshot.ChildPids();
        await Snippets.RunAsync(code, Hang);
        Assert.That(HostSnapshot.ChildPids().Except(children), Is.Empty, "the snippet left a process behind");
    }

    [Test]
    public async Task The_READMEs_first_snippet_prints_what_its_comments_say()
    {
        var output = await Snippets.RunAsync(Snippets.Of("README.md")[0], Hang);
        Assert.That(output, Does.StartWith("hi from box\nexited with code 0; wall "));
    }
}
