#!/usr/bin/env bash
# The aarch64 executor under qemu-user (qemu-aarch64-static), on an x86-64 machine. Usage: qemu-user.sh ARM64_EXECUTOR
# 1. The plan decoder (tests/fuzz/plan_check.c: main.c's decode, plan.c, validate.c) built for x64 and for aarch64
#    decodes every corpus plan, and each of its truncations and single-byte inversions, alike: the same accepted or
#    refused, the same ops with the same argument lengths.
# 2. The real embedded aarch64 executor, sent a corpus plan as the host sends it: it decodes and validates it, and
#    performs it until the first op qemu-user cannot emulate (OP_CLONE: qemu-user answers clone3 with ENOSYS), which it
#    reports as a step failure, as it reports any; sent a corrupted plan, it refuses it with EBADMSG before any step.
# Prints "N passed, N failed, N skipped". Needs gcc, gcc-aarch64-linux-gnu, libc6-dev-arm64-cross, qemu-user-static.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$here/../..
exe=$root/src/native/executor
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
executor=$work/executor-arm64
install -m 0500 "$1" "$executor"   # qemu-user runs only an executable file
passed=0 failed=0
pass() { echo "PASS $1"; passed=$((passed + 1)); }
fail() { echo "FAIL $1"; failed=$((failed + 1)); }

flags="-O1 -D_GNU_SOURCE -std=gnu11 -Wall -Wextra -Werror"
# shellcheck disable=SC2086
gcc $flags -o "$work/check-x64" "$root/tests/fuzz/plan_check.c" "$exe/plan.c" "$exe/validate.c"
# shellcheck disable=SC2086
aarch64-linux-gnu-gcc $flags -static -o "$work/check-arm64" "$root/tests/fuzz/plan_check.c" "$exe/plan.c" "$exe/validate.c"
plans=("$root"/tests/fuzz/corpus/*.plan)
"$work/check-x64" "${plans[@]}" >"$work/x64"
qemu-aarch64-static "$work/check-arm64" "${plans[@]}" >"$work/arm64"
variants=$(wc -l <"$work/x64")
accepted=$(grep -c ' accepted' "$work/x64" || true)
if cmp -s "$work/x64" "$work/arm64"; then
  pass "decoder: ${#plans[@]} corpus plans, $variants variants ($accepted accepted), aarch64 decodes as x64"
else
  fail "decoder: aarch64 and x64 differ"
  diff "$work/x64" "$work/arm64" | head -n 20
fi

EBADMSG=74 MSG_ERROR=4
for plan in "${plans[@]}"; do
  name=$(basename "$plan" .plan)
  out=$(python3 "$here/drive-executor.py" "$executor" "$plan")
  first=$(head -n 1 <<<"$out")
  read -r kind step err <<<"$first"
  if [ "$kind" = "$MSG_ERROR" ] && [ "$step" -ge 0 ] && [ "$err" != "$EBADMSG" ]; then
    pass "executor: $name decoded and validated, stopped at step $step (errno $err)"
  else
    fail "executor: $name: $(tr '\n' ' ' <<<"$out")"
  fi
done

head -c 200 "${plans[0]}" >"$work/truncated.plan"
out=$(python3 "$here/drive-executor.py" "$executor" "$work/truncated.plan")
if [ "$(head -n 1 <<<"$out")" = "$MSG_ERROR -1 $EBADMSG" ]; then
  pass "executor: a truncated plan is refused with EBADMSG"
else
  fail "executor: truncated plan: $(tr '\n' ' ' <<<"$out")"
fi
echo "$passed passed, $failed failed, 0 skipped"
[ "$failed" -eq 0 ]
