using Containment.IntegrationTests.Seccomp;
using Containment.IntegrationTests.Support;

namespace Containment.IntegrationTests.Escapes;

/// <summary>
/// A static C program that makes the escape attempts busybox cannot, built with gcc once per test run, installed
/// with <see cref="SyscallProbe"/> into a test rootfs as <c>/bin/escape</c> and <c>/bin/syscall</c>. Modes:
/// <list type="bullet">
/// <item><c>fds</c>: one line per open descriptor, <c>N target</c> (the listing's own descriptor left out).</item>
/// <item><c>race</c>: until standard input closes, attacks every process of the pid namespace named
/// <c>containment-exe</c> or all digits (the runtime's setup process, executed as <c>/proc/self/fd/N</c>) through /proc and ptrace, then prints
/// one line per attempt, <c>NAME ok=K late=L denied=D errnos=E,..</c> (late: it worked, but
/// only once the process had exec'd the container's program), and <c>landed TARGET</c> for each descriptor it
/// opened through the setup process's /proc/PID/fd.</item>
/// <item><c>chroot PATH</c>: the classic chroot breakout (chroot into a subdirectory, fchdir out, climb ..), then
/// prints the first line of PATH or <c>errno=E</c>.</item>
/// <item><c>openat PATH</c>: opens <c>/</c> and resolves <c>../../../..PATH</c> from that descriptor.</item>
/// <item><c>session OUT [DELAY_MS]</c>: after the delay, writes to OUT <c>pid P sid S</c>, <c>devtty ok|errno=E</c> (opening
/// /dev/tty), <c>tiocsti fd=N ok|errno=E</c> for each of fds 0-2 that is a terminal (pushing a space into its input) and
/// <c>done</c>; then sends SIGKILL to its own process group (<c>kill(0, SIGKILL)</c>).</item>
/// </list>
/// </summary>
internal static class EscapeProbe
{
    private const string Source = """
        #define _GNU_SOURCE
        #include <ctype.h>
        #include <dirent.h>
        #include <errno.h>
        #include <fcntl.h>
        #include <poll.h>
        #include <stdio.h>
        #include <stdlib.h>
        #include <string.h>
        #include <signal.h>
        #include <sys/ioctl.h>
        #include <sys/ptrace.h>
        #include <sys/stat.h>
        #include <sys/uio.h>
        #include <sys/wait.h>
        #include <unistd.h>

        /* ok: it worked while the target was still the setup process; late: it worked, but on the exec'd program. */
        struct tally { const char *name; long ok, late, denied; int errnos[8]; };
        enum { EXE_WRONLY, EXE_RDWR, EXE_WRITE, FD_LIST, FD_OPEN, MEM_OPEN, VM_READV, PTRACE_ATTACH_, NTALLY };
        static struct tally tallies[NTALLY] = {
            { "exe-open-wronly" }, { "exe-open-rdwr" }, { "exe-write" }, { "fd-list" }, { "fd-open" },
            { "mem-open" }, { "process_vm_readv" }, { "ptrace-seize" },
        };
        static char landed[32][256];
        static int nlanded;

        static int is_setup(const char *pid);

        static void count(int which, const char *pid, int ok, int err)
        {
            struct tally *t = &tallies[which];
            if (ok && is_setup(pid)) {
                t->ok++;
                return;
            }
            if (ok) {
                t->late++;
                return;
            }
            t->denied++;
            for (int i = 0; i < 8; i++) {
                if (t->errnos[i] == err) return;
                if (t->errnos[i] == 0) { t->errnos[i] = err; return; }
            }
        }

        /* The setup process is the executor: named containment-exe (before it named itself, N, for /proc/self/fd/N);
         * exec gives it the program's name. */
        static int is_setup(const char *pid)
        {
            char path[64], comm[32] = { 0 };
            snprintf(path, sizeof path, "/proc/%s/comm", pid);
            int fd = open(path, O_RDONLY);
            if (fd < 0) return 0;
            ssize_t n = read(fd, comm, sizeof comm - 1);
            close(fd);
            if (n <= 1) return 0;
            if (strcmp(comm, "containment-exe\n") == 0) return 1;
            for (ssize_t i = 0; i < n - 1; i++)
                if (!isdigit((unsigned char)comm[i])) return 0;
            return 1;
        }

        static void note_landed(int fd)
        {
            char link[64], target[256];
            snprintf(link, sizeof link, "/proc/self/fd/%d", fd);
            ssize_t n = readlink(link, target, sizeof target - 1);
            target[n < 0 ? 0 : n] = 0;
            for (int i = 0; i < nlanded; i++)
                if (strcmp(landed[i], target) == 0) return;
            if (nlanded < 32) strcpy(landed[nlanded++], target);
        }

        static void attack(const char *pid)
        {
            char path[128];
            snprintf(path, sizeof path, "/proc/%s/exe", pid);
            int fd = open(path, O_WRONLY | O_CLOEXEC);
            count(EXE_WRONLY, pid, fd >= 0, errno);
            if (fd >= 0) {
                ssize_t w = pwrite(fd, "X", 1, 0);
                count(EXE_WRITE, pid, w == 1, errno);
                close(fd);
            }
            fd = open(path, O_RDWR | O_CLOEXEC);
            count(EXE_RDWR, pid, fd >= 0, errno);
            if (fd >= 0) close(fd);

            snprintf(path, sizeof path, "/proc/%s/fd", pid);
            DIR *d = opendir(path);
            count(FD_LIST, pid, d != NULL, errno);
            if (d) {
                struct dirent *e;
                while ((e = readdir(d))) {
                    if (e->d_name[0] == '.' || atoi(e->d_name) < 3) continue;
                    snprintf(path, sizeof path, "/proc/%s/fd/%s", pid, e->d_name);
                    int got = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK);
                    count(FD_OPEN, pid, got >= 0, errno);
                    if (got >= 0) { note_landed(got); close(got); }
                }
                closedir(d);
            }

            snprintf(path, sizeof path, "/proc/%s/mem", pid);
            fd = open(path, O_RDONLY | O_CLOEXEC);
            count(MEM_OPEN, pid, fd >= 0, errno);
            if (fd >= 0) close(fd);

            /* A bad address fails with EFAULT only after the permission check passed: that counts as access. */
            char byte;
            struct iovec local = { &byte, 1 }, remote = { (void *)0x400000, 1 };
            ssize_t r = process_vm_readv(atoi(pid), &local, 1, &remote, 1, 0);
            count(VM_READV, pid, r == 1 || errno == EFAULT, errno);

            /* PTRACE_SEIZE passes the same permission check as PTRACE_ATTACH but sends no SIGSTOP that could outlive
             * the detach; PTRACE_INTERRUPT stops the tracee so that it can be detached at once. */
            if (ptrace(PTRACE_SEIZE, atoi(pid), 0, 0) == 0) {
                count(PTRACE_ATTACH_, pid, 1, 0);
                if (ptrace(PTRACE_INTERRUPT, atoi(pid), 0, 0) == 0)
                    waitpid(atoi(pid), NULL, __WALL);
                ptrace(PTRACE_DETACH, atoi(pid), 0, 0);
            } else {
                count(PTRACE_ATTACH_, pid, 0, errno);
            }
        }

        static int race(void)
        {
            char self[16];
            snprintf(self, sizeof self, "%d", getpid());
            printf("ready\n");
            fflush(stdout);
            long seen = 0, scans = 0;
            int last = -1;
            struct pollfd in = { 0, POLLIN, 0 };
            while (poll(&in, 1, 0) == 0) {
                scans++;
                DIR *proc = opendir("/proc");
                struct dirent *e;
                while (proc && (e = readdir(proc))) {
                    if (!isdigit((unsigned char)e->d_name[0]) || strcmp(e->d_name, self) == 0 || !is_setup(e->d_name))
                        continue;
                    if (atoi(e->d_name) != last) { seen++; last = atoi(e->d_name); }
                    attack(e->d_name);
                }
                if (proc) closedir(proc);
            }
            printf("scans %ld\nseen %ld\n", scans, seen);
            for (int i = 0; i < NTALLY; i++) {
                printf("%s ok=%ld late=%ld denied=%ld errnos=", tallies[i].name, tallies[i].ok, tallies[i].late, tallies[i].denied);
                for (int k = 0; k < 8 && tallies[i].errnos[k]; k++) printf(k ? ",%d" : "%d", tallies[i].errnos[k]);
                printf("\n");
            }
            for (int i = 0; i < nlanded; i++) printf("landed %s\n", landed[i]);
            return 0;
        }

        static int print_first_line(const char *path)
        {
            FILE *f = fopen(path, "r");
            char line[256] = { 0 };
            if (!f) { printf("errno=%d\n", errno); return 0; }
            if (!fgets(line, sizeof line, f)) line[0] = 0;
            fclose(f);
            printf("read %s", line);
            return 0;
        }

        static int chroot_breakout(const char *path)
        {
            mkdir("/tmp/jail", 0755);
            int out = open("/", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
            if (chroot("/tmp/jail") < 0) printf("chroot errno=%d\n", errno);
            if (fchdir(out) < 0) printf("fchdir errno=%d\n", errno);
            for (int i = 0; i < 64; i++) chdir("..");
            if (chroot(".") < 0) printf("chroot-dot errno=%d\n", errno);
            return print_first_line(path);
        }

        static int openat_walk(const char *path)
        {
            char rel[4096];
            snprintf(rel, sizeof rel, "../../../../../..%s", path);
            int root = open("/", O_PATH | O_DIRECTORY | O_CLOEXEC);
            int fd = openat(root, rel, O_RDONLY | O_CLOEXEC);
            if (fd < 0) { printf("errno=%d\n", errno); return 0; }
            char line[256] = { 0 };
            ssize_t n = read(fd, line, sizeof line - 1);
            line[n < 0 ? 0 : n] = 0;
            printf("read %s", line);
            return 0;
        }

        static int fds(void)
        {
            DIR *d = opendir("/proc/self/fd");
            struct dirent *e;
            while (d && (e = readdir(d))) {
                if (e->d_name[0] == '.' || atoi(e->d_name) == dirfd(d)) continue;
                char link[64], target[256];
                snprintf(link, sizeof link, "/proc/self/fd/%s", e->d_name);
                ssize_t n = readlink(link, target, sizeof target - 1);
                target[n < 0 ? 0 : n] = 0;
                printf("%s %s\n", e->d_name, target);
            }
            return 0;
        }

        /* What a process can do to the terminal and the process group of the session it was started from. */
        static int session(const char *out, int delay_ms)
        {
            if (delay_ms > 0) usleep((useconds_t)delay_ms * 1000);
            FILE *f = fopen(out, "w");
            if (!f) { printf("open %s errno=%d\n", out, errno); return 1; }
            fprintf(f, "pid %d sid %d\n", (int)getpid(), (int)getsid(0));
            int tty = open("/dev/tty", O_RDWR | O_NOCTTY | O_CLOEXEC);
            if (tty >= 0) fprintf(f, "devtty ok\n"); else fprintf(f, "devtty errno=%d\n", errno);
            if (tty >= 0) close(tty);
            for (int fd = 0; fd < 3; fd++) {
                if (!isatty(fd)) continue;
                char c = ' ';
                if (ioctl(fd, TIOCSTI, &c) == 0) fprintf(f, "tiocsti fd=%d ok\n", fd);
                else fprintf(f, "tiocsti fd=%d errno=%d\n", fd, errno);
            }
            fprintf(f, "done\n");
            fclose(f);
            kill(0, SIGKILL);
            return 0;
        }

        int main(int argc, char **argv)
        {
            setvbuf(stdout, NULL, _IOLBF, 0);
            if (argc == 2 && strcmp(argv[1], "fds") == 0) return fds();
            if (argc == 2 && strcmp(argv[1], "race") == 0) return race();
            if (argc == 3 && strcmp(argv[1], "chroot") == 0) return chroot_breakout(argv[2]);
            if (argc == 3 && strcmp(argv[1], "openat") == 0) return openat_walk(argv[2]);
            if ((argc == 3 || argc == 4) && strcmp(argv[1], "session") == 0) return session(argv[2], argc == 4 ? atoi(argv[3]) : 0);
            fprintf(stderr, "usage: escape fds | race | chroot PATH | openat PATH | session OUT [DELAY_MS]\n");
            return 2;
        }
        """;

    private static readonly Lazy<string> Built = new(() => StaticProgram.Build("escape-probe", Source));

    /// <summary>Copies this probe to <c>/bin/escape</c> and the syscall probe to <c>/bin/syscall</c> in the rootfs.</summary>
    public static void InstallInto(TestRootfs rootfs) => InstallInto(rootfs.Path);

    /// <summary>The same, into the root filesystem at <paramref name="rootfs"/> (a bundle's).</summary>
    public static void InstallInto(string rootfs)
    {
        File.Copy(Built.Value, Path.Combine(rootfs, "bin/escape"));
        File.Copy(SyscallProbe.ProbePath, Path.Combine(rootfs, "bin/syscall"));
    }

    /// <summary>The shell command that makes the call <paramref name="name"/> with the installed syscall probe.</summary>
    public static string Call(string name, params object[] args) => $"/bin/syscall {SyscallProbe.Nr(name)} {string.Join(' ', args)}";
}
