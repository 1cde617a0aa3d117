#!/usr/bin/env bash
# Builds the `containment` OCI runtime CLI (samples/Containment.Runtime) as a NativeAOT single-file binary.
# Usage: build-cli.sh [OUTPUT_DIR] (default artifacts/cli) [RID...] (default linux-x64 linux-arm64)
# Writes OUTPUT_DIR/RID/containment for each RID that builds. NativeAOT needs clang (or gcc) and zlib1g-dev for the
# host's architecture. A RID of another architecture (linux-arm64 on an x64 host) links with clang --target (gcc knows
# no --target), against Debian's cross libc: clang-14, gcc-aarch64-linux-gnu, libc6-dev-arm64-cross. A RID that does
# not build is reported and skipped; the script fails only if none built.
set -uo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
out=$(realpath -m "${1:-$root/artifacts/cli}")
shift || true
if [ $# -gt 0 ]; then rids=("$@"); else rids=(linux-x64 linux-arm64); fi
host=linux-$(uname -m | sed 's/x86_64/x64/; s/aarch64/arm64/')
clang=$(command -v clang || command -v clang-14 || true)
built=0
for rid in "${rids[@]}"; do
  echo "build-cli: $rid"
  log=$(mktemp)
  cross=()
  [ "$rid" != "$host" ] && [ -n "$clang" ] && cross=(-p:CppCompilerAndLinker="$clang")
  if dotnet publish "$root/samples/Containment.Runtime" -c Release -r "$rid" -m:1 -o "$out/$rid" -p:PublishAot=true \
      -p:StripSymbols=true "${cross[@]}" >"$log" 2>&1; then
    rm -f "$out/$rid/Containment.Runtime" "$out/$rid"/*.dbg "$out/$rid"/*.pdb "$out/$rid/Containment.xml"   # the binary alone
    echo "build-cli: $out/$rid/containment ($(stat -c %s "$out/$rid/containment") bytes)"
    built=$((built + 1))
  else
    grep -E 'error|warning NETSDK' "$log" | sort -u | head -n 5
    echo "build-cli: $rid did not build (full log: $log)" >&2
    continue
  fi
  rm -f "$log"
done
[ "$built" -gt 0 ]
