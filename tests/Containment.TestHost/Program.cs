using Containment;

// Containment.TestHost COMMAND [ARGS...]
// Starts COMMAND in a HostReadOnly container, prints "pid N" once it runs, then "exit <shell code>".
// Used by tests that kill the host, or run it as PID 1 of a new pid namespace.
await using var container = await ContainerProcess.StartAsync(
    ContainerSpec.HostReadOnly().WithProcess(p => p.Args(args).StandardOutput(Stdio.Inherit).StandardError(Stdio.Inherit)));
Console.WriteLine($"pid {container.Pid}");
Console.Out.Flush();
var exit = await container.WaitForExitAsync();
Console.WriteLine($"exit {exit.ShellCode}");
return 0;
