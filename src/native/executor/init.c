/* OP_INIT: the child becomes the container's init, a tiny PID 1, and the program runs as its child. The kernel
 * drops default-action signals sent to a pid namespace's init (SIGTERM, SIGINT, SIGXCPU from RLIMIT_CPU...) and
 * leaves the orphans it inherits as zombies until it waits for them; a program that is not written to be PID 1
 * (a shell, a runtime) does neither. The init:
 *   - forks right before the exec, after every other step: it has the program's identity, capabilities, rlimits
 *     and seccomp filter (then drops every capability but CAP_KILL), is not dumpable (the program cannot ptrace it or open its /proc files without
 *     CAP_SYS_PTRACE), and keeps one descriptor, its socket to the monitor;
 *   - forwards every signal it can catch (all but the synchronous SIGSEGV, SIGBUS, SIGILL, SIGFPE, SIGTRAP, SIGSYS
 *     and SIGCHLD) to the program;
 *   - reaps every child, its own and the orphans it inherits;
 *   - exits when the program does, after sending the program's wait status to the monitor (MSG_PROGRAM_EXIT), which
 *     reports it as the container's: its own exit code is the program's, or 128 + the signal that killed it (a
 *     pid namespace's init cannot kill itself with a signal). In a pid namespace, the kernel then kills what is left.
 * The program gets its own process group, and the terminal's foreground when fd 0 is one: a ^C reaches it once. */
#include "executor.h"
#include "sys.h"
#include <errno.h>
#include <linux/capability.h>
#include <fcntl.h>
#include <signal.h>
#include <sys/ioctl.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

static int synchronous(int sig)
{
    return sig == SIGSEGV || sig == SIGBUS || sig == SIGILL || sig == SIGFPE || sig == SIGTRAP || sig == SIGSYS;
}

/* Waits for the program's exec (the pipe's write end is CLOEXEC in the program: EOF) and tells the monitor. An exec
 * that fails has sent its error before its exit closed the pipe: the monitor reads that first and ignores this. */
static void await_exec(struct executor *x, int pipe_read)
{
    char c;
    while (read(pipe_read, &c, 1) < 0 && errno == EINTR)
        ;
    close(pipe_read);
    send_msg(x->channel, MSG_INIT_EXEC, 0, 0, 0, -1);
}

/* The init needs no privilege but to signal the program (CAP_KILL, if the program had it: a setuid program it execs
 * may change its ids). What the seccomp load kept for itself without no_new_privs (CAP_SYS_ADMIN, dropped for the
 * program by its exec) must not stay with the init, which never execs: it keeps only CAP_KILL. */
static void drop_capabilities(void)
{
    struct __user_cap_header_struct h = { _LINUX_CAPABILITY_VERSION_3, 0 };
    struct __user_cap_data_struct d[2];
    if (syscall(SYS_capget, &h, d) < 0)
        return;
    uint32_t kill = d[0].permitted & (1u << CAP_KILL);
    struct __user_cap_data_struct keep[2] = { { kill, kill, 0 }, { 0, 0, 0 } };
    syscall(SYS_capset, &h, keep);
    prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_CLEAR_ALL, 0, 0, 0);
}

static _Noreturn void run_init(struct executor *x, pid_t program, int pipe_read, const sigset_t *forwarded)
{
    /* Nothing of the container's stays open here (its streams reach EOF when the program's do), only the channel. */
    int lo = x->channel < pipe_read ? x->channel : pipe_read, hi = x->channel < pipe_read ? pipe_read : x->channel;
    if (lo > 0)
        syscall(SYS_close_range, 0, lo - 1, 0);
    if (hi > lo + 1)
        syscall(SYS_close_range, lo + 1, hi - 1, 0);
    syscall(SYS_close_range, hi + 1, ~0U, 0);
    prctl(PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0); /* reaps orphans without a pid namespace too */
    prctl(PR_SET_NAME, "init", 0, 0, 0);
    drop_capabilities();
    await_exec(x, pipe_read);
    int status = 0;
    for (;;) {
        siginfo_t info;
        int sig = sigwaitinfo(forwarded, &info);
        if (sig < 0)
            continue;
        if (sig != SIGCHLD) {
            kill(program, sig);
            continue;
        }
        int done = 0, st;
        pid_t p;
        while ((p = waitpid(-1, &st, WNOHANG)) > 0)
            if (p == program) {
                status = st;
                done = 1;
            }
        if (done)
            break;
    }
    send_msg(x->channel, MSG_PROGRAM_EXIT, 0, 0, status, -1);
    _exit(WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status));
}

int do_init(struct executor *x)
{
    sigset_t forwarded, none;
    sigfillset(&forwarded);
    for (int s = 1; s < 65; s++)
        if (synchronous(s))
            sigdelset(&forwarded, s);
    sigemptyset(&none);
    int p[2];
    if (pipe2(p, O_CLOEXEC) < 0)
        return -1;
    /* Blocked before the fork: a signal sent meanwhile waits for the init to forward it. */
    if (sigprocmask(SIG_BLOCK, &forwarded, NULL) < 0)
        return close_keep(p[0], close_keep(p[1], -1));
    pid_t program = fork();
    if (program < 0) {
        sigprocmask(SIG_SETMASK, &none, NULL);
        return close_keep(p[0], close_keep(p[1], -1));
    }
    if (program > 0) {
        close(p[1]);
        run_init(x, program, p[0], &forwarded);
    }
    /* The program: its own process group, in the terminal's foreground (SIGTTOU is still blocked here). */
    close(p[0]);
    setpgid(0, 0);
    if (isatty(0))
        tcsetpgrp(0, getpid());
    sigprocmask(SIG_SETMASK, &none, NULL);
    return 0; /* on to OP_EXEC; p[1] closes with it */
}
