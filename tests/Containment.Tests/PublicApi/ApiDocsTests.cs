using System.Reflection;
using System.Text.RegularExpressions;

namespace Containment.Tests.PublicApi;

/// <summary>
/// docs/api.md stays in step with the assembly: every public type is listed in the first column of one of its tables,
/// and every type listed there is public. Issue 18 item 5.
/// </summary>
public partial class ApiDocsTests
{
    private static readonly Assembly Library = typeof(ContainerSpec).Assembly;

    /// <summary>`Containment.Cgroups.Cgroup` as docs/api.md writes it: without the root namespace, nested types with a dot.</summary>
    private static string DocName(Type type)
    {
        var name = type.FullName!.Replace('+', '.');
        return name.StartsWith("Containment.", StringComparison.Ordinal) ? name["Containment.".Length..] : name;
    }

    private static string ApiPage()
    {
        var dir = AppContext.BaseDirectory;
        while (!File.Exists(Path.Combine(dir, "Containment.sln")))
            dir = Path.GetDirectoryName(dir) ?? throw new InvalidOperationException("Containment.sln not found above the test binaries");
        return File.ReadAllText(Path.Combine(dir, "docs", "api.md"));
    }

    [GeneratedRegex(@"^\| `([A-Za-z0-9_.]+)` \|", RegexOptions.Multiline)]
    private static partial Regex TableType();

    private static HashSet<string> Listed() => TableType().Matches(ApiPage()).Select(m => m.Groups[1].Value).ToHashSet();

    private static HashSet<string> Public() => Library.GetExportedTypes()
        .Where(t => !t.IsDefined(typeof(System.Runtime.CompilerServices.CompilerGeneratedAttribute)))
        .Select(DocName).ToHashSet();

    [Test]
    public void Every_public_type_is_listed_in_docs_api_md()
    {
        var missing = Public().Except(Listed()).Order().ToList();
        Assert.That(missing, Is.Empty, "public types docs/api.md does not list (add a table row):\n" + string.Join("\n", missing));
    }

    [Test]
    public void Every_type_docs_api_md_lists_is_public()
    {
        var stale = Listed().Except(Public()).Order().ToList();
        Assert.That(stale, Is.Empty, "docs/api.md lists types that are not public (remove their rows):\n" + string.Join("\n", stale));
    }

    [TestCase("Oci.ContainerStateStore")]
    [TestCase("Oci.ContainerLock")]
    [TestCase("Oci.ContainerRecord")]
    [TestCase("Oci.ProcessIdentity")]
    [TestCase("Oci.OciConfig")]
    [TestCase("Oci.OciSpecConverter")]
    [TestCase("Oci.ConsoleSocket")]
    public void What_only_the_runtime_CLI_needs_is_not_public(string name)
    {
        // Issue 15 trap 10: the CLI's state store and the OCI model were public (150 types, 50 in Containment.Oci).
        Assert.That(Library.GetType("Containment." + name), Is.Not.Null, "the type was renamed: update this test");
        Assert.That(Public(), Does.Not.Contain(name));
    }
}
