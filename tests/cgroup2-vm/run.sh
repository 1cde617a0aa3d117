#!/usr/bin/env bash
# Runs tests/Containment.Cgroup2Tests on a pure cgroup v2 kernel, whatever this machine's cgroups are.
#
# A throw-away VM under qemu boots Debian's own kernel (downloaded with apt-get, unpacked into a cache folder,
# never installed) with cgroup_no_v1=all. A busybox initramfs loads the 9p/virtio/overlay modules, mounts this
# machine's / read-only over 9p with a tmpfs overlay on top, chroots into it and runs the published test
# executable there. The result (exit code, output) comes back over a second, writable 9p share.
#
# Prints the test output, then one line: "cgroup2-vm: N passed, N failed, N skipped in S s".
# Exits 0 when every test passed; non-zero on a failed test, a failed boot, a timeout or a missing kernel.
# Leaves nothing behind but the cache (CONTAINMENT_VM_CACHE, default /var/cache/containment-vm): no mounts, no
# qemu, no temporary folder. Needs root (apt-get, 9p passthrough of /).
#
# Arguments are passed to the test executable (e.g. --filter "FullyQualifiedName~LimitTests").
# Environment: CONTAINMENT_VM_TIMEOUT_MINUTES (default 15) bounds the VM; CONTAINMENT_VM_BOOT_SECONDS (default
# 120) bounds the boot up to the init script; CONTAINMENT_VM_CACHE as above; CONTAINMENT_VM_CONFIGURATION
# (default Debug) is the build configuration of the tests. systemd.sh sets two more: CONTAINMENT_VM_PROJECT (the
# suite, default tests/Containment.Cgroup2Tests) and CONTAINMENT_VM_BOOT_HOOK (a script the init sources where it
# would chroot: it hands the guest to systemd as PID 1). tests/oci-validation/in-vm.sh sets CONTAINMENT_VM_GUEST_COMMAND
# (a shell command run in the guest instead of a test suite, nothing published; its exit status is the script's) and
# CONTAINMENT_VM_RESULTS (the results share: a folder of the caller's, mounted at /run/results in the guest, kept).
set -euo pipefail

repo=$(cd "$(dirname "$0")/../.." && pwd)
cache=${CONTAINMENT_VM_CACHE:-/var/cache/containment-vm}
minutes=${CONTAINMENT_VM_TIMEOUT_MINUTES:-15}
boot_limit=${CONTAINMENT_VM_BOOT_SECONDS:-120}
configuration=${CONTAINMENT_VM_CONFIGURATION:-Debug}
project=${CONTAINMENT_VM_PROJECT:-$repo/tests/Containment.Cgroup2Tests}  # systemd.sh runs another suite the same way
# In load order; each one's dependencies come before it.
modules=(virtio_ring virtio_pci_modern_dev virtio_pci_legacy_dev virtio virtio_pci virtio_blk 9pnet 9pnet_virtio netfs fscache 9p overlay)
# A stage may load more (criu.sh: the socket diag modules CRIU dumps sockets with), after these.
modules+=(${CONTAINMENT_VM_EXTRA_MODULES:-})

say() { echo "cgroup2-vm: $*" >&2; }
die() { say "FAILED: $*"; echo "cgroup2-vm: 0 passed, 1 failed, 0 skipped"; exit 1; }

[ "$(id -u)" -eq 0 ] || die "needs root"
started=$(date +%s)

work=$(mktemp -d /tmp/containment-vm.XXXXXX)
qemu_pid=
cleanup() {
  if [ -n "$qemu_pid" ] && kill -0 "$qemu_pid" 2>/dev/null; then
    kill -KILL "$qemu_pid" 2>/dev/null || true
    wait "$qemu_pid" 2>/dev/null || true
  fi
  rm -rf "$work"
}
trap cleanup EXIT
trap 'exit 130' INT TERM HUP
trap 'die "line $LINENO: $BASH_COMMAND failed"' ERR

# --- Host packages: qemu, and a static busybox for the initramfs -------------------------------------------
apt_install() {
  export DEBIAN_FRONTEND=noninteractive
  apt-get install -y -qq --no-install-recommends "$@" >/dev/null 2>&1 ||
    { apt-get update -qq >/dev/null 2>&1 && apt-get install -y -qq --no-install-recommends "$@" >/dev/null; } ||
    die "apt-get install $* failed"
}
need=()
command -v qemu-system-x86_64 >/dev/null 2>&1 || need+=(qemu-system-x86)
dpkg -s busybox-static >/dev/null 2>&1 || need+=(busybox-static)
command -v apparmor_parser >/dev/null 2>&1 || need+=(apparmor) # AppArmorTests load a profile in the guest (which sees this /)
if [ ${#need[@]} -gt 0 ]; then
  say "installing ${need[*]}"
  apt_install "${need[@]}"
fi
busybox=$(command -v busybox) || die "busybox-static is installed but busybox is not on PATH"

# --- The kernel: Debian's linux-image-amd64 dependency, downloaded once into the cache ---------------------
kernel_package() { apt-cache depends linux-image-amd64 2>/dev/null | awk '/Depends: linux-image-[0-9]/ { print $2; exit }' || true; }
package=$(kernel_package)
if [ -z "$package" ]; then
  apt-get update -qq >/dev/null 2>&1 || true
  package=$(kernel_package)
fi
[ -n "$package" ] || die "cannot resolve linux-image-amd64 to a kernel package (apt-cache depends linux-image-amd64)"
version=${package#linux-image-}
kernel=$cache/$version
complete=yes
for f in vmlinuz "${modules[@]/%/.ko}"; do [ -f "$kernel/$f" ] || complete=; done
if [ -z "$complete" ]; then
  mkdir -p "$cache"
  deb=$(ls "$cache/${package}"_*.deb 2>/dev/null | tail -n 1 || true)
  if [ -z "$deb" ]; then
    say "downloading $package"
    (cd "$cache" && apt-get download -q -o APT::Sandbox::User=root "$package" >/dev/null) || die "cannot download the kernel package $package"
    deb=$(ls "$cache/${package}"_*.deb 2>/dev/null | tail -n 1 || true)
    [ -n "$deb" ] || die "apt-get download $package left no .deb in $cache"
  fi
  say "unpacking vmlinuz and ${#modules[@]} modules from $(basename "$deb")"
  unpack=$(mktemp -d "$cache/.unpack.XXXXXX")
  patterns=("./boot/vmlinuz-$version")
  for m in "${modules[@]}"; do patterns+=("*/$m.ko"); done
  dpkg-deb --fsys-tarfile "$deb" | tar -x -C "$unpack" --wildcards "${patterns[@]}" || { rm -rf "$unpack"; die "cannot unpack $deb"; }
  mkdir -p "$unpack/out"
  mv "$unpack/boot/vmlinuz-$version" "$unpack/out/vmlinuz"
  for m in "${modules[@]}"; do
    ko=$(find "$unpack" -name "$m.ko" | head -n 1)
    [ -n "$ko" ] || { rm -rf "$unpack"; die "module $m is not in $deb"; }
    mv "$ko" "$unpack/out/"
  done
  rm -rf "$kernel"
  mv "$unpack/out" "$kernel"
  rm -rf "$unpack"
  rm -f "$cache"/linux-image-*.deb # the unpacked files are all that is reused
fi

# --- The tests, published where the guest sees them (this machine's / is its lower layer) ------------------
guest_command=${CONTAINMENT_VM_GUEST_COMMAND:-}
if [ -z "$guest_command" ]; then
  say "publishing $(basename "$project") ($configuration)"
  dotnet publish "$project" -c "$configuration" -o "$work/publish" --nologo -v q >"$work/publish.log" 2>&1 ||
    { cat "$work/publish.log" >&2; die "dotnet publish $project failed"; }
  exe=$work/publish/$(basename "$project")
  [ -x "$exe" ] || die "$exe was not produced"
fi

# --- The initramfs: busybox, the modules, and an init that builds the guest's root and runs the tests -------
initramfs=$work/initramfs
mkdir -p "$initramfs/bin" "$initramfs/modules"
cp "$busybox" "$initramfs/bin/busybox"
for m in "${modules[@]}"; do cp "$kernel/$m.ko" "$initramfs/modules/"; done
cat >"$initramfs/init" <<EOF
#!/bin/busybox sh
/bin/busybox --install -s /bin
export PATH=/bin
echo "vm-init: up"
fail() { echo "vm-init: \$*"; poweroff -f; }
mkdir -p /proc /sys /dev /host /upper /newroot
mount -t proc proc /proc && mount -t sysfs sysfs /sys && mount -t devtmpfs devtmpfs /dev || fail "basic mounts"
for m in ${modules[*]}; do insmod /modules/\$m.ko || fail "insmod \$m"; done
mount -t 9p -o trans=virtio,version=9p2000.L,ro,msize=512000,cache=loose host /host || fail "mount the host share"
mount -t tmpfs -o size=1536m tmpfs /upper && mkdir /upper/data /upper/work || fail "tmpfs"
mount -t overlay overlay -o lowerdir=/host,upperdir=/upper/data,workdir=/upper/work /newroot || fail "overlay"
r=/newroot
mount -t proc proc \$r/proc && mount -t sysfs sysfs \$r/sys && mount -t cgroup2 cgroup2 \$r/sys/fs/cgroup || fail "proc, sys, cgroup2"
mount -t securityfs securityfs \$r/sys/kernel/security || fail "securityfs (apparmor_parser loads profiles there)"
mount -t devtmpfs devtmpfs \$r/dev && mkdir -p \$r/dev/pts \$r/dev/shm && mount -t devpts devpts \$r/dev/pts && mount -t tmpfs tmpfs \$r/dev/shm || fail "dev"
mount -t tmpfs tmpfs \$r/run && mkdir -p \$r/run/results || fail "run"
mount -t 9p -o trans=virtio,version=9p2000.L results \$r/run/results || fail "mount the results share"
# A boot hook (systemd.sh: hand the guest to systemd as PID 1) takes over here and never returns.
[ -f \$r/run/results/boot.sh ] && . \$r/run/results/boot.sh
echo "vm-init: running the tests"
chroot \$r /bin/sh /run/results/guest.sh >\$r/run/results/output.log 2>&1
echo \$? >\$r/run/results/exit
sync
umount \$r/run/results
poweroff -f
EOF
chmod 755 "$initramfs/init"
(cd "$initramfs" && find . | "$busybox" cpio -o -H newc 2>/dev/null | gzip -1 >"$work/initrd.gz") || die "cannot build the initramfs"

# --- What runs in the guest, chrooted into the overlay of this machine's / ---------------------------------
results=${CONTAINMENT_VM_RESULTS:-$work/results}
mkdir -p "$results"
[ -n "${CONTAINMENT_VM_BOOT_HOOK:-}" ] && cp "$CONTAINMENT_VM_BOOT_HOOK" "$results/boot.sh"
test_args=
[ $# -gt 0 ] && test_args=$(printf "%q " "$@")
cat >"$results/guest.sh" <<EOF
export PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin HOME=/root
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 DOTNET_SKIP_FIRST_TIME_EXPERIENCE=1
echo "guest: kernel \$(uname -r); /sys/fs/cgroup: \$(stat -f -c %T /sys/fs/cgroup); controllers: \$(cat /sys/fs/cgroup/cgroup.controllers)"
EOF
if [ -n "$guest_command" ]; then echo "exec $guest_command" >>"$results/guest.sh"; else cat >>"$results/guest.sh" <<EOF
cd "$work/publish"
exec "$exe" --no-progress --no-ansi --output Detailed --timeout $((minutes * 60 - 60))s ${test_args}
EOF
fi

# --- Boot ---------------------------------------------------------------------------------------------------
# Emulation (TCG): nested KVM, where /dev/kvm exists at all, hangs this kernel early in boot.
# qemu is this script's own child (its pid is qemu's), and dies with the script (PR_SET_PDEATHSIG through setpriv).
say "booting Linux $version (${minutes} min limit)"
boot_started=$(date +%s)
deathsig=()
setpriv --pdeathsig KILL -- true 2>/dev/null && deathsig=(setpriv --pdeathsig KILL --)
# A scratch disk of the VM's own (/dev/vda), for the io throttling tests.
truncate -s 64M "$work/disk.img"
"${deathsig[@]}" qemu-system-x86_64 \
  -m 4096 -smp 2 -accel tcg -cpu max -nographic -no-reboot \
  -kernel "$kernel/vmlinuz" -initrd "$work/initrd.gz" \
  -append "console=ttyS0 quiet panic=-1 cgroup_no_v1=all" \
  -virtfs "local,path=/,mount_tag=host,security_model=passthrough,readonly=on,multidevs=remap,id=host" \
  -virtfs "local,path=$results,mount_tag=results,security_model=passthrough,id=results" \
  -drive "file=$work/disk.img,if=virtio,format=raw" \
  </dev/null >"$work/console.log" 2>&1 &
qemu_pid=$!
# The watchdog: the whole run gets $minutes; a boot that has not reached the init script after $boot_limit s
# is not going to.
killed=
while kill -0 "$qemu_pid" 2>/dev/null; do
  ran=$(($(date +%s) - boot_started))
  if [ "$ran" -gt $((minutes * 60)) ]; then
    killed="the VM was still running after $minutes min"
  elif [ "$ran" -gt "$boot_limit" ] && ! grep -q "vm-init: up" "$work/console.log"; then
    killed="the guest did not reach its init in $boot_limit s"
  fi
  if [ -n "$killed" ]; then
    say "$killed; stopping it"
    kill -KILL "$qemu_pid" 2>/dev/null || true
    break
  fi
  sleep 1
done
qemu_status=0
wait "$qemu_pid" || qemu_status=$?
qemu_pid=
elapsed=$(($(date +%s) - started))
say "VM ran $(($(date +%s) - boot_started)) s (qemu exit $qemu_status)"

[ -f "$results/output.log" ] && cat "$results/output.log"
if [ ! -f "$results/exit" ]; then
  say "no result came back; the VM console says:"
  tail -n 40 "$work/console.log" >&2
  [ -n "$killed" ] && die "$killed"
  die "the VM stopped without a result (qemu exit $qemu_status)"
fi
status=$(cat "$results/exit")
[ -n "$guest_command" ] && exit "$status" # its own output says what passed

# Microsoft.Testing.Platform's summary: "total: T", "failed: F", "succeeded: P", "skipped: S", one per line.
count() { grep -E "^\s+$1: [0-9]+" "$results/output.log" | tail -n 1 | grep -oE '[0-9]+' || true; }
passed=$(count succeeded) failed=$(count failed) skipped=$(count skipped)
if [ -z "$passed" ] || [ -z "$failed" ] || [ -z "$skipped" ]; then
  say "the test run printed no summary (exit $status)"
  echo "cgroup2-vm: 0 passed, 1 failed, 0 skipped in ${elapsed} s"
  exit 1
fi
echo "cgroup2-vm: ${passed} passed, ${failed} failed, ${skipped} skipped in ${elapsed} s"
# Every test must run: a skip means the guest was not pure cgroup v2 (or not root).
if [ "$status" -ne 0 ] || [ "$failed" -ne 0 ] || [ "$skipped" -ne 0 ] || [ "$passed" -eq 0 ]; then
  exit 1
fi
