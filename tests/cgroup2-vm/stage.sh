# Sourced by the stages that run a suite in run.sh's VM with a boot hook of their own (criu.sh, systemd.sh), after
# they set $stage (the name their lines carry, e.g. criu-vm) and $here (this folder). Gives them $hook, a temporary
# file for the boot hook (removed on exit), stage_install and stage_run.

hook=$(mktemp "/tmp/containment-$stage-boot.XXXXXX")
trap 'rm -f "$hook"' EXIT

# stage_install PACKAGE...: installs the packages this machine lacks (the guest runs this machine's binaries, its / is
# the guest's lower layer); on failure prints the stage's failure and summary lines and exits 1. None: nothing to do.
stage_install() {
  [ $# -gt 0 ] || return 0
  echo "$stage: installing $*" >&2
  export DEBIAN_FRONTEND=noninteractive
  { apt-get install -y -qq --no-install-recommends "$@" >/dev/null 2>&1 ||
    { apt-get update -qq >/dev/null 2>&1 && apt-get install -y -qq --no-install-recommends "$@" >/dev/null; }; } ||
    { echo "$stage: FAILED: apt-get install $*"; echo "$stage: 0 passed, 1 failed, 0 skipped"; exit 1; }
}

# stage_run ARG...: runs run.sh (ARGs go to the test executable) with $hook as its boot hook, its lines named for the
# stage, and exits with run.sh's status.
stage_run() {
  export CONTAINMENT_VM_BOOT_HOOK=$hook
  "$here/run.sh" "$@" 2>&1 | sed -u "s/^cgroup2-vm: /$stage: /"
  exit "${PIPESTATUS[0]}"
}
