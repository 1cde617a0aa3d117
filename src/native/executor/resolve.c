/* Path resolution beneath the container's root, through file descriptors only: a symlink or ".."
 * in the image can never lead outside the root, and creation happens relative to an fd that was
 * itself resolved inside the root (no string-joined host paths, no check-then-use window). */
#include "executor.h"
#include "sys.h"
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static int open_in_root(int rootfd, const char *path)
{
    struct x_open_how how = {
        .flags = O_PATH | O_CLOEXEC,
        .resolve = X_RESOLVE_IN_ROOT | X_RESOLVE_NO_MAGICLINKS,
    };
    return (int)syscall(SYS_openat2, rootfd, path, &how, sizeof how);
}

int resolve_parent(int rootfd, const char *path, const char **base)
{
    const char *slash = strrchr(path, '/');
    if (!slash || slash[1] == 0) {
        errno = EINVAL;
        return -1;
    }
    *base = slash + 1;
    char parent[PATH_MAX];
    size_t n = (size_t)(slash - path);
    if (n >= sizeof parent) {
        errno = ENAMETOOLONG;
        return -1;
    }
    memcpy(parent, path, n);
    parent[n] = 0;
    return open_in_root(rootfd, n ? parent : "/");
}

static int create_last(int rootfd, const char *path, int create, unsigned mode)
{
    const char *base;
    int parent = resolve_parent(rootfd, path, &base);
    if (parent < 0)
        return -1;
    int r;
    if (create == CREATE_DIR) {
        r = mkdirat(parent, base, mode);
    } else {
        /* O_NOFOLLOW|O_EXCL: a symlink planted at the last component is never followed. */
        r = openat(parent, base, O_CREAT | O_EXCL | O_NOFOLLOW | O_WRONLY | O_CLOEXEC, mode);
        if (r >= 0)
            close(r);
    }
    int saved = errno;
    close(parent);
    errno = saved;
    return r < 0 && errno != EEXIST ? -1 : 0;
}

int resolve_in_root(int rootfd, const char *path, int create, unsigned mode)
{
    int fd = open_in_root(rootfd, path);
    if (fd >= 0 || errno != ENOENT || create == CREATE_NONE)
        return fd;
    /* Create each missing component, each step resolved beneath the root again. */
    char prefix[PATH_MAX];
    size_t len = strlen(path);
    if (len >= sizeof prefix) {
        errno = ENAMETOOLONG;
        return -1;
    }
    for (size_t i = 1; i <= len; i++) {
        if (i < len && path[i] != '/')
            continue;
        memcpy(prefix, path, i);
        prefix[i] = 0;
        if (prefix[i - 1] == '/')
            continue;
        int last = i == len;
        fd = open_in_root(rootfd, prefix);
        if (fd >= 0) {
            if (!last)
                close(fd);
            continue;
        }
        if (errno != ENOENT)
            return -1;
        if (create_last(rootfd, prefix, last ? create : CREATE_DIR, last ? mode : 0755) < 0)
            return -1;
        if (last)
            return open_in_root(rootfd, prefix);
    }
    return fd;
}
