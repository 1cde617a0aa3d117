/* Landlock (ops 150-159): a second, path-based wall the child puts up around itself right before the seccomp step and
 * the exec. OP_LANDLOCK_RULESET creates the ruleset with the access the host negotiated for this kernel's ABI, each
 * OP_LANDLOCK_PATH opens its path beneath the container's root (RESOLVE_IN_ROOT: a symlink cannot lead out) as an
 * O_PATH fd and adds it, OP_LANDLOCK_PORT adds a TCP port, and OP_LANDLOCK_RESTRICT sets no_new_privs (the kernel
 * requires it, or CAP_SYS_ADMIN; see docs/landlock.md) and enforces the ruleset on this process and everything it
 * execs. The domain cannot be lifted. */
#include "executor.h"
#include "sys.h"
#include <errno.h>
#include <fcntl.h>
#include <sys/prctl.h>
#include <sys/stat.h>

#ifndef SYS_landlock_create_ruleset
#define SYS_landlock_create_ruleset 444
#endif
#ifndef SYS_landlock_add_rule
#define SYS_landlock_add_rule 445
#endif
#ifndef SYS_landlock_restrict_self
#define SYS_landlock_restrict_self 446
#endif

/* include/uapi/linux/landlock.h, defined here so the executor builds against any C library's headers. */
struct x_landlock_ruleset_attr {
    uint64_t handled_access_fs;
    uint64_t handled_access_net;
};

struct x_landlock_path_beneath_attr {
    uint64_t allowed_access;
    int32_t parent_fd;
} __attribute__((packed));

struct x_landlock_net_port_attr {
    uint64_t allowed_access;
    uint64_t port;
};

enum { X_LANDLOCK_RULE_PATH_BENEATH = 1, X_LANDLOCK_RULE_NET_PORT = 2 };

/* The rights that apply to a file (not a directory): EXECUTE, WRITE_FILE, READ_FILE, TRUNCATE, IOCTL_DEV. The
 * kernel refuses a rule on a file that grants any other. */
#define X_LANDLOCK_FILE_ACCESS (1ULL | 2ULL | 4ULL | (1ULL << 14) | (1ULL << 15))

static int ruleset = -1;

static int create_ruleset(struct reader *a)
{
    struct x_landlock_ruleset_attr attr;
    attr.handled_access_fs = rd_u64(a);
    attr.handled_access_net = rd_u64(a);
    if (!a->ok || ruleset >= 0) {
        errno = EBADMSG;
        return -1;
    }
    /* ABI 1-3 know only the first field: a kernel without network rules is given no size it would refuse. */
    size_t size = attr.handled_access_net ? sizeof attr : sizeof attr.handled_access_fs;
    ruleset = (int)syscall(SYS_landlock_create_ruleset, &attr, size, 0);
    return ruleset < 0 ? -1 : 0;
}

static int add_path(struct executor *x, struct reader *a)
{
    const char *path = rd_str(a);
    uint64_t access = rd_u64(a);
    if (!a->ok || ruleset < 0) {
        errno = EBADMSG;
        return -1;
    }
    int root = x->rootfd >= 0 ? x->rootfd : open("/", O_PATH | O_DIRECTORY | O_CLOEXEC);
    if (root < 0)
        return -1;
    int fd = resolve_in_root(root, path, CREATE_NONE, 0);
    if (root != x->rootfd)
        close_keep(root, 0);
    if (fd < 0)
        return -1;
    struct stat st;
    if (fstat(fd, &st) < 0)
        return close_keep(fd, -1);
    struct x_landlock_path_beneath_attr rule = { S_ISDIR(st.st_mode) ? access : access & X_LANDLOCK_FILE_ACCESS, fd };
    long r = syscall(SYS_landlock_add_rule, ruleset, X_LANDLOCK_RULE_PATH_BENEATH, &rule, 0);
    return close_keep(fd, (int)r);
}

static int add_port(struct reader *a)
{
    struct x_landlock_net_port_attr rule;
    rule.port = rd_u64(a);
    rule.allowed_access = rd_u64(a);
    if (!a->ok || ruleset < 0 || rule.port > 0xffff) {
        errno = EBADMSG;
        return -1;
    }
    return (int)syscall(SYS_landlock_add_rule, ruleset, X_LANDLOCK_RULE_NET_PORT, &rule, 0);
}

static int restrict_self(void)
{
    if (ruleset < 0) {
        errno = EBADMSG;
        return -1;
    }
    if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0)
        return close_keep(ruleset, -1);
    long r = syscall(SYS_landlock_restrict_self, ruleset, 0);
    close_keep(ruleset, 0);
    ruleset = -1;
    return (int)r;
}

int do_landlock(struct executor *x, struct op *op)
{
    struct reader *a = &op->args;
    switch (op->code) {
    case OP_LANDLOCK_RULESET:
        return create_ruleset(a);
    case OP_LANDLOCK_PATH:
        return add_path(x, a);
    case OP_LANDLOCK_PORT:
        return add_port(a);
    case OP_LANDLOCK_RESTRICT:
        return restrict_self();
    }
    errno = EBADMSG;
    return -1;
}
