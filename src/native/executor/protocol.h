/* The contract between the C# host and the executor: plan opcodes and channel messages.
 * Mirrored in src/Containment/Launch/PlanOp.cs and ExecutorMessage.cs: change both together. */
#ifndef CONTAINMENT_PROTOCOL_H
#define CONTAINMENT_PROTOCOL_H
#include <stdint.h>

#define PLAN_MAGIC 0x4c505443u /* "CTPL" */
#define PLAN_VERSION 1u
#define PLAN_MAX_BYTES (16u << 20)
#define PLAN_MAX_FDS 250
#define CGROUP_PROCS_MAX 32 /* cgroup.procs fds in one MSG_CGROUP_PLACE */

/* The control socket the host hands to the executor. */
#define CONTROL_FD 3

enum op_code {
    /* Run by the monitor, before the clone. */
    OP_SETNS = 1,          /* u32 fd_index, u32 nstype */
    OP_CLONE = 2,          /* u64 flags, i32 cgroup_fd_index (-1: none), u32 detached */
    /* Run by the monitor after the clone, before the child is released. */
    OP_WRITE_PID = 3,      /* u32 fd_index: write the child's pid (decimal) to that fd */
    OP_WRITE_CHILD_PROC = 4, /* str relpath, str content: write to /proc/<child>/<relpath> */
    OP_RELEASE = 5,        /* release the child */
    OP_ORPHAN_RMDIR = 6,   /* str path, u32 leaf: only in an announcement, a plan of these alone that may precede the
                            * launch plan; see orphan.c */
    /* Run by the child. */
    OP_WAIT_RELEASE = 20,
    OP_MOUNT = 21,         /* str source, str target, str fstype, u64 flags, str data, u32 target_kind, u32 create, u32 mode */
    OP_MKNOD = 22,         /* str path (in root), u32 mode, u64 dev, u32 uid, u32 gid */
    OP_SYMLINK = 23,       /* str target, str linkpath (in root) */
    OP_OPEN_ROOT = 24,     /* str path: the root later operations resolve inside */
    OP_PIVOT_ROOT = 25,    /* u32 no_pivot (PIVOT_STACKED: chroot only, the root is already on "/") */
    OP_SETHOSTNAME = 26,   /* str name */
    OP_SETDOMAINNAME = 27, /* str name */
    OP_LINK_UP = 28,       /* str interface */
    OP_CHDIR = 29,         /* str path */
    OP_SETRLIMIT = 31,     /* u32 resource, u64 soft, u64 hard */
    OP_PRCTL = 32,         /* u32 option, u64 arg2, u64 arg3, u64 arg4, u64 arg5 */
    OP_MOUNT_SETATTR = 33, /* str path, u32 target_kind, u32 flags (AT_RECURSIVE...), u64 set, u64 clear, u64 propagation */
    OP_UNSHARE = 34,       /* u64 flags */
    OP_SYNC = 35,          /* u32 tag: report to the host and wait until it continues */
    OP_FD_LAYOUT = 36,     /* u32 count, i32 src_index[count]: fd i := received[src_index[i]] (-1 keeps fd i) */
    OP_CLOSE_FDS = 37,     /* u32 first: every fd >= first is closed at exec */
    OP_SETGROUPS = 38,     /* u32 flags (SETGROUPS_*), u32 count, u32 gids[count] */
    OP_SETRESGID = 39,     /* u32 gid */
    OP_SETRESUID = 40,     /* u32 uid */
    OP_UMASK = 41,         /* u32 mask */
    OP_CAPS = 42,          /* u64 effective, u64 permitted, u64 inheritable, u64 ambient: capset, then the ambient set */
    OP_SECCOMP = 43,       /* u32 flags, u32 count, bytes filter[count * 8]: seccomp(SET_MODE_FILTER); a notify
                            * listener fd it returns goes to the host (MSG_SECCOMP_LISTENER) */
    OP_EXEC = 44,          /* strv candidates, strv argv, strv envp */
    /* 45: unused (was OP_UMOUNT, never emitted); not reused. */
    /* Mounts (mounts.c). target_flags: CREATE_* in the low bits, TARGET_NO_SYMLINKS. */
    OP_MOUNT_FS = 46,      /* str fstype, str source, strv options (key or key=value), str target, u32 target_flags,
                              u32 mode, u64 mount_attrs, u64 propagation, u32 propagation_recursive */
    OP_BIND = 47,          /* i32 tree_fd_index (a detached tree from open_tree), str target, u32 target_flags, u32 mode,
                              u64 attr_set, u64 attr_clr, u64 recursive_set, u64 recursive_clr, u64 propagation,
                              u32 propagation_recursive */
    OP_OPEN_NULL = 48,     /* str path (in root): the null device masks are bound from; must be char 1:3 */
    OP_MASK_PATH = 49,     /* str path (in root): /dev/null over a file, read-only tmpfs over a directory */
    OP_READONLY_PATH = 50, /* str path (in root): recursively read-only bind of the path over itself */
    /* Identity and privilege (identity.c; OP_HOST_SYNC is the monitor's). */
    OP_HOST_SYNC = 60,     /* u32 tag: the monitor reports MSG_SYNC to the host and waits for MSG_CONTINUE */
    OP_CAPS_BOUNDING = 61, /* u64 keep: drops every other capability from the bounding set */
    OP_WRITE_PROC = 62,    /* str path, str content: write to a file that must be on procfs (fstatfs) */
    OP_PERSONALITY = 63,   /* u32 persona */
    OP_SESSION_KEYRING = 65, /* str name: join a new session keyring of that name (not the caller's), possessor
                              * all, user view and search; ENOSYS (no CONFIG_KEYS) is not an error */
    OP_IDMAP_TREE = 64,    /* monitor: u32 tree_fd_index, u32 recursive: id-map a detached bind tree with the
                            * child's user namespace (after its maps are written, before release) */
    /* Lifecycle (child.c). */
    OP_READY = 70,         /* tell the host setup is done; a detached monitor leaves here */
    OP_WAIT_FIFO = 71,     /* u32 fd_index: open that FIFO (an O_PATH fd) for writing, write one byte:
                            * blocks until another process opens it to read (the OCI start) */
    /* Terminal (terminal.c). */
    OP_TERMINAL = 72,      /* u32 columns, u32 rows, u32 uid (0xffffffff: keep), u32 flags (TERMINAL_*): open a pty
                            * from the container's devpts, send its master to the host (MSG_TERMINAL), make the
                            * slave the controlling terminal (setsid, TIOCSCTTY) and fds 0-2 */
    /* Security (issue 12; child.c). */
    OP_SETSID = 100,       /* a session (and process group) of the child's own, first of its steps: nothing of the
                            * container may reach the caller's terminal (/dev/tty, TIOCSTI) or process group (kill(0)) */
    /* The host view (hostview.c). */
    OP_ROOT_TMPFS = 130,   /* u32 mode, u64 size, u64 mount_attrs: a tmpfs stacked on "/", made the root in-root paths
                            * resolve beneath (it shadows no host path) */
    OP_BIND_HOST = 131,    /* str source (a host path), str target (in root), u32 target_flags, u32 mode, u64 recursive_set,
                            * u64 propagation, u32 propagation_recursive: a recursive clone of the host's source, given
                            * the attributes while detached, attached beneath the root */
    /* The init (init.c). */
    OP_INIT = 132,         /* the child forks: it stays as the container's init (forwards signals, reaps, reports the
                            * program's exit with MSG_PROGRAM_EXIT), the program goes on to OP_EXEC */
    /* cgroup (child.c), range 140-149. */
    /* 140: unused (was OP_CGROUP_JOIN, the monitor's late join); not reused. */
    OP_CGROUP_JOIN_SELF = 141, /* the child's first step: u32 count, i32 fd_index[count] (-1: none), each a v1 `tasks` file
                                * (O_WRONLY) of the container's cgroup; writes "0" (the calling thread) to each, then
                                * closes them. Moving one thread takes no threadgroup lock, so no RCU grace period;
                                * the child is single-threaded, so the thread is the process. */
    /* Security modules (lsm.c). */
    OP_LSM_EXEC_LABEL = 120, /* str attr, str fallback ("": none), str content: write content to /proc/PID/attr/ATTR
                              * (FALLBACK when ATTR does not exist) of a verified procfs: the exec label */
    OP_RAISE_CHILD_RLIMIT = 121, /* u32 resource, u64 hard: the monitor raises the child's hard limit to HARD when it is
                                  * lower (prlimit): from inside a new user namespace the child
                                  * cannot (rlimits.c) */
    /* Rootless (issue 22): mounts.c, identity.c. */
    OP_LOCK_MOUNTS = 110,  /* str uid_map, str gid_map: unshare a user and a mount namespace (a helper left in the
                            * current user namespace writes the new one's maps), so the kernel locks every mount's
                            * flags and its place: read-only stays read-only, nothing can be unmounted to uncover */
    OP_OPEN_SOURCE = 111,  /* str path, u64 dev (major << 32 | minor), u64 ino, u32 flags (BIND_SOURCE_*), u32 slot: first
                              thing after release, before anything is mounted or the ids change, a bind source the host
                              recorded is opened with no symlink on the way, checked to be that object, cloned
                              (open_tree) and kept in the slot */
    OP_BIND_SOURCE = 113,  /* u32 slot, str target, u32 target_flags, u32 mode, u64 attr_set, u64 attr_clr,
                              u64 recursive_set, u64 recursive_clr, u64 propagation, u32 propagation_recursive: the
                              slot's tree attached as OP_BIND does */
    OP_ROOT_PATH = 112,    /* str path, u64 dev, u64 ino, u64 recursive_set: the rootfs directory opened and checked
                              as OP_OPEN_SOURCE's source, bound onto itself from that fd, and made the root */
    /* Landlock (landlock.c), range 150-159: the child's last steps before the seccomp step. */
    OP_LANDLOCK_RULESET = 150, /* u64 handled_access_fs, u64 handled_access_net (0: none): landlock_create_ruleset */
    OP_LANDLOCK_PATH = 151,    /* str path (in root), u64 allowed_access (masked to the file rights for a file) */
    OP_LANDLOCK_PORT = 152,    /* u64 port (at most 65535), u64 allowed_access */
    OP_LANDLOCK_RESTRICT = 153, /* no_new_privs, then landlock_restrict_self; the ruleset is closed */
    OP_TEST_RESOLVE_WALK = 98, /* resolve in-root paths by the O_NOFOLLOW walk, as without openat2 (tests) */
    OP_TEST_FAIL = 99,     /* u32 errno: fails with that errno (fault-injection tests) */
};

/* Flags for OP_SETGROUPS. */
enum { SETGROUPS_IF_ALLOWED = 1 /* skip when /proc/self/setgroups says "deny" (only with count 0) */ };

/* Flags for OP_OPEN_SOURCE; its slots. */
enum { BIND_SOURCE_RECURSIVE = 1 };
#define SOURCE_SLOTS 256

/* Flags for OP_TERMINAL. */
enum { TERMINAL_MOUNT_CONSOLE = 1 /* bind the slave over /dev/console (in root) */ };

/* OP_PIVOT_ROOT's no_pivot values besides 0 and 1. */
enum { PIVOT_STACKED = 2 };

/* Target kinds for OP_MOUNT. */
enum { TARGET_HOST = 0, TARGET_IN_ROOT = 1 };
/* Create flags for OP_MOUNT. */
enum { CREATE_NONE = 0, CREATE_DIR = 1, CREATE_FILE = 2 };
/* Target flags for OP_MOUNT_FS and OP_BIND. */
enum {
    TARGET_CREATE_MASK = 3,
    TARGET_NO_SYMLINKS = 4,
    TARGET_COPY_UP = 8,        /* OP_MOUNT_FS: tmpcopyup */
    TARGET_COPY_DEVICES = 16,  /* ... char and block nodes too (else skipped): only under a device allow list */
    TARGET_INHERIT_MODE = 32,  /* OP_MOUNT_FS: the new root takes an existing target's mode (a tmpfs without mode=) */
    TARGET_INHERIT_OWNER = 64, /* ... and its owner (without uid= and gid=) */
};

enum msg_kind {
    /* executor -> host */
    MSG_PID = 1,     /* value: the child's pid in the host's namespace; carries a pidfd */
    MSG_SYNC = 2,    /* value: tag; the host answers MSG_CONTINUE */
    MSG_EXEC_OK = 3, /* the child's exec succeeded */
    MSG_ERROR = 4,   /* step, err */
    MSG_EXIT = 5,    /* value: the child's wait status */
    MSG_READY = 6,   /* the child finished setup and waits for its start signal */
    MSG_SECCOMP_LISTENER = 8, /* step; carries the seccomp notify listener fd (child -> monitor -> host) */
    MSG_TERMINAL = 10, /* carries the pty master (child -> monitor -> host) */
    /* init -> monitor (init.c); the monitor turns them into MSG_EXEC_OK and MSG_EXIT */
    MSG_PROGRAM_EXIT = 26, /* value: the program's wait status, sent by the init as it exits */
    MSG_INIT_EXEC = 27,    /* the program exec'd (the init keeps the channel open, so its closing cannot say so) */
    /* 28: unused (was MSG_CGROUP_PROCS, for the monitor's late join); not reused. */
    /* host -> executor, between the announcement and the plan (placeholder.c); answered MSG_CONTINUE or MSG_ERROR */
    MSG_CGROUP_PLACE = 29,  /* value: how many fds it carries: the cgroup.procs files a placeholder is written to; the
                             * plan's OP_CLONE is then the placeholder's, and the child is born in that cgroup */
    /* host -> executor, executor -> child */
    MSG_CONTINUE = 16,
};

struct msg {
    int32_t kind;
    int32_t step;
    int32_t err;
    int32_t value;
};

#endif
