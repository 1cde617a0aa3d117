/* The container's pseudo-terminal (OP_TERMINAL). Allocated after the pivot from the container's own devpts
 * (/dev/pts/ptmx, checked to be on devpts), as runc does, so the pty belongs to the container's instance and its
 * numbering. The master goes to the host over the channel; the slave, reached through the master
 * (TIOCGPTPEER, no path lookup), becomes the controlling terminal and fds 0-2, and is bound over /dev/console. */
#include "executor.h"
#include "sys.h"
#include <errno.h>
#include <fcntl.h>
#include <sys/ioctl.h>
#include <sys/vfs.h>
#include <termios.h>
#include <unistd.h>

#define X_DEVPTS_SUPER_MAGIC 0x1cd1
#ifndef TIOCGPTPEER
#define TIOCGPTPEER _IO('T', 0x41)
#endif

/* Opens a new pty master from the container's devpts and unlocks it. */
static int open_master(void)
{
    int master = open("/dev/pts/ptmx", O_RDWR | O_NOCTTY | O_CLOEXEC);
    if (master < 0)
        return -1;
    struct statfs fs;
    if (fstatfs(master, &fs) < 0)
        return close_keep(master, -1);
    if (fs.f_type != X_DEVPTS_SUPER_MAGIC) {
        errno = EXDEV; /* not the container's devpts: refuse whatever the image put there */
        return close_keep(master, -1);
    }
    int unlock = 0;
    if (ioctl(master, TIOCSPTLCK, &unlock) < 0)
        return close_keep(master, -1);
    return master;
}

/* Binds the slave over /dev/console, resolved beneath the root (an empty file is created when missing). */
static int mount_console(struct executor *x, int slave)
{
    int target = resolve_in_root(x->rootfd, "/dev/console", CREATE_FILE, 0);
    if (target < 0)
        return -1;
    int tree = (int)syscall(SYS_open_tree, slave, "", X_OPEN_TREE_CLONE | X_OPEN_TREE_CLOEXEC | X_AT_EMPTY_PATH);
    if (tree < 0)
        return close_keep(target, -1);
    long r = syscall(SYS_move_mount, tree, "", target, "", X_MOVE_MOUNT_F_EMPTY_PATH | X_MOVE_MOUNT_T_EMPTY_PATH);
    close_keep(tree, 0);
    return close_keep(target, (int)r);
}

int do_terminal(struct executor *x, struct reader *a, int step)
{
    uint32_t columns = rd_u32(a), rows = rd_u32(a), uid = rd_u32(a), flags = rd_u32(a);
    if (!a->ok || columns > 0xffff || rows > 0xffff) {
        errno = EBADMSG;
        return -1;
    }
    int master = open_master();
    if (master < 0)
        return -1;
    int slave = ioctl(master, TIOCGPTPEER, O_RDWR | O_NOCTTY | O_CLOEXEC);
    if (slave < 0)
        return close_keep(master, -1);
    struct winsize size = { (unsigned short)rows, (unsigned short)columns, 0, 0 };
    int number = -1;
    int bad = ioctl(master, TIOCGPTN, &number) < 0 ||
              ((columns || rows) && ioctl(slave, TIOCSWINSZ, &size) < 0) ||
              /* The process's user owns its terminal (the group stays devpts's gid=). */
              (uid != 0xffffffffu && fchown(slave, uid, (gid_t)-1) < 0) ||
              ((flags & TERMINAL_MOUNT_CONSOLE) && mount_console(x, slave) < 0);
    if (!bad && send_msg(x->channel, MSG_TERMINAL, step, 0, number, master) < 0)
        bad = 1;
    close_keep(master, 0); /* the host has its copy; none stays in the container */
    if (bad)
        return close_keep(slave, -1);
    /* The plan's OP_SETSID made this process a session leader already; only then can it take a terminal. */
    if ((getsid(0) != getpid() && setsid() < 0) || ioctl(slave, TIOCSCTTY, 0) < 0)
        return close_keep(slave, -1);
    for (int fd = 0; fd < 3; fd++)
        if (dup2(slave, fd) < 0)
            return close_keep(slave, -1);
    return close_keep(slave, 0);
}
