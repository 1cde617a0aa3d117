using System.Reflection;
using Containment;
using Containment.Oci;
using Containment.Runtime;
using Containment.Runtime.Commands;

// containment [global options] COMMAND [options] [ID] [...]: an OCI runtime with runc's command line.
Phases.Mark("main");
GlobalOptions globals;
List<string> rest;
try
{
    globals = Args.ParseGlobals(args, out rest);
}
catch (CliException e)
{
    Console.Error.WriteLine($"containment: {e.Message}");
    return 1;
}
var log = new Log(globals.Log, globals.LogFormat == "json", globals.Debug);
if (rest.Count == 0 || rest[0] is "help" or "--help" or "-h")
{
    Console.WriteLine(Usage.Text);
    return rest.Count == 0 ? 1 : 0;
}
if (rest[0] is "--version" or "-v" or "version")
{
    // As runc: the version, the commit it was built from (SourceLink's "+sha" suffix of the informational version), the spec.
    var informational = typeof(ContainerSpec).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion ?? "unknown";
    var plus = informational.IndexOf('+', StringComparison.Ordinal);
    Console.WriteLine($"containment version {(plus < 0 ? informational : informational[..plus])}\ncommit: {(plus < 0 ? "unknown" : informational[(plus + 1)..])}\nspec: {OciConfig.CurrentVersion}");
    return 0;
}
var runtime = new Runtime(globals.Root, log, globals.AllowUnenforcedLimits) { SystemdCgroup = globals.SystemdCgroup };
using var cancel = new CancellationTokenSource();
Console.CancelKeyPress += (_, e) => { e.Cancel = true; cancel.Cancel(); };
try
{
    var commandArgs = rest.Skip(1).ToList();
    return rest[0] switch
    {
        "create" => await CreateCommand.RunAsync(runtime, commandArgs, cancel.Token),
        "start" => await StartCommand.RunAsync(runtime, commandArgs, cancel.Token),
        "run" => await RunCommand.RunAsync(runtime, commandArgs, cancel.Token),
        "state" => StateCommand.State(runtime, commandArgs),
        "list" => StateCommand.List(runtime, commandArgs),
        "ps" => StateCommand.Ps(runtime, commandArgs),
        "kill" => await KillCommand.RunAsync(runtime, commandArgs, cancel.Token),
        "delete" => await DeleteCommand.RunAsync(runtime, commandArgs, cancel.Token),
        "exec" => await ExecCommand.RunAsync(runtime, commandArgs, cancel.Token),
        "pause" => await FreezeCommand.RunAsync(runtime, commandArgs, frozen: true, cancel.Token),
        "resume" => await FreezeCommand.RunAsync(runtime, commandArgs, frozen: false, cancel.Token),
        "update" => UpdateCommand.Run(runtime, commandArgs),
        "events" => await EventsCommand.RunAsync(runtime, commandArgs, cancel.Token),
        "checkpoint" => await CheckpointCommand.RunAsync(runtime, commandArgs, cancel.Token),
        "restore" => await RestoreCommand.RunAsync(runtime, commandArgs, cancel.Token),
        "spec" => SpecCommand.Spec(commandArgs),
        "features" => SpecCommand.Features(),
        var other => throw new CliException($"unknown command \"{other}\" (see containment --help)"),
    };
}
catch (CliException e)
{
    log.Error(e.Message);
    return e.ExitCode;
}
catch (ContainmentException e)
{
    log.Error(e.Message);
    return 1;
}
catch (OperationCanceledException)
{
    log.Error("interrupted");
    return 130;
}
catch (Exception e) when (e is IOException or UnauthorizedAccessException)
{
    // A file of the host's (state, cgroup, bundle) that could not be read or written: an error, not an abort.
    log.Error(e.Message);
    return 1;
}
