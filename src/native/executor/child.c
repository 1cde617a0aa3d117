/* The child half: becomes the container's init. Runs the plan's steps in order with raw system
 * calls and execs; on any failure it reports (step, errno) and exits before exec. */
#include "executor.h"
#include "mounts.h"
#include "sys.h"
#include <errno.h>
#include <limits.h>
#include <fcntl.h>
#include <net/if.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mount.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#define BAD_PLAN() (errno = EBADMSG, -1)

/* Exits without any library code; a filter refusing exit_group (and exit) still cannot keep it alive. */
static _Noreturn void die(int code)
{
    syscall(SYS_exit_group, code);
    syscall(SYS_exit, code);
    __builtin_trap();
}

/* Records the failure where the monitor reads it without a system call, then reports it on the channel (which a
 * seccomp filter may refuse: it is loaded last, right before execve). */
static _Noreturn void fail(struct executor *x, int step, int err)
{
    if (x->failure) {
        __atomic_store_n(&x->failure->step, step, __ATOMIC_RELAXED);
        __atomic_store_n(&x->failure->err, err ? err : EIO, __ATOMIC_RELEASE);
    }
    send_msg(x->channel, MSG_ERROR, step, err, 0, -1);
    die(127);
}

static const char *opt(const char *s)
{
    return s && *s ? s : NULL;
}

static int close_keep_errno(int fd, int r)
{
    int saved = errno;
    close(fd);
    errno = saved;
    return r;
}

static int do_mount(struct executor *x, struct reader *a)
{
    const char *source = rd_str(a), *target = rd_str(a), *fstype = rd_str(a);
    uint64_t flags = rd_u64(a);
    const char *data = rd_str(a);
    uint32_t kind = rd_u32(a), create = rd_u32(a), mode = rd_u32(a);
    if (!a->ok)
        return BAD_PLAN();
    if (kind == TARGET_HOST)
        return mount(opt(source), target, opt(fstype), (unsigned long)flags, opt(data));
    int nosymlinks = (create & TARGET_NO_SYMLINKS) != 0;
    int fd = resolve_in_root_flags(x->rootfd, target, (int)(create & TARGET_CREATE_MASK), mode, nosymlinks);
    if (fd < 0 || refuse_pseudo_fs(fd, nosymlinks) < 0)
        return close_keep_errno(fd, -1);
    char path[32];
    snprintf(path, sizeof path, "/proc/self/fd/%d", fd);
    return close_keep_errno(fd, mount(opt(source), path, opt(fstype), (unsigned long)flags, opt(data)));
}

static int do_mount_setattr(struct executor *x, struct reader *a)
{
    const char *path = rd_str(a);
    uint32_t kind = rd_u32(a), flags = rd_u32(a);
    struct x_mount_attr attr = { 0 };
    attr.attr_set = rd_u64(a);
    attr.attr_clr = rd_u64(a);
    attr.propagation = rd_u64(a);
    if (!a->ok)
        return BAD_PLAN();
    int fd = kind == TARGET_HOST ? open(path, O_PATH | O_CLOEXEC) : resolve_in_root(x->rootfd, path, CREATE_NONE, 0);
    if (fd < 0)
        return -1;
    long r = syscall(SYS_mount_setattr, fd, "", X_AT_EMPTY_PATH | flags, &attr, sizeof attr);
    return close_keep_errno(fd, (int)r);
}

/* The parent directory of the last node or symlink made, kept while the steps are nodes and symlinks: the standard
 * /dev entries resolve /dev once, not each. Any other step drops it (a mount may cover the directory); nodes and
 * symlinks cannot change what a directory path resolves to (they fail on an existing name). */
static int parent_fd = -1;
static char parent_path[256];

static void drop_parent(void)
{
    if (parent_fd >= 0)
        close(parent_fd);
    parent_fd = -1;
}

static int cached_parent(struct executor *x, const char *path, const char **base, int create)
{
    const char *slash = strrchr(path, '/');
    size_t n = slash ? (size_t)(slash - path) : 0;
    if (parent_fd >= 0 && slash && n < sizeof parent_path && strncmp(parent_path, path, n) == 0 && parent_path[n] == 0 &&
        slash[1] != 0) {
        *base = slash + 1;
        return parent_fd;
    }
    drop_parent();
    int fd = create ? resolve_parent_create(x->rootfd, path, base) : resolve_parent(x->rootfd, path, base);
    if (fd < 0)
        return -1;
    /* Kept even when its path is too long to remember (it then matches none): it is closed at the next step. */
    parent_fd = fd;
    parent_path[0] = 1;
    parent_path[1] = 0;
    if (n < sizeof parent_path) {
        memcpy(parent_path, path, n);
        parent_path[n] = 0;
    }
    return fd;
}

static int do_mknod(struct executor *x, struct reader *a)
{
    const char *path = rd_str(a);
    uint32_t mode = rd_u32(a);
    uint64_t dev = rd_u64(a);
    uint32_t uid = rd_u32(a), gid = rd_u32(a);
    if (!a->ok)
        return BAD_PLAN();
    const char *base;
    int parent = cached_parent(x, path, &base, 1);
    if (parent < 0)
        return -1;
    if (mknodat(parent, base, mode, (dev_t)dev) == 0)
        return (uid || gid) ? fchownat(parent, base, uid, gid, AT_SYMLINK_NOFOLLOW) : 0;
    /* Already there: fine if it is the same node, refused otherwise (never followed, never replaced). */
    if (errno != EEXIST)
        return -1;
    struct stat st;
    int same = fstatat(parent, base, &st, AT_SYMLINK_NOFOLLOW) == 0 && (st.st_mode & S_IFMT) == (mode & S_IFMT) &&
               st.st_rdev == (dev_t)dev;
    errno = EEXIST;
    return same ? 0 : -1;
}

static int do_symlink(struct executor *x, struct reader *a)
{
    const char *target = rd_str(a), *link = rd_str(a);
    if (!a->ok)
        return BAD_PLAN();
    const char *base;
    int parent = cached_parent(x, link, &base, 0);
    if (parent < 0)
        return -1;
    return symlinkat(target, parent, base);
}

static int do_pivot_root(struct executor *x, struct reader *a)
{
    uint32_t no_pivot = rd_u32(a);
    if (!a->ok || x->rootfd < 0)
        return BAD_PLAN();
    if (fchdir(x->rootfd) < 0)
        return -1;
    if (no_pivot) {
        /* PIVOT_STACKED: the root is already stacked on "/" (the host view), moving it there again is ELOOP. */
        if ((no_pivot != PIVOT_STACKED && mount(".", "/", NULL, MS_MOVE, NULL) < 0) || chroot(".") < 0)
            return -1;
    } else {
        /* pivot_root(".", ".") stacks the old root on the new one; detaching it leaves only the new. */
        if (syscall(SYS_pivot_root, ".", ".") < 0)
            return -1;
        if (mount(NULL, ".", NULL, MS_SLAVE | MS_REC, NULL) < 0 || umount2(".", MNT_DETACH) < 0)
            return -1;
    }
    close(x->rootfd);
    x->rootfd = open("/", O_PATH | O_DIRECTORY | O_CLOEXEC);
    return chdir("/");
}

static int do_link_up(struct reader *a)
{
    const char *name = rd_str(a);
    if (!a->ok || strlen(name) >= IFNAMSIZ)
        return BAD_PLAN();
    int s = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
    if (s < 0)
        return -1;
    struct ifreq ifr;
    memset(&ifr, 0, sizeof ifr);
    strcpy(ifr.ifr_name, name);
    if (ioctl(s, SIOCGIFFLAGS, &ifr) < 0)
        return close_keep_errno(s, -1);
    ifr.ifr_flags |= IFF_UP;
    return close_keep_errno(s, ioctl(s, SIOCSIFFLAGS, &ifr));
}

static int do_fd_layout(struct executor *x, struct reader *a)
{
    uint32_t count = rd_u32(a);
    if (!a->ok || count > 255)
        return BAD_PLAN();
    for (uint32_t i = 0; i < count; i++) {
        int32_t src = rd_i32(a);
        if (!a->ok)
            return BAD_PLAN();
        if (src < 0)
            continue;
        if (src >= x->nfds) {
            errno = EBADF;
            return -1;
        }
        if (dup2(x->fds[src], (int)i) < 0)
            return -1;
    }
    return 0;
}

/* OP_CGROUP_JOIN_SELF: "0" moves the writing thread alone, for which the kernel takes no threadgroup lock (a pid or a
 * cgroup.procs write takes it, and after a quiet spell waits an RCU grace period for it, holding cgroup_mutex). Each
 * file is closed once written: nothing of the container's cgroup tree stays open. */
static int do_join_cgroup_self(struct executor *x, struct reader *a)
{
    uint32_t count = rd_u32(a);
    if (!a->ok || count > 255)
        return BAD_PLAN();
    for (uint32_t i = 0; i < count; i++) {
        int32_t index = rd_i32(a);
        if (!a->ok || index >= x->nfds)
            return BAD_PLAN();
        if (index < 0)
            continue;
        ssize_t w;
        do
            w = write(x->fds[index], "0", 1);
        while (w < 0 && errno == EINTR);
        if (w != 1)
            return -1;
        close(x->fds[index]);
        x->fds[index] = -1;
    }
    return 0;
}

static int do_seccomp(struct executor *x, const struct op *op, struct reader *a)
{
    uint32_t flags = rd_u32(a), count = rd_u32(a);
    if (!a->ok || count == 0 || count > 4096)
        return BAD_PLAN();
    const uint8_t *filter = rd_bytes(a, (size_t)count * 8);
    if (!filter)
        return BAD_PLAN();
    struct x_sock_fprog prog = { (unsigned short)count, filter };
    long r = syscall(SYS_seccomp, 1 /* SECCOMP_SET_MODE_FILTER */, flags, &prog);
    if (r < 0)
        return -1;
    if (r > 0) {
        /* A notify listener: hand it to the host through the monitor (in flight, the socket holds it), drop ours. */
        int sent = send_msg(x->channel, MSG_SECCOMP_LISTENER, (int)op->index, 0, 0, (int)r);
        return close_keep_errno((int)r, sent);
    }
    return 0;
}

/* chdir, then prove the directory is beneath the root (CVE-2024-21626): a path through /proc/self/fd/N could
 * name a descriptor this process still holds (a host directory, a cgroup), and getcwd() reports a directory
 * outside the root as "(unreachable)/...". Such a start fails with ENOENT instead of running there. */
static int do_chdir(const char *path)
{
    if (chdir(path) < 0)
        return -1;
    char cwd[PATH_MAX];
    if (getcwd(cwd, sizeof cwd) == NULL || cwd[0] != '/') {
        errno = ENOENT;
        return -1;
    }
    return 0;
}

static int do_exec(struct reader *a)
{
    char **candidates = rd_strv(a), **argv = rd_strv(a), **envp = rd_strv(a);
    if (!a->ok || !candidates || !argv || !envp || !candidates[0])
        return BAD_PLAN();
    int err = ENOENT;
    for (char **c = candidates; *c; c++) {
        execve(*c, argv, envp);
        if (errno == EACCES)
            err = EACCES;
        else if (errno != ENOENT && errno != ENOTDIR) {
            err = errno;
            break;
        }
    }
    errno = err;
    return -1;
}

static int do_wait_fifo(struct executor *x, struct reader *a)
{
    uint32_t index = rd_u32(a);
    if (!a->ok || index >= (uint32_t)x->nfds)
        return BAD_PLAN();
    char path[32];
    snprintf(path, sizeof path, "/proc/self/fd/%d", x->fds[index]);
    int fd;
    do
        fd = open(path, O_WRONLY | O_CLOEXEC);
    while (fd < 0 && errno == EINTR);
    if (fd < 0)
        return -1;
    ssize_t w = write(fd, "0", 1);
    return close_keep_errno(fd, w == 1 ? 0 : -1);
}

static int wait_continue(struct executor *x)
{
    struct msg m;
    int r = recv_msg(x->channel, &m);
    if (r == 0)
        _exit(1); /* the monitor is gone */
    if (r < 0 || m.kind != MSG_CONTINUE)
        return BAD_PLAN();
    return 0;
}

static int run_op(struct executor *x, struct op *op)
{
    struct reader *a = &op->args;
    switch (op->code) {
    case OP_WAIT_RELEASE:
        return wait_continue(x);
    case OP_MOUNT:
        return do_mount(x, a);
    case OP_MKNOD:
        return do_mknod(x, a);
    case OP_SYMLINK:
        return do_symlink(x, a);
    case OP_OPEN_ROOT: {
        const char *path = rd_str(a);
        if (!a->ok)
            return BAD_PLAN();
        x->rootfd = open(path, O_PATH | O_DIRECTORY | O_CLOEXEC);
        return x->rootfd < 0 ? -1 : 0;
    }
    case OP_PIVOT_ROOT:
        return do_pivot_root(x, a);
    case OP_SETHOSTNAME: {
        const char *name = rd_str(a);
        return a->ok ? sethostname(name, strlen(name)) : BAD_PLAN();
    }
    case OP_SETDOMAINNAME: {
        const char *name = rd_str(a);
        return a->ok ? setdomainname(name, strlen(name)) : BAD_PLAN();
    }
    case OP_LINK_UP:
        return do_link_up(a);
    case OP_CHDIR: {
        const char *path = rd_str(a);
        return a->ok ? do_chdir(path) : BAD_PLAN();
    }
    case OP_MOUNT_SETATTR:
        return do_mount_setattr(x, a);
    case OP_UNSHARE: {
        uint64_t flags = rd_u64(a);
        return a->ok ? unshare((int)flags) : BAD_PLAN();
    }
    case OP_SYNC: {
        uint32_t tag = rd_u32(a);
        if (!a->ok || send_msg(x->channel, MSG_SYNC, (int)op->index, 0, (int)tag, -1) < 0)
            return BAD_PLAN();
        return wait_continue(x);
    }
    case OP_FD_LAYOUT:
        return do_fd_layout(x, a);
    case OP_CLOSE_FDS: {
        uint32_t first = rd_u32(a);
        return a->ok ? (int)syscall(SYS_close_range, first, ~0U, X_CLOSE_RANGE_CLOEXEC) : BAD_PLAN();
    }
    case OP_SECCOMP:
        return do_seccomp(x, op, a);
    case OP_EXEC:
        return do_exec(a);
    case OP_MOUNT_FS:
        return do_mount_fs(x, a);
    case OP_BIND:
        return do_bind(x, a);
    case OP_OPEN_NULL:
        return do_open_null(x, a);
    case OP_MASK_PATH:
        return do_mask_path(x, a);
    case OP_READONLY_PATH:
        return do_readonly_path(x, a);
    case OP_SETSID:
        return setsid() < 0 ? -1 : 0;
    case OP_CGROUP_JOIN_SELF:
        return do_join_cgroup_self(x, a);
    case OP_ROOT_TMPFS:
        return do_root_tmpfs(x, a);
    case OP_BIND_HOST:
        return do_bind_host(x, a);
    case OP_INIT:
        return do_init(x);
    case OP_OPEN_SOURCE:
        return do_open_source(a);
    case OP_BIND_SOURCE:
        return do_bind_source(x, a);
    case OP_ROOT_PATH:
        return do_root_path(x, a);
    case OP_TEST_RESOLVE_WALK:
        resolve_force_walk();
        return 0;
    case OP_READY:
        return send_msg(x->channel, MSG_READY, (int)op->index, 0, 0, -1) < 0 ? BAD_PLAN() : 0;
    case OP_WAIT_FIFO:
        return do_wait_fifo(x, a);
    case OP_TERMINAL:
        return do_terminal(x, a, (int)op->index);
    case OP_LSM_EXEC_LABEL:
        return do_lsm_exec_label(a);
    case OP_LANDLOCK_RULESET:
    case OP_LANDLOCK_PATH:
    case OP_LANDLOCK_PORT:
    case OP_LANDLOCK_RESTRICT:
        return do_landlock(x, op);
    case OP_TEST_FAIL:
        errno = (int)rd_u32(a);
        return -1;
    default: {
        int r = run_identity_op(x, op);
        return r == 1 ? BAD_PLAN() : r;
    }
    }
}

/* An OCI create returns at the ready report, and the program is exec'd only after `start`, where nobody reads an
 * error: so a plan that waits for `start` fails at the ready report, on the exec step, when none of the program's
 * candidates exists (as runc's create does; containerd then reports StartError naming it). By then the root, the
 * working directory and the identity are final, so what faccessat finds is what execve would. */
static void check_program(struct executor *x, int ready)
{
    const struct op *exec = &x->ops[x->nops - 1];
    if (ready + 1 >= x->nops || x->ops[ready + 1].code != OP_WAIT_FIFO || exec->code != OP_EXEC)
        return;
    struct reader a = exec->args; /* a copy: OP_EXEC reads its own later */
    char **candidates = rd_strv(&a);
    if (!candidates)
        return; /* malformed: OP_EXEC reports it */
    int missing = 1;
    for (char **c = candidates; *c && missing; c++)
        missing = faccessat(AT_FDCWD, *c, F_OK, 0) < 0 && (errno == ENOENT || errno == ENOTDIR);
    free(candidates);
    if (missing)
        fail(x, (int)exec->index, ENOENT);
}

void run_child(struct executor *x)
{
    static int last[PLAN_MAX_FDS];
    last_uses(x, 0, last);
    close_used_up(x, last, x->clone_at); /* the monitor's alone */
    for (int i = x->clone_at + 1; i < x->nops; i++) {
        if (is_monitor_op(x, i))
            continue;
        if (x->ops[i].code == OP_READY)
            check_program(x, i);
        if (x->ops[i].code != OP_MKNOD && x->ops[i].code != OP_SYMLINK)
            drop_parent();
        if (run_op(x, &x->ops[i]) < 0)
            fail(x, (int)x->ops[i].index, errno);
        close_used_up(x, last, i);
    }
    /* A plan always ends with OP_EXEC; reaching here means it did not. */
    fail(x, x->nops, EBADMSG);
}
