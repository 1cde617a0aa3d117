#!/usr/bin/env bash
# Side-by-side start→exit latency of /bin/true on one busybox bundle (the config `runc spec` writes, with a memory and
# pids limit): the library from a warm host with that cgroup (the reference) and without one, `crun run`, `runc run`,
# the bare `unshare` floor and /bin/true; alternating, rotating the order each round; teardown counted. Two modes:
# back to back, and 100 ms idle before each run (a container now and then: on cgroup v1 a join then pays an RCU grace
# period). Prints p10/p50/p90 and ratios.
#   benchmarks/compare/run.sh [RUNS] [MODE]     MODE: both (default), back-to-back, idle
set -euo pipefail
runs=${1:-100}
mode=${2:-both}
top=$(cd "$(dirname "$0")/../.." && pwd)
. "$top/benchmarks/lib/bundle.sh"
. "$top/benchmarks/lib/detached-unified.sh"
work=$(mktemp -d /tmp/containment-bench.XXXXXX)
trap 'rm -rf "$work"' EXIT
for tool in crun runc; do command -v $tool >/dev/null || { apt-get update -qq && apt-get install -y -qq crun runc >/dev/null; }; done
[ -x /usr/bin/busybox ] || { apt-get update -qq && apt-get install -y -qq busybox-static >/dev/null; }

make_bundle "$work/bundle" runc "$BENCH_RESOURCES"
dotnet build -c Release "$top/benchmarks/Containment.Benchmarks" -v q -nologo >/dev/null
dll="$top/benchmarks/Containment.Benchmarks/bin/Release/net10.0/Containment.Benchmarks.dll"
[ "$mode" = idle ] || in_private_v1 dotnet "$dll" compare --bundle "$work/bundle" --runs "$runs"
[ "$mode" = back-to-back ] || in_private_v1 dotnet "$dll" compare --bundle "$work/bundle" --runs "$runs" --idle-ms 100
