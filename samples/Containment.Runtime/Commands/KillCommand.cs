using Containment.Oci;

namespace Containment.Runtime.Commands;

/// <summary><c>kill [--all] ID [SIGNAL]</c>: signals by name (<c>TERM</c>, <c>SIGKILL</c>) or number; default TERM.</summary>
internal static class KillCommand
{
    public static Task<int> RunAsync(Runtime runtime, IReadOnlyList<string> args, CancellationToken cancellationToken)
    {
        var a = Args.Parse(args, [], ["all|a"]);
        var id = a.Id("kill");
        var signal = ParseSignal(a.Positional.Count > 1 ? a.Positional[1] : "TERM");
        var record = runtime.Load(id);
        var status = Runtime.StatusOf(record);
        if (status == OciStatus.Stopped)
            throw new CliException("container not running");
        if (a.Has("all"))
        {
            foreach (var pid in ContainerOps.Processes(record))
                Interop.Kill(pid, signal);
        }
        else if (!ContainerOps.Signal(record, signal))
            throw new CliException("container not running");
        return Task.FromResult(0);
    }

    public static int ParseSignal(string text)
    {
        if (int.TryParse(text, out var number) && number is > 0 and < 65)
            return number;
        var name = text.ToUpperInvariant();
        if (name.StartsWith("SIG", StringComparison.Ordinal))
            name = name[3..];
        foreach (var s in Enum.GetValues<Signal>())
            if (s.ToString().Equals(name, StringComparison.OrdinalIgnoreCase))
                return (int)s;
        throw new CliException($"unknown signal \"{text}\"");
    }
}
