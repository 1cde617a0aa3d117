/* A prepared cgroup (docs/cgroups.md, "Prepared cgroups"). On cgroup v1 the first cgroup.procs write after a quiet
 * spell waits for an RCU grace period (the kernel's threadgroup lock), 5-20 ms, and a start that writes the child's
 * pid pays it. A prepared executor pays it ahead of need: on the host's MSG_CGROUP_PLACE the monitor makes a
 * placeholder, a process sharing its memory and descriptors (CLONE_VM | CLONE_FILES, its own thread group, so its own
 * cgroup membership), and writes the placeholder's pid into the cgroup.procs files the message carries. When the plan
 * comes, OP_CLONE is performed by the placeholder with CLONE_PARENT: the child is born in the container's cgroup and
 * is still the monitor's child, and the placeholder exits before the child is released. Not one cgroup.procs write is
 * left for the start. The placeholder makes no allocation and no libc call that could touch state the monitor uses
 * meanwhile (they share memory): it blocks in read() until the monitor has prepared the clone, then clones. */
#include "executor.h"
#include "sys.h"
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/wait.h>

#define PLACEHOLDER_STACK (8u << 20) /* the child starts on a copy of this stack: as large as a main thread's */

static struct {
    int pid;                  /* the placeholder, or 0 */
    int go[2];                /* the monitor writes one byte when args are ready */
    struct x_clone_args args; /* the monitor's clone, with CLONE_PARENT */
    int keep, drop;           /* the child's end of the monitor-child channel, and the monitor's */
    long result;              /* the child's pid, or -errno */
} ph;

static int placeholder_main(void *arg)
{
    struct executor *x = arg;
    prctl(PR_SET_PDEATHSIG, SIGKILL, 0, 0, 0);
    if (getppid() == 1) /* the monitor died before the line above */
        _exit(1);
    char go;
    if (read(ph.go[0], &go, 1) != 1)
        _exit(1);
    long pid = syscall(SYS_clone3, &ph.args, sizeof ph.args);
    if (pid == 0)
        child_start(x, ph.keep, ph.drop);
    ph.result = pid < 0 ? -errno : pid;
    _exit(0);
}

static int write_pid_to(int fd, int pid)
{
    char buf[16];
    int n = snprintf(buf, sizeof buf, "%d", pid);
    return write(fd, buf, (size_t)n) == n ? 0 : -1;
}

/* Makes the placeholder and writes its pid to each cgroup.procs received; 0, or -1 with errno (no placeholder left). */
static int place(struct executor *x, const int *procs, int count)
{
    void *stack = mmap(NULL, PLACEHOLDER_STACK, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE | MAP_STACK, -1, 0);
    if (stack == MAP_FAILED)
        return -1;
    if (pipe2(ph.go, O_CLOEXEC) < 0)
        return -1;
    ph.go[0] = move_high(ph.go[0]);
    ph.go[1] = move_high(ph.go[1]);
    /* SIGCHLD: a CLONE_PARENT clone takes its exit signal from its caller, and the monitor reaps the child by it. */
    int pid = clone(placeholder_main, (char *)stack + PLACEHOLDER_STACK, CLONE_VM | CLONE_FILES | SIGCHLD, x);
    if (pid < 0)
        return -1;
    ph.pid = pid;
    for (int i = 0; i < count; i++)
        if (write_pid_to(procs[i], pid) < 0) {
            int saved = errno;
            kill(pid, SIGKILL);
            while (waitpid(pid, NULL, 0) < 0 && errno == EINTR)
                ;
            ph.pid = 0;
            errno = saved;
            return -1;
        }
    return 0;
}

int take_placement(struct executor *x)
{
    struct msg m;
    ssize_t n = recv(x->control, &m, sizeof m, MSG_PEEK);
    if (n != (ssize_t)sizeof m || m.kind != MSG_CGROUP_PLACE)
        return 0;
    int fds[CGROUP_PROCS_MAX];
    int count;
    int r = 0;
    if (recv_msg_fds(x->control, &m, fds, &count) != 1 || m.value != count || count == 0) {
        errno = EBADMSG;
        r = -1;
    }
    if (r == 0)
        r = place(x, fds, count);
    int err = errno;
    for (int i = 0; i < count; i++)
        close(fds[i]);
    send_msg(x->control, r == 0 ? MSG_CONTINUE : MSG_ERROR, -1, r == 0 ? 0 : err, 0, -1);
    return 1;
}

int placeholder_clone(const struct x_clone_args *args, int keep, int drop)
{
    if (ph.pid <= 0)
        return 0;
    ph.args = *args;
    ph.args.flags |= CLONE_PARENT;
    ph.args.exit_signal = 0; /* clone3 requires it with CLONE_PARENT: the caller's (SIGCHLD) is used */
    ph.keep = keep;
    ph.drop = drop;
    ph.result = -EIO;
    char go = 1;
    if (write(ph.go[1], &go, 1) != 1)
        return -1;
    int status;
    while (waitpid(ph.pid, &status, 0) < 0 && errno == EINTR)
        ;
    ph.pid = 0;
    close(ph.go[0]);
    close(ph.go[1]);
    if (ph.result < 0) {
        errno = (int)-ph.result;
        return -1;
    }
    return (int)ph.result;
}
