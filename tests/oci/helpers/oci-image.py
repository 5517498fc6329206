#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""oci-image.py ROOTFS NAME OUT.tar: an OCI image layout (one layer: the
whole ROOTFS, uncompressed) in a tar, as `ctr image import` reads it,
made offline. NAME is the image's ref (org.opencontainers.image.ref.name
and containerd's io.containerd.image.name)."""
import hashlib, io, json, os, sys, tarfile

rootfs, name, out = sys.argv[1:4]

def blob(tar, data, media):
    digest = hashlib.sha256(data).hexdigest()
    info = tarfile.TarInfo("blobs/sha256/" + digest)
    info.size = len(data)
    tar.addfile(info, io.BytesIO(data))
    return {"mediaType": media, "digest": "sha256:" + digest, "size": len(data)}

layer = io.BytesIO()
with tarfile.open(fileobj=layer, mode="w", format=tarfile.PAX_FORMAT) as t:
    for entry in sorted(os.listdir(rootfs)):
        t.add(os.path.join(rootfs, entry), arcname=entry)
layer = layer.getvalue()
diff_id = "sha256:" + hashlib.sha256(layer).hexdigest()
config = json.dumps({
    "architecture": "amd64", "os": "linux",
    "config": {"Env": ["PATH=/usr/sbin:/usr/bin:/sbin:/bin"], "Cmd": ["sh"]},
    "rootfs": {"type": "layers", "diff_ids": [diff_id]},
}).encode()

with tarfile.open(out, "w") as tar:
    def small(path, data):
        info = tarfile.TarInfo(path)
        info.size = len(data)
        tar.addfile(info, io.BytesIO(data))
    small("oci-layout", b'{"imageLayoutVersion":"1.0.0"}')
    cfg = blob(tar, config, "application/vnd.oci.image.config.v1+json")
    lay = blob(tar, layer, "application/vnd.oci.image.layer.v1.tar")
    manifest = json.dumps({"schemaVersion": 2,
        "mediaType": "application/vnd.oci.image.manifest.v1+json",
        "config": cfg, "layers": [lay]}).encode()
    man = blob(tar, manifest, "application/vnd.oci.image.manifest.v1+json")
    man["annotations"] = {"org.opencontainers.image.ref.name": name,
                          "io.containerd.image.name": name}
    man["platform"] = {"architecture": "amd64", "os": "linux"}
    small("index.json", json.dumps({"schemaVersion": 2, "manifests": [man]}).encode())
