#!/bin/bash
# SPDX-License-Identifier: MIT
# 81-selfexe.t: CVE-2019-5736's pattern against hutch exec. The sandbox's
# /bin/sh is `#!/proc/self/exe`, so `hutch exec NAME /bin/sh` runs, inside
# the sandbox, the binary hutch exec itself runs from; the service
# (tests/oci/helpers/selfexe-attack.c) finds that process, holds its
# /proc/PID/exe with O_PATH, waits until no process runs the file and
# writes it through /proc/self/fd/N. While the sandbox's PID 1 runs the
# same file it stays busy (ETXTBSY) and the sandbox dies with PID 1, but
# after an upgrade (a new file at the path, PID 1 on the old one) the
# file hutch exec runs from is free once hutch exec ends: the sandbox
# would write the host's next hutch. Here the sandbox is started by one
# copy of the binary and entered by another, as after an upgrade, both
# in a temporary directory (never the build's own). hutch exec runs from
# a sealed memfd copy of itself (src/lib/selfexec.c): the attacker catches
# that copy, and the write fails.
source "$(dirname "$0")/../lib/tap.sh"
source "$(dirname "$0")/../lib/sandbox.sh"
source "$(dirname "$0")/../lib/elf.sh"

require_root
require_cmd sha256sum musl-gcc=musl-tools readelf=binutils ldd=libc-bin
sandbox_setup t81
S=$tmp/state
trap 'kill_named "$S" hutch-t81-selfexe; sandbox_cleanup' EXIT

cp "$HUTCH" "$tmp/hutch-old" && cp -a "$ROOTFS" "$tmp/root" && mkdir "$tmp/out" ||
	bail_out "cannot copy the binary and the rootfs"
rm -f "$tmp/root/bin/sh" && printf '#!/proc/self/exe\n' >"$tmp/root/bin/sh" &&
	chmod 755 "$tmp/root/bin/sh" || bail_out "cannot write the image's /bin/sh"
copy_runtime_libs "$HUTCH" "$tmp/root" || bail_out "cannot copy $HUTCH's libraries into the image"
musl-gcc -static -O2 -o "$tmp/root/attack" "$(dirname "$0")/../oci/helpers/selfexe-attack.c" ||
	bail_out "cannot build tests/oci/helpers/selfexe-attack.c"

timeout 30 "$tmp/hutch-old" --daemon --state-dir "$S" --name hutch-t81-selfexe \
	--root "$tmp/root" --bind "$tmp/out:/out" -- /attack /out
is "$?" 0 "the sandbox runs, the attacker as its service"

# the upgrade: a new file at the path hutch exec is run from
cp "$HUTCH" "$tmp/hutch" || bail_out "cannot copy the binary"

# the copy it runs from keeps its name: ps, pgrep and pkill find hutch
"$tmp/hutch" exec --state-dir "$S" hutch-t81-selfexe -- sleep 30 </dev/null &
epid=$!
copied() { readlink "/proc/$epid/exe" | grep -q '^/memfd:hutch'; }
ok "hutch exec runs from its memfd copy while it waits" wait_for 20 copied
is "$(cat "/proc/$epid/comm")" hutch "under its own name (comm), not the memfd's"
kill -TERM "$epid"
wait "$epid"
before=$(sha256sum <"$tmp/hutch")
for i in $(seq 1 500); do
	[ -e "$tmp/out/caught" ] && break
	timeout 30 "$tmp/hutch" exec --state-dir "$S" hutch-t81-selfexe -- /bin/sh -c true \
		</dev/null >>"$tmp/exec.out" 2>&1
done
diag "$i exec(s) until the attacker caught the process"
wait_for 30 test -e "$tmp/out/result"
ok "the attacker caught hutch exec's process in the sandbox and tried" test -e "$tmp/out/result" ||
	diag "$(tail -3 "$tmp/exec.out")"
diag "the attacker saw $(tr '\n' ' ' 2>/dev/null <"$tmp/out/result")"
is "$(sha256sum <"$tmp/hutch")" "$before" "hutch exec: the host's hutch binary is unchanged"
like "$(cat "$tmp/out/result" 2>/dev/null)" 'exe=/memfd:hutch' \
	"what the sandbox reached through /proc/PID/exe is hutch's memfd copy"
unlike "$(cat "$tmp/out/result" 2>/dev/null)" 'write=ok' "and writing it failed"

done_testing
