#!/usr/bin/env bash
# Builds the plan decoder's fuzzer (libFuzzer, AddressSanitizer, UndefinedBehaviorSanitizer). Usage: build.sh [OUTPUT]
# Needs clang-14 and its fuzzer runtime (Debian: clang-14 libclang-rt-14-dev).
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
out=${1:-$here/plan_fuzz}
exe=$here/../../src/native/executor
clang-14 -g -O1 -D_GNU_SOURCE -std=gnu11 -Wall -Wextra -Werror \
  -fsanitize=fuzzer,address,undefined -fno-sanitize-recover=all \
  -o "$out" "$here/plan_fuzz.c" "$exe/plan.c" "$exe/validate.c"
