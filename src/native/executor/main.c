/* The executor: receives a launch plan from the host on fd 3 and performs it. No policy lives here:
 * every decision was made by the host when it compiled the plan. */
#include "executor.h"
#include "sys.h"
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <unistd.h>

int move_high(int fd)
{
    int to = fcntl(fd, F_DUPFD_CLOEXEC, 256);
    if (to < 0)
        return -1;
    close(fd);
    return to;
}

int send_msg(int fd, int kind, int step, int err, int value, int passfd)
{
    struct msg m = { kind, step, err, value };
    struct iovec iov = { &m, sizeof m };
    union {
        char buf[CMSG_SPACE(sizeof(int))];
        struct cmsghdr align;
    } u;
    struct msghdr h = { .msg_iov = &iov, .msg_iovlen = 1 };
    if (passfd >= 0) {
        memset(&u, 0, sizeof u);
        h.msg_control = u.buf;
        h.msg_controllen = sizeof u.buf;
        struct cmsghdr *c = CMSG_FIRSTHDR(&h);
        c->cmsg_level = SOL_SOCKET;
        c->cmsg_type = SCM_RIGHTS;
        c->cmsg_len = CMSG_LEN(sizeof(int));
        memcpy(CMSG_DATA(c), &passfd, sizeof(int));
    }
    ssize_t n;
    do
        n = sendmsg(fd, &h, MSG_NOSIGNAL);
    while (n < 0 && errno == EINTR);
    return n == (ssize_t)sizeof m ? 0 : -1;
}

int recv_msg_fd(int fd, struct msg *m, int *passfd)
{
    union {
        char buf[CMSG_SPACE(sizeof(int))];
        struct cmsghdr align;
    } u;
    struct iovec iov = { m, sizeof *m };
    struct msghdr h = { .msg_iov = &iov, .msg_iovlen = 1 };
    if (passfd) {
        *passfd = -1;
        h.msg_control = u.buf;
        h.msg_controllen = sizeof u.buf;
    }
    ssize_t n;
    do
        n = recvmsg(fd, &h, MSG_CMSG_CLOEXEC);
    while (n < 0 && errno == EINTR);
    if (passfd && n > 0) {
        struct cmsghdr *c = CMSG_FIRSTHDR(&h);
        if (c && c->cmsg_level == SOL_SOCKET && c->cmsg_type == SCM_RIGHTS && c->cmsg_len == CMSG_LEN(sizeof(int)))
            memcpy(passfd, CMSG_DATA(c), sizeof(int));
    }
    if (n == 0)
        return 0;
    if (n != (ssize_t)sizeof *m) {
        if (passfd && *passfd >= 0) {
            close(*passfd);
            *passfd = -1;
        }
        return -1;
    }
    return 1;
}

int recv_msg(int fd, struct msg *m)
{
    return recv_msg_fd(fd, m, NULL);
}

int recv_msg_fds(int fd, struct msg *m, int *fds, int *count)
{
    union {
        char buf[CMSG_SPACE(sizeof(int) * CGROUP_PROCS_MAX)];
        struct cmsghdr align;
    } u;
    struct iovec iov = { m, sizeof *m };
    struct msghdr h = { .msg_iov = &iov, .msg_iovlen = 1, .msg_control = u.buf, .msg_controllen = sizeof u.buf };
    ssize_t n;
    do
        n = recvmsg(fd, &h, MSG_CMSG_CLOEXEC);
    while (n < 0 && errno == EINTR);
    *count = 0;
    for (struct cmsghdr *c = CMSG_FIRSTHDR(&h); n > 0 && c; c = CMSG_NXTHDR(&h, c))
        if (c->cmsg_level == SOL_SOCKET && c->cmsg_type == SCM_RIGHTS)
            for (size_t i = 0; i < (c->cmsg_len - CMSG_LEN(0)) / sizeof(int) && *count < CGROUP_PROCS_MAX; i++)
                memcpy(&fds[(*count)++], CMSG_DATA(c) + i * sizeof(int), sizeof(int));
    if (n <= 0)
        return n < 0 ? -1 : 0;
    return n == (ssize_t)sizeof *m && !(h.msg_flags & MSG_CTRUNC) ? 1 : -2;
}

static _Noreturn void die(struct executor *x, int err)
{
    send_msg(x->control, MSG_ERROR, -1, err, 0, -1);
    _exit(126);
}

/* The plan arrives as one SEQPACKET message, with the fds it names attached. */
static uint8_t *receive_plan(struct executor *x, size_t *len)
{
    ssize_t size = recv(x->control, NULL, 0, MSG_PEEK | MSG_TRUNC);
    if (size <= 0 || (size_t)size > PLAN_MAX_BYTES)
        return NULL;
    uint8_t *buf = malloc((size_t)size);
    if (!buf)
        return NULL;
    union {
        char buf[CMSG_SPACE(sizeof(int) * PLAN_MAX_FDS)];
        struct cmsghdr align;
    } u;
    struct iovec iov = { buf, (size_t)size };
    struct msghdr h = { .msg_iov = &iov, .msg_iovlen = 1, .msg_control = u.buf, .msg_controllen = sizeof u.buf };
    ssize_t n = recvmsg(x->control, &h, MSG_CMSG_CLOEXEC);
    if (n != size || (h.msg_flags & (MSG_TRUNC | MSG_CTRUNC)))
        return NULL;
    for (struct cmsghdr *c = CMSG_FIRSTHDR(&h); c; c = CMSG_NXTHDR(&h, c)) {
        if (c->cmsg_level != SOL_SOCKET || c->cmsg_type != SCM_RIGHTS)
            continue;
        int count = (int)((c->cmsg_len - CMSG_LEN(0)) / sizeof(int));
        for (int i = 0; i < count && x->nfds < PLAN_MAX_FDS; i++) {
            int fd;
            memcpy(&fd, CMSG_DATA(c) + i * sizeof(int), sizeof fd);
            x->fds[x->nfds++] = move_high(fd);
        }
    }
    *len = (size_t)n;
    return buf;
}

static int decode(struct executor *x, const uint8_t *buf, size_t len)
{
    struct reader r;
    int count = plan_open(&r, buf, len);
    if (count <= 0)
        return -1;
    x->ops = calloc((size_t)count, sizeof *x->ops);
    if (!x->ops)
        return -1;
    x->clone_at = -1;
    for (int i = 0; i < count; i++) {
        if (!plan_next(&r, &x->ops[i], (uint32_t)i))
            return -1;
        if (x->ops[i].code == OP_CLONE && x->clone_at < 0)
            x->clone_at = i;
    }
    x->nops = count;
    if (r.p != r.end || x->clone_at < 0)
        return -1;
    return validate_plan(x);
}

int main(void)
{
    /* The host may have blocked or ignored signals (.NET ignores SIGPIPE): start clean. */
    sigset_t all;
    sigfillset(&all);
    for (int s = 1; s < 65; s++)
        if (s != SIGKILL && s != SIGSTOP)
            signal(s, SIG_DFL);
    sigprocmask(SIG_UNBLOCK, &all, NULL);

    /* A process group of its own: a signal to the host's group (a shell's Ctrl-C, kill(0) by anything in it) does
     * not reach the monitor, and nothing the monitor's group receives reaches the host. The host still takes its
     * containers with it when it dies: the monitor sees its socket close. */
    setpgid(0, 0);
    /* Run from a memfd as /proc/self/fd/N, the executor would be named N in ps and top (argv[0], the host's spawn gives). */
    prctl(PR_SET_NAME, "containment-exe", 0, 0, 0);

    static struct executor x;
    x.rootfd = -1;
    x.pidfd = -1;
    x.channel = -1;
    x.control = move_high(CONTROL_FD);
    if (x.control < 0)
        _exit(125);
    /* Nothing the host did not hand over explicitly survives. */
    syscall(SYS_close_range, 3, x.control - 1, 0);
    syscall(SYS_close_range, x.control + 1, ~0U, 0);

    size_t len = 0;
    uint8_t *plan = receive_plan(&x, &len);
    if (plan && take_announcement(&x, plan, len)) {
        /* The announcement stays allocated: the recorded paths point into it. */
        take_placement(&x);
        plan = receive_plan(&x, &len);
        if (!plan)
            orphaned(&x); /* the host is gone, or its launch failed before the plan */
    }
    if (!plan)
        die(&x, EBADMSG);
    if (decode(&x, plan, len) < 0)
        die(&x, EBADMSG);
    run_monitor(&x);
}
