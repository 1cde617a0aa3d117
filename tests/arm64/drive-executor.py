"""Runs an aarch64 executor under qemu-user as the host would: the plan file as one SEQPACKET message on fd 3, with
64 /dev/null descriptors attached; prints each message the executor answers ("KIND STEP ERRNO") and its exit status.
Usage: drive-executor.py EXECUTOR PLAN"""
import os
import socket
import struct
import subprocess
import sys

MSG_SYNC, MSG_CONTINUE = 2, 16
executor, plan = sys.argv[1], sys.argv[2]
host, child = socket.socketpair(socket.AF_UNIX, socket.SOCK_SEQPACKET)
cfd = child.fileno()
# subprocess closes what pass_fds does not name after preexec_fn: fd 3 is named so that the dup2 survives.
proc = subprocess.Popen(["qemu-aarch64-static", executor], pass_fds=(cfd, 3), preexec_fn=lambda: os.dup2(cfd, 3))
child.close()
null = os.open("/dev/null", os.O_RDONLY)
with open(plan, "rb") as f:
    host.sendmsg([f.read()], [(socket.SOL_SOCKET, socket.SCM_RIGHTS, struct.pack("64i", *[null] * 64))])
host.settimeout(60)
try:
    while True:
        try:
            m = host.recv(64)
        except ConnectionResetError:
            break
        if not m:
            break
        kind, step, err, _ = struct.unpack("4i", m[:16])
        print(kind, step, err)
        if kind == MSG_SYNC:
            host.send(struct.pack("4i", MSG_CONTINUE, 0, 0, 0))
except socket.timeout:
    print("timeout")
    proc.kill()
print("exit", proc.wait())
