/* OP_RAISE_CHILD_RLIMIT: in a new user namespace the child can no longer raise a hard limit above the one it was cloned
 * with (the kernel asks for CAP_SYS_RESOURCE in the initial user namespace), so the monitor, still outside it, raises
 * the child's hard limit first, as runc does from its parent. Only raises: the soft limit stays, and the child's own
 * OP_SETRLIMIT later sets both exactly (lowering needs no privilege), once its setup no longer opens descriptors. */
#include "executor.h"
#include "sys.h"
#include <errno.h>
#include <sys/resource.h>
#include <sys/syscall.h>

int raise_child_rlimit(struct executor *x, struct op *op)
{
    uint32_t resource = rd_u32(&op->args);
    uint64_t hard = rd_u64(&op->args);
    if (!op->args.ok) {
        errno = EBADMSG;
        return -1;
    }
    struct rlimit old, raised;
    if (syscall(SYS_prlimit64, x->child, (int)resource, NULL, &old) < 0)
        return -1;
    if ((uint64_t)old.rlim_max >= hard)
        return 0;
    raised.rlim_cur = old.rlim_cur;
    raised.rlim_max = (rlim_t)hard;
    return (int)syscall(SYS_prlimit64, x->child, (int)resource, &raised, NULL);
}
