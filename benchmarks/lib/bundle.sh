# Sourced by the benchmark scripts. make_bundle DIR TOOL [RESOURCES_JSON]: a busybox bundle whose config.json is what
# `TOOL spec` writes, running /bin/true without a terminal (with linux.resources replaced when given).
make_bundle() {
  local bundle=$1 tool=$2 resources=${3:-}
  mkdir -p "$bundle/rootfs"/{bin,proc,dev,sys,tmp,etc}
  cp /usr/bin/busybox "$bundle/rootfs/bin/busybox"
  for applet in true sh; do ln -sf busybox "$bundle/rootfs/bin/$applet"; done
  (cd "$bundle" && "$tool" spec)
  python3 - "$bundle/config.json" "$resources" <<'PY'
import json, sys
c = json.load(open(sys.argv[1]))
c["process"]["args"] = ["/bin/true"]
c["process"]["terminal"] = False
if sys.argv[2]:
    c["linux"]["resources"] = json.loads(sys.argv[2])
json.dump(c, open(sys.argv[1], "w"))
PY
}
