namespace Containment.Capabilities;

/// <summary>What the running kernel knows about capabilities.</summary>
internal static class KernelCapabilities
{
    private static readonly Lazy<int> Last = new(() => Read("/proc/sys/kernel/cap_last_cap"));

    /// <summary>The highest capability number the running kernel knows (<c>/proc/sys/kernel/cap_last_cap</c>).</summary>
    public static int LastCap => Last.Value;

    internal static int Read(string path)
    {
        try
        {
            return int.Parse(File.ReadAllText(path).Trim(), System.Globalization.CultureInfo.InvariantCulture);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or FormatException)
        {
            return (int)CapabilityNames.Last; // an old kernel without the file, or no /proc: trust the library's table
        }
    }
}
