/* Mounts in the container's root, through file descriptors and the new mount API: a filesystem is
 * created detached (fsopen/fsconfig/fsmount) with its mount attributes already set, a bind source is a
 * detached tree the host cloned (open_tree) from a descriptor it opened itself, and either is attached
 * with move_mount onto a target resolved beneath the root (MOVE_MOUNT_T_EMPTY_PATH). No path through
 * /proc is used, and no mount is ever visible with weaker attributes than asked for. */
#include "executor.h"
#include "mounts.h"
#include "sys.h"
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <stdio.h>
#include <sys/vfs.h>
#include <unistd.h>

#define BAD_PLAN() (errno = EBADMSG, -1)

static int null_fd = -1; /* the container's /dev/null, checked to be char 1:3 (OP_OPEN_NULL) */

static int keep_errno_close(int fd, int r)
{
    int saved = errno;
    if (fd >= 0)
        close(fd);
    errno = saved;
    return r;
}

int set_attr(int fd, unsigned flags, uint64_t set, uint64_t clr, uint64_t propagation)
{
    if (!set && !clr && !propagation)
        return 0;
    struct x_mount_attr attr = { .attr_set = set, .attr_clr = clr, .propagation = propagation };
    return (int)syscall(SYS_mount_setattr, fd, "", X_AT_EMPTY_PATH | flags, &attr, sizeof attr);
}

/* Attaches a detached mount onto a target resolved beneath the root, then sets its propagation. */
int attach(struct executor *x, int mnt, const char *target, uint32_t tflags, uint32_t mode,
                  uint64_t propagation, uint32_t propagation_recursive)
{
    int t = resolve_in_root_flags(x->rootfd, target, (int)(tflags & TARGET_CREATE_MASK), mode,
                                  (tflags & TARGET_NO_SYMLINKS) != 0);
    if (t < 0 || refuse_pseudo_fs(t, (tflags & TARGET_NO_SYMLINKS) != 0) < 0)
        return keep_errno_close(t, -1);
    long r = syscall(SYS_move_mount, mnt, "", t, "", X_MOVE_MOUNT_F_EMPTY_PATH | X_MOVE_MOUNT_T_EMPTY_PATH);
    keep_errno_close(t, 0);
    if (r < 0)
        return -1;
    return set_attr(mnt, propagation_recursive ? X_AT_RECURSIVE : 0, 0, 0, propagation);
}

static int configure(int fs, const char *option)
{
    char key[256];
    const char *eq = strchr(option, '=');
    if (!eq)
        return (int)syscall(SYS_fsconfig, fs, X_FSCONFIG_SET_FLAG, option, NULL, 0);
    size_t n = (size_t)(eq - option);
    if (n == 0 || n >= sizeof key) {
        errno = EINVAL;
        return -1;
    }
    memcpy(key, option, n);
    key[n] = 0;
    return (int)syscall(SYS_fsconfig, fs, X_FSCONFIG_SET_STRING, key, eq + 1, 0);
}

/* The new filesystem's root (mnt, detached) takes the mode and/or owner of the directory it is to cover (target).
 * An owner the container's user namespace does not map stays root's. */
static int inherit_root(int target, int mnt, uint32_t tflags)
{
    struct stat st;
    if (fstat(target, &st) < 0)
        return -1;
    int root = openat(mnt, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (root < 0)
        return -1;
    if ((tflags & TARGET_INHERIT_OWNER) && fchown(root, st.st_uid, st.st_gid) < 0 && errno != EINVAL && errno != EPERM)
        return keep_errno_close(root, -1);
    if ((tflags & TARGET_INHERIT_MODE) && fchmod(root, st.st_mode & 07777) < 0)
        return keep_errno_close(root, -1);
    return keep_errno_close(root, 0);
}

int do_mount_fs(struct executor *x, struct reader *a)
{
    const char *fstype = rd_str(a), *source = rd_str(a);
    char **options = rd_strv(a);
    const char *target = rd_str(a);
    uint32_t tflags = rd_u32(a), mode = rd_u32(a);
    uint64_t attrs = rd_u64(a), propagation = rd_u64(a);
    uint32_t propagation_recursive = rd_u32(a);
    if (!a->ok || !options)
        return BAD_PLAN();
    int fs = (int)syscall(SYS_fsopen, fstype, X_FSOPEN_CLOEXEC);
    if (fs < 0)
        return -1;
    if (*source && syscall(SYS_fsconfig, fs, X_FSCONFIG_SET_STRING, "source", source, 0) < 0)
        return keep_errno_close(fs, -1);
    for (char **o = options; *o; o++)
        if (configure(fs, *o) < 0)
            return keep_errno_close(fs, -1);
    if (syscall(SYS_fsconfig, fs, X_FSCONFIG_CMD_CREATE, NULL, NULL, 0) < 0)
        return keep_errno_close(fs, -1);
    int copy = (tflags & TARGET_COPY_UP) != 0;
    int inherit = (tflags & (TARGET_INHERIT_MODE | TARGET_INHERIT_OWNER)) != 0;
    int nosym = (tflags & TARGET_NO_SYMLINKS) != 0;
    /* A copy-up or an inherited mode fills the mount while it is detached, writable; it becomes read-only before it is
     * attached. */
    int fill = copy || inherit;
    int mnt = (int)syscall(SYS_fsmount, fs, X_FSMOUNT_CLOEXEC, (unsigned)(fill ? attrs & ~(uint64_t)X_MOUNT_ATTR_RDONLY : attrs));
    keep_errno_close(fs, 0);
    if (mnt < 0)
        return -1;
    if (fill) {
        /* Only a directory that was there already gives its mode: one created now keeps the filesystem's own. */
        int t = inherit ? resolve_in_root_flags(x->rootfd, target, CREATE_NONE, 0, nosym) : -1;
        if (t < 0 && inherit && errno != ENOENT)
            return keep_errno_close(mnt, -1);
        if (t >= 0 && inherit_root(t, mnt, tflags) < 0) {
            keep_errno_close(t, 0);
            return keep_errno_close(mnt, -1);
        }
        if (copy && t < 0)
            t = resolve_in_root_flags(x->rootfd, target, (int)(tflags & TARGET_CREATE_MASK), mode, nosym);
        if (copy && t < 0)
            return keep_errno_close(mnt, -1);
        int r = copy ? copy_up(t, mnt, (tflags & TARGET_COPY_DEVICES) != 0) : 0;
        keep_errno_close(t, 0);
        if (r < 0 || ((attrs & X_MOUNT_ATTR_RDONLY) && set_attr(mnt, 0, X_MOUNT_ATTR_RDONLY, 0, 0) < 0))
            return keep_errno_close(mnt, -1);
    }
    return keep_errno_close(mnt, attach(x, mnt, target, tflags, mode, propagation, propagation_recursive));
}

/* What OP_BIND and OP_BIND_SOURCE read after their tree. */
struct bind_args {
    const char *target;
    uint32_t tflags, mode;
    uint64_t set, clr, rset, rclr, propagation;
    uint32_t propagation_recursive;
};

static void rd_bind_args(struct reader *a, struct bind_args *b)
{
    b->target = rd_str(a);
    b->tflags = rd_u32(a);
    b->mode = rd_u32(a);
    b->set = rd_u64(a);
    b->clr = rd_u64(a);
    b->rset = rd_u64(a);
    b->rclr = rd_u64(a);
    b->propagation = rd_u64(a);
    b->propagation_recursive = rd_u32(a);
}

/* Attributes go on the detached tree: the mount is read-only (nosuid, ...) from its first moment; then it is
 * attached beneath the root. */
static int attach_tree(struct executor *x, int tree, const struct bind_args *b)
{
    if (set_attr(tree, X_AT_RECURSIVE, b->rset, b->rclr, 0) < 0 || set_attr(tree, 0, b->set, b->clr, 0) < 0)
        return -1;
    return attach(x, tree, b->target, b->tflags, b->mode, b->propagation, b->propagation_recursive);
}

int do_bind(struct executor *x, struct reader *a)
{
    int32_t tree_index = rd_i32(a);
    struct bind_args b;
    rd_bind_args(a, &b);
    if (!a->ok)
        return BAD_PLAN();
    if (tree_index < 0 || tree_index >= x->nfds) {
        errno = EBADF;
        return -1;
    }
    return attach_tree(x, x->fds[tree_index], &b);
}

/* A recursive clone of the directory fd, given the attributes rset (recursively) while detached, then attached
 * over that very directory: returns the attached tree's fd, or -1. */
static int bind_over_itself(int fd, uint64_t rset)
{
    int tree = (int)syscall(SYS_open_tree, fd, "", X_OPEN_TREE_CLONE | X_OPEN_TREE_CLOEXEC | X_AT_EMPTY_PATH | X_AT_RECURSIVE);
    if (tree < 0)
        return -1;
    long r = set_attr(tree, X_AT_RECURSIVE, rset, 0, 0);
    if (r == 0)
        r = syscall(SYS_move_mount, tree, "", fd, "", X_MOVE_MOUNT_F_EMPTY_PATH | X_MOVE_MOUNT_T_EMPTY_PATH);
    return r < 0 ? keep_errno_close(tree, -1) : tree;
}

/* Opens a host path (before the pivot, "/" is the host's) with no symlink anywhere on the way (openat2
 * RESOLVE_NO_SYMLINKS, or the O_NOFOLLOW walk), and checks it is the object the host recorded when it validated
 * the spec: ELOOP for a symlink, ESTALE for anything else now at that path (another container may have swapped it). */
static int open_checked(const char *path, uint64_t dev, uint64_t ino)
{
    int root = open("/", O_PATH | O_DIRECTORY | O_CLOEXEC);
    if (root < 0)
        return -1;
    int fd = resolve_in_root_flags(root, path, CREATE_NONE, 0, 1);
    keep_errno_close(root, 0);
    if (fd < 0)
        return -1;
    struct stat st;
    if (fstat(fd, &st) < 0)
        return keep_errno_close(fd, -1);
    if ((((uint64_t)major(st.st_dev) << 32) | minor(st.st_dev)) != dev || (uint64_t)st.st_ino != ino) {
        errno = ESTALE;
        return keep_errno_close(fd, -1);
    }
    return fd;
}

static int source_trees[SOURCE_SLOTS]; /* OP_OPEN_SOURCE's clones, fd + 1 (0: empty) */

int do_open_source(struct reader *a)
{
    const char *source = rd_str(a);
    uint64_t dev = rd_u64(a), ino = rd_u64(a);
    uint32_t flags = rd_u32(a), slot = rd_u32(a);
    if (!a->ok || slot >= SOURCE_SLOTS || source_trees[slot])
        return BAD_PLAN();
    int fd = open_checked(source, dev, ino);
    if (fd < 0)
        return -1;
    int tree = (int)syscall(SYS_open_tree, fd, "", X_OPEN_TREE_CLONE | X_OPEN_TREE_CLOEXEC | X_AT_EMPTY_PATH |
                                                  ((flags & BIND_SOURCE_RECURSIVE) ? X_AT_RECURSIVE : 0));
    keep_errno_close(fd, 0);
    if (tree < 0)
        return -1;
    source_trees[slot] = tree + 1;
    return 0;
}

int do_bind_source(struct executor *x, struct reader *a)
{
    uint32_t slot = rd_u32(a);
    struct bind_args b;
    rd_bind_args(a, &b);
    if (!a->ok || slot >= SOURCE_SLOTS || !source_trees[slot])
        return BAD_PLAN();
    int tree = source_trees[slot] - 1;
    source_trees[slot] = 0;
    return keep_errno_close(tree, attach_tree(x, tree, &b));
}

int do_root_path(struct executor *x, struct reader *a)
{
    const char *path = rd_str(a);
    uint64_t dev = rd_u64(a), ino = rd_u64(a), rset = rd_u64(a);
    if (!a->ok)
        return BAD_PLAN();
    int fd = open_checked(path, dev, ino);
    if (fd < 0)
        return -1;
    /* The root's own mount, over the very directory that was checked: the path is not looked up again. */
    int tree = bind_over_itself(fd, rset);
    keep_errno_close(fd, 0);
    if (tree < 0)
        return -1;
    if (x->rootfd >= 0)
        close(x->rootfd);
    x->rootfd = openat(tree, ".", O_PATH | O_DIRECTORY | O_CLOEXEC);
    return keep_errno_close(tree, x->rootfd < 0 ? -1 : 0);
}

int do_open_null(struct executor *x, struct reader *a)
{
    const char *path = rd_str(a);
    if (!a->ok)
        return BAD_PLAN();
    /* No symlink anywhere on the way, and the object must be the null device itself (CVE-2025-31133):
     * a symlink or a regular file planted at /dev/null is refused, never followed or bound. */
    int fd = resolve_in_root_flags(x->rootfd, path, CREATE_NONE, 0, 1);
    if (fd < 0)
        return -1;
    struct stat st;
    if (fstat(fd, &st) < 0)
        return keep_errno_close(fd, -1);
    if (!S_ISCHR(st.st_mode) || major(st.st_rdev) != 1 || minor(st.st_rdev) != 3) {
        errno = ENODEV;
        return keep_errno_close(fd, -1);
    }
    if (null_fd >= 0)
        close(null_fd);
    null_fd = fd;
    return 0;
}

int do_mask_path(struct executor *x, struct reader *a)
{
    const char *path = rd_str(a);
    if (!a->ok)
        return BAD_PLAN();
    int fd = resolve_in_root(x->rootfd, path, CREATE_NONE, 0);
    if (fd < 0)
        return errno == ENOENT ? 0 : -1; /* nothing there: nothing to hide */
    struct stat st;
    if (fstat(fd, &st) < 0)
        return keep_errno_close(fd, -1);
    int mnt;
    if (S_ISDIR(st.st_mode)) {
        int fs = (int)syscall(SYS_fsopen, "tmpfs", X_FSOPEN_CLOEXEC);
        if (fs < 0)
            return keep_errno_close(fd, -1);
        if (syscall(SYS_fsconfig, fs, X_FSCONFIG_CMD_CREATE, NULL, NULL, 0) < 0) {
            keep_errno_close(fs, 0);
            return keep_errno_close(fd, -1);
        }
        mnt = (int)syscall(SYS_fsmount, fs, X_FSMOUNT_CLOEXEC,
                           X_MOUNT_ATTR_RDONLY | X_MOUNT_ATTR_NOSUID | X_MOUNT_ATTR_NODEV | X_MOUNT_ATTR_NOEXEC);
        keep_errno_close(fs, 0);
    } else {
        if (null_fd < 0) {
            errno = EBADFD;
            return keep_errno_close(fd, -1);
        }
        mnt = (int)syscall(SYS_open_tree, null_fd, "", X_OPEN_TREE_CLONE | X_OPEN_TREE_CLOEXEC | X_AT_EMPTY_PATH);
    }
    if (mnt < 0)
        return keep_errno_close(fd, -1);
    long r = syscall(SYS_move_mount, mnt, "", fd, "", X_MOVE_MOUNT_F_EMPTY_PATH | X_MOVE_MOUNT_T_EMPTY_PATH);
    keep_errno_close(mnt, 0);
    return keep_errno_close(fd, (int)r);
}

int do_readonly_path(struct executor *x, struct reader *a)
{
    const char *path = rd_str(a);
    if (!a->ok)
        return BAD_PLAN();
    int fd = resolve_in_root(x->rootfd, path, CREATE_NONE, 0);
    if (fd < 0)
        return errno == ENOENT ? 0 : -1;
    int mnt = bind_over_itself(fd, X_MOUNT_ATTR_RDONLY);
    keep_errno_close(fd, 0);
    return mnt < 0 ? -1 : keep_errno_close(mnt, 0);
}

int open_proc_file(const char *path, int flags)
{
    /* Writes through /proc go to the container's own procfs only (CVE-2019-16884, CVE-2025-52881): /proc must be the
     * root of a procfs mount (inode 1), and the file is opened beneath it without following any symlink (but procfs's
     * own "self", within the mount) and without crossing a mount: a procfs file bound over the path (any procfs file
     * passes an fstatfs check) is refused with EXDEV. */
    int proc = open("/proc", O_PATH | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
    if (proc < 0)
        return -1;
    struct statfs sfs;
    struct stat st;
    if (fstatfs(proc, &sfs) < 0 || fstat(proc, &st) < 0)
        return keep_errno_close(proc, -1);
    if (sfs.f_type != X_PROC_SUPER_MAGIC || st.st_ino != 1) {
        errno = EXDEV;
        return keep_errno_close(proc, -1);
    }
    const char *rel = path + 6;
    if (strncmp(rel, "self/", 5) == 0) {
        /* This /proc may not be the process's pid namespace's yet (a time namespace's offsets are written before the
         * container's /proc is mounted): "self" resolves in the mount's own namespace, and stays beneath it. */
        struct x_open_how self_how = {
            .flags = O_PATH | O_DIRECTORY | O_CLOEXEC,
            .resolve = X_RESOLVE_BENEATH | X_RESOLVE_NO_MAGICLINKS | X_RESOLVE_NO_XDEV,
        };
        int self = (int)syscall(SYS_openat2, proc, "self", &self_how, sizeof self_how);
        if (self < 0 && errno == ENOSYS)
            self = openat(proc, "self", O_PATH | O_DIRECTORY | O_CLOEXEC);
        keep_errno_close(proc, 0);
        if (self < 0)
            return -1;
        proc = self;
        rel += 5;
    }
    struct x_open_how how = {
        .flags = (uint64_t)flags | O_NOFOLLOW | O_CLOEXEC,
        .resolve = X_RESOLVE_BENEATH | X_RESOLVE_NO_SYMLINKS | X_RESOLVE_NO_MAGICLINKS | X_RESOLVE_NO_XDEV,
    };
    int fd = (int)syscall(SYS_openat2, proc, rel, &how, sizeof how);
    if (fd < 0 && errno == ENOSYS)
        fd = openat(proc, rel, flags | O_NOFOLLOW | O_CLOEXEC);
    keep_errno_close(proc, 0);
    if (fd < 0)
        return -1;
    if (fstatfs(fd, &sfs) < 0)
        return keep_errno_close(fd, -1);
    if (sfs.f_type != X_PROC_SUPER_MAGIC) {
        errno = EXDEV;
        return keep_errno_close(fd, -1);
    }
    return fd;
}

int refuse_pseudo_fs(int target, int nosymlinks)
{
    /* A destination named beneath /proc or /sys is resolved without symlinks (TARGET_NO_SYMLINKS) and may be there;
     * any other that lands on procfs or sysfs got there through an image symlink (/data -> /proc/sys/kernel). */
    if (nosymlinks)
        return 0;
    struct statfs sfs;
    if (fstatfs(target, &sfs) < 0)
        return -1;
    if (sfs.f_type == X_PROC_SUPER_MAGIC || sfs.f_type == X_SYSFS_MAGIC) {
        errno = EXDEV;
        return -1;
    }
    return 0;
}
