using System.Reflection;
using System.Text.RegularExpressions;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;

namespace Containment.IntegrationTests.Support;

/// <summary>The C# blocks of a Markdown page, each compiled as a console program (with the SDK's implicit usings) and run.</summary>
public static partial class Snippets
{
    private const string ImplicitUsings = """
        global using System;
        global using System.Collections.Generic;
        global using System.IO;
        global using System.Linq;
        global using System.Net.Http;
        global using System.Threading;
        global using System.Threading.Tasks;
        """;

    [GeneratedRegex(@"```csharp\n(.*?)```", RegexOptions.Singleline)]
    private static partial Regex CSharpBlock();

    /// <summary>The repository file <paramref name="relativePath"/> (found upwards from the test's directory).</summary>
    public static string RepositoryFile(string relativePath)
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "Containment.sln")))
                return Path.Combine(dir.FullName, relativePath);
        throw new FileNotFoundException($"no Containment.sln above {AppContext.BaseDirectory}");
    }

    /// <summary>Every <c>```csharp</c> block of the Markdown file, in order.</summary>
    public static IReadOnlyList<string> Of(string relativePath) =>
        CSharpBlock().Matches(File.ReadAllText(RepositoryFile(relativePath))).Select(m => m.Groups[1].Value).ToList();

    /// <summary>Compiles <paramref name="code"/> as a program; fails the test with the compiler's errors.</summary>
    public static Assembly Compile(string code)
    {
        var parse = new CSharpParseOptions(LanguageVersion.Latest);
        var references = ((string)AppContext.GetData("TRUSTED_PLATFORM_ASSEMBLIES")!).Split(Path.PathSeparator)
            .Append(typeof(ContainerSpec).Assembly.Location)
            .Distinct().Select(p => MetadataReference.CreateFromFile(p));
        var compilation = CSharpCompilation.Create("Snippet" + Guid.NewGuid().ToString("N"),
            [CSharpSyntaxTree.ParseText(code, parse), CSharpSyntaxTree.ParseText(ImplicitUsings, parse)], references,
            new CSharpCompilationOptions(OutputKind.ConsoleApplication, nullableContextOptions: NullableContextOptions.Enable));
        using var image = new MemoryStream();
        var result = compilation.Emit(image);
        var errors = result.Diagnostics.Where(d => d.Severity == DiagnosticSeverity.Error).Select(d => d.ToString()).ToList();
        Assert.That(errors, Is.Empty, "the snippet does not compile:\n" + code);
        return Assembly.Load(image.ToArray());
    }

    /// <summary>Compiles and runs <paramref name="code"/>; returns what it wrote to the console.</summary>
    public static async Task<string> RunAsync(string code, TimeSpan timeout)
    {
        var entry = Compile(code).EntryPoint!;
        var output = new StringWriter();
        var original = Console.Out;
        Console.SetOut(output);
        try
        {
            var run = Task.Run(() => entry.Invoke(null, entry.GetParameters().Length == 0 ? null : [Array.Empty<string>()]));
            await run.WaitAsync(timeout);
        }
        catch (TargetInvocationException e) when (e.InnerException is not null)
        {
            Assert.Fail($"the snippet threw {e.InnerException}:\n{code}");
        }
        finally
        {
            Console.SetOut(original);
        }
        return output.ToString();
    }
}
