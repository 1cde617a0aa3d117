/* Mount operations of the child (mounts.c). Each reads its op's arguments and returns 0, or -1 with errno. */
#ifndef CONTAINMENT_MOUNTS_H
#define CONTAINMENT_MOUNTS_H
#include "executor.h"

/* OP_MOUNT_FS: a new filesystem, configured and mounted detached, attached beneath the root. */
int do_mount_fs(struct executor *x, struct reader *a);
/* OP_BIND: a detached tree the host cloned, given its attributes, attached beneath the root. */
int do_bind(struct executor *x, struct reader *a);
/* OP_OPEN_SOURCE: a host path the child opens itself (no symlink, the inode the host recorded), cloned into a slot. */
int do_open_source(struct reader *a);
/* OP_BIND_SOURCE: a slot's tree given its attributes and attached beneath the root, as OP_BIND. */
int do_bind_source(struct executor *x, struct reader *a);
/* OP_ROOT_PATH: the rootfs directory, opened and checked the same way, bound onto itself and made the root. */
int do_root_path(struct executor *x, struct reader *a);
/* OP_OPEN_NULL: opens the container's /dev/null for masking, refusing anything but char 1:3. */
int do_open_null(struct executor *x, struct reader *a);
/* OP_MASK_PATH: /dev/null over a file, a read-only empty tmpfs over a directory; a missing path is skipped. */
int do_mask_path(struct executor *x, struct reader *a);
/* OP_READONLY_PATH: a recursive read-only bind of a path over itself; a missing path is skipped. */
int do_readonly_path(struct executor *x, struct reader *a);
/* mount_setattr on a mount fd (flags: AT_RECURSIVE or 0); nothing to set is a no-op. */
int set_attr(int fd, unsigned flags, uint64_t set, uint64_t clr, uint64_t propagation);
/* Attaches a detached mount onto target resolved beneath the root (created per tflags), then sets its propagation. */
int attach(struct executor *x, int mnt, const char *target, uint32_t tflags, uint32_t mode, uint64_t propagation,
           uint32_t propagation_recursive);
/* OP_ROOT_TMPFS, OP_BIND_HOST (hostview.c): the host view's root and its host binds. */
int do_root_tmpfs(struct executor *x, struct reader *a);
int do_bind_host(struct executor *x, struct reader *a);
/* tmpcopyup (copyup.c): copies the directory target (an O_PATH fd) into the detached mount mnt; char and block
 * nodes only with devices (else they are skipped). */
int copy_up(int target, int mnt, int devices);
/* Opens a file beneath the container's procfs at /proc (path starts with "/proc/"), or fails with EXDEV. */
int open_proc_file(const char *path, int flags);
/* Refuses (EXDEV) a mount target on procfs or sysfs unless it was resolved without symlinks: 0, or -1. */
int refuse_pseudo_fs(int target, int nosymlinks);

#endif
