#!/usr/bin/env bash
# Runs tests/Containment.CheckpointTests (checkpoint and restore with CRIU) in the cgroup v2 VM of run.sh: Debian's own
# 6.1 kernel, under which CRIU 3.17 works (on this machine's kernel `criu check` fails). CRIU needs, beyond run.sh's
# guest: a real root (below), the socket diag modules it dumps sockets with,
# nf_tables (it probes nftables and locks the network with it or iptables), conntrack over netlink (it dumps a
# network namespace's connection tracking), veth and tun (kernel feature probes), and
# the guest's loopback up (it probes TCP repair on a local connection).
#
# Prints the test output and "criu-vm: N passed, N failed, N skipped in S s"; exits non-zero on any failure or skip,
# like run.sh (whose options and environment it takes). Needs root.
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
repo=$(cd "$here/../.." && pwd)
stage=criu-vm
. "$here/stage.sh"
# The guest runs this machine's criu; CRIU dumps a network namespace's rules with iptables-save.
need=()
command -v criu >/dev/null 2>&1 || need+=(criu)
command -v iptables-save >/dev/null 2>&1 || need+=(iptables)
stage_install "${need[@]}"
# Sourced by the initramfs's busybox init with the guest's root mounted at $r (see run.sh); never returns. Not a
# chroot: CRIU refuses a task whose root is not its mount namespace's ("The root task has another root than mntns"),
# so the overlay becomes / (switch_root) and a shell as PID 1 runs the suite, then powers off.
cat >"$hook" <<'HOOK'
ip link set lo up || fail "lo up"
cat >$r/run/criu-tests.sh <<'SCRIPT'
/bin/sh /run/results/guest.sh >/run/results/output.log 2>&1
echo $? >/run/results/exit
sync
umount /run/results
exec busybox poweroff -f
SCRIPT
echo "vm-init: switching to the guest's root"
exec switch_root $r /bin/sh /run/criu-tests.sh
fail "switch_root"
HOOK

export CONTAINMENT_VM_PROJECT=${CONTAINMENT_VM_PROJECT:-$repo/tests/Containment.CheckpointTests}
export CONTAINMENT_VM_EXTRA_MODULES="inet_diag tcp_diag udp_diag unix_diag netlink_diag af_packet_diag nfnetlink crc32c_generic libcrc32c nf_tables nf_defrag_ipv4 nf_defrag_ipv6 nf_conntrack nf_conntrack_netlink veth tun"
export CONTAINMENT_VM_TIMEOUT_MINUTES=${CONTAINMENT_VM_TIMEOUT_MINUTES:-10}
stage_run "$@"
