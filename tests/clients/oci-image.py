#!/usr/bin/env python3
"""Writes an OCI image layout tarball (what `ctr image import` reads) from a root filesystem directory.
   oci-image.py ROOTFS OUT.tar NAME:TAG [CMD...]   (the image's Cmd; /bin/sh without one)"""
import gzip, hashlib, io, json, os, sys, tarfile

rootfs, out, ref = sys.argv[1], sys.argv[2], sys.argv[3]
cmd = sys.argv[4:] or ["/bin/sh"]
layer_tar = io.BytesIO()
with tarfile.open(fileobj=layer_tar, mode="w") as t:
    t.add(rootfs, arcname=".")
layer_raw = layer_tar.getvalue()
layer_gz = gzip.compress(layer_raw, mtime=0)

def blob(data):
    return "sha256:" + hashlib.sha256(data).hexdigest()

config = json.dumps({
    "architecture": "amd64", "os": "linux",
    "config": {"Env": ["PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"], "Cmd": cmd},
    "rootfs": {"type": "layers", "diff_ids": [blob(layer_raw)]},
}).encode()
manifest = json.dumps({
    "schemaVersion": 2, "mediaType": "application/vnd.oci.image.manifest.v1+json",
    "config": {"mediaType": "application/vnd.oci.image.config.v1+json", "digest": blob(config), "size": len(config)},
    "layers": [{"mediaType": "application/vnd.oci.image.layer.v1.tar+gzip", "digest": blob(layer_gz), "size": len(layer_gz)}],
}).encode()
index = json.dumps({
    "schemaVersion": 2,
    "manifests": [{"mediaType": "application/vnd.oci.image.manifest.v1+json", "digest": blob(manifest), "size": len(manifest),
                   "annotations": {"org.opencontainers.image.ref.name": ref.split(":")[-1], "io.containerd.image.name": ref}}],
}).encode()

with tarfile.open(out, "w") as t:
    def add(name, data):
        info = tarfile.TarInfo(name)
        info.size = len(data)
        t.addfile(info, io.BytesIO(data))
    add("oci-layout", b'{"imageLayoutVersion": "1.0.0"}')
    add("index.json", index)
    for data in (config, manifest, layer_gz):
        add("blobs/sha256/" + blob(data)[7:], data)
