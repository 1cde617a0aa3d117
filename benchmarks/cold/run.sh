#!/usr/bin/env bash
# Cold start: what the first container of a fresh process costs. A small consumer (benchmarks/cold/ColdStart: /bin/true in
# a busybox root, isolated namespaces, a memory and pids limit, teardown counted) built four ways: as-is (JIT, the library
# as a project: IL only), as-is against the packed .nupkg (pkg: JIT, with the package's ReadyToRun copy of the library,
# what a NuGet user runs), ReadyToRun and NativeAOT. For each, RUNS fresh processes, interleaved: the process's wall time with no container (`--none`: the
# runtime's own start and exit) and with one container; and, from inside a process that starts 10 containers, the first
# one's start→exit against the median of the other nine (warm), and the time to build its spec (before the first start). Then the README's sample, `containment-run --help`
# against `containment-run -- /bin/true` (JIT). Prints medians in ms.
#   benchmarks/cold/run.sh [RUNS]
set -euo pipefail
runs=${1:-15}
top=$(cd "$(dirname "$0")/../.." && pwd)
. "$top/benchmarks/lib/bundle.sh"
work=$(mktemp -d /tmp/containment-cold.XXXXXX)
trap 'rm -rf "$work"' EXIT
[ -x /usr/bin/busybox ] || { apt-get update -qq && apt-get install -y -qq busybox-static >/dev/null; }
command -v runc >/dev/null || { apt-get update -qq && apt-get install -y -qq runc >/dev/null; }
make_bundle "$work/bundle" runc
rootfs=$work/bundle/rootfs

project=$top/benchmarks/cold/ColdStart
dotnet build "$project" -c Release -o "$work/jit" -nologo -v q >/dev/null
# The package, restored from a local feed into a cache of this run (the machine's cache serves its dependencies).
version=0.0.0-cold.$$
dotnet pack "$top/src/Containment" -c Release -o "$work/feed" -p:Version=$version -nologo -v q >/dev/null
NUGET_FALLBACK_PACKAGES="${NUGET_PACKAGES:-$HOME/.nuget/packages}" NUGET_PACKAGES="$work/packages" \
  dotnet build "$project" -c Release -o "$work/pkg" -p:ContainmentPackageVersion=$version -p:RestoreAdditionalProjectSources="$work/feed" -nologo -v q >/dev/null
dotnet publish "$project" -c Release -r linux-x64 --self-contained false -p:PublishReadyToRun=true -o "$work/r2r" -nologo -v q >/dev/null
dotnet publish "$project" -c Release -r linux-x64 -p:PublishAot=true -o "$work/aot" -nologo -v q >/dev/null
dotnet build "$top/samples/Containment.Run" -c Release -o "$work/sample" -nologo -v q >/dev/null

ms() { local t=$EPOCHREALTIME; "$@" >/dev/null; echo "$t $EPOCHREALTIME" | awk '{printf "%.2f\n", ($2 - $1) * 1000}'; }
median() { sort -n | awk '{a[NR]=$1} END {print a[int((NR + 1) / 2)]}'; }
for variant in jit pkg r2r aot; do for f in none one first warm spec; do : >"$work/$variant.$f"; done; done
: >"$work/sample.help"; : >"$work/sample.true"
for ((i = 0; i < runs; i++)); do
  for variant in jit pkg r2r aot; do
    bin=$work/$variant/ColdStart
    ms "$bin" --none >>"$work/$variant.none"
    ms "$bin" "$rootfs" 1 >>"$work/$variant.one"
    read -r _ first _ warm _ spec _ < <("$bin" "$rootfs" 10)
    echo "$first" >>"$work/$variant.first"
    echo "$warm" >>"$work/$variant.warm"
    echo "$spec" >>"$work/$variant.spec"
  done
  ms "$work/sample/containment-run" --help >>"$work/sample.help"
  ms "$work/sample/containment-run" --rootfs "$rootfs" -- /bin/true >>"$work/sample.true"
done

echo "cold start, $runs fresh processes each, medians in ms (load: $(cut -d' ' -f1-3 /proc/loadavg))"
printf '  %-10s %12s %14s %10s %8s %14s %14s %10s\n' consumer "no container" "one container" "its cost" spec "first (inside)" "warm (inside)" first/warm
for variant in jit pkg r2r aot; do
  none=$(median <"$work/$variant.none"); one=$(median <"$work/$variant.one")
  first=$(median <"$work/$variant.first"); warm=$(median <"$work/$variant.warm"); spec=$(median <"$work/$variant.spec")
  awk -v v="$variant" -v none="$none" -v one="$one" -v spec="$spec" -v first="$first" -v warm="$warm" \
    'BEGIN {printf "  %-10s %12.2f %14.2f %10.2f %8.2f %14.2f %14.2f %10.2f\n", v, none, one, one - none, spec, first, warm, first / warm}'
done
help=$(median <"$work/sample.help"); run=$(median <"$work/sample.true")
echo "  README sample (JIT): --help $help, -- /bin/true $run"
