using System.Collections.Frozen;

namespace Containment.Seccomp.Tables;

/// <summary>The system calls of one ABI, by name and number, from the kernel's syscall table.</summary>
internal sealed class SyscallTable
{
    private readonly FrozenDictionary<string, int> _byName;
    private readonly FrozenDictionary<int, string> _byNumber;

    public SyscallTable(SeccompArchitecture architecture, string kernelVersion, (string Name, int Number)[] entries)
    {
        Architecture = architecture;
        KernelVersion = kernelVersion;
        _byName = entries.ToFrozenDictionary(e => e.Name, e => e.Number, StringComparer.Ordinal);
        _byNumber = entries.GroupBy(e => e.Number).ToFrozenDictionary(g => g.Key, g => g.First().Name);
    }

    public SeccompArchitecture Architecture { get; }

    /// <summary>The kernel release the table was generated from.</summary>
    public string KernelVersion { get; }

    public int Count => _byName.Count;

    public IEnumerable<string> Names => _byName.Keys;

    public bool TryGetNumber(string name, out int number) => _byName.TryGetValue(name, out number);

    public string? NameOf(int number) => _byNumber.TryGetValue(number, out var name) ? name : null;
}
