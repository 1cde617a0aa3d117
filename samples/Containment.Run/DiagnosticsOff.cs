using System.Runtime.InteropServices;

namespace Containment.Run;

/// <summary>
/// Restarts the sample with <c>DOTNET_EnableDiagnostics=0</c> unless it was started so: the runtime's diagnostics IPC
/// is a unix socket in <c>$TMPDIR</c> owned by the user, and a process running as that user (a rootless container
/// whose root is the caller) could read this process's environment and memory through it. The runtime reads the
/// setting only from the environment, at startup (a runtimeconfig property does not reach it), hence the exec.
/// </summary>
internal static partial class DiagnosticsOff
{
    private const string Variable = "DOTNET_EnableDiagnostics";

    public static void EnsureOrRestart(string[] args)
    {
        if (Environment.GetEnvironmentVariable(Variable) == "0")
        {
            // Restarted (or started so): a socket file of this pid is the previous runtime's, which nobody listens on.
            foreach (var stale in Directory.EnumerateFiles(Path.GetTempPath(), $"dotnet-diagnostic-{Environment.ProcessId}-*-socket"))
                File.Delete(stale);
            return;
        }
        if (Environment.GetEnvironmentVariable(Variable) is not null || Environment.ProcessPath is not { } host)
            return;
        // Under the muxer (`dotnet containment-run.dll`) the assembly is its first argument; an apphost is the program itself.
        IEnumerable<string> argv = Path.GetFileName(host) == "dotnet" ? [host, Environment.GetCommandLineArgs()[0], .. args] : [host, .. args];
        var env = Environment.GetEnvironmentVariables().Cast<System.Collections.DictionaryEntry>().Select(e => $"{e.Key}={e.Value}")
            .Append($"{Variable}=0");
        var argvPtrs = ToNative(argv);
        var envPtrs = ToNative(env);
        Execve(host, argvPtrs, envPtrs);
        // Only on failure: run on, with diagnostics as they are.
        Console.Error.WriteLine($"containment-run: warning: could not restart with {Variable}=0 (errno {Marshal.GetLastPInvokeError()})");
    }

    private static IntPtr[] ToNative(IEnumerable<string> strings) => [.. strings.Select(Marshal.StringToCoTaskMemUTF8), IntPtr.Zero];

    [LibraryImport("libc", EntryPoint = "execve", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    private static partial int Execve(string path, IntPtr[] argv, IntPtr[] envp);
}
