#!/usr/bin/env bash
# Builds the static executor. Usage: build-executor.sh OUTPUT
# Prefers musl (tens of KiB); falls back to static glibc.
set -euo pipefail
out=$1
here=$(cd "$(dirname "$0")" && pwd)
flags="-D_GNU_SOURCE -std=gnu11 -Os -static -Wall -Wextra -Werror -fno-asynchronous-unwind-tables -fno-stack-protector -ffunction-sections -fdata-sections -Wl,--gc-sections -s"
cc=gcc
extra=""
if command -v musl-gcc >/dev/null 2>&1; then
  cc=musl-gcc
  # Debian's musl-gcc has no kernel headers of its own.
  extra="-idirafter /usr/include -idirafter /usr/include/$(gcc -dumpmachine)"
fi
# shellcheck disable=SC2086
$cc $flags $extra ${EXECUTOR_EXTRA_CFLAGS:-} -o "$out.tmp" "$here"/executor/*.c
mv "$out.tmp" "$out"
