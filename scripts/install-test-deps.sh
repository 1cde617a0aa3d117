#!/usr/bin/env bash
# Installs the Debian packages the tests need, and only those missing. Run by .ci/run, and by `dotnet test` itself
# (tests/Directory.Build.props, before each test project runs), so README's test command works on a fresh Debian 12
# machine. Quiet and quick (no apt) when everything is there; serialized by a lock (test projects run in parallel).
# Not root: lists what is missing and exits 0 (the tests that need it then fail or skip, naming it).
set -uo pipefail

missing() {
  local pkgs=()
  command -v musl-gcc >/dev/null 2>&1 || pkgs+=(musl-tools)   # the executor: 50 KiB static with musl
  [ -x /usr/bin/busybox ] || pkgs+=(busybox-static)            # test root filesystems
  command -v unshare >/dev/null 2>&1 || pkgs+=(util-linux)
  command -v ip >/dev/null 2>&1 || pkgs+=(iproute2)
  command -v newuidmap >/dev/null 2>&1 || pkgs+=(uidmap)         # rootless tests: subordinate id ranges
  command -v python3 >/dev/null 2>&1 || pkgs+=(python3)          # capability tests open raw sockets with it
  command -v unzip >/dev/null 2>&1 || pkgs+=(unzip)              # tests/package/consume.sh lists the .nupkg
  [ -f /usr/include/zlib.h ] || pkgs+=(zlib1g-dev)                # tests/package/consume.sh aot: NativeAOT links with -lz
  command -v clang-14 >/dev/null 2>&1 && dpkg -s libclang-rt-14-dev >/dev/null 2>&1 || pkgs+=(clang-14 libclang-rt-14-dev)  # tests/fuzz: libFuzzer
  command -v podman >/dev/null 2>&1 || pkgs+=(podman)            # Clients/PodmanTests: podman --runtime containment
  command -v containerd >/dev/null 2>&1 || pkgs+=(containerd)    # Clients/ContainerdTests, Containment.CriTests: containerd and ctr
  command -v runc >/dev/null 2>&1 || pkgs+=(runc)                # Containment.CriTests: the reference runtime handler
  [ -x /usr/lib/cni/bridge ] || pkgs+=(containernetworking-plugins)  # CriTests' pod network; Networking/CniNetworkTests
  command -v iptables >/dev/null 2>&1 || pkgs+=(iptables)        # portmap's rules (in the tests' own network namespaces)
  command -v dbus-daemon >/dev/null 2>&1 || pkgs+=(dbus-daemon)  # Systemd/SystemdBusWireTests: a private bus
  [ -f /usr/lib/x86_64-linux-gnu/libc.a ] && command -v gcc >/dev/null 2>&1 || pkgs+=(gcc libc6-dev)  # seccomp tests build a static syscall probe
  command -v aarch64-linux-gnu-gcc >/dev/null 2>&1 && [ -f /usr/aarch64-linux-gnu/lib/libc.a ] || pkgs+=(gcc-aarch64-linux-gnu libc6-dev-arm64-cross)  # the arm64 executor (built and embedded)
  command -v qemu-aarch64-static >/dev/null 2>&1 || pkgs+=(qemu-user-static)  # Launch/Arm64ExecutorTests: the arm64 executor under qemu-user
  echo "${pkgs[@]}"
}

need=$(missing)
[ -z "$need" ] && exit 0
if [ "$(id -u)" -ne 0 ]; then
  echo "install-test-deps: not root; the tests need these packages: $need" >&2
  exit 0
fi
exec 9>/var/lock/containment-test-deps.lock
flock 9
need=$(missing)   # another test project may have installed them while this one waited
[ -z "$need" ] && exit 0
echo "install-test-deps: installing $need"
export DEBIAN_FRONTEND=noninteractive
# shellcheck disable=SC2086 # one word per package
if ! { apt-get update -qq >/dev/null && apt-get install -y -qq $need >/dev/null; }; then
  echo "install-test-deps: apt-get install $need failed" >&2
  exit 1
fi
