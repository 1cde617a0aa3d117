#!/usr/bin/env bash
# Runs run.sh (the runtime-tools validation suite) on a pure cgroup v2 kernel: inside the throw-away VM of
# tests/cgroup2-vm/run.sh (Debian's kernel with cgroup_no_v1=all, this machine's / read-only with a tmpfs overlay).
# Usage: in-vm.sh SUITE_DIR RUNTIME...   (as run.sh; e.g. crun runc /tmp/cli/linux-x64/containment)
# Env: TESTS, TIMEOUT as run.sh (the guest emulates the CPU, ~15-20x slower: a few binaries per run, e.g.
# TESTS="linux_cgroups_cpus linux_cgroups_memory"); LOGS (default /tmp/oci-validation-vm-logs) receives every
# binary's TAP and stderr; CONTAINMENT_VM_TIMEOUT_MINUTES bounds the VM (default 15). Takes the machine's VM lock.
# Not part of .ci/run: the suite is built outside this repository (docs/oci-conformance.md).
set -euo pipefail
[ $# -ge 2 ] || { sed -n 2,7p "$0" >&2; exit 2; }
here=$(cd "$(dirname "$0")" && pwd)
suite=$(realpath "$1"); shift
runtimes=()
for rt in "$@"; do runtimes+=("$(command -v "$rt" || realpath "$rt")"); done
logs=${LOGS:-/tmp/oci-validation-vm-logs}
mkdir -p "$logs"
results=$(mktemp -d /tmp/oci-validation-vm.XXXXXX)
trap 'rm -rf "$results"' EXIT
# The guest writes its logs to the results share (/run/results there), copied to $logs afterwards.
# The guest's devtmpfs has no /dev/fd, which run.sh's process substitutions need.
command=$(printf '%q ' sh -c '[ -e /dev/fd ] || ln -s /proc/self/fd /dev/fd; exec "$@"' sh env TESTS="${TESTS:-}" TIMEOUT="${TIMEOUT:-600}" LOGS=/run/results/logs "$here/run.sh" "$suite" "${runtimes[@]}")
status=0
CONTAINMENT_VM_RESULTS=$results CONTAINMENT_VM_GUEST_COMMAND=$command \
  flock /var/lock/containment-vm.lock "$here/../cgroup2-vm/run.sh" || status=$?
[ -d "$results/logs" ] && cp -r "$results/logs/." "$logs/"
exit "$status"
