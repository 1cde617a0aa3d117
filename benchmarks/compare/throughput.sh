#!/usr/bin/env bash
# Throughput: COUNT lifecycles of /bin/true, IN_FLIGHT at a time, on one busybox bundle with a memory and pids limit:
# the library (one host), `containment run`, `crun run` and `runc run` (one process per container), taking turns over
# ROUNDS rounds. Prints each one's median containers/s and the library's ratio to it.
#   benchmarks/compare/throughput.sh [COUNT] [IN_FLIGHT] [ROUNDS]
set -euo pipefail
count=${1:-200}
inflight=${2:-8}
rounds=${3:-3}
top=$(cd "$(dirname "$0")/../.." && pwd)
. "$top/benchmarks/lib/bundle.sh"
. "$top/benchmarks/lib/detached-unified.sh"
work=$(mktemp -d /tmp/containment-tpbench.XXXXXX)
trap 'rm -rf "$work"' EXIT
for tool in crun runc; do command -v $tool >/dev/null || { apt-get update -qq && apt-get install -y -qq crun runc >/dev/null; }; done
[ -x /usr/bin/busybox ] || { apt-get update -qq && apt-get install -y -qq busybox-static >/dev/null; }

make_bundle "$work/bundle" runc "$BENCH_RESOURCES"
dotnet publish "$top/samples/Containment.Runtime" -c Release -o "$work/bin" -nologo -v q >/dev/null
dotnet build -c Release "$top/benchmarks/Containment.Benchmarks" -v q -nologo >/dev/null
dll="$top/benchmarks/Containment.Benchmarks/bin/Release/net10.0/Containment.Benchmarks.dll"
in_private_v1 dotnet "$dll" throughput --cli "$work/bin/containment" --bundle "$work/bundle" --count "$count" --in-flight "$inflight" --rounds "$rounds"
