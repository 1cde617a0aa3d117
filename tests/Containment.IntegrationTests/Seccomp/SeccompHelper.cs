using System.Diagnostics;
using Containment.Seccomp;

namespace Containment.IntegrationTests.Seccomp;

/// <summary>
/// A tiny C program, compiled with gcc once per run, that loads a compiled filter for real
/// (prctl(PR_SET_NO_NEW_PRIVS) + seccomp(SECCOMP_SET_MODE_FILTER)) in its own process and then makes calls.
/// The test host itself is never filtered.
/// </summary>
internal sealed class SeccompHelper : IDisposable
{
    private const string Source = """
        #define _GNU_SOURCE
        #include <errno.h>
        #include <linux/filter.h>
        #include <linux/seccomp.h>
        #include <signal.h>
        #include <stdio.h>
        #include <stdlib.h>
        #include <string.h>
        #include <sys/prctl.h>
        #include <sys/syscall.h>
        #include <unistd.h>

        static void on_sigsys(int sig, siginfo_t *info, void *ctx)
        {
            (void)sig; (void)ctx;
            char line[64];
            int n = snprintf(line, sizeof line, "sigsys nr=%d\n", info->si_syscall);
            write(1, line, n);
            _exit(0);
        }

        /* seccomp-run FILTER FLAGS (syscall NR [ARGS...] | trap NR | exec PATH [ARGS...]) */
        int main(int argc, char **argv)
        {
            if (argc < 4) return 2;
            FILE *f = fopen(argv[1], "rb");
            if (!f) { perror("open filter"); return 2; }
            static struct sock_filter insns[4096];
            size_t count = fread(insns, sizeof insns[0], 4096, f);
            fclose(f);
            unsigned long flags = strtoul(argv[2], NULL, 0);
            struct sock_fprog prog = { .len = (unsigned short)count, .filter = insns };
            setvbuf(stdout, NULL, _IONBF, 0);
            if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0)) { perror("no_new_privs"); return 2; }
            long r = syscall(SYS_seccomp, SECCOMP_SET_MODE_FILTER, flags, &prog);
            if (r < 0) { printf("load errno=%d\n", errno); return 3; }
            if (strcmp(argv[3], "trap") == 0) {
                struct sigaction sa = { 0 };
                sa.sa_sigaction = on_sigsys;
                sa.sa_flags = SA_SIGINFO;
                sigaction(SIGSYS, &sa, NULL);
            }
            if (strcmp(argv[3], "syscall") == 0 || strcmp(argv[3], "trap") == 0) {
                long a[7] = { 0 };
                for (int i = 0; i < 7 && 4 + i < argc; i++) a[i] = strtol(argv[4 + i], NULL, 0);
                errno = 0;
                long ret = syscall(a[0], a[1], a[2], a[3], a[4], a[5], a[6]);
                printf("ret=%ld errno=%d\n", ret, ret < 0 ? errno : 0);
                return 0;
            }
            if (strcmp(argv[3], "exec") == 0) {
                execv(argv[4], argv + 4);
                printf("exec errno=%d\n", errno);
                return 4;
            }
            return 2;
        }
        """;

    private readonly string _dir = Directory.CreateTempSubdirectory("containment-seccomp-").FullName;

    public SeccompHelper()
    {
        File.WriteAllText(Path.Combine(_dir, "seccomp-run.c"), Source);
        var (code, output) = Execute("gcc", ["-O2", "-Wall", "-o", Binary, Path.Combine(_dir, "seccomp-run.c")]);
        if (code != 0)
            throw new InvalidOperationException("gcc failed: " + output);
    }

    private string Binary => Path.Combine(_dir, "seccomp-run");

    /// <summary>Runs the helper under <paramref name="filter"/>: (exit code, or 128 + signal; standard output).</summary>
    public (int ExitCode, string Output) Run(CompiledSeccompFilter filter, params string[] command)
    {
        var file = Path.Combine(_dir, $"filter-{Guid.NewGuid():N}.bpf");
        File.WriteAllBytes(file, filter.Bytes);
        try
        {
            return Execute(Binary, [file, ((uint)filter.Flags).ToString(), .. command]);
        }
        finally
        {
            File.Delete(file);
        }
    }

    private static (int, string) Execute(string program, IEnumerable<string> args)
    {
        var start = new ProcessStartInfo(program) { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var a in args)
            start.ArgumentList.Add(a);
        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        if (!process.WaitForExit(30_000))
        {
            process.Kill();
            throw new TimeoutException($"{program} did not finish");
        }
        return (process.ExitCode, stdout.Result + stderr.Result);
    }

    public void Dispose() => Directory.Delete(_dir, recursive: true);
}
