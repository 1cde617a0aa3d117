namespace Containment.Seccomp.Bpf;

/// <summary>
/// Builds a classic BPF program with symbolic forward jumps. Conditional jumps can only skip 255 instructions
/// (jt and jf are 8-bit); <see cref="Assemble"/> inserts an unconditional <c>ja</c> (32-bit offset) after every
/// conditional jump whose target is further away, repeating until every distance fits.
/// </summary>
internal sealed class BpfAssembler
{
    private readonly List<Item> _code = [];
    private readonly List<int> _labels = [];

    internal readonly record struct Label(int Id);

    private struct Item
    {
        public ushort Code;
        public uint K;
        public int Jt, Jf; // label ids, -1 when not a jump
    }

    public int Count => _code.Count;

    public Label NewLabel()
    {
        _labels.Add(-1);
        return new Label(_labels.Count - 1);
    }

    /// <summary>Places the label at the next instruction emitted.</summary>
    public void Mark(Label label)
    {
        if (_labels[label.Id] != -1)
            throw new InvalidOperationException($"label {label.Id} placed twice");
        _labels[label.Id] = _code.Count;
    }

    public void Stmt(ushort code, uint k) => _code.Add(new Item { Code = code, K = k, Jt = -1, Jf = -1 });

    public void LoadWord(uint offset) => Stmt(Op.Ld | Op.W | Op.Abs, offset);

    public void Return(uint value) => Stmt(Op.Ret | Op.K, value);

    public void Jump(ushort jumpOp, uint k, Label whenTrue, Label whenFalse) =>
        _code.Add(new Item { Code = (ushort)(Op.Jmp | jumpOp | Op.K), K = k, Jt = whenTrue.Id, Jf = whenFalse.Id });

    public void Always(Label target) => _code.Add(new Item { Code = Op.Jmp | Op.Ja, Jt = target.Id, Jf = -1 });

    public BpfInstruction[] Assemble()
    {
        for (var i = 0; i < _labels.Count; i++)
            if (_labels[i] < 0)
                throw new InvalidOperationException($"label {i} used but never placed");
        while (Relax())
        {
        }
        var program = new BpfInstruction[_code.Count];
        for (var pc = 0; pc < _code.Count; pc++)
        {
            var item = _code[pc];
            if (item.Code == (Op.Jmp | Op.Ja))
                program[pc] = new BpfInstruction(item.Code, 0, 0, (uint)Distance(pc, item.Jt));
            else if (Op.Class(item.Code) == Op.Jmp)
                program[pc] = new BpfInstruction(item.Code, (byte)Distance(pc, item.Jt), (byte)Distance(pc, item.Jf), item.K);
            else
                program[pc] = new BpfInstruction(item.Code, 0, 0, item.K);
        }
        return program;
    }

    private int Distance(int pc, int label)
    {
        var distance = _labels[label] - pc - 1;
        if (distance < 0 || _labels[label] >= _code.Count)
            throw new InvalidOperationException($"jump at {pc} to {_labels[label]} is not a forward jump inside the program");
        return distance;
    }

    /// <summary>Inserts one trampoline for the first conditional jump that is too long; false when none is.</summary>
    private bool Relax()
    {
        for (var pc = 0; pc < _code.Count; pc++)
        {
            var item = _code[pc];
            if (Op.Class(item.Code) != Op.Jmp || item.Code == (Op.Jmp | Op.Ja))
                continue;
            var trueFar = Distance(pc, item.Jt) > byte.MaxValue;
            if (!trueFar && Distance(pc, item.Jf) <= byte.MaxValue)
                continue;
            var far = trueFar ? item.Jt : item.Jf;
            // Shift every label at or after the insertion point, then place the trampoline's own label there.
            for (var l = 0; l < _labels.Count; l++)
                if (_labels[l] > pc)
                    _labels[l]++;
            var trampoline = NewLabel();
            _labels[trampoline.Id] = pc + 1;
            _code.Insert(pc + 1, new Item { Code = Op.Jmp | Op.Ja, Jt = far, Jf = -1 });
            if (trueFar)
                item.Jt = trampoline.Id;
            else
                item.Jf = trampoline.Id;
            _code[pc] = item;
            return true;
        }
        return false;
    }
}
