/* The host view's root (ContainerSpec.HostReadOnly), bubblewrap's model: an empty tmpfs is stacked on the
 * current root "/" and becomes the root that in-root paths resolve beneath; the host's top-level directories are
 * cloned into it read-only, one by one. Stacked on "/", the tmpfs shadows no path: lookups start at the process's
 * root, below it, so every host path (a bind source) still names the host's file until the pivot. */
#include "executor.h"
#include "mounts.h"
#include "sys.h"
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>

#define BAD_PLAN() (errno = EBADMSG, -1)

int do_root_tmpfs(struct executor *x, struct reader *a)
{
    uint32_t mode = rd_u32(a);
    uint64_t size = rd_u64(a), attrs = rd_u64(a);
    if (!a->ok)
        return BAD_PLAN();
    char smode[16], ssize[24];
    snprintf(smode, sizeof smode, "%o", mode & 07777);
    snprintf(ssize, sizeof ssize, "%llu", (unsigned long long)size);
    int fs = (int)syscall(SYS_fsopen, "tmpfs", X_FSOPEN_CLOEXEC);
    if (fs < 0)
        return -1;
    if (syscall(SYS_fsconfig, fs, X_FSCONFIG_SET_STRING, "mode", smode, 0) < 0 ||
        syscall(SYS_fsconfig, fs, X_FSCONFIG_SET_STRING, "size", ssize, 0) < 0 ||
        syscall(SYS_fsconfig, fs, X_FSCONFIG_CMD_CREATE, NULL, NULL, 0) < 0)
        return close_keep(fs, -1);
    int mnt = (int)syscall(SYS_fsmount, fs, X_FSMOUNT_CLOEXEC, (unsigned)attrs);
    close_keep(fs, 0);
    if (mnt < 0)
        return -1;
    if (syscall(SYS_move_mount, mnt, "", AT_FDCWD, "/", X_MOVE_MOUNT_F_EMPTY_PATH) < 0)
        return close_keep(mnt, -1);
    if (x->rootfd >= 0)
        close(x->rootfd);
    x->rootfd = mnt;
    return 0;
}

int do_bind_host(struct executor *x, struct reader *a)
{
    const char *source = rd_str(a), *target = rd_str(a);
    uint32_t tflags = rd_u32(a), mode = rd_u32(a);
    uint64_t rset = rd_u64(a), propagation = rd_u64(a);
    uint32_t propagation_recursive = rd_u32(a);
    if (!a->ok)
        return BAD_PLAN();
    /* A recursive clone (a user namespace's locked mounts can only be cloned together), read-only while detached. */
    int tree = (int)syscall(SYS_open_tree, AT_FDCWD, source,
                            X_OPEN_TREE_CLONE | X_OPEN_TREE_CLOEXEC | X_AT_RECURSIVE | X_AT_SYMLINK_NOFOLLOW);
    if (tree < 0)
        return -1;
    if (set_attr(tree, X_AT_RECURSIVE, rset, 0, 0) < 0)
        return close_keep(tree, -1);
    return close_keep(tree, attach(x, tree, target, tflags, mode, propagation, propagation_recursive));
}
