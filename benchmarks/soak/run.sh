#!/usr/bin/env bash
# Soak: COUNT container lifecycles (/bin/true in a busybox root with a cgroup), IN_FLIGHT at a time, three ways:
#   (a) through the library, in one host (LibrarySoak);
#   (b) through the CLI, `containment run` on a bundle (the NativeAOT binary, one process per container);
#   (c) `crun run` on the same bundle, for comparison.
# Reports failures (must be 0), leaks (must be 0: the host's fds, children and mounts for (a); for all, state
# folders, cgroups and processes left, mounts added), host RSS at start and end for (a), containers/s.
#   benchmarks/soak/run.sh [COUNT] [IN_FLIGHT]
# Not part of the test suite. As in benchmarks/compare, crun 1.8 refuses this machine's hybrid cgroup layout, so
# everything runs in a private mount namespace where /sys/fs/cgroup/unified is detached (there only).
set -euo pipefail
count=${1:-1000}
inflight=${2:-8}
top=$(cd "$(dirname "$0")/../.." && pwd)
. "$top/benchmarks/lib/bundle.sh"
work=$(mktemp -d /tmp/containment-soak.XXXXXX)
trap 'rm -rf "$work"' EXIT
command -v crun >/dev/null || { apt-get update -qq && apt-get install -y -qq crun >/dev/null; }

dotnet build "$top/benchmarks/soak/LibrarySoak" -c Release -o "$work/soak" -nologo -v q >/dev/null
dotnet publish "$top/samples/Containment.Runtime" -c Release -o "$work/bin" -nologo -v q >/dev/null
bundle=$work/bundle
make_bundle "$bundle" crun '{"pids": {"limit": 32}}'

unshare --mount --propagation private bash -s "$count" "$inflight" "$bundle" "$work" <<'SH'
set -euo pipefail
count=$1 inflight=$2 bundle=$3 work=$4
umount -l /sys/fs/cgroup/unified 2>/dev/null || true
# Under the detached unified mount point crun makes plain directories in /sys/fs/cgroup's tmpfs (hidden outside
# this namespace): not cgroups, so not counted here, but removed at the end.
cgroups() { find /sys/fs/cgroup -maxdepth 3 -type d -name 'soak-*' -not -path '/sys/fs/cgroup/unified/*' | wc -l; }
processes() { grep -l '/soak-' /proc/[0-9]*/cgroup 2>/dev/null | wc -l; }
mounts() { wc -l </proc/self/mountinfo; }

"$work/soak/LibrarySoak" "$bundle/rootfs" "$count" "$inflight"

# One CLI lifecycle per id; prints "fail ID" when it does not exit 0.
soak_cli() {
  local name=$1; shift
  local before_mounts; before_mounts=$(mounts)
  local s e; s=$(date +%s%N)
  seq 1 "$count" | xargs -P "$inflight" -I{} sh -c '"$@" soak-{} </dev/null >/dev/null 2>&1 || echo "fail soak-{}"' sh "$@" >"$work/$name.fails"
  e=$(date +%s%N)
  local root=${@: -4:1}
  awk -v n="$name" -v c="$count" -v p="$inflight" -v f="$(wc -l <"$work/$name.fails")" -v st="$(find "$root" -mindepth 1 -maxdepth 1 | wc -l)" \
      -v cg="$(cgroups)" -v pr="$(processes)" -v m="$(( $(mounts) - before_mounts ))" -v ns="$((e - s))" \
      'BEGIN { printf "%s: %d lifecycles, %d in flight: failures %d, state folders %d, cgroups %d, processes %d, mounts %d, %.0f containers/s (%.1f s)\n", n, c, p, f, st, cg, pr, m, c / (ns / 1e9), ns / 1e9 }'
}
mkdir -p "$work/state-c" "$work/state-crun"
soak_cli "containment run" "$work/bin/containment" --root "$work/state-c" run --bundle "$bundle"
soak_cli "crun run" crun --root "$work/state-crun" run --bundle "$bundle"
find /sys/fs/cgroup/unified -mindepth 2 -maxdepth 2 -path '/sys/fs/cgroup/unified/soak-*' -name cgroup.procs -type f -delete
find /sys/fs/cgroup/unified -mindepth 1 -maxdepth 1 -type d -name 'soak-*' -empty -delete
SH
