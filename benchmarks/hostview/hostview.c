/* How long it takes to build the host view (ContainerSpec.HostReadOnly's root) three ways, each in a fresh mount
 * namespace of a forked child, its teardown included; run alternating so the machine's load hits all alike.
 *   stage:   the old way: rbind the host's / on /tmp, make it read-only recursively, detach /proc /sys /dev /run /tmp
 *   binds:   bubblewrap's: a tmpfs stacked on /, each top-level entry of the host's / bound read-only into it (or
 *            the symlink copied), fresh /tmp and /run tmpfs
 *   overlay: an overlay with the host's / as lower layer and a tmpfs as upper (submounts are not part of it)
 * Build: cc -O2 -o hostview hostview.c; run as root: ./hostview 400 */
#define _GNU_SOURCE
#include "../../src/native/executor/sys.h"
#include <dirent.h>
#include <fcntl.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static int setattr(int fd, unsigned flags, uint64_t set)
{
    struct x_mount_attr a = { .attr_set = set };
    return (int)syscall(SYS_mount_setattr, fd, "", X_AT_EMPTY_PATH | flags, &a, sizeof a);
}

static int tmpfs(const char *opts)
{
    int fs = (int)syscall(SYS_fsopen, "tmpfs", X_FSOPEN_CLOEXEC);
    if (opts)
        syscall(SYS_fsconfig, fs, X_FSCONFIG_SET_STRING, "size", opts, 0);
    syscall(SYS_fsconfig, fs, X_FSCONFIG_CMD_CREATE, NULL, NULL, 0);
    int m = (int)syscall(SYS_fsmount, fs, X_FSMOUNT_CLOEXEC, 0);
    close(fs);
    return m;
}

static int attach(int mnt, int dirfd, const char *path)
{
    return (int)syscall(SYS_move_mount, mnt, "", dirfd, path, X_MOVE_MOUNT_F_EMPTY_PATH);
}

static int skip(const char *n)
{
    return !strcmp(n, ".") || !strcmp(n, "..") || !strcmp(n, "proc") || !strcmp(n, "sys") || !strcmp(n, "dev") ||
           !strcmp(n, "tmp") || !strcmp(n, "run");
}

static int stage(void)
{
    if (mount("/", "/tmp", NULL, MS_BIND | MS_REC, NULL) < 0)
        return -1;
    int fd = open("/tmp", O_PATH | O_CLOEXEC);
    if (setattr(fd, X_AT_RECURSIVE, X_MOUNT_ATTR_RDONLY) < 0)
        return -1;
    close(fd);
    const char *pseudo[] = { "/tmp/proc", "/tmp/sys", "/tmp/dev", "/tmp/run", "/tmp/tmp" };
    for (int i = 0; i < 5; i++)
        umount2(pseudo[i], MNT_DETACH);
    int t = tmpfs("64m"), r = tmpfs("64m");
    attach(t, AT_FDCWD, "/tmp/tmp");
    attach(r, AT_FDCWD, "/tmp/run");
    return 0;
}

static int binds(void)
{
    int root = tmpfs("1m");
    if (root < 0 || attach(root, AT_FDCWD, "/") < 0)
        return -1;
    DIR *d = opendir("/");
    struct dirent *e;
    while ((e = readdir(d))) {
        if (skip(e->d_name))
            continue;
        struct stat st;
        if (fstatat(dirfd(d), e->d_name, &st, AT_SYMLINK_NOFOLLOW) < 0)
            continue;
        if (S_ISLNK(st.st_mode)) {
            char target[4096];
            ssize_t n = readlinkat(dirfd(d), e->d_name, target, sizeof target - 1);
            target[n < 0 ? 0 : n] = 0;
            symlinkat(target, root, e->d_name);
            continue;
        }
        if (!S_ISDIR(st.st_mode) && !S_ISREG(st.st_mode))
            continue;
        int tree = (int)syscall(SYS_open_tree, dirfd(d), e->d_name, X_OPEN_TREE_CLONE | X_OPEN_TREE_CLOEXEC | X_AT_RECURSIVE);
        if (tree < 0 || setattr(tree, X_AT_RECURSIVE, X_MOUNT_ATTR_RDONLY) < 0)
            return -1;
        if (S_ISDIR(st.st_mode))
            mkdirat(root, e->d_name, 0755);
        else
            close(openat(root, e->d_name, O_CREAT | O_WRONLY | O_CLOEXEC, 0644));
        if (attach(tree, root, e->d_name) < 0)
            return -1;
        close(tree);
    }
    closedir(d);
    mkdirat(root, "tmp", 01777);
    mkdirat(root, "run", 0755);
    int t = tmpfs("64m"), r = tmpfs("64m");
    attach(t, root, "tmp");
    attach(r, root, "run");
    return 0;
}

static int overlay(void)
{
    int up = tmpfs("64m");
    if (attach(up, AT_FDCWD, "/tmp") < 0)
        return -1;
    mkdir("/tmp/u", 0755);
    mkdir("/tmp/w", 0755);
    mkdir("/tmp/m", 0755);
    if (mount("overlay", "/tmp/m", "overlay", 0, "lowerdir=/,upperdir=/tmp/u,workdir=/tmp/w") < 0)
        return -1;
    int t = tmpfs("64m"), r = tmpfs("64m");
    attach(t, AT_FDCWD, "/tmp/m/tmp");
    attach(r, AT_FDCWD, "/tmp/m/run");
    return 0;
}

static double once(int (*build)(void))
{
    struct timespec a, b;
    clock_gettime(CLOCK_MONOTONIC, &a);
    pid_t pid = fork();
    if (pid == 0) {
        if (unshare(CLONE_NEWNS) < 0 || mount(NULL, "/", NULL, MS_PRIVATE | MS_REC, NULL) < 0)
            _exit(2);
        _exit(build() < 0 ? 1 : 0);
    }
    int status;
    waitpid(pid, &status, 0);
    clock_gettime(CLOCK_MONOTONIC, &b);
    if (!WIFEXITED(status) || WEXITSTATUS(status)) {
        fprintf(stderr, "failed: %d\n", status);
        exit(1);
    }
    return (b.tv_sec - a.tv_sec) * 1e3 + (b.tv_nsec - a.tv_nsec) / 1e6;
}

static int cmp(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return x < y ? -1 : x > y;
}

int main(int argc, char **argv)
{
    int n = argc > 1 ? atoi(argv[1]) : 200;
    const char *names[] = { "stage", "binds", "overlay", "none" };
    int (*fns[])(void) = { stage, binds, overlay, NULL };
    double *t[4];
    for (int k = 0; k < 4; k++)
        t[k] = calloc((size_t)n, sizeof(double));
    for (int i = 0; i < n; i++)
        for (int k = 0; k < 4; k++) {
            int (*f)(void) = fns[k];
            t[k][i] = once(f ? f : (int (*)(void))getpid);
        }
    for (int k = 0; k < 4; k++) {
        qsort(t[k], (size_t)n, sizeof(double), cmp);
        printf("%-8s median %.3f ms  p10 %.3f  p90 %.3f\n", names[k], t[k][n / 2], t[k][n / 10], t[k][n * 9 / 10]);
    }
    return 0;
}
