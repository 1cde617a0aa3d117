#!/usr/bin/env bash
# Runs tests/Containment.SystemdTests (the systemd cgroup driver) against a real systemd: the cgroup v2 VM of run.sh
# (Debian's kernel, cgroup_no_v1=all, this machine's / over 9p with a tmpfs overlay), but instead of chrooting into
# the overlay, the init hands it to /lib/systemd/systemd as PID 1 with a minimal unit set: a default target that
# wants only the system D-Bus (dbus.socket and dbus.service, stripped of their default dependencies so sysinit,
# udev, journald and the rest of a normal boot stay out) and a service that runs the suite, then powers off.
#
# Prints the test output and "systemd-vm: N passed, N failed, N skipped in S s"; exits non-zero on any failure or
# skip, like run.sh (whose options and environment it takes). Needs root.
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
repo=$(cd "$here/../.." && pwd)
stage=systemd-vm
. "$here/stage.sh"
# The guest boots this machine's own systemd and dbus-daemon.
need=()
[ -x /lib/systemd/systemd ] || need+=(systemd)
[ -x /usr/bin/dbus-daemon ] || need+=(dbus)
stage_install "${need[@]}"

# Sourced by the initramfs's busybox init with the guest's root mounted at $r (see run.sh); never returns.
cat >"$hook" <<'EOF'
units=$r/etc/systemd/system
mkdir -p $units/dbus.service.d $units/dbus.socket.d || fail "systemd units"
for u in dbus.service dbus.socket; do
  printf '[Unit]\nDefaultDependencies=no\n' >$units/$u.d/containment-vm.conf
done
cat >$units/containment-tests.target <<UNIT
[Unit]
Description=Containment systemd driver tests
DefaultDependencies=no
Wants=containment-tests.service
UNIT
cat >$units/containment-tests.service <<'UNIT'
[Unit]
Description=Containment systemd driver tests
DefaultDependencies=no
Wants=dbus.socket dbus.service
After=dbus.socket dbus.service
SuccessAction=poweroff-immediate
FailureAction=poweroff-immediate

[Service]
Type=oneshot
TimeoutStartSec=infinity
ExecStart=/bin/sh /run/containment-tests.sh
UNIT
# The suite, then what it must not leave: a scope or slice systemd did not have before it, or a container's cgroup.
cat >$r/run/containment-tests.sh <<'SCRIPT'
/bin/sh /run/results/guest.sh >/run/results/output.log 2>&1
status=$?
left=$(systemctl list-units --all --plain --no-legend '*.scope' '*.slice' |
  awk '$1 != "init.scope" && $1 !~ /^(-|system|user|machine|system-[a-z]+)\.slice$/ { print $1 }')
left="$left $(find /sys/fs/cgroup -mindepth 1 -type d \( -name '*containment*' -o -name 'kubepods*' -o -name 'ctr-*' \) \
  ! -name containment-tests.service 2>/dev/null)"
if [ -n "${left## }" ]; then
  echo "systemd-vm: left behind after the suite: $left" >>/run/results/output.log
  [ "$status" -ne 0 ] || status=1
fi
echo $status >/run/results/exit
sync
SCRIPT
# The published tests live under /tmp on this machine's /. Debian's tmpfiles.d/tmp.conf ("D /tmp") makes
# systemd-tmpfiles-setup.service empty /tmp at boot; as part of sysinit.target it ran beside the suite and deleted
# its files one by one (FileNotFoundException for assemblies, runtimeconfig.json "not found"). Masked, as no part
# of this boot is meant to pull sysinit.target in.
ln -sf /dev/null $units/systemd-tmpfiles-setup.service || fail "mask systemd-tmpfiles-setup.service"
echo "vm-init: handing the guest to systemd"
# --unit, not a default.target alias: the host's default.target.wants (e.g. podman's units, with their default
# dependencies) would pull in sysinit.target, basic.target and a full boot.
exec switch_root $r /lib/systemd/systemd --unit=containment-tests.target
fail "switch_root to systemd"
EOF

export CONTAINMENT_VM_PROJECT=${CONTAINMENT_VM_PROJECT:-$repo/tests/Containment.SystemdTests}
# The CLI and Podman tests start the JIT-compiled CLI dozens of times: minutes under emulation on a loaded machine.
export CONTAINMENT_VM_TIMEOUT_MINUTES=${CONTAINMENT_VM_TIMEOUT_MINUTES:-25}
stage_run "$@"
