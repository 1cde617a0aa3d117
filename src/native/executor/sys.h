/* Raw system calls the C libraries may not wrap, and the kernel structures they take.
 * Defined here so the executor builds the same against glibc and musl. */
#ifndef CONTAINMENT_SYS_H
#define CONTAINMENT_SYS_H
#include <stdint.h>
#include <sys/syscall.h>
#include <unistd.h>

#ifndef SYS_clone3
#define SYS_clone3 435
#endif
#ifndef SYS_pidfd_send_signal
#define SYS_pidfd_send_signal 424
#endif
#ifndef SYS_close_range
#define SYS_close_range 436
#endif
#ifndef SYS_openat2
#define SYS_openat2 437
#endif
#ifndef SYS_mount_setattr
#define SYS_mount_setattr 442
#endif
#ifndef SYS_open_tree
#define SYS_open_tree 428
#endif
#ifndef SYS_move_mount
#define SYS_move_mount 429
#endif
#ifndef SYS_fsopen
#define SYS_fsopen 430
#endif
#ifndef SYS_fsconfig
#define SYS_fsconfig 431
#endif
#ifndef SYS_fsmount
#define SYS_fsmount 432
#endif
#ifndef SYS_pivot_root
#define SYS_pivot_root 155
#endif

#define X_CLONE_PIDFD 0x00001000ULL
#define X_CLONE_INTO_CGROUP 0x200000000ULL
#define X_CLOSE_RANGE_CLOEXEC (1U << 2)
#define X_RESOLVE_NO_XDEV 0x01
#define X_RESOLVE_NO_MAGICLINKS 0x02
#define X_RESOLVE_IN_ROOT 0x10
#define X_AT_RECURSIVE 0x8000
#define X_AT_EMPTY_PATH 0x1000
#define X_AT_SYMLINK_NOFOLLOW 0x100
#define X_RESOLVE_NO_SYMLINKS 0x04
#define X_RESOLVE_BENEATH 0x08
#define X_RESOLVE_NO_XDEV 0x01
#define X_OPEN_TREE_CLONE 1
#define X_OPEN_TREE_CLOEXEC 02000000
#define X_MOVE_MOUNT_F_EMPTY_PATH 0x04
#define X_MOVE_MOUNT_T_EMPTY_PATH 0x40
#define X_FSOPEN_CLOEXEC 1
#define X_FSMOUNT_CLOEXEC 1
#define X_FSCONFIG_SET_FLAG 0
#define X_FSCONFIG_SET_STRING 1
#define X_FSCONFIG_CMD_CREATE 6
#define X_MOUNT_ATTR_RDONLY 0x01
#define X_MOUNT_ATTR_NOSUID 0x02
#define X_MOUNT_ATTR_NODEV 0x04
#define X_MOUNT_ATTR_NOEXEC 0x08
#define X_MOUNT_ATTR_IDMAP 0x100000
#define X_PROC_SUPER_MAGIC 0x9fa0
#define X_SYSFS_MAGIC 0x62656572

struct x_clone_args {
    uint64_t flags, pidfd, child_tid, parent_tid, exit_signal, stack, stack_size, tls, set_tid,
        set_tid_size, cgroup;
};

struct x_open_how {
    uint64_t flags, mode, resolve;
};

struct x_mount_attr {
    uint64_t attr_set, attr_clr, propagation, userns_fd;
};

struct x_sock_fprog {
    unsigned short len;
    const void *filter;
};

#endif
