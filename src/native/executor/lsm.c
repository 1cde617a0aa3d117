/* OP_LSM_EXEC_LABEL: the AppArmor profile or SELinux label the program is executed with, written to the process's
 * attr/exec file. Through a procfs the container cannot have touched: a fresh, detached proc mount (fsopen), or when
 * this process may not make one (a joined pid namespace of another user namespace), the container's /proc checked to
 * be procfs. The file is opened beneath it with openat2 RESOLVE_BENEATH | RESOLVE_NO_SYMLINKS | RESOLVE_NO_XDEV (no
 * /proc/self link, no mount over attr/) and checked to be procfs too (CVE-2019-16884). */
#include "executor.h"
#include "sys.h"
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/statfs.h>

static int is_procfs(int fd)
{
    struct statfs sfs;
    if (fstatfs(fd, &sfs) < 0)
        return -1;
    if (sfs.f_type != X_PROC_SUPER_MAGIC) {
        errno = EXDEV;
        return -1;
    }
    return 0;
}

/* A procfs root: a new detached mount, else the container's /proc. */
static int open_procfs(void)
{
    int fs = (int)syscall(SYS_fsopen, "proc", X_FSOPEN_CLOEXEC);
    if (fs >= 0) {
        int mnt = -1;
        if (syscall(SYS_fsconfig, fs, X_FSCONFIG_CMD_CREATE, NULL, NULL, 0) == 0)
            mnt = (int)syscall(SYS_fsmount, fs, X_FSMOUNT_CLOEXEC, 0);
        close_keep(fs, 0);
        if (mnt >= 0)
            return is_procfs(mnt) < 0 ? close_keep(mnt, -1) : mnt;
    }
    int proc = open("/proc", O_PATH | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
    if (proc < 0)
        return -1;
    return is_procfs(proc) < 0 ? close_keep(proc, -1) : proc;
}

static int open_attr(int proc, const char *attr)
{
    char rel[64];
    if (snprintf(rel, sizeof rel, "%d/attr/%s", (int)getpid(), attr) >= (int)sizeof rel) {
        errno = ENAMETOOLONG;
        return -1;
    }
    struct x_open_how how = {
        .flags = O_WRONLY | O_NOFOLLOW | O_CLOEXEC,
        .resolve = X_RESOLVE_BENEATH | X_RESOLVE_NO_SYMLINKS | X_RESOLVE_NO_XDEV,
    };
    int fd = (int)syscall(SYS_openat2, proc, rel, &how, sizeof how);
    if (fd < 0)
        return -1;
    return is_procfs(fd) < 0 ? close_keep(fd, -1) : fd;
}

int do_lsm_exec_label(struct reader *a)
{
    const char *attr = rd_str(a), *fallback = rd_str(a), *content = rd_str(a);
    if (!a->ok) {
        errno = EBADMSG;
        return -1;
    }
    int proc = open_procfs();
    if (proc < 0)
        return -1;
    int fd = open_attr(proc, attr);
    if (fd < 0 && errno == ENOENT && *fallback)
        fd = open_attr(proc, fallback);
    close_keep(proc, 0);
    if (fd < 0)
        return -1;
    size_t n = strlen(content);
    ssize_t w = write(fd, content, n);
    if (w >= 0 && (size_t)w != n) {
        errno = EIO;
        w = -1;
    }
    return close_keep(fd, w < 0 ? -1 : 0);
}
