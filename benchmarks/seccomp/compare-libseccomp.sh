#!/usr/bin/env bash
# Compares the number of BPF instructions the kernel executes per call under the default container profile:
# libseccomp's program (seccomp_export_bpf, Debian's libseccomp-dev) versus Containment's, both run in
# Containment's cBPF interpreter. Run from anywhere: benchmarks/seccomp/compare-libseccomp.sh
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
repo="$(cd "$here/../.." && pwd)"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

if ! dpkg -s libseccomp-dev >/dev/null 2>&1; then
    echo "installing libseccomp-dev ..." >&2
    apt-get install -y libseccomp-dev >/dev/null
fi
gcc -O2 -Wall -o "$work/export-libseccomp" "$here/export-libseccomp.c" -lseccomp

bench=(dotnet run -c Release --project "$repo/benchmarks/Containment.Benchmarks" --)
# 1. The default profile, resolved for a container without capabilities on x86_64, as libseccomp rules.
"${bench[@]}" seccomp-rules > "$work/rules.txt"
# 2. libseccomp's program for the same rules.
"$work/export-libseccomp" "$work/rules.txt" > "$work/libseccomp.bpf"
# 3. Both programs in the interpreter: instructions executed per call, and the same decision.
"${bench[@]}" seccomp-count "$work/libseccomp.bpf"
