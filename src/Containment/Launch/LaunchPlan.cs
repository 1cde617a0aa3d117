using System.Runtime.InteropServices;

namespace Containment.Launch;

/// <summary>
/// A launch plan being built: the encoded ops, a description of each (to explain a failure by its step
/// index), and the file descriptors that travel with it to the executor.
/// </summary>
internal sealed class LaunchPlan
{
    private readonly PlanWriter _writer = new();
    private readonly List<PlanStep> _steps = [];
    private readonly List<SafeHandle> _fds = [];
    private readonly int? _failAt;
    private readonly int _failErrno;

    /// <param name="failAt">Test-only: an injected failure is placed before the op with this index.</param>
    /// <param name="failErrno">The errno the injected failure reports.</param>
    public LaunchPlan(int? failAt = null, int failErrno = 0)
    {
        _failAt = failAt;
        _failErrno = failErrno;
    }

    public IReadOnlyList<PlanStep> Steps => _steps;

    public IReadOnlyList<SafeHandle> Fds => _fds;

    /// <summary>Adds a descriptor to send with the plan; returns its index in the executor's table.</summary>
    public int AddFd(SafeHandle handle)
    {
        _fds.Add(handle);
        return _fds.Count - 1;
    }

    /// <summary>Starts an op; the caller writes its payload and calls <see cref="PlanWriter.End"/>.</summary>
    public PlanWriter Op(PlanOp op, string syscall, string subject)
    {
        if (_failAt == _steps.Count && op != PlanOp.TestFail)
            this.TestFail(_failErrno);
        _steps.Add(new PlanStep(syscall, subject));
        return _writer.Begin(op);
    }

    public byte[] Encode() => _writer.ToArray();

    public PlanStep? Describe(int step) => step >= 0 && step < _steps.Count ? _steps[step] : null;
}
