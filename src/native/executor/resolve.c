/* Path resolution beneath the container's root, through file descriptors only: a symlink or ".."
 * in the image can never lead outside the root, and creation happens relative to an fd that was
 * itself resolved inside the root (no string-joined host paths, no check-then-use window).
 *
 * openat2(RESOLVE_IN_ROOT) does the work where the kernel has it. Where it does not (ENOSYS), a
 * component-by-component walk does the same: each component opened with O_NOFOLLOW relative to the
 * previous one, symlinks read and resolved again from the root (absolute) or the current directory
 * (relative), at most 40 links. ".." never climbs the directory tree itself (a directory moved out of a shared
 * volume mid-walk would lead a physical ".." outside the root): the walk keeps the path of real directories it
 * stands in, drops the last one and opens the rest again from the root, without following anything. */
#include "executor.h"
#include "sys.h"
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static int use_walk; /* set when the kernel has no openat2, or by a test */

void resolve_force_walk(void)
{
    use_walk = 1;
}

/* Opens dirs (real directories beneath the root, "/"-separated, as the walk found them) from the root again, no
 * symlink followed and no ".." in it. */
static int reopen_beneath(int rootfd, const char *dirs)
{
    if (!use_walk) {
        struct x_open_how how = {
            .flags = O_PATH | O_CLOEXEC | O_DIRECTORY,
            .resolve = X_RESOLVE_IN_ROOT | X_RESOLVE_NO_SYMLINKS | X_RESOLVE_NO_MAGICLINKS,
        };
        int fd = (int)syscall(SYS_openat2, rootfd, *dirs ? dirs : ".", &how, sizeof how);
        if (fd >= 0 || errno != ENOSYS)
            return fd;
    }
    int cur = openat(rootfd, ".", O_PATH | O_CLOEXEC | O_DIRECTORY);
    for (const char *p = dirs; cur >= 0 && *p;) {
        char name[NAME_MAX + 1];
        size_t n = strcspn(p, "/");
        if (n > NAME_MAX) {
            errno = ENAMETOOLONG;
            return close_keep(cur, -1);
        }
        memcpy(name, p, n);
        name[n] = 0;
        p += n + (p[n] == '/');
        int next = openat(cur, name, O_PATH | O_CLOEXEC | O_NOFOLLOW | O_DIRECTORY);
        close_keep(cur, 0);
        cur = next;
    }
    return cur;
}

/* With create (CREATE_DIR or CREATE_FILE), a missing component is made where the walk stands: a directory,
 * or for the last component the asked kind; then opened again with O_NOFOLLOW, so a symlink planted in
 * between is refused rather than followed. Symlinks (dangling ones too) are resolved within the root, so
 * the directories a link points at are made inside the root. */
static int walk_in_root(int rootfd, const char *path, int nosymlinks, int create, unsigned mode)
{
    char rest[PATH_MAX], next_rest[PATH_MAX];
    if (strlen(path) >= sizeof rest) {
        errno = ENAMETOOLONG;
        return -1;
    }
    strcpy(rest, path);
    char dirs[PATH_MAX] = ""; /* where cur stands, beneath the root */
    int cur = openat(rootfd, ".", O_PATH | O_CLOEXEC | O_DIRECTORY);
    if (cur < 0)
        return -1;
    int links = 0;
    char *p = rest;
    for (;;) {
        while (*p == '/')
            p++;
        if (!*p)
            return cur;
        size_t n = strcspn(p, "/");
        char name[NAME_MAX + 1];
        if (n > NAME_MAX) {
            errno = ENAMETOOLONG;
            goto fail;
        }
        memcpy(name, p, n);
        name[n] = 0;
        p += n;
        if (strcmp(name, ".") == 0)
            continue;
        int next;
        if (strcmp(name, "..") == 0) {
            if (!*dirs)
                continue; /* ".." at the root is the root */
            char *slash = strrchr(dirs, '/');
            *(slash ? slash : dirs) = 0;
            close(cur);
            cur = reopen_beneath(rootfd, dirs);
            if (cur < 0)
                return -1;
            continue;
        } else {
            next = openat(cur, name, O_PATH | O_CLOEXEC | O_NOFOLLOW);
            if (next < 0 && errno == ENOENT && create != CREATE_NONE) {
                int last = p[strspn(p, "/")] == 0;
                int r;
                if (!last || create == CREATE_DIR) {
                    r = mkdirat(cur, name, last ? mode : 0755);
                } else {
                    r = openat(cur, name, O_CREAT | O_EXCL | O_NOFOLLOW | O_WRONLY | O_CLOEXEC, mode);
                    if (r >= 0)
                        close(r);
                }
                if (r < 0 && errno != EEXIST)
                    goto fail;
                next = openat(cur, name, O_PATH | O_CLOEXEC | O_NOFOLLOW | (last && create == CREATE_FILE ? 0 : O_DIRECTORY));
            }
        }
        if (next < 0)
            goto fail;
        struct stat st;
        if (fstat(next, &st) < 0) {
            close(next);
            goto fail;
        }
        if (S_ISLNK(st.st_mode)) {
            char target[PATH_MAX];
            ssize_t len = nosymlinks || ++links > 40 ? (errno = ELOOP, -1) : readlinkat(next, "", target, sizeof target - 1);
            close(next);
            if (len < 0)
                goto fail;
            target[len] = 0;
            if ((size_t)len + strlen(p) >= sizeof next_rest) {
                errno = ENAMETOOLONG;
                goto fail;
            }
            strcpy(next_rest, target);
            strcat(next_rest, p);
            strcpy(rest, next_rest);
            p = rest;
            if (target[0] == '/') {
                dirs[0] = 0;
                close(cur);
                cur = openat(rootfd, ".", O_PATH | O_CLOEXEC | O_DIRECTORY);
                if (cur < 0)
                    return -1;
            }
            continue;
        }
        if (*p && !S_ISDIR(st.st_mode)) {
            close(next);
            errno = ENOTDIR;
            goto fail;
        }
        if (strlen(dirs) + n + 2 > sizeof dirs) {
            close(next);
            errno = ENAMETOOLONG;
            goto fail;
        }
        if (*dirs)
            strcat(dirs, "/");
        strcat(dirs, name);
        close(cur);
        cur = next;
    }
fail: {
        int saved = errno;
        close(cur);
        errno = saved;
        return -1;
    }
}

static int open_in_root(int rootfd, const char *path, int nosymlinks)
{
    if (!use_walk) {
        struct x_open_how how = {
            .flags = O_PATH | O_CLOEXEC,
            .resolve = X_RESOLVE_IN_ROOT | X_RESOLVE_NO_MAGICLINKS | (nosymlinks ? X_RESOLVE_NO_SYMLINKS : 0),
        };
        int fd = (int)syscall(SYS_openat2, rootfd, path, &how, sizeof how);
        if (fd >= 0 || errno != ENOSYS)
            return fd;
        use_walk = 1;
    }
    return walk_in_root(rootfd, path, nosymlinks, CREATE_NONE, 0);
}

static int resolve_parent_flags(int rootfd, const char *path, const char **base, int nosymlinks)
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
    return open_in_root(rootfd, n ? parent : "/", nosymlinks);
}

int resolve_parent(int rootfd, const char *path, const char **base)
{
    return resolve_parent_flags(rootfd, path, base, 0);
}

int resolve_in_root_flags(int rootfd, const char *path, int create, unsigned mode, int nosymlinks)
{
    int fd = open_in_root(rootfd, path, nosymlinks);
    if (fd >= 0 || errno != ENOENT || create == CREATE_NONE)
        return fd;
    /* Create what is missing, walking from the root one component at a time. */
    return walk_in_root(rootfd, path, nosymlinks, create, mode);
}

int resolve_in_root(int rootfd, const char *path, int create, unsigned mode)
{
    return resolve_in_root_flags(rootfd, path, create, mode, 0);
}

int resolve_parent_create(int rootfd, const char *path, const char **base)
{
    int parent = resolve_parent(rootfd, path, base);
    if (parent >= 0 || errno != ENOENT)
        return parent;
    char dir[PATH_MAX];
    size_t n = (size_t)(*base - 1 - path);
    if (n == 0 || n >= sizeof dir) {
        errno = ENOENT;
        return -1;
    }
    memcpy(dir, path, n);
    dir[n] = 0;
    return resolve_in_root_flags(rootfd, dir, CREATE_DIR, 0755, 0);
}
