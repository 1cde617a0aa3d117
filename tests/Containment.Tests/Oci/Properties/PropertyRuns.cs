using System.Diagnostics;
using System.Globalization;
using CsCheck;

namespace Containment.Tests.Oci.Properties;

/// <summary>
/// How many inputs each property draws: its own default, sized so that the whole set stays well under 30 s
/// on a CI machine, or <c>CONTAINMENT_PROPERTY_ITERATIONS</c> for every property (a long run:
/// <c>CONTAINMENT_PROPERTY_ITERATIONS=100000 dotnet test --filter FullyQualifiedName~Properties</c>).
/// Each run writes its count and time to the test output.
/// </summary>
internal static class PropertyRuns
{
    public const string Variable = "CONTAINMENT_PROPERTY_ITERATIONS";

    public static long Iterations(long ciDefault) =>
        long.TryParse(Environment.GetEnvironmentVariable(Variable), NumberStyles.None, CultureInfo.InvariantCulture, out var n) && n > 0 ? n : ciDefault;

    /// <summary>Checks <paramref name="property"/> on <paramref name="gen"/>'s inputs; a failure is shrunk by
    /// CsCheck and reported with the smallest input found, printed as JSON.</summary>
    public static void Check<T>(Gen<T> gen, Action<T> property, long ciDefault, Func<T, string>? print = null)
    {
        var iterations = Iterations(ciDefault);
        var clock = Stopwatch.StartNew();
        gen.Sample(property, iter: iterations, print: print);
        TestContext.Out.WriteLine($"{iterations} inputs in {clock.Elapsed.TotalSeconds:F1} s");
    }

    /// <summary>As <see cref="Check{T}"/> for documents; a failing document is first cut down by the
    /// <see cref="Minimizer"/>, and the failure reports the smallest one.</summary>
    public static void CheckDocuments(Gen<JsonTree> gen, Action<JsonTree> property, long ciDefault) =>
        Check(gen, document =>
        {
            try
            {
                property(document);
            }
            catch (Exception e)
            {
                var smallest = Minimizer.Minimize(document, property, e);
                throw new AssertionException($"minimal input: {smallest.Render()}\n{e}", e);
            }
        }, ciDefault, d => d.Render());
}
