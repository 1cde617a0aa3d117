using System.Diagnostics;
using Containment.Interop;

namespace Containment.Identity;

/// <summary>Runs the setuid helpers <c>newuidmap</c> and <c>newgidmap</c> (shadow's uidmap) for a child's new user namespace.</summary>
internal static class IdMapHelpers
{
    public const string NewUidMap = "/usr/bin/newuidmap", NewGidMap = "/usr/bin/newgidmap";

    /// <summary>Writes both maps of process <paramref name="pid"/>; throws with the helper's own message when it refuses.</summary>
    public static async Task WriteAsync(int pid, UserNamespaceSpec userns, CancellationToken cancellationToken)
    {
        await RunAsync(NewUidMap, pid, userns.UidMappings, cancellationToken).ConfigureAwait(false);
        await RunAsync(NewGidMap, pid, userns.GidMappings, cancellationToken).ConfigureAwait(false);
    }

    internal static IReadOnlyList<string> Arguments(int pid, IEnumerable<IdMapping> map) =>
        [pid.ToString(System.Globalization.CultureInfo.InvariantCulture),
            .. map.SelectMany(m => new[] { m.ContainerId, m.HostId, m.Size }.Select(v => v.ToString(System.Globalization.CultureInfo.InvariantCulture)))];

    private static async Task RunAsync(string helper, int pid, IEnumerable<IdMapping> map, CancellationToken cancellationToken)
    {
        var psi = new ProcessStartInfo(helper) { RedirectStandardError = true, RedirectStandardOutput = true, UseShellExecute = false };
        foreach (var a in Arguments(pid, map))
            psi.ArgumentList.Add(a);
        using var process = Process.Start(psi) ?? throw new ContainmentException($"{helper} did not start");
        var stderr = process.StandardError.ReadToEndAsync(cancellationToken);
        await process.StandardOutput.ReadToEndAsync(cancellationToken).ConfigureAwait(false);
        await process.WaitForExitAsync(cancellationToken).ConfigureAwait(false);
        if (process.ExitCode != 0)
            throw new SyscallException(Path.GetFileName(helper), string.Join(" ", psi.ArgumentList), Errno.EPERM,
                $"writing the container's id maps failed ({(await stderr.ConfigureAwait(false)).Trim()}); check /etc/subuid and /etc/subgid");
    }
}
