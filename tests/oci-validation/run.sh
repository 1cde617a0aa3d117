#!/usr/bin/env bash
# Runs a built opencontainers/runtime-tools validation suite against one or more OCI runtimes and counts its TAP points.
# Usage: run.sh SUITE_DIR RUNTIME...   (RUNTIME: a name on PATH or a path; e.g. crun runc artifacts/cli/linux-x64/containment)
# SUITE_DIR holds the validation binaries (create, delete, linux_cgroups_cpus, ...), runtimetest (static) and
# rootfs-amd64.tar.gz; docs/oci-conformance.md says how to build one. The suite is not part of this repository.
# Env: TESTS="create kill ..." runs only those; TIMEOUT (seconds per binary, default 120); LOGS (default /tmp/oci-validation-logs).
# Prints a per-binary table (passed failed skipped todo; E = the binary exited non-zero: util.Fatal, a crash or the
# timeout, or it printed an error and no TAP point; the _fail binaries report their verdict that way) and, for each
# runtime, a line `N passed, N failed, N skipped`. Every container a binary leaves is
# deleted with the runtime's own `delete --force`, every bundle removed (they are made in a temporary folder of the run's own), leftover cgroups reported.
set -uo pipefail
[ $# -ge 2 ] || { sed -n 2,8p "$0" >&2; exit 2; }
suite=$(realpath "$1"); shift
[ -x "$suite/runtimetest" ] && [ -f "$suite/rootfs-amd64.tar.gz" ] || { echo "run.sh: $suite has no runtimetest or rootfs-amd64.tar.gz" >&2; exit 2; }
timeout_s=${TIMEOUT:-120}
logs=${LOGS:-/tmp/oci-validation-logs}
mkdir -p "$logs"
# The binaries make their bundles with os.MkdirTemp: in a folder of this run's own, so another run's are never touched.
export TMPDIR; TMPDIR=$(mktemp -d /tmp/oci-validation.XXXXXX)
trap 'rm -rf "$TMPDIR"' EXIT
if [ -n "${TESTS:-}" ]; then read -r -a tests <<<"$TESTS"; else
  mapfile -t tests < <(cd "$suite" && for f in *; do [ -x "$f" ] && [ -f "$f" ] && [ "$f" != runtimetest ] && echo "$f"; done)
fi

ids() { "$1" list --format json 2>/dev/null | python3 -c 'import json,sys
try: d=json.load(sys.stdin) or []
except Exception: d=[]
print("\n".join(c["id"] for c in d))'; }
# cgroups the suite makes: one named after a container id (a uuid) or the suite's own paths (/cgrouptest,
# /testdir/cgrouptest/container), right under a controller's root; nothing deeper is touched (other cgroups are not ours)
cgroups() { find /sys/fs/cgroup -mindepth 2 -maxdepth 2 -type d -regextype egrep \
  -regex '/sys/fs/cgroup/[^/]+/([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}|cgrouptest|testdir)' 2>/dev/null | sort; }
# removes such a cgroup, its children first
remove_cgroup() { find "$1" -depth -type d -exec rmdir {} \; 2>/dev/null; [ ! -d "$1" ]; }

# count FILE -> "passed failed skipped todo E"
count() {
  awk -v rc="$2" '
    /^ok [0-9]+ # SKIP/ || /^ok [0-9]+ - .*# SKIP/ { s++; next }
    /^not ok [0-9]+.*# TODO/ { t++; next }
    /^ok [0-9]+/ { p++; next }
    /^not ok [0-9]+/ { f++; next }
    /^  error:/ { e=1 }
    END { printf "%d %d %d %d %d\n", p, f, s, t, (rc != 0 || ((p+f+s+t) == 0 && e)) ? 1 : 0 }' "$1"
}

declare -A total
for rt in "$@"; do
  rtpath=$(command -v "$rt" || realpath "$rt")
  name=$(basename "$rt")
  before_ids=$(ids "$rtpath")
  before_cg=$(cgroups)
  printf '\n== %s (%s)\n%-38s %6s %6s %6s %5s %2s\n' "$name" "$rtpath" test passed failed skipped todo E
  tp=0 tf=0 ts=0 tt=0 te=0
  for t in "${tests[@]}"; do
    log="$logs/$name.$t.tap"
    (cd "$suite" && RUNTIME="$rtpath" timeout -k 10 "$timeout_s" "./$t" >"$log" 2>"$logs/$name.$t.err" </dev/null)
    rc=$?
    read -r p f s td e < <(count "$log" "$rc")
    printf '%-38s %6d %6d %6d %5d %2s\n' "$t" "$p" "$f" "$s" "$td" "$([ "$e" = 1 ] && echo E)"
    tp=$((tp+p)) tf=$((tf+f)) ts=$((ts+s)) tt=$((tt+td)) te=$((te+e))
    for id in $(comm -13 <(echo "$before_ids") <(ids "$rtpath")); do
      "$rtpath" delete --force "$id" >/dev/null 2>&1 || echo "  left: container $id could not be deleted" >&2
    done
    for d in "$TMPDIR"/*; do [ -e "$d" ] || continue; umount -R "$d" 2>/dev/null; rm -rf "$d"; done
  done
  left=$(comm -13 <(echo "$before_cg") <(cgroups))
  for d in $left; do remove_cgroup "$d" && echo "  removed leftover cgroup $d" >&2 || echo "  left: cgroup $d" >&2; done
  echo "$name: $tp passed, $tf failed, $ts skipped ($tt todo, $te binaries E)"
  total[$name]="$tp passed, $tf failed, $ts skipped"
done
echo
for rt in "$@"; do name=$(basename "$rt"); echo "$name: ${total[$name]}"; done
