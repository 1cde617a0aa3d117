#!/usr/bin/env bash
# `containment run` (the NativeAOT CLI) against `crun run`, `runc run` and the unshare floor on one busybox bundle: the
# config `runc spec` writes (pid, net, ipc, uts, mount namespaces, its masked and read-only paths, capabilities) with a
# memory and pids limit (a cgroup in every v1 hierarchy), alternating, rotating the order each round, back to back and
# with 100 ms idle before each run. Prints p10/p50/p90 and ratios.
#   benchmarks/compare/cli.sh [RUNS] [MODE]     MODE: both (default), back-to-back, idle
#   BASELINE_CLI=/path/to/containment (another build, e.g. main's) adds it as a candidate: before/after in one run.
set -euo pipefail
runs=${1:-100}
mode=${2:-both}
top=$(cd "$(dirname "$0")/../.." && pwd)
. "$top/benchmarks/lib/bundle.sh"
. "$top/benchmarks/lib/detached-unified.sh"
work=$(mktemp -d /tmp/containment-clibench.XXXXXX)
trap 'rm -rf "$work"' EXIT
for tool in crun runc; do command -v $tool >/dev/null || { apt-get update -qq && apt-get install -y -qq crun runc >/dev/null; }; done
[ -x /usr/bin/busybox ] || { apt-get update -qq && apt-get install -y -qq busybox-static >/dev/null; }

make_bundle "$work/bundle" runc "$BENCH_RESOURCES"
dotnet publish "$top/samples/Containment.Runtime" -c Release -o "$work/bin" -nologo -v q >/dev/null
dotnet build -c Release "$top/benchmarks/Containment.Benchmarks" -v q -nologo >/dev/null
dll="$top/benchmarks/Containment.Benchmarks/bin/Release/net10.0/Containment.Benchmarks.dll"
args=(compare --set cli --cli "$work/bin/containment" --bundle "$work/bundle" --runs "$runs")
[ -z "${BASELINE_CLI:-}" ] || args+=(--baseline-cli "$BASELINE_CLI")
[ "$mode" = idle ] || in_private_v1 dotnet "$dll" "${args[@]}"
[ "$mode" = back-to-back ] || in_private_v1 dotnet "$dll" "${args[@]}" --idle-ms 100
