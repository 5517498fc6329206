#!/bin/bash
# SPDX-License-Identifier: MIT
# 42-relative-paths.t: --root, --pidfile, --output FILE and --overlay DIR
# given relative are taken from the directory hutch was started in (made
# absolute when the parse ends, options_complete), whatever directory a
# later command runs in: a rebuild asked from / reads them again from the
# launcher's, hutch stop from / ends it and the pid file goes. The start's
# refusals and hutch check name --root as it was written, not the
# absolute path. Sandbox names start with t42-.
. "$(dirname "$0")/../lib/tap.sh"
# shellcheck source=tests/lib/sandbox.sh
. "$(dirname "$0")/../lib/sandbox.sh"
require_feature check control daemon output
require_root
sandbox_setup t42
tmp=$(realpath "$tmp")
chmod 755 "$tmp"
S=$tmp/state
names="t42-a t42-b"
cleanup() {
	# shellcheck disable=SC2086 # the names, a word each
	kill_named "$S" $names
	sandbox_cleanup
}
trap cleanup EXIT
h() { timeout 30 "$HUTCH" "$@"; }

mkdir "$tmp/cwd" && cp -a "$ROOTFS" "$tmp/cwd/rootfs" && mkfifo "$tmp/cwd/fifo" ||
	bail_out "cannot make $tmp/cwd"
cd "$tmp/cwd" || bail_out "cannot enter $tmp/cwd"

# --- --root as written in the refusals and in hutch check ------------------------
out=$(h --name t42-x -r no-such-root -- true 2>&1 </dev/null)
is "$?:$out" "125:hutch[t42-x]: root no-such-root: No such file or directory" \
	"a relative --root that is not there: named as written"
out=$(h --name t42-x -r fifo -- true 2>&1 </dev/null)
is "$?:$out" "125:hutch[t42-x]: root fifo is not a directory" \
	"a relative --root that is a fifo: named as written"
out=$(h check --name t42-x -r rootfs 2>&1 </dev/null)
is "$(grep 'root directory' <<<"$out")" "ok       root directory: rootfs" \
	"hutch check: the root directory as written"

# --- a start from here; a rebuild and a stop asked from / ------------------------
h --daemon --state-dir "$S" --name t42-a -r rootfs --pidfile a.pid --output a.log \
	-- /bin/sh -c 'echo started; exec sleep 1000' </dev/null 2>"$tmp/err"
is "$?" 0 "--daemon with a relative --root, --pidfile and --output: it starts"
launcher=$(sed -n 's/^pid=//p' "$S/t42-a/launcher")
is "$(cat "$tmp/cwd/a.pid" 2>/dev/null)" "$launcher" "the pid file is in the start's directory"
is "$(sed -n 's/^pidfile=//p' "$S/t42-a/launcher")" "$tmp/cwd/a.pid" \
	"the state directory records its absolute path"
ok "the output goes to the start's directory" wait_for 5 grep -qx started "$tmp/cwd/a.log"
(cd / && h restart --state-dir "$S" --rebuild t42-a) 2>"$tmp/err"
is "$?" 0 "hutch restart --rebuild from /: the paths are read again from the launcher's directory"
is "$(cat "$tmp/err")" "" "nothing on stderr"
ok "the new sandbox writes to the same output file" \
	wait_for 5 sh -c "[ \"\$(grep -c started '$tmp/cwd/a.log')\" = 2 ]"
(cd / && h stop --state-dir "$S" t42-a)
is "$?" 0 "hutch stop from /"
ok "the launcher removed its pid file" wait_for 5 test ! -e "$tmp/cwd/a.pid"

# --- --overlay DIR, relative --------------------------------------------------------
if has_feature image && grep -qw overlay /proc/filesystems; then
	mkdir -m 700 ov
	h --state-dir "$S" --name t42-b -r rootfs --overlay ov --restart no \
		-- /bin/sh -c 'echo x >/t42-written' </dev/null 2>"$tmp/err"
	is "$?" 0 "a relative --overlay DIR over a relative --root: it runs"
	ok "the write is in DIR/upper, in the start's directory" test -f "$tmp/cwd/ov/upper/t42-written"
	ok "not in the root" test ! -e "$tmp/cwd/rootfs/t42-written"
else
	for i in 1 2 3; do ok "--overlay DIR $i # SKIP no image feature or no overlayfs" true; done
fi

cd / || bail_out "cannot leave $tmp"
done_testing
