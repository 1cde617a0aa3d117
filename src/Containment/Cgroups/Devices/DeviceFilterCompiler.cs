namespace Containment.Cgroups.Devices;

/// <summary>
/// Compiles device rules into a <c>BPF_PROG_TYPE_CGROUP_DEVICE</c> program, the cgroup v2 replacement for
/// <c>devices.allow</c>/<c>devices.deny</c>. The program reads <c>struct bpf_cgroup_dev_ctx</c>
/// (<c>access_type</c> = access &lt;&lt; 16 | type, <c>major</c>, <c>minor</c>) and returns 1 to allow, 0 to deny.
/// Rules are tested last to first, so the last matching rule decides (as sequential v1 writes do); a device
/// no rule matches is denied.
/// </summary>
internal static class DeviceFilterCompiler
{
    private const byte R0 = 0, R1 = 1, R2 = 2, R3 = 3, R4 = 4, R5 = 5;

    /// <summary>The device type values in the context (<c>BPF_DEVCG_DEV_BLOCK</c>, <c>BPF_DEVCG_DEV_CHAR</c>).</summary>
    public const int DevBlock = 1, DevChar = 2;

    public static IReadOnlyList<BpfInstruction> Compile(IReadOnlyList<DeviceRule> rules)
    {
        var program = new List<BpfInstruction>
        {
            // r2 = type, r3 = access, r4 = major, r5 = minor
            BpfInstruction.LoadWord(R2, R1, 0),
            BpfInstruction.And32(R2, 0xffff),
            BpfInstruction.LoadWord(R3, R1, 0),
            BpfInstruction.Rsh32(R3, 16),
            BpfInstruction.LoadWord(R4, R1, 4),
            BpfInstruction.LoadWord(R5, R1, 8),
        };

        for (var i = rules.Count - 1; i >= 0; i--)
        {
            var rule = rules[i];
            var block = new List<BpfInstruction>();
            // Each test jumps to the end of the block ("next rule") when it fails; offsets are patched below.
            var jumps = new List<int>();
            if (rule.Type != DeviceType.All)
            {
                jumps.Add(block.Count);
                block.Add(BpfInstruction.JumpNotEqual(R2, rule.Type == DeviceType.Block ? DevBlock : DevChar, 0));
            }
            var access = (int)rule.Access & (int)DeviceAccess.All;
            if (rule.Type != DeviceType.All && access != (int)DeviceAccess.All)
            {
                // The rule matches only if every access asked for is within the rule's: (r3 & access) == r3.
                block.Add(BpfInstruction.Mov32Reg(R1, R3));
                block.Add(BpfInstruction.And32(R1, access));
                jumps.Add(block.Count);
                block.Add(BpfInstruction.JumpNotEqualReg(R1, R3, 0));
            }
            if (rule.Type != DeviceType.All && rule.Major is { } major)
            {
                jumps.Add(block.Count);
                block.Add(BpfInstruction.JumpNotEqual(R4, checked((int)major), 0));
            }
            if (rule.Type != DeviceType.All && rule.Minor is { } minor)
            {
                jumps.Add(block.Count);
                block.Add(BpfInstruction.JumpNotEqual(R5, checked((int)minor), 0));
            }
            block.Add(BpfInstruction.Mov32(R0, rule.Allow ? 1 : 0));
            block.Add(BpfInstruction.Exit());
            foreach (var j in jumps)
                block[j] = block[j] with { Offset = (short)(block.Count - j - 1) };
            program.AddRange(block);
            // An unconditional rule ends the program: nothing after it could be reached (the verifier rejects dead code).
            if (rule.Type == DeviceType.All) return program;
        }

        program.Add(BpfInstruction.Mov32(R0, 0));
        program.Add(BpfInstruction.Exit());
        return program;
    }
}
