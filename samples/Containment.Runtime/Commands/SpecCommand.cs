using Containment.Oci;

namespace Containment.Runtime.Commands;

/// <summary><c>spec</c> writes a default config.json; <c>features</c> says what this runtime supports.</summary>
internal static class SpecCommand
{
    public static int Spec(IReadOnlyList<string> args)
    {
        var a = Args.Parse(args, ["bundle|b"], ["rootless"]);
        var path = Path.Combine(a.Value("bundle") ?? ".", "config.json");
        if (File.Exists(path))
            throw new CliException("File config.json exists. Remove it first");
        OciConfig.CreateDefault(a.Has("rootless")).Save(path);
        return 0;
    }

    public static int Features()
    {
        Console.WriteLine(OciFeatures.ToJson("containment"));
        return 0;
    }
}
