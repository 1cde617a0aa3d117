/* What the monitor does when the host dies before the container is on its own: the host can no longer
 * kill the child or remove the cgroup directories it created, so the monitor does both. A non-detached
 * container is never on its own; a detached one is once its monitor has reported it ready or exec'd.
 * After a non-detached child's exit the monitor waits for the host to close the socket, then does the same:
 * there is no moment at which a host killed leaves the directories to no one. It exits 0 only when it had
 * directories to remove and every leaf among them is gone (ContainerProcess then skips its own removal). */
#include "executor.h"
#include "sys.h"
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <time.h>

/* The host announces the cgroup directories it is about to create before it creates them, and waits for the
 * acknowledgement: so there is no moment at which one exists that no one would remove. Only those that do not
 * exist yet are the launch's: a directory that already exists belongs to someone else. */
int take_announcement(struct executor *x, const uint8_t *buf, size_t len)
{
    struct reader r;
    struct op op;
    int count = plan_open(&r, buf, len);
    if (count <= 0 || count > ORPHAN_DIRS_MAX)
        return 0;
    for (int i = 0; i < count; i++)
        if (!plan_next(&r, &op, (uint32_t)i) || op.code != OP_ORPHAN_RMDIR)
            return 0;
    plan_open(&r, buf, len);
    for (int i = 0; i < count; i++) {
        plan_next(&r, &op, (uint32_t)i);
        const char *path = rd_str(&op.args);
        uint32_t leaf = rd_u32(&op.args);
        if (!op.args.ok || !path || (access(path, F_OK) == 0 || errno != ENOENT))
            continue;
        x->orphan_dirs[x->norphan_dirs] = path;
        x->orphan_leaf[x->norphan_dirs] = (int)leaf;
        x->norphan_dirs++;
    }
    send_msg(x->control, MSG_CONTINUE, 0, 0, 0, -1);
    return 1;
}

/* SIGKILLs every process listed in dir/cgroup.procs: what the container forked outside its pid namespace. */
static void kill_members(const char *dir)
{
    char path[4096];
    if (snprintf(path, sizeof path, "%s/cgroup.procs", dir) >= (int)sizeof path)
        return;
    FILE *f = fopen(path, "re");
    if (!f)
        return;
    int pid;
    while (fscanf(f, "%d", &pid) == 1)
        kill(pid, SIGKILL);
    fclose(f);
}

/* A leaf is retried while its last processes finish exiting (EBUSY), for up to two seconds; an ancestor
 * is tried once, as another container may still use it. Returns 0 when the directory is gone. */
static int remove_dir(const char *dir, int leaf)
{
    const struct timespec pause = { 0, 5 * 1000 * 1000 };
    for (int attempt = 0;; attempt++) {
        if (rmdir(dir) == 0 || errno == ENOENT)
            return 0;
        if (errno != EBUSY || !leaf || attempt >= 400)
            return -1;
        kill_members(dir);
        nanosleep(&pause, NULL);
    }
}

_Noreturn void orphaned(struct executor *x)
{
    if (x->child > 0) {
        syscall(SYS_pidfd_send_signal, x->pidfd, SIGKILL, NULL, 0);
        while (waitpid(x->child, NULL, 0) < 0 && errno == EINTR)
            ;
    }
    /* Exit 0 tells a host that reaps this process that every leaf is gone: it has nothing left to remove. */
    int leaves_left = 0;
    for (int i = 0; i < x->norphan_dirs; i++)
        if (remove_dir(x->orphan_dirs[i], x->orphan_leaf[i]) < 0 && x->orphan_leaf[i])
            leaves_left++;
    _exit(leaves_left == 0 && x->norphan_dirs > 0 ? 0 : 1);
}
