/* Host descriptors live no longer than needed: each received descriptor (a cgroup directory, cgroup.procs, a
 * namespace file, a bind tree, the start FIFO, the container's stdio) is closed by each side, monitor and child,
 * after the last of its own ops that reads it. Neither the monitor, for the container's life, nor a created
 * container's init, while it waits for start, holds what it no longer needs. */
#include "executor.h"
#include <unistd.h>

void last_uses(const struct executor *x, int monitor, int *last)
{
    for (int k = 0; k < x->nfds; k++)
        last[k] = -1;
    for (int i = 0; i < x->nops; i++) {
        if (is_monitor_op(x, i) != monitor)
            continue;
        int used[PLAN_MAX_FDS];
        int n = op_fd_indexes(&x->ops[i], x->nfds, used, PLAN_MAX_FDS);
        for (int j = 0; j < n; j++)
            last[used[j]] = i;
    }
}

void close_used_up(struct executor *x, const int *last, int upto)
{
    for (int k = 0; k < x->nfds; k++) {
        if (x->fds[k] >= 0 && last[k] <= upto) {
            close(x->fds[k]);
            x->fds[k] = -1;
        }
    }
}
