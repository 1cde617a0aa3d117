/* The monitor half: joins namespaces, clones the child into new ones, does what must be done from
 * outside the child (cgroup membership, id maps), then relays between host and child until the child
 * exits. It stays a tiny parent so that the exit status reaches the host over the socket, whatever
 * reaps the host's own children, and so that the child dies when the host does. */
#include "executor.h"
#include "sys.h"
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

static int write_all(int fd, const char *s, size_t n)
{
    while (n > 0) {
        ssize_t w = write(fd, s, n);
        if (w < 0) {
            if (errno == EINTR)
                continue;
            return -1;
        }
        s += w;
        n -= (size_t)w;
    }
    return 0;
}

static int write_number(int fd, int value)
{
    char buf[16];
    int n = snprintf(buf, sizeof buf, "%d", value);
    return write_all(fd, buf, (size_t)n);
}

static int fd_at(struct executor *x, uint32_t index)
{
    if (index >= (uint32_t)x->nfds) {
        errno = EBADF;
        return -1;
    }
    return x->fds[index];
}

static void reap_and_exit(struct executor *x, int code)
{
    if (x->child > 0) {
        syscall(SYS_pidfd_send_signal, x->pidfd, SIGKILL, NULL, 0);
        while (waitpid(x->child, NULL, 0) < 0 && errno == EINTR)
            ;
    }
    /* Closing a socket with unread messages resets it (ECONNRESET) before the host has read our report: drain. */
    char drain[64];
    while (recv(x->control, drain, sizeof drain, MSG_DONTWAIT) > 0)
        ;
    _exit(code);
}

static _Noreturn void fail(struct executor *x, const struct op *op, int err)
{
    if (send_msg(x->control, MSG_ERROR, (int)op->index, err, 0, -1) < 0)
        orphaned(x); /* no host to clean up after the failure */
    reap_and_exit(x, 126);
    _exit(126);
}

static int do_clone(struct executor *x, struct op *op)
{
    uint64_t flags = rd_u64(&op->args);
    int32_t cgroup = rd_i32(&op->args);
    x->detached = (int)rd_u32(&op->args);
    if (!op->args.ok) {
        errno = EBADMSG;
        return -1;
    }
    int pair[2];
    if (socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, pair) < 0)
        return -1;
    void *page = mmap(NULL, sizeof *x->failure, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
    if (page == MAP_FAILED)
        return close_keep(pair[1], close_keep(pair[0], -1));
    x->failure = page;
    pair[0] = move_high(pair[0]);
    pair[1] = move_high(pair[1]);
    struct x_clone_args args;
    memset(&args, 0, sizeof args);
    args.flags = flags | X_CLONE_PIDFD;
    args.pidfd = (uint64_t)(uintptr_t)&x->pidfd;
    args.exit_signal = SIGCHLD;
    if (cgroup >= 0) {
        int fd = fd_at(x, (uint32_t)cgroup);
        if (fd < 0)
            return -1;
        args.flags |= X_CLONE_INTO_CGROUP;
        args.cgroup = (uint64_t)fd;
    }
    long pid = cgroup < 0 ? placeholder_clone(&args, pair[1], pair[0]) : 0;
    if (pid == 0)
        pid = syscall(SYS_clone3, &args, sizeof args);
    if (pid < 0)
        return -1;
    if (pid == 0)
        child_start(x, pair[1], pair[0]);
    close(pair[1]);
    x->channel = pair[0];
    x->child = (int)pid;
    return 0;
}

_Noreturn void child_start(struct executor *x, int keep, int drop)
{
    close(drop);
    close(x->control);
    x->control = -1;
    x->channel = keep;
    run_child(x);
}

static int write_child_proc(struct executor *x, struct op *op)
{
    const char *rel = rd_str(&op->args);
    const char *content = rd_str(&op->args);
    if (!op->args.ok) {
        errno = EBADMSG;
        return -1;
    }
    char path[128];
    snprintf(path, sizeof path, "/proc/%d/%s", x->child, rel);
    int fd = open(path, O_WRONLY | O_CLOEXEC);
    if (fd < 0)
        return -1;
    int r = write_all(fd, content, strlen(content));
    int saved = errno;
    close(fd);
    errno = saved;
    return r;
}

static int write_pid(struct executor *x, struct op *op)
{
    int fd = fd_at(x, rd_u32(&op->args));
    return fd < 0 ? -1 : write_number(fd, x->child);
}

/* Id-maps a detached bind tree with the child's user namespace. The monitor does it: it is privileged over
 * that namespace (its parent's), and the tree must get its idmapping before it is attached anywhere. */
static int idmap_tree(struct executor *x, struct op *op)
{
    int tree = fd_at(x, rd_u32(&op->args));
    uint32_t recursive = rd_u32(&op->args);
    if (!op->args.ok) {
        errno = EBADMSG;
        return -1;
    }
    if (tree < 0)
        return -1;
    char path[64];
    snprintf(path, sizeof path, "/proc/%d/ns/user", x->child);
    int userns = open(path, O_RDONLY | O_CLOEXEC);
    if (userns < 0)
        return -1;
    struct x_mount_attr attr = { .attr_set = X_MOUNT_ATTR_IDMAP, .userns_fd = (uint64_t)userns };
    long r = syscall(SYS_mount_setattr, tree, "", X_AT_EMPTY_PATH | (recursive ? X_AT_RECURSIVE : 0), &attr, sizeof attr);
    int saved = errno;
    close(userns);
    errno = saved;
    return (int)r;
}

/* Reports a sync point to the host (e.g. "run newuidmap on the child now") and waits for its answer. */
static int host_sync(struct executor *x, struct op *op)
{
    uint32_t tag = rd_u32(&op->args);
    if (!op->args.ok) {
        errno = EBADMSG;
        return -1;
    }
    if (send_msg(x->control, MSG_SYNC, (int)op->index, 0, (int)tag, -1) < 0)
        return -1;
    struct msg answer;
    for (;;) {
        int r = recv_msg(x->control, &answer);
        if (r <= 0)
            orphaned(x); /* the host is gone, or gave up on the launch */
        if (answer.kind == MSG_CONTINUE)
            return 0;
    }
}

static int run_op(struct executor *x, struct op *op)
{
    switch (op->code) {
    case OP_SETNS: {
        int fd = fd_at(x, rd_u32(&op->args));
        int type = (int)rd_u32(&op->args);
        return fd < 0 ? -1 : setns(fd, type);
    }
    case OP_CLONE:
        return do_clone(x, op);
    case OP_WRITE_PID:
        return write_pid(x, op);
    case OP_WRITE_CHILD_PROC:
        return write_child_proc(x, op);
    case OP_HOST_SYNC:
        return host_sync(x, op);
    case OP_IDMAP_TREE:
        return idmap_tree(x, op);
    case OP_RAISE_CHILD_RLIMIT:
        return raise_child_rlimit(x, op);
    case OP_RELEASE:
        /* A child that already failed has reported why; the wait loop forwards that, not this. */
        send_msg(x->channel, MSG_CONTINUE, 0, 0, 0, -1);
        x->released = 1;
        return 0;
    case OP_TEST_FAIL:
        errno = (int)rd_u32(&op->args);
        return -1;
    default:
        return 0; /* the child's */
    }
}


/* Relays a child's sync point to the host and the host's answer back. */
static void relay_sync(struct executor *x, const struct msg *m)
{
    send_msg(x->control, MSG_SYNC, m->step, 0, m->value, -1);
    struct msg answer;
    for (;;) {
        int r = recv_msg(x->control, &answer);
        if (r <= 0)
            orphaned(x); /* the host is gone */
        if (answer.kind == MSG_CONTINUE)
            break;
    }
    send_msg(x->channel, MSG_CONTINUE, 0, 0, 0, -1);
}

static void wait_loop(struct executor *x)
{
    int failed = 0, died_early = 0;
    /* With an init (init.c): it reports the program's exec and exit, and the container's status is the program's. */
    int exec_reported = 0, program_exited = 0, program_status = 0;
    struct pollfd p[3] = {
        { x->control, POLLIN, 0 },
        { x->channel, POLLIN, 0 },
        { x->pidfd, POLLIN, 0 },
    };
    for (;;) {
        if (poll(p, 3, -1) < 0) {
            if (errno == EINTR)
                continue;
            reap_and_exit(x, 1);
        }
        if (p[1].revents) {
            struct msg m;
            int passed = -1;
            int r = recv_msg_fd(x->channel, &m, &passed);
            if (r > 0 && m.kind == MSG_SECCOMP_LISTENER) {
                /* The host answers the container's notified calls; the monitor only passes the fd on. */
                send_msg(x->control, MSG_SECCOMP_LISTENER, m.step, 0, 0, passed);
                if (passed >= 0)
                    close(passed);
                continue;
            }
            if (r < 0 && errno == ECONNRESET) {
                /* The child died with a message of ours unread: it never reached exec. The error is
                 * reported once; what it queued before dying is still to be read. */
                died_early = 1;
                continue;
            }
            if (r > 0 && m.kind == MSG_PROGRAM_EXIT) {
                program_exited = 1;
                program_status = m.value;
            } else if (r > 0 && m.kind == MSG_INIT_EXEC) {
                exec_reported = 1;
                if (!failed) {
                    send_msg(x->control, MSG_EXEC_OK, 0, 0, 0, -1);
                    if (x->detached)
                        _exit(0);
                }
            } else if (r > 0 && m.kind == MSG_TERMINAL) {
                send_msg(x->control, MSG_TERMINAL, m.step, 0, m.value, passed);
            } else if (r > 0 && m.kind == MSG_SYNC) {
                relay_sync(x, &m);
            } else if (r > 0 && m.kind == MSG_READY) {
                send_msg(x->control, MSG_READY, m.step, 0, 0, -1);
                /* A detached child now waits for its start signal on its own. */
                if (x->detached)
                    _exit(0);
            } else if (r > 0 && m.kind == MSG_ERROR) {
                failed = 1;
                send_msg(x->control, MSG_ERROR, m.step, m.err, 0, -1);
            } else {
                /* The child's end closed on exec (it is CLOEXEC), or the child died. */
                close(x->channel);
                p[1].fd = -1;
                int recorded = x->failure ? __atomic_load_n(&x->failure->err, __ATOMIC_ACQUIRE) : 0;
                if (exec_reported) {
                    /* the init's end: its exit follows */
                } else if (!failed && recorded) {
                    /* It failed under a filter that refused its report: the shared record says where. */
                    failed = 1;
                    send_msg(x->control, MSG_ERROR, __atomic_load_n(&x->failure->step, __ATOMIC_RELAXED), recorded, 0, -1);
                } else if (!failed && died_early) {
                    failed = 1;
                    send_msg(x->control, MSG_ERROR, -1, ECHILD, 0, -1);
                } else if (!failed) {
                    send_msg(x->control, MSG_EXEC_OK, 0, 0, 0, -1);
                    if (x->detached)
                        _exit(0);
                }
            }
            if (passed >= 0)
                close(passed); /* relayed (the host has its copy), or not expected */
        }
        /* The exit is reported once the channel is drained: a message the child sent before exec (a terminal)
         * can share a poll round with its exit, and the exec report must come first. */
        if (p[2].revents && p[1].fd < 0) {
            int status = 0;
            while (waitpid(x->child, &status, 0) < 0 && errno == EINTR)
                ;
            send_msg(x->control, MSG_EXIT, 0, 0, program_exited ? program_status : status, -1);
            if (failed)
                _exit(1); /* a failed start: the host waits for this exit, then removes the cgroup itself */
            /* The cgroup outlives the child until the host is done with it (stats, the OOM count): the host
             * closes the socket when it is, or by dying; either way the directories go. */
            x->child = -1;
            /* Nothing else is held meanwhile: a pipe of the container's must reach EOF now, not at the dispose. */
            syscall(SYS_close_range, 0, x->control - 1, 0);
            syscall(SYS_close_range, x->control + 1, ~0U, 0);
            struct msg m;
            while (recv_msg(x->control, &m) > 0)
                ;
            orphaned(x);
        }
        if (p[0].revents) {
            struct msg m;
            /* The host is gone: a non-detached container goes with it, and so does a detached one that
             * is not ready yet (its monitor leaves once it is): no one else knows of it. */
            if (recv_msg(x->control, &m) <= 0)
                orphaned(x);
        }
    }
}

void run_monitor(struct executor *x)
{
    static int last[PLAN_MAX_FDS];
    last_uses(x, 1, last);
    for (int i = 0; i < x->nops; i++) {
        struct op *op = &x->ops[i];
        if (!is_monitor_op(x, i))
            continue;
        if (run_op(x, op) < 0) {
            /* A released child that died has its own error queued on the channel: the wait loop relays that. */
            if (x->released && errno == ESRCH && op->code == OP_WRITE_PID)
                break;
            fail(x, op, errno);
        }
        if (op->code == OP_CLONE)
            send_msg(x->control, MSG_PID, (int)op->index, 0, x->child, x->pidfd);
        /* Up to the clone the child needs them all (it gets its own copies); from there each goes after its last use. */
        if (i >= x->clone_at)
            close_used_up(x, last, i);
    }
    wait_loop(x);
    _exit(0);
}
