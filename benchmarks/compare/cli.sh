#!/usr/bin/env bash
# `containment run` (the NativeAOT CLI) against `crun run` and `runc run` on the same bundle: /bin/true in a busybox
# root, the config `runc spec` writes (pid, net, ipc, uts, mount namespaces, its masked and read-only paths,
# capabilities, a cgroup), alternating, many runs. Prints medians and ratios.
#   benchmarks/compare/cli.sh [RUNS]
# As in run.sh, crun 1.8 refuses this machine's hybrid cgroup layout, so everything runs in a private mount
# namespace where /sys/fs/cgroup/unified is detached (there only).
set -euo pipefail
runs=${1:-100}
top=$(cd "$(dirname "$0")/../.." && pwd)
. "$top/benchmarks/lib/bundle.sh"
work=$(mktemp -d /tmp/containment-clibench.XXXXXX)
trap 'rm -rf "$work"' EXIT
for tool in crun runc; do command -v $tool >/dev/null || { apt-get update -qq && apt-get install -y -qq crun runc >/dev/null; }; done

dotnet publish "$top/samples/Containment.Runtime" -c Release -o "$work/bin" -nologo -v q >/dev/null
bundle=$work/bundle
make_bundle "$bundle" runc

unshare --mount --propagation private bash -s "$runs" "$bundle" "$work" <<'SH'
set -euo pipefail
runs=$1 bundle=$2 work=$3
umount -l /sys/fs/cgroup/unified 2>/dev/null || true
# Under the detached mount point crun makes plain directories (and a cgroup.procs file) in the host's /sys/fs/cgroup
# tmpfs, hidden outside this namespace: removed on the way out.
trap 'find /sys/fs/cgroup/unified -mindepth 2 -maxdepth 2 -path "/sys/fs/cgroup/unified/b*" -name cgroup.procs -type f -delete; find /sys/fs/cgroup/unified -mindepth 1 -maxdepth 1 -name "b*" -type d -empty -delete' EXIT
declare -A t
for i in $(seq 1 $((runs + 10))); do
  for name in containment crun runc; do
    case $name in
      containment) cmd=("$work/bin/containment" --root "$work/state-c" run --bundle "$bundle" "b$i") ;;
      crun) cmd=(crun --root "$work/state-crun" run --bundle "$bundle" "b$i") ;;
      runc) cmd=(runc --root "$work/state-runc" run --bundle "$bundle" "b$i") ;;
    esac
    s=$(date +%s%N); "${cmd[@]}" </dev/null >/dev/null 2>&1 || echo "$name run $i failed" >&2; e=$(date +%s%N)
    [ "$i" -gt 10 ] && t[$name]+="$(( (e - s) / 1000 )) "
  done
done
median() { tr ' ' '\n' | grep . | sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }
mc=$(echo "${t[containment]}" | median)
echo "start→exit of /bin/true through the CLI, $runs alternating runs, medians:"
for name in containment crun runc; do
  m=$(echo "${t[$name]}" | median)
  awk -v n="$name" -v m="$m" -v c="$mc" 'BEGIN { printf "  %-12s %8.2f ms   containment/this = %.2f\n", n " run", m / 1000, c / m }'
done
SH
