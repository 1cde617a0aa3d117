/* Checks a whole plan before any of it is performed: every op's code is known and allowed where it stands
 * (the monitor's before the clone, no namespace join or second clone after it), and its payload decodes
 * completely by the layout its handler reads: strings NUL-terminated within their length, vector counts
 * within the payload and the handler's limits, descriptor indexes below the number received, no trailing
 * bytes. The handlers then read what was checked here; a plan that fails is refused as a whole. */
#include "executor.h"
#include <net/if.h>
#include <string.h>

/* One field of a payload, as its handler reads it. */
enum field {
    F_END = 0,
    F_U32,
    F_U64,
    F_STR,     /* rd_str */
    F_STRV,    /* rd_strv */
    F_STRV1,   /* rd_strv with at least one string */
    F_IFNAME,  /* rd_str, shorter than IFNAMSIZ */
    F_U16,     /* u32 at most 0xffff */
    F_FD,      /* u32 index of a received descriptor */
    F_FD_I32,  /* i32 index of a received descriptor */
    F_FD_OPT,  /* i32 index of a received descriptor, or -1 for none */
    F_FD_LIST, /* u32 count (at most 255), then count F_FD_OPT */
    F_GIDS,    /* u32 count (at most 65536), then count u32 */
    F_BPF,     /* u32 count (1 to 4096), then count 8-byte instructions */
    F_SLOT,    /* u32 below SOURCE_SLOTS */
};

struct layout {
    uint32_t code;
    uint8_t fields[11];
};

/* Mirrors the handlers in monitor.c, child.c, mounts.c, identity.c, terminal.c and lsm.c. */
static const struct layout layouts[] = {
    { OP_SETNS, { F_FD, F_U32 } },
    { OP_CLONE, { F_U64, F_FD_OPT, F_U32 } },
    { OP_WRITE_PID, { F_FD } },
    { OP_WRITE_CHILD_PROC, { F_STR, F_STR } },
    { OP_RELEASE, { F_END } },
    { OP_WAIT_RELEASE, { F_END } },
    { OP_MOUNT, { F_STR, F_STR, F_STR, F_U64, F_STR, F_U32, F_U32, F_U32 } },
    { OP_MKNOD, { F_STR, F_U32, F_U64, F_U32, F_U32 } },
    { OP_SYMLINK, { F_STR, F_STR } },
    { OP_OPEN_ROOT, { F_STR } },
    { OP_PIVOT_ROOT, { F_U32 } },
    { OP_SETHOSTNAME, { F_STR } },
    { OP_SETDOMAINNAME, { F_STR } },
    { OP_LINK_UP, { F_IFNAME } },
    { OP_CHDIR, { F_STR } },
    { OP_SETRLIMIT, { F_U32, F_U64, F_U64 } },
    { OP_PRCTL, { F_U32, F_U64, F_U64, F_U64, F_U64 } },
    { OP_MOUNT_SETATTR, { F_STR, F_U32, F_U32, F_U64, F_U64, F_U64 } },
    { OP_UNSHARE, { F_U64 } },
    { OP_SYNC, { F_U32 } },
    { OP_FD_LAYOUT, { F_FD_LIST } },
    { OP_CLOSE_FDS, { F_U32 } },
    { OP_SETGROUPS, { F_U32, F_GIDS } },
    { OP_SETRESGID, { F_U32 } },
    { OP_SETRESUID, { F_U32 } },
    { OP_UMASK, { F_U32 } },
    { OP_CAPS, { F_U64, F_U64, F_U64, F_U64 } },
    { OP_SECCOMP, { F_U32, F_BPF } },
    { OP_EXEC, { F_STRV1, F_STRV, F_STRV } },
    { OP_MOUNT_FS, { F_STR, F_STR, F_STRV, F_STR, F_U32, F_U32, F_U64, F_U64, F_U32 } },
    { OP_BIND, { F_FD_I32, F_STR, F_U32, F_U32, F_U64, F_U64, F_U64, F_U64, F_U64, F_U32 } },
    { OP_OPEN_NULL, { F_STR } },
    { OP_MASK_PATH, { F_STR } },
    { OP_READONLY_PATH, { F_STR } },
    { OP_HOST_SYNC, { F_U32 } },
    { OP_CAPS_BOUNDING, { F_U64 } },
    { OP_WRITE_PROC, { F_STR, F_STR } },
    { OP_PERSONALITY, { F_U32 } },
    { OP_SESSION_KEYRING, { F_STR } },
    { OP_IDMAP_TREE, { F_FD, F_U32 } },
    { OP_LOCK_MOUNTS, { F_STR, F_STR } },
    { OP_OPEN_SOURCE, { F_STR, F_U64, F_U64, F_U32, F_SLOT } },
    { OP_BIND_SOURCE, { F_SLOT, F_STR, F_U32, F_U32, F_U64, F_U64, F_U64, F_U64, F_U64, F_U32 } },
    { OP_ROOT_PATH, { F_STR, F_U64, F_U64, F_U64 } },
    { OP_READY, { F_END } },
    { OP_WAIT_FIFO, { F_FD } },
    { OP_TERMINAL, { F_U16, F_U16, F_U32, F_U32 } },
    { OP_SETSID, { F_END } },
    { OP_ROOT_TMPFS, { F_U32, F_U64, F_U64 } },
    { OP_BIND_HOST, { F_STR, F_STR, F_U32, F_U32, F_U64, F_U64, F_U32 } },
    { OP_INIT, { F_END } },
    { OP_CGROUP_JOIN_SELF, { F_FD_LIST } },
    { OP_LSM_EXEC_LABEL, { F_STR, F_STR, F_STR } },
    { OP_RAISE_CHILD_RLIMIT, { F_U32, F_U64 } },
    { OP_LANDLOCK_RULESET, { F_U64, F_U64 } },
    { OP_LANDLOCK_PATH, { F_STR, F_U64 } },
    { OP_LANDLOCK_PORT, { F_U64, F_U64 } },
    { OP_LANDLOCK_RESTRICT, { F_END } },
    { OP_TEST_RESOLVE_WALK, { F_END } },
    { OP_TEST_FAIL, { F_U32 } },
};

static const struct layout *layout_of(uint32_t code)
{
    for (size_t i = 0; i < sizeof layouts / sizeof layouts[0]; i++)
        if (layouts[i].code == code)
            return &layouts[i];
    return NULL;
}

/* A string vector, read as rd_strv does but without building it. */
static void strv(struct reader *r, uint32_t min)
{
    uint32_t count = rd_u32(r);
    if (!r->ok || count < min || count > (size_t)(r->end - r->p) / 5) {
        r->ok = 0;
        return;
    }
    for (uint32_t i = 0; i < count && r->ok; i++)
        rd_str(r);
}

static void fd_index(struct reader *r, int64_t index, int nfds, int none_ok)
{
    if (!(index >= 0 && index < nfds) && !(none_ok && index == -1))
        r->ok = 0;
}

/* An array: u32 count in [min, max], then count elements of size bytes. */
static const uint8_t *array(struct reader *r, uint32_t min, uint32_t max, size_t size, uint32_t *count)
{
    *count = rd_u32(r);
    if (!r->ok || *count < min || *count > max) {
        r->ok = 0;
        return NULL;
    }
    return rd_bytes(r, (size_t)*count * size);
}

static void field(struct reader *r, enum field f, int nfds)
{
    uint32_t count;
    const char *s;
    const uint8_t *items;
    switch (f) {
    case F_END:
        break;
    case F_U32:
        rd_u32(r);
        break;
    case F_U64:
        rd_u64(r);
        break;
    case F_STR:
        rd_str(r);
        break;
    case F_STRV:
        strv(r, 0);
        break;
    case F_STRV1:
        strv(r, 1);
        break;
    case F_IFNAME:
        s = rd_str(r);
        if (s && strlen(s) >= IFNAMSIZ)
            r->ok = 0;
        break;
    case F_U16:
        if (rd_u32(r) > 0xffff)
            r->ok = 0;
        break;
    case F_FD:
        fd_index(r, rd_u32(r), nfds, 0);
        break;
    case F_FD_I32:
        fd_index(r, rd_i32(r), nfds, 0);
        break;
    case F_FD_OPT:
        fd_index(r, rd_i32(r), nfds, 1);
        break;
    case F_FD_LIST:
        items = array(r, 0, 255, 4, &count);
        for (uint32_t i = 0; items && i < count; i++) {
            int32_t index;
            memcpy(&index, items + (size_t)i * 4, 4);
            fd_index(r, index, nfds, 1);
        }
        break;
    case F_GIDS:
        array(r, 0, 65536, 4, &count);
        break;
    case F_BPF:
        array(r, 1, 4096, 8, &count);
        break;
    case F_SLOT:
        if (rd_u32(r) >= SOURCE_SLOTS)
            r->ok = 0;
        break;
    }
}

/* Where an op may stand: before the clone only the monitor's namespace joins (and injected failures) run;
 * after it, a join or another clone would reach the child, which has no handler for them. */
static int placed_right(uint32_t code, int i, int clone_at)
{
    if (i < clone_at)
        return code == OP_SETNS || code == OP_TEST_FAIL;
    if (i > clone_at)
        return code != OP_SETNS && code != OP_CLONE;
    return 1;
}

int op_fd_indexes(const struct op *op, int nfds, int *out, int max)
{
    const struct layout *l = layout_of(op->code);
    if (!l)
        return 0;
    struct reader r = op->args;
    int n = 0;
    for (size_t f = 0; f < sizeof l->fields && l->fields[f] != F_END && r.ok; f++) {
        int64_t index = -1;
        switch (l->fields[f]) {
        case F_FD:
            index = rd_u32(&r);
            break;
        case F_FD_I32:
        case F_FD_OPT:
            index = rd_i32(&r);
            break;
        case F_FD_LIST: {
            uint32_t count = rd_u32(&r);
            for (uint32_t i = 0; r.ok && i < count; i++) {
                int32_t each = rd_i32(&r);
                if (r.ok && each >= 0 && each < nfds && n < max)
                    out[n++] = each;
            }
            continue;
        }
        default:
            field(&r, (enum field)l->fields[f], nfds);
            continue;
        }
        if (r.ok && index >= 0 && index < nfds && n < max)
            out[n++] = (int)index;
    }
    return n;
}

int validate_plan(const struct executor *x)
{
    for (int i = 0; i < x->nops; i++) {
        const struct op *op = &x->ops[i];
        const struct layout *l = layout_of(op->code);
        if (!l || !placed_right(op->code, i, x->clone_at))
            return -1;
        struct reader r = op->args;
        for (size_t f = 0; f < sizeof l->fields && l->fields[f] != F_END; f++)
            field(&r, (enum field)l->fields[f], x->nfds);
        if (!r.ok || r.p != r.end)
            return -1;
    }
    return 0;
}
