/* State shared by the executor's monitor and child halves. */
#ifndef CONTAINMENT_EXECUTOR_H
#define CONTAINMENT_EXECUTOR_H
#include "plan.h"
#include "protocol.h"
#include <errno.h>
#include <unistd.h>

/* Every directory a cgroup's creation may make: each level of a nested cgroupsPath (a CRI pod's
 * /kubepods/burstable/pod<uid>/<id> is 4) in each mounted hierarchy (10 or more on a v1 host). Launcher.cs
 * AnnouncedDirectoriesMax says the same. */
#define ORPHAN_DIRS_MAX 512

/* A page the monitor shares with the child (MAP_SHARED, mapped before the clone). The child records a failure in it
 * before it reports it on the channel: under a seccomp filter that refuses sendmsg (it is loaded last, before execve)
 * the record is the only report, and it needs no system call. An exec replaces the child's memory, so after a
 * successful exec nothing in the container can write it. */
struct failure_record {
    int32_t step;
    int32_t err; /* written last; 0: nothing failed */
};

struct executor {
    int control;       /* socket to the host */
    int channel;       /* socket between monitor and child (each keeps its own end) */
    int fds[PLAN_MAX_FDS]; /* fds received with the plan, moved high */
    int nfds;
    struct op *ops;
    int nops;
    int clone_at;      /* index of OP_CLONE */
    int detached;      /* the monitor leaves once the child has exec'd */
    int child;         /* the child's pid, in the host's pid namespace */
    int pidfd;
    int rootfd;        /* the root that in-root paths resolve beneath, or -1 */
    int released;      /* the monitor has let the child run (OP_RELEASE) */
    const char *orphan_dirs[ORPHAN_DIRS_MAX]; /* OP_ORPHAN_RMDIR paths, deepest first (into the plan) */
    int orphan_leaf[ORPHAN_DIRS_MAX];         /* ... which of them are leaves (only a leaf's processes are ours) */
    int norphan_dirs;
    struct failure_record *failure; /* shared with the child, or NULL when it could not be mapped */
};

/* Sends one message; MSG_NOSIGNAL, so a vanished peer is an error, not a SIGPIPE. */
int send_msg(int fd, int kind, int step, int err, int value, int passfd);
/* Receives one message; returns 1, 0 on EOF, -1 on error. */
int recv_msg(int fd, struct msg *m);
/* The same, keeping a descriptor it carries in *passfd (CLOEXEC; -1 when none). */
int recv_msg_fd(int fd, struct msg *m, int *passfd);
/* The same for a message carrying up to CGROUP_PROCS_MAX descriptors (CLOEXEC), stored in fds, *count of them, which
 * the caller closes whatever the result; -2 for a message of another size or with descriptors cut off. */
int recv_msg_fds(int fd, struct msg *m, int *fds, int *count);
/* Moves fd to a number >= 256 with FD_CLOEXEC, out of the way of the container's fd layout. */
int move_high(int fd);

/* Closes fd (when >= 0) keeping errno, and returns r: for error paths. */
static inline int close_keep(int fd, int r)
{
    int saved = errno;
    if (fd >= 0)
        close(fd);
    errno = saved;
    return r;
}

/* Ops up to the clone, and the outside steps after it, are the monitor's; the rest the child's. */
static inline int is_monitor_op(const struct executor *x, int i)
{
    uint32_t code = x->ops[i].code;
    return i <= x->clone_at || code == OP_WRITE_PID || code == OP_WRITE_CHILD_PROC || code == OP_RELEASE ||
           code == OP_HOST_SYNC || code == OP_IDMAP_TREE || code == OP_RAISE_CHILD_RLIMIT;
}

/* Checks every op's code, place and payload before anything is performed (validate.c): 0, or -1 to refuse. */
int validate_plan(const struct executor *x);
/* OP_RAISE_CHILD_RLIMIT, a monitor step (rlimits.c). */
int raise_child_rlimit(struct executor *x, struct op *op);
_Noreturn void run_child(struct executor *x);
/* The received-descriptor indexes op reads (its descriptor fields, by its layout in validate.c); at most max. */
int op_fd_indexes(const struct op *op, int nfds, int *out, int max);
/* For each received descriptor, the index of the last op of one side (the monitor's ops, or the child's) that
 * reads it, or -1 (fds.c). */
void last_uses(const struct executor *x, int monitor, int *last);
/* Closes every received descriptor whose last use (from last_uses) is at or before op upto. */
void close_used_up(struct executor *x, const int *last, int upto);
/* The identity ops (identity.c): returns 0, -1 with errno set, or 1 when op is not one of them. */
int run_identity_op(struct executor *x, struct op *op);
_Noreturn void run_monitor(struct executor *x);
/* The host is gone (orphan.c): kills and reaps a child that is not yet its own, removes the
 * OP_ORPHAN_RMDIR directories, and exits: 0 when there were some and every leaf among them is gone, else 1. */
_Noreturn void orphaned(struct executor *x);
/* A first message of OP_ORPHAN_RMDIR ops alone (orphan.c): records those paths that do not exist yet and
 * acknowledges with MSG_CONTINUE. Returns 1, or 0 when the message is a launch plan (nothing is recorded). */
int take_announcement(struct executor *x, const uint8_t *buf, size_t len);
/* A prepared cgroup (placeholder.c): 1 when the next message was MSG_CGROUP_PLACE (handled and answered), else 0. */
int take_placement(struct executor *x);
struct x_clone_args;
/* OP_CLONE through the placeholder: the child's pid, 0 when there is no placeholder, -1 with errno. */
int placeholder_clone(const struct x_clone_args *args, int keep, int drop);
/* The child's side of OP_CLONE: keeps its end of the monitor-child channel, closes the monitor's and the host's. */
_Noreturn void child_start(struct executor *x, int keep, int drop);
/* OP_INIT (init.c): returns 0 in the program (on to its exec), or -1 with errno set; the init never returns. */
int do_init(struct executor *x);
/* OP_LSM_EXEC_LABEL (lsm.c): returns 0, or -1 with errno set. */
int do_lsm_exec_label(struct reader *a);
/* OP_LANDLOCK_* (landlock.c): returns 0, or -1 with errno set. */
int do_landlock(struct executor *x, struct op *op);
/* OP_TERMINAL (terminal.c): returns 0, or -1 with errno set. */
int do_terminal(struct executor *x, struct reader *a, int step);

/* Resolves path beneath x->rootfd (RESOLVE_IN_ROOT), creating it when asked (CREATE_DIR or
 * CREATE_FILE, with mode). Returns an O_PATH fd, or -1 with errno set. */
int resolve_in_root(int rootfd, const char *path, int create, unsigned mode);
/* The same; with nosymlinks, any symlink on the way fails with ELOOP (RESOLVE_NO_SYMLINKS). */
int resolve_in_root_flags(int rootfd, const char *path, int create, unsigned mode, int nosymlinks);
/* Resolves by the component walk from now on, as on a kernel without openat2 (tests). */
void resolve_force_walk(void);
/* Resolves the parent of path beneath rootfd; *base points at its last component. */
int resolve_parent(int rootfd, const char *path, const char **base);
/* The same, creating the parent directories (0755) beneath the root when missing. */
int resolve_parent_create(int rootfd, const char *path, const char **base);

#endif
