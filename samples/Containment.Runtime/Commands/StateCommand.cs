using System.Text;
using System.Text.Json;
using Containment.Oci;

namespace Containment.Runtime.Commands;

/// <summary><c>state</c>, <c>list</c> and <c>ps</c>: what is known about containers, computed from the live processes.</summary>
internal static class StateCommand
{
    public static int State(Runtime runtime, IReadOnlyList<string> args)
    {
        var id = Args.Parse(args, [], []).Id("state");
        Console.WriteLine(Runtime.StateJson(runtime.Load(id)));
        return 0;
    }

    public static int List(Runtime runtime, IReadOnlyList<string> args)
    {
        var a = Args.Parse(args, ["format|f"], ["quiet|q"]);
        var records = Directory.Exists(runtime.Store.Root) ? runtime.Store.List() : [];
        if (a.Has("quiet"))
        {
            foreach (var r in records)
                Console.WriteLine(r.Id);
            return 0;
        }
        if (a.Value("format") == "json")
        {
            Console.WriteLine("[" + string.Join(",", records.Select(Runtime.StateJson)) + "]");
            return 0;
        }
        Console.WriteLine($"{"ID",-20} {"PID",-8} {"STATUS",-10} {"BUNDLE",-40} {"CREATED",-30} OWNER");
        foreach (var r in records)
        {
            var status = Runtime.StatusOf(r);
            var pid = status == OciStatus.Stopped ? 0 : r.Pid;
            Console.WriteLine($"{r.Id,-20} {pid,-8} {status.ToString().ToLowerInvariant(),-10} {r.Bundle,-40} {r.Created:O} root");
        }
        return 0;
    }

    public static int Ps(Runtime runtime, IReadOnlyList<string> args)
    {
        var a = Args.Parse(args, ["format|f"], []);
        var record = runtime.Load(a.Id("ps"));
        var pids = ContainerOps.Processes(record);
        if (a.Value("format") == "json")
        {
            Console.WriteLine("[" + string.Join(",", pids) + "]");
            return 0;
        }
        Console.WriteLine($"{"PID",-8} CMD");
        foreach (var pid in pids)
        {
            string cmd;
            try
            {
                cmd = Encoding.UTF8.GetString(File.ReadAllBytes($"/proc/{pid}/cmdline")).Replace('\0', ' ').Trim();
            }
            catch (IOException)
            {
                continue;
            }
            Console.WriteLine($"{pid,-8} {cmd}");
        }
        return 0;
    }
}
