using Containment.IntegrationTests.Support;
using Containment.Seccomp;

namespace Containment.IntegrationTests.Seccomp;

/// <summary>
/// A tiny static C program, built with gcc once per test run in the test's output directory (which a
/// <see cref="ContainerSpec.HostReadOnly"/> container sees at the same path), that makes one raw system call and prints
/// what it returned. Numbers come from the library's own syscall table, so the tests say <c>mkdir</c>, not 83.
/// </summary>
internal static class SyscallProbe
{
    private const string Source = """
        #define _GNU_SOURCE
        #include <errno.h>
        #include <signal.h>
        #include <stdio.h>
        #include <stdlib.h>
        #include <string.h>
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

        /* probe [trap] NR [ARG...]: an ARG starting with '/' is passed as a pointer to that string. */
        int main(int argc, char **argv)
        {
            int i = 1;
            if (i < argc && strcmp(argv[i], "trap") == 0) {
                struct sigaction sa;
                memset(&sa, 0, sizeof sa);
                sa.sa_sigaction = on_sigsys;
                sa.sa_flags = SA_SIGINFO;
                sigaction(SIGSYS, &sa, NULL);
                i++;
            }
            if (i >= argc) return 2;
            long nr = strtol(argv[i++], NULL, 0), a[6] = { 0 };
            for (int k = 0; k < 6 && i < argc; k++, i++)
                a[k] = argv[i][0] == '/' ? (long)argv[i] : strtol(argv[i], NULL, 0);
            errno = 0;
            long ret = syscall(nr, a[0], a[1], a[2], a[3], a[4], a[5]);
            printf("ret=%ld errno=%d\n", ret, ret < 0 ? errno : 0);
            return 0;
        }
        """;

    private static readonly Lazy<string> Built = new(() => StaticProgram.Build("syscall-probe", Source));

    /// <summary>The built probe.</summary>
    public static string ProbePath => Built.Value;

    /// <summary>This machine's number for a call.</summary>
    public static int Nr(string name) =>
        ArchitectureInfo.Get(ArchitectureInfo.Native).Table!.TryGetNumber(name, out var nr) ? nr : throw new ArgumentException(name);

    /// <summary>The shell command that makes the call <paramref name="name"/> with these arguments.</summary>
    public static string Call(string name, params object[] args) => $"{ProbePath} {Nr(name)} {string.Join(' ', args)}";
}
