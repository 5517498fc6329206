#!/bin/bash
# SPDX-License-Identifier: MIT
# 70-exit-codes.t: hutch's exit code is the service's own, 128+N when it died
# of signal N, 127 when the command is not found, 126 when it cannot be
# executed, 125 when the sandbox could not be set up. An exec failure is
# reported once and never respawned.
source "$(dirname "$0")/../lib/tap.sh"
# shellcheck source=tests/lib/sandbox.sh
source "$(dirname "$0")/../lib/sandbox.sh"
require_root
require_cmd timeout readelf
require_hutch

tmp=$(mktemp -d /tmp/hutch-70.XXXXXX) || bail_out "mktemp -d failed"
trap 'rm -rf --one-file-system -- "$tmp"' EXIT
ulimit -c 0 # the SIGSEGV case must not leave a core file anywhere

# hutch ARGS...: a bounded foreground run; sets rc, out, err. 20 s is far
# more than any case needs; a respawn loop would show as 124 (timeout).
hutch() {
	timeout -k 5 20 "$HUTCH" "$@" </dev/null >"$tmp/out" 2>"$tmp/err"
	rc=$?
	out=$(cat "$tmp/out")
	err=$(cat "$tmp/err")
}
cannot_run_lines() { grep -c 'cannot run' <<<"$err"; }

# A host directory bound at /run (which the rootfs has) holds the odd files,
# so $ROOTFS itself is never written.
data=$tmp/data
mkdir "$data"
printf '#!/bin/sh\necho hi\n' >"$data/noexec"
chmod 0644 "$data/noexec"
printf '#!/bin/bash\necho hi\n' >"$data/bash-script"
chmod 0755 "$data/bash-script"
bind=(--bind "$data:/run")

# --- The service's own code ----------------------------------------------------
for code in 0 1 3 42 255; do
	hutch --root "$ROOTFS" --restart no -- sh -c "exit $code"
	is "$rc" "$code" "service exits $code: hutch exits $code"
done
hutch --root "$ROOTFS" -- sh -c 'echo out; exit 0'
is "$rc:$out" "0:out" "default policy, exit 0: hutch exits 0 after one run"

# --- Death by a signal: 128 + N --------------------------------------------------
hutch --root "$ROOTFS" --restart no -- sh -c 'kill -SEGV $$; sleep 5'
is "$rc" 139 "service killed by SIGSEGV: 139"
like "$err" 'killed by signal 11' "the SIGSEGV is logged"
hutch --root "$ROOTFS" --restart no -- sh -c 'kill -KILL $$; sleep 5'
is "$rc" 137 "service killed by SIGKILL: 137"
hutch --root "$ROOTFS" --restart no -- sh -c 'kill -USR1 $$; sleep 5'
is "$rc" 138 "service killed by SIGUSR1: 138"

# --- 127: not found ----------------------------------------------------------------
hutch --root "$ROOTFS" -- /no/such/command
is "$rc" 127 "a missing absolute path: 127"
like "$err" 'cannot run /no/such/command: not found' "with a 'not found' message"
hutch --root "$ROOTFS" -- no-such-command
is "$rc" 127 "a bare name not in the sandbox's PATH: 127"
like "$err" 'cannot run no-such-command: not found' "with a 'not found' message"
# bash is in the host's PATH but not in the sandbox.
ok "(bash is not in the rootfs)" test ! -e "$ROOTFS/bin/bash" -a ! -e "$ROOTFS/usr/bin/bash"
hutch --root "$ROOTFS" -- bash -c 'exit 0'
is "$rc" 127 "a name found only on the host is not found in the sandbox: 127"

# --- 126: found but cannot be executed -------------------------------------------
hutch --root "$ROOTFS" "${bind[@]}" -- /run/noexec
is "$rc" 126 "a file without the x bit: 126"
like "$err" 'cannot run /run/noexec' "with a 'cannot run' message"
hutch --root "$ROOTFS" -- /etc
is "$rc" 126 "a directory: 126"
hutch --root "$ROOTFS" "${bind[@]}" -- /run/bash-script
is "$rc" 126 "a script whose #! interpreter is missing: 126"
like "$err" 'interpreter' "the message names the missing interpreter as the cause"

# A glibc binary of the host in a COPY of the rootfs, which has no loader.
host_bin=/usr/bin/env
interp=$(readelf -lW "$host_bin" | sed -n 's/.*program interpreter: \(.*\)\]$/\1/p')
ok "(the host's $host_bin is dynamically linked: '$interp')" test -n "$interp"
root2=$tmp/root2
cp -a "$ROOTFS" "$root2"
cp "$host_bin" "$root2/bin/hostenv"
ok "(the copy has no $interp)" test ! -e "$root2$interp"
hutch --root "$root2" --restart always -- /bin/hostenv true
is "$rc" 126 "a dynamic binary whose loader is missing in the root: 126"
like "$err" 'interpreter' "the message says its interpreter (loader) is missing"
is "$(cannot_run_lines)" 1 "reported once, not respawned although --restart always"
hutch --root "$root2" -- hostenv true
is "$rc" 126 "the same binary found by a bare name in PATH: 126, not 127 (it was found)"
like "$err" 'interpreter' "and the message points at the interpreter, not 'not found'"

# --- Exec failures are never respawned --------------------------------------------
hutch --root "$ROOTFS" --restart always --restart-delay 10ms -- /no/such/command
is "$rc" 127 "--restart always, command missing: 127"
is "$(cannot_run_lines)" 1 "one 'cannot run' line"
unlike "$err" 'restarting|service exited' "no restart, no 'service exited'"
hutch --root "$ROOTFS" "${bind[@]}" --restart always --restart-delay 10ms -- /run/noexec
is "$rc" 126 "--restart always, not executable: 126"
is "$(cannot_run_lines)" 1 "one 'cannot run' line"
unlike "$err" 'restarting' "no restart"

# --- 125: setup failures -------------------------------------------------------------
hutch --root "$tmp/no-such-root" -- true
is "$rc" 125 "a missing --root: 125"
is "$(wc -l <<<"$err")" 1 "in one line"
hutch --root "$ROOTFS" --bind "$tmp/no-such-dir:/run" -- true
is "$rc" 125 "a missing bind source: 125"
hutch --root "$ROOTFS" --no-such-option -- true
is "$rc" 125 "an unknown option: 125"
# Found missing only inside the sandbox, by PID 1: still 125, from the launcher.
hutch --root "$ROOTFS" --workdir /no/such/dir -- sh -c 'echo ran'
is "$rc" 125 "a --workdir missing in the sandbox: 125"
is "$out" "" "and the service never ran"

done_testing
