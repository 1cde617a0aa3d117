# Sourced by the benchmark scripts. in_private_v1 CMD...: runs CMD in a private mount namespace where
# /sys/fs/cgroup/unified is detached (there only), because crun 1.8 refuses this machine's hybrid layout ("hybrid mode
# not supported"). Under the detached mount point crun makes plain directories (and a cgroup.procs file) in the host's
# /sys/fs/cgroup tmpfs, hidden outside that namespace: removed on the way out. The host's own mounts are never touched.
in_private_v1() {
  unshare --mount --propagation private bash -c '
    umount -l /sys/fs/cgroup/unified 2>/dev/null || true
    "$@"; rc=$?
    find /sys/fs/cgroup/unified -mindepth 2 -maxdepth 2 -name cgroup.procs -type f -delete 2>/dev/null
    find /sys/fs/cgroup/unified -mindepth 1 -maxdepth 1 -type d -empty -delete 2>/dev/null
    exit $rc' in_private_v1 "$@"
}

# The cgroup every comparison gives each container: what SideBySide.Limits gives the library's.
BENCH_RESOURCES='{"memory": {"limit": 67108864}, "pids": {"limit": 32}}'
