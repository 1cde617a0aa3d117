using System.Text;
using Containment.Cgroups;
using Containment.Identity;
using Microsoft.Extensions.Logging;

namespace Containment;

public sealed partial class ContainerProcess
{
    /// <summary>
    /// Runs a container to completion: starts it, feeds <see cref="ContainerRunOptions.StandardInput"/>, captures
    /// standard output and error (up to <see cref="ContainerRunOptions.OutputLimit"/> each), stops it at
    /// <see cref="ContainerRunOptions.Timeout"/>, and returns how it ended with its wall time, CPU time and peak memory.
    /// A spec without a cgroup is given an empty one (when the host may make one), so that the usage is measured.
    /// Cancelling kills the container and throws <see cref="OperationCanceledException"/>.
    /// </summary>
    /// <exception cref="ContainerSpecException">The spec is invalid; nothing was started.</exception>
    /// <exception cref="ContainerStartException">A launch step failed; nothing is left behind.</exception>
    /// <exception cref="ArgumentNullException"><paramref name="spec"/> is null.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><see cref="ContainerRunOptions.OutputLimit"/> is negative.</exception>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> was cancelled; the container was killed.</exception>
    public static async Task<ContainerRunResult> RunAsync(ContainerSpec spec, ContainerRunOptions? options = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(spec);
        options ??= new ContainerRunOptions();
        ArgumentOutOfRangeException.ThrowIfNegative(options.OutputLimit);
        if (options.StandardInput is not null)
            spec = spec.WithProcess(p => p.StandardInput(Stdio.Pipe));
        if (spec.Cgroup is null && spec.Rootfs is not RootfsSpec.Joined && !Rootless.IsRootless)
            spec = spec.WithCgroup(CgroupSpec.Empty);
        await using var container = await StartAsync(spec, options.Start, cancellationToken).ConfigureAwait(false);
        return await container.RunToCompletionAsync(options, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// Finishes a started process (a container, or an <see cref="ExecAsync"/>) as <see cref="RunAsync"/> does: feeds
    /// <see cref="ContainerRunOptions.StandardInput"/>, captures the piped outputs it has not been read from yet, stops it
    /// at <see cref="ContainerRunOptions.Timeout"/> (counted from this call) and returns the result. The
    /// <see cref="ContainerRunOptions.Start"/> options are not used.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException"><see cref="ContainerRunOptions.OutputLimit"/> is negative.</exception>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> was cancelled; the process was killed.</exception>
    public async Task<ContainerRunResult> RunToCompletionAsync(ContainerRunOptions? options = null, CancellationToken cancellationToken = default)
    {
        options ??= new ContainerRunOptions();
        ArgumentOutOfRangeException.ThrowIfNegative(options.OutputLimit);
        var stdout = new Capture(StandardOutput, options.OutputLimit);
        var stderr = new Capture(StandardError, options.OutputLimit);
        var input = options.StandardInput is { } text && StandardInput is { } writer ? FeedAsync(writer, text) : Task.CompletedTask;
        using var timeout = options.Timeout is { } limit ? new CancellationTokenSource(limit) : null;
        using var either = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, timeout?.Token ?? CancellationToken.None);
        ContainerExit exit;
        var timedOut = false;
        try
        {
            exit = await WaitForExitAsync(either.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            timedOut = true;
            _logger.LogInformation(LogEvents.TimedOut, "Container {Id} ran into its timeout of {Timeout}: stopping it", Id, options.Timeout);
            exit = await StopAsync(options.StopGrace, CancellationToken.None).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            Kill();
            throw;
        }
        // The pipes end when the last process holding them does: at once in a pid namespace, which dies with its
        // init. A process that outlives the first (no pid namespace) is not waited for long.
        var captured = Task.WhenAll(stdout.Task, stderr.Task, input);
        if (await Task.WhenAny(captured, Task.Delay(TimeSpan.FromSeconds(1), CancellationToken.None)).ConfigureAwait(false) != captured)
            _logger.LogDebug("Container {Id}: output still open after its exit; keeping what was read", Id);
        return new ContainerRunResult(exit, stdout.Text, stderr.Text, stdout.Truncated, stderr.Truncated, timedOut);
    }

    private static async Task FeedAsync(StreamWriter writer, string text)
    {
        try
        {
            await writer.WriteAsync(text).ConfigureAwait(false);
        }
        catch (IOException)
        {
            // The program stopped reading (exited, or closed its input): the rest is not wanted.
        }
        finally
        {
            try
            {
                writer.Close();
            }
            catch (IOException)
            {
                writer.BaseStream.Dispose();
            }
        }
    }

    /// <summary>Reads a stream to its end, keeping up to a limit.</summary>
    private sealed class Capture
    {
        private readonly StringBuilder _text = new();
        private readonly Lock _gate = new();
        private readonly int _limit;
        private bool _truncated;

        public Capture(StreamReader? reader, int limit)
        {
            _limit = limit;
            Task = reader is null ? Task.CompletedTask : ReadAsync(reader);
        }

        public Task Task { get; }

        public string Text
        {
            get { lock (_gate) return _text.ToString(); }
        }

        public bool Truncated
        {
            get { lock (_gate) return _truncated; }
        }

        private async Task ReadAsync(StreamReader reader)
        {
            var buffer = new char[16 * 1024];
            try
            {
                int n;
                while ((n = await reader.ReadAsync(buffer).ConfigureAwait(false)) > 0)
                {
                    lock (_gate)
                    {
                        var keep = Math.Min(n, _limit - _text.Length);
                        _text.Append(buffer, 0, keep);
                        _truncated |= keep < n;
                    }
                }
            }
            catch (Exception e) when (e is ObjectDisposedException or IOException)
            {
            }
        }
    }
}
