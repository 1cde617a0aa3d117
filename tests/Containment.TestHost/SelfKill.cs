using System.Diagnostics;

/// <summary>SIGKILLs this process a set time after <see cref="Arm"/>: a host dying at an exact moment of an operation.</summary>
internal static class SelfKill
{
    /// <summary>Starts the clock; with no delay, does nothing.</summary>
    public static void Arm(long? microseconds)
    {
        if (microseconds is not { } delay)
            return;
        var start = Stopwatch.GetTimestamp();
        var thread = new Thread(() =>
        {
            // Sleep most of the way, then spin: the delays that matter are fractions of a millisecond.
            if (delay > 2000)
                Thread.Sleep(TimeSpan.FromMicroseconds(delay - 2000));
            while (Stopwatch.GetElapsedTime(start).TotalMicroseconds < delay)
                Thread.SpinWait(20);
            Process.GetCurrentProcess().Kill();
        }) { IsBackground = true, Priority = ThreadPriority.Highest };
        thread.Start();
    }
}
