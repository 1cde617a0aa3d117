#!/usr/bin/env bash
# The library against `crun run` on pure cgroup v2: benchmarks/cgroup2/Cgroup2Compare run inside the throw-away VM of
# tests/cgroup2-vm/run.sh (cgroup_no_v1=all; one VM at a time on a machine, hence the lock). The VM emulates its CPU
# (about 15–20× slower than the host): only the ratios mean anything. Prints the comparison.
#   benchmarks/compare/cgroup2-vm.sh [RUNS]
set -euo pipefail
runs=${1:-20}
top=$(cd "$(dirname "$0")/../.." && pwd)
. "$top/benchmarks/lib/bundle.sh"
. "$top/benchmarks/lib/detached-unified.sh" # BENCH_RESOURCES
command -v crun >/dev/null || { apt-get update -qq && apt-get install -y -qq crun >/dev/null; }
command -v runc >/dev/null || { apt-get update -qq && apt-get install -y -qq runc >/dev/null; }
# On the root filesystem: the guest sees this machine's / (read-only), not its tmpfs mounts.
work=$(mktemp -d /var/tmp/containment-v2bench.XXXXXX)
trap 'rm -rf "$work"' EXIT
make_bundle "$work/bundle" runc "$BENCH_RESOURCES"
# run.sh reports a test run; this is none, so its own verdict (no test summary) is ignored: the comparison is the result.
CONTAINMENT_VM_PROJECT=$top/benchmarks/cgroup2/Cgroup2Compare CONTAINMENT_VM_CONFIGURATION=Release \
  flock /var/lock/containment-vm.lock "$top/tests/cgroup2-vm/run.sh" --bundle "$work/bundle" --runs "$runs" >"$work/vm.log" 2>&1 || true
grep -E "^(cgroup v|  [a-z])" "$work/vm.log" || { tail -n 30 "$work/vm.log" >&2; echo "cgroup2-vm: no comparison came back" >&2; exit 1; }
