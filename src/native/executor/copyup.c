/* tmpcopyup: what the image has at a tmpfs's destination is copied into the new tmpfs before it is attached
 * (so the container sees a writable copy, never the tmpfs half-filled). Every step is relative to a directory
 * descriptor and never follows a symlink: the image cannot redirect the copy. Directories, regular files,
 * symlinks, FIFOs and (only when the host enforces a device allow list) char and block nodes are copied with their
 * mode, owner (when the id is mapped) and times; sockets, and device nodes otherwise, are skipped (a tmpfs is not
 * nodev: a copied node would open the image's device, e.g. a host disk); hard links become separate copies. */
#include "mounts.h"
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define MAX_DEPTH 128

static int copy_devices; /* TARGET_COPY_DEVICES of the copy under way */

static int copy_dir(int src, int dst, int depth);

/* Owners are copied where the container can own them; an id its user namespace does not map stays root's. */
static int own(int dirfd, const char *name, const struct stat *st, int flags)
{
    if (fchownat(dirfd, name, st->st_uid, st->st_gid, flags) == 0 || errno == EINVAL || errno == EPERM)
        return 0;
    return -1;
}

static int copy_file(int src, int dst, const char *name, const struct stat *st)
{
    static char buf[65536];
    int in = openat(src, name, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
    if (in < 0)
        return -1;
    int out = openat(dst, name, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, st->st_mode & 07777);
    if (out < 0)
        return close_keep(in, -1);
    ssize_t n;
    while ((n = read(in, buf, sizeof buf)) != 0) {
        if (n < 0 && errno == EINTR)
            continue;
        for (ssize_t off = 0; n > 0 && off < n;) {
            ssize_t w = write(out, buf + off, (size_t)(n - off));
            if (w < 0 && errno != EINTR)
                n = -1;
            else if (w > 0)
                off += w;
        }
        if (n < 0) {
            close_keep(in, 0);
            return close_keep(out, -1);
        }
    }
    struct timespec times[2] = { st->st_atim, st->st_mtim };
    int r = own(out, "", st, AT_EMPTY_PATH) < 0 || fchmod(out, st->st_mode & 07777) < 0 || futimens(out, times) < 0 ? -1 : 0;
    close_keep(in, 0);
    return close_keep(out, r);
}

static int copy_entry(int src, int dst, const char *name, int depth)
{
    struct stat st;
    if (fstatat(src, name, &st, AT_SYMLINK_NOFOLLOW) < 0)
        return -1;
    struct timespec times[2] = { st.st_atim, st.st_mtim };
    switch (st.st_mode & S_IFMT) {
    case S_IFREG:
        return copy_file(src, dst, name, &st);
    case S_IFDIR: {
        if (mkdirat(dst, name, st.st_mode & 07777) < 0)
            return -1;
        int s = openat(src, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
        if (s < 0)
            return -1;
        int d = openat(dst, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
        if (d < 0)
            return close_keep(s, -1);
        int r = copy_dir(s, d, depth + 1) < 0 || own(d, "", &st, AT_EMPTY_PATH) < 0 || fchmod(d, st.st_mode & 07777) < 0 ||
                        futimens(d, times) < 0
                    ? -1
                    : 0;
        close_keep(s, 0);
        return close_keep(d, r);
    }
    case S_IFLNK: {
        char target[PATH_MAX];
        ssize_t n = readlinkat(src, name, target, sizeof target - 1);
        if (n < 0)
            return -1;
        target[n] = 0;
        if (symlinkat(target, dst, name) < 0 || own(dst, name, &st, AT_SYMLINK_NOFOLLOW) < 0)
            return -1;
        return utimensat(dst, name, times, AT_SYMLINK_NOFOLLOW);
    }
    case S_IFCHR:
    case S_IFBLK:
        if (!copy_devices)
            return 0;
        /* fall through */
    case S_IFIFO:
        if (mknodat(dst, name, st.st_mode, st.st_rdev) < 0 || own(dst, name, &st, AT_SYMLINK_NOFOLLOW) < 0)
            return -1;
        return utimensat(dst, name, times, AT_SYMLINK_NOFOLLOW);
    default:
        return 0; /* sockets: nothing to copy */
    }
}

static int copy_dir(int src, int dst, int depth)
{
    if (depth > MAX_DEPTH) {
        errno = ELOOP;
        return -1;
    }
    int fd = openat(src, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (fd < 0)
        return -1;
    DIR *d = fdopendir(fd);
    if (!d)
        return close_keep(fd, -1);
    int r = 0;
    struct dirent *e;
    while (r == 0 && (errno = 0, e = readdir(d)) != NULL)
        if (strcmp(e->d_name, ".") != 0 && strcmp(e->d_name, "..") != 0)
            r = copy_entry(src, dst, e->d_name, depth);
    if (r == 0 && errno != 0)
        r = -1;
    int saved = errno;
    closedir(d);
    errno = saved;
    return r;
}

int copy_up(int target, int mnt, int devices)
{
    copy_devices = devices;
    int src = openat(target, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (src < 0)
        return -1;
    return close_keep(src, copy_dir(src, mnt, 0));
}
