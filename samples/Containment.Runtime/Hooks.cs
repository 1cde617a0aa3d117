using System.Diagnostics;
using Containment.Oci;

namespace Containment.Runtime;

/// <summary>Runs OCI hooks: the state on stdin, a timeout, the hook's stderr in the error.</summary>
internal static class Hooks
{
    /// <summary>Runs each hook in order; throws on the first failure.</summary>
    public static async Task RunAsync(string stage, IReadOnlyList<OciHook>? hooks, string stateJson, CancellationToken cancellationToken)
    {
        foreach (var (hook, index) in (hooks ?? []).Select((h, i) => (h, i)))
        {
            var psi = new ProcessStartInfo(hook.Path) { RedirectStandardInput = true, RedirectStandardError = true, RedirectStandardOutput = true, UseShellExecute = false };
            // args[0] is the hook's argv[0]; the rest are its arguments.
            foreach (var a in (hook.Args ?? []).Skip(1))
                psi.ArgumentList.Add(a);
            if (hook.Env is { } env)
            {
                psi.Environment.Clear();
                foreach (var entry in env)
                {
                    var eq = entry.IndexOf('=');
                    if (eq > 0)
                        psi.Environment[entry[..eq]] = entry[(eq + 1)..];
                }
            }
            using var process = Process.Start(psi) ?? throw new CliException($"{stage} hook {index} ({hook.Path}) could not start");
            var stderr = process.StandardError.ReadToEndAsync(cancellationToken);
            var stdout = process.StandardOutput.ReadToEndAsync(cancellationToken);
            try
            {
                await process.StandardInput.WriteAsync(stateJson);
                process.StandardInput.Close();
            }
            catch (IOException)
            {
                // A hook need not read its state.
            }
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            if (hook.Timeout is { } seconds)
                timeout.CancelAfter(TimeSpan.FromSeconds(seconds));
            try
            {
                await process.WaitForExitAsync(timeout.Token);
            }
            catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
            {
                process.Kill(entireProcessTree: true);
                throw new CliException($"{stage} hook {index} ({hook.Path}) timed out after {hook.Timeout} s");
            }
            await stdout;
            if (process.ExitCode != 0)
                throw new CliException($"{stage} hook {index} ({hook.Path}) failed with exit code {process.ExitCode}: {(await stderr).Trim()}");
        }
    }
}
