#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
# console.py RUNTIME... -- BUNDLE ID: what containerd's shim does with
# --console-socket, as the test's other side. It listens on a socket,
# runs RUNTIME create --console-socket SOCK --bundle BUNDLE ID, takes the
# pty's master from the one SCM_RIGHTS message, runs start, types a few
# commands, and prints what the terminal showed, then "exit=N" with the
# process's exit status (it is the subreaper that collects it).
import ctypes, os, shutil, socket, subprocess, sys, tempfile

sep = sys.argv.index("--")
rt, (bundle, cid) = sys.argv[1:sep], sys.argv[sep + 1:]
ctypes.CDLL(None, use_errno=True).prctl(36, 1, 0, 0, 0)  # PR_SET_CHILD_SUBREAPER
d = tempfile.mkdtemp(prefix="oci-console.")
path = os.path.join(d, "sock")
srv = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
srv.bind(path)
srv.listen(1)
create = subprocess.Popen(rt + ["create", "--console-socket", path, "--bundle", bundle,
                                "--pid-file", os.path.join(d, "pid"), cid],
                          stdin=subprocess.DEVNULL)
srv.settimeout(30)
conn, _ = srv.accept()
msg, fds, flags, addr = socket.recv_fds(conn, 4096, 4)
print("fds=%d" % len(fds))
if create.wait() != 0 or len(fds) != 1:
    print("create failed")
    shutil.rmtree(d)
    sys.exit(1)
pid = int(open(os.path.join(d, "pid")).read())
master = fds[0]
os.write(master, b"tty; [ -t 0 ] && echo stdin-is-a-tty; echo $$; exit 5\n")
if subprocess.call(rt + ["start", cid]) != 0:
    print("start failed")
    sys.exit(1)
out = b""
while True:
    try:
        chunk = os.read(master, 4096)
    except OSError:
        break  # EIO: the last holder of the slave is gone
    if not chunk:
        break
    out += chunk
for line in out.decode(errors="replace").splitlines():
    line = line.strip()
    if line in ("/dev/pts/0", "stdin-is-a-tty", "1"):
        print(line)
while True:
    try:
        p, status = os.waitpid(-1, 0)
    except ChildProcessError:
        break
    if p == pid:
        print("exit=%d" % os.waitstatus_to_exitcode(status))
shutil.rmtree(d)
