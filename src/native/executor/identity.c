/* The identity and privilege ops of the child: who it runs as, what it may do, and its kernel knobs.
 * The host decided every value and the order; these only perform them. */
#include "executor.h"
#include "mounts.h"
#include "sys.h"
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <linux/capability.h>
#include <sched.h>
#include <sys/wait.h>
#include <unistd.h>

#define BAD_PLAN() (errno = EBADMSG, -1)
#define X_PROC_SUPER_MAGIC 0x9fa0
#ifndef SYS_personality
#define SYS_personality 135 /* x86_64; aarch64 defines it */
#endif

static int close_keep_errno(int fd, int r)
{
    int saved = errno;
    close(fd);
    errno = saved;
    return r;
}

/* Whether /proc/self/setgroups says "deny" (a user namespace whose gid map an unprivileged user wrote). */
static int setgroups_denied(void)
{
    int fd = open("/proc/self/setgroups", O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return 0;
    char buf[8] = { 0 };
    ssize_t n = read(fd, buf, sizeof buf - 1);
    close(fd);
    return n >= 4 && memcmp(buf, "deny", 4) == 0;
}

static int do_setgroups(struct reader *a)
{
    uint32_t flags = rd_u32(a), count = rd_u32(a);
    if (!a->ok || count > 65536)
        return BAD_PLAN();
    const uint8_t *gids = rd_bytes(a, (size_t)count * 4);
    if (!gids)
        return BAD_PLAN();
    if ((flags & SETGROUPS_IF_ALLOWED) && count == 0 && setgroups_denied())
        return 0;
    /* Up to 65536 gids: not on the stack. The executor is single-threaded, so malloc is safe here. */
    gid_t *list = malloc((count ? count : 1) * sizeof *list);
    if (!list)
        return -1;
    memcpy(list, gids, (size_t)count * 4);
    int r = (int)syscall(SYS_setgroups, count, list);
    int saved = errno;
    free(list);
    errno = saved;
    return r;
}

static int do_caps_bounding(struct reader *a)
{
    uint64_t keep = rd_u64(a);
    if (!a->ok)
        return BAD_PLAN();
    for (int cap = 0; cap < 64; cap++) {
        if (keep & (1ULL << cap))
            continue;
        /* EINVAL: past the kernel's last capability (they are numbered from 0 without gaps), so none further exists
         * either (the host checked those it asked for). */
        if (prctl(PR_CAPBSET_DROP, cap, 0, 0, 0) < 0) {
            if (errno == EINVAL)
                break;
            return -1;
        }
    }
    return 0;
}

/* capset, then the ambient set (each ambient capability must be permitted and inheritable by now). */
static int do_caps(struct reader *a)
{
    uint64_t effective = rd_u64(a), permitted = rd_u64(a), inheritable = rd_u64(a), ambient = rd_u64(a);
    if (!a->ok)
        return BAD_PLAN();
    struct __user_cap_header_struct h = { _LINUX_CAPABILITY_VERSION_3, 0 };
    struct __user_cap_data_struct d[2] = {
        { (uint32_t)effective, (uint32_t)permitted, (uint32_t)inheritable },
        { (uint32_t)(effective >> 32), (uint32_t)(permitted >> 32), (uint32_t)(inheritable >> 32) },
    };
    if (syscall(SYS_capset, &h, d) < 0)
        return -1;
    if (prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_CLEAR_ALL, 0, 0, 0) < 0)
        return -1;
    for (int cap = 0; cap < 64; cap++)
        if ((ambient & (1ULL << cap)) && prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_RAISE, cap, 0, 0) < 0)
            return -1;
    return 0;
}

/* Writes all of content (a short write is EIO), then closes fd. */
static int write_and_close(int fd, const char *content)
{
    size_t n = strlen(content);
    ssize_t w;
    do
        w = write(fd, content, n);
    while (w < 0 && errno == EINTR);
    if (w >= 0 && (size_t)w != n) {
        errno = EIO;
        w = -1;
    }
    return close_keep_errno(fd, w < 0 ? -1 : 0);
}

/* Writes to a file that must be on the container's procfs: a sysctl, oom_score_adj, timens_offsets. Opened through
 * the verified /proc handle (open_proc_file): no symlink, no other mount (a bind over the path) on the way. */
static int do_write_proc(struct reader *a)
{
    const char *path = rd_str(a), *content = rd_str(a);
    if (!a->ok)
        return BAD_PLAN();
    if (strncmp(path, "/proc/", 6) != 0) {
        errno = EXDEV;
        return -1;
    }
    int fd = open_proc_file(path, O_WRONLY | O_NOCTTY);
    if (fd < 0)
        return -1;
    return write_and_close(fd, content);
}

static int write_all(int dirfd, const char *file, const char *text)
{
    int fd = openat(dirfd, file, O_WRONLY | O_CLOEXEC | O_NOFOLLOW);
    return fd < 0 ? -1 : write_and_close(fd, text);
}

/* OP_LOCK_MOUNTS. A mount namespace copied into a less privileged user namespace has every mount's flags and
 * place locked by the kernel (MNT_LOCK_READONLY, _NODEV, _NOSUID, _NOEXEC, _ATIME, MNT_LOCKED): so the process
 * moves into a new user namespace and a new mount namespace, as bubblewrap does. The new namespace's maps must
 * be written from the current one, by a process holding CAP_SETUID and CAP_SETGID there: a forked helper, which
 * waits on a pipe until the unshare is done, writes both maps through this process's /proc directory (opened
 * before, and checked to be procfs) and exits with 0 or the errno. */
static int do_lock_mounts(struct executor *x, struct reader *a)
{
    const char *uid_map = rd_str(a), *gid_map = rd_str(a);
    if (!a->ok)
        return BAD_PLAN();
    /* After a uid change the process is not dumpable and its /proc files belong to the host's root, which the
     * helper cannot write; the plan makes it non-dumpable again before anything of the container runs. */
    if (prctl(PR_SET_DUMPABLE, 1, 0, 0, 0) < 0)
        return -1;
    int self = open("/proc/self", O_PATH | O_DIRECTORY | O_CLOEXEC);
    if (self < 0)
        return -1;
    struct statfs sfs;
    if (fstatfs(self, &sfs) < 0)
        return close_keep_errno(self, -1);
    if (sfs.f_type != X_PROC_SUPER_MAGIC) {
        errno = EXDEV;
        return close_keep_errno(self, -1);
    }
    int p[2];
    if (pipe2(p, O_CLOEXEC) < 0)
        return close_keep_errno(self, -1);
    pid_t helper = fork();
    if (helper < 0) {
        int saved = errno;
        close(p[0]);
        close(p[1]);
        close(self);
        errno = saved;
        return -1;
    }
    if (helper == 0) {
        close(p[1]);
        char c;
        ssize_t n;
        do
            n = read(p[0], &c, 1);
        while (n < 0 && errno == EINTR);
        if (n != 1)
            _exit(0); /* the unshare failed: its error is reported */
        if (write_all(self, "uid_map", uid_map) < 0 || write_all(self, "gid_map", gid_map) < 0)
            _exit(errno & 0xff ? errno & 0xff : EIO);
        _exit(0);
    }
    close(p[0]);
    close(self);
    int r = unshare(CLONE_NEWUSER | CLONE_NEWNS);
    int err = errno;
    if (r == 0 && write(p[1], "1", 1) != 1) {
        r = -1;
        err = errno;
    }
    close(p[1]);
    int status = 0;
    pid_t w;
    do
        w = waitpid(helper, &status, 0);
    while (w < 0 && errno == EINTR);
    if (r == 0 && (w < 0 || !WIFEXITED(status) || WEXITSTATUS(status) != 0)) {
        r = -1;
        err = w < 0 ? errno : WIFEXITED(status) ? WEXITSTATUS(status) : ECHILD;
    }
    if (r < 0) {
        errno = err;
        return -1;
    }
    /* In-root paths resolve from the new namespace's copy of the root. */
    if (x->rootfd >= 0) {
        close(x->rootfd);
        x->rootfd = open("/", O_PATH | O_DIRECTORY | O_CLOEXEC);
        if (x->rootfd < 0)
            return -1;
    }
    return 0;
}

static int monitor_gone(const struct executor *x)
{
    struct pollfd p = { x->channel, POLLRDHUP, 0 };
    return poll(&p, 1, 0) > 0 && (p.revents & (POLLHUP | POLLRDHUP));
}

int run_identity_op(struct executor *x, struct op *op)
{
    struct reader *a = &op->args;
    switch (op->code) {
    case OP_SETGROUPS:
        return do_setgroups(a);
    case OP_SETRESGID: {
        uint32_t g = rd_u32(a);
        return a->ok ? (int)syscall(SYS_setresgid, g, g, g) : BAD_PLAN();
    }
    case OP_SETRESUID: {
        uint32_t u = rd_u32(a);
        return a->ok ? (int)syscall(SYS_setresuid, u, u, u) : BAD_PLAN();
    }
    case OP_UMASK: {
        uint32_t mask = rd_u32(a);
        if (!a->ok)
            return BAD_PLAN();
        umask(mask);
        return 0;
    }
    case OP_CAPS_BOUNDING:
        return do_caps_bounding(a);
    case OP_CAPS:
        return do_caps(a);
    case OP_SETRLIMIT: {
        uint32_t resource = rd_u32(a);
        uint64_t soft = rd_u64(a), hard = rd_u64(a);
        struct rlimit rl = { (rlim_t)soft, (rlim_t)hard };
        return a->ok ? setrlimit((int)resource, &rl) : BAD_PLAN();
    }
    case OP_PRCTL: {
        uint32_t option = rd_u32(a);
        uint64_t a2 = rd_u64(a), a3 = rd_u64(a), a4 = rd_u64(a), a5 = rd_u64(a);
        if (!a->ok)
            return BAD_PLAN();
        if (prctl((int)option, a2, a3, a4, a5) < 0)
            return -1;
        /* A parent that died before the death signal was armed never sends it. getppid() cannot tell here (in a new
         * pid namespace it is 0 either way): the monitor's end of the channel can, it closes when the monitor dies. */
        if (option == PR_SET_PDEATHSIG && monitor_gone(x)) {
            errno = ESRCH;
            return -1;
        }
        return 0;
    }
    case OP_WRITE_PROC:
        return do_write_proc(a);
    case OP_SESSION_KEYRING: {
        const char *name = rd_str(a);
        if (!a->ok)
            return BAD_PLAN();
        /* KEYCTL_JOIN_SESSION_KEYRING = 1, KEYCTL_SETPERM = 5: possessor all (0x3f), user view + search. */
        long id = syscall(SYS_keyctl, 1, name, 0, 0, 0);
        if (id < 0)
            return errno == ENOSYS ? 0 : -1;
        return syscall(SYS_keyctl, 5, id, 0x3f090000, 0, 0) < 0 ? -1 : 0;
    }
    case OP_LOCK_MOUNTS:
        return do_lock_mounts(x, a);
    case OP_PERSONALITY: {
        uint32_t persona = rd_u32(a);
        if (!a->ok)
            return BAD_PLAN();
        return syscall(SYS_personality, (unsigned long)persona) < 0 ? -1 : 0;
    }
    default:
        return 1;
    }
}
