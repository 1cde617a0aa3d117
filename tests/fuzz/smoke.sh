#!/usr/bin/env bash
# A bounded run of the plan decoder's fuzzer from the committed corpus. Usage: smoke.sh [SECONDS] (default 60)
# Builds the fuzzer, runs it on a scratch copy of corpus/ (new inputs stay out of the repository), and prints
# "executions: N" and "findings: N". Exits nonzero on any crash, sanitizer report, leak or hang (-timeout=5).
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
seconds=${1:-60}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
"$here/build.sh" "$work/plan_fuzz"
mkdir "$work/corpus" "$work/artifacts"
cp "$here"/corpus/* "$work/corpus/"
status=0
"$work/plan_fuzz" -max_total_time="$seconds" -timeout=5 -print_final_stats=1 -artifact_prefix="$work/artifacts/" \
  "$work/corpus" >"$work/log" 2>&1 || status=$?
grep -E '^(INFO: seed corpus|#[0-9]+[[:space:]]+(INITED|DONE))|^Done [0-9]+ runs|^stat::(number_of_executed_units|average_exec_per_sec|peak_rss_mb)' "$work/log" || true
findings=$(find "$work/artifacts" -type f | wc -l)
echo "executions: $(sed -n 's/^stat::number_of_executed_units: *//p' "$work/log" | tail -n 1)"
echo "findings: $findings"
if [ "$status" -ne 0 ] || [ "$findings" -ne 0 ]; then
  tail -n 60 "$work/log"
  for f in "$work"/artifacts/*; do [ -f "$f" ] && { echo "== $(basename "$f")"; od -A d -t x1 "$f" | head -n 40; }; done
  echo "plan_fuzz failed (exit $status)" >&2
  exit 1
fi
