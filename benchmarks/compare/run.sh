#!/usr/bin/env bash
# Side-by-side start latency: Containment (from a warm host) vs crun run, runc run, and the bare
# unshare floor, on the same busybox bundle, alternating, many runs. Prints medians and ratios.
#   benchmarks/compare/run.sh [RUNS]
# crun 1.8 refuses to run on this machine's hybrid cgroup layout ("hybrid mode not supported") because
# /sys/fs/cgroup/unified offers a controller; the comparison therefore runs inside a private mount
# namespace where that mount is detached (in that namespace only). The host's own mounts are never touched.
set -euo pipefail
runs=${1:-200}
here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/../.." && pwd)
bundle=${BUNDLE:-/tmp/containment-bench-bundle}

missing=()
command -v crun >/dev/null || missing+=(crun)
command -v runc >/dev/null || missing+=(runc)
[ -x /usr/bin/busybox ] || missing+=(busybox-static)
if [ ${#missing[@]} -gt 0 ]; then
  DEBIAN_FRONTEND=noninteractive apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null
fi

rm -rf "$bundle" && mkdir -p "$bundle/rootfs"/{bin,proc,dev,sys,tmp,etc}
cp /usr/bin/busybox "$bundle/rootfs/bin/busybox"
for applet in $(/usr/bin/busybox --list); do [ "$applet" = busybox ] || ln -sf busybox "$bundle/rootfs/bin/$applet"; done
(cd "$bundle" && runc spec)
python3 - "$bundle/config.json" <<'PY'
import json, sys
path = sys.argv[1]
c = json.load(open(path))
c["process"]["args"] = ["/bin/true"]
c["process"]["terminal"] = False
c["root"]["readonly"] = False
# The same namespaces the library uses in the comparison: pid, mount, uts, ipc, network.
c["linux"]["namespaces"] = [{"type": t} for t in ["pid", "network", "ipc", "uts", "mount"]]
json.dump(c, open(path, "w"), indent=2)
PY

dotnet build -c Release "$top/benchmarks/Containment.Benchmarks" -v q -nologo >/dev/null
dll="$top/benchmarks/Containment.Benchmarks/bin/Release/net10.0/Containment.Benchmarks.dll"
unshare --mount --propagation private sh -c "
  mountpoint -q /sys/fs/cgroup/unified && umount -l /sys/fs/cgroup/unified
  dotnet '$dll' compare --bundle '$bundle' --runs $runs
  # crun's plain directories under the detached mount point, in the host's /sys/fs/cgroup tmpfs (hidden outside).
  find /sys/fs/cgroup/unified -mindepth 2 -maxdepth 2 -path '/sys/fs/cgroup/unified/bench-crun-*' -name cgroup.procs -type f -delete
  find /sys/fs/cgroup/unified -mindepth 1 -maxdepth 1 -name 'bench-crun-*' -type d -empty -delete"
rm -rf "$bundle"
