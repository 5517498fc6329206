#!/bin/bash
# SPDX-License-Identifier: MIT
# 20-selfexe.t: CVE-2019-5736's pattern against hutch oci, and runc as
# the oracle. The image's /bin/sh is `#!/proc/self/exe`, so a runtime
# whose exec runs /bin/sh in the container runs its own binary there; the
# container's process (tests/oci/helpers/selfexe-attack.c) finds that
# process, holds its /proc/PID/exe with O_PATH, waits until no process
# runs the file any more and writes it through /proc/self/fd/N. The
# runtime is a COPY of the binary in a temporary directory (never the
# build's own): its checksum before and after says whether the container
# won. hutch oci runs from a sealed memfd copy of itself before it enters
# a container (src/lib/selfexec.c), as runc 1.1 does: the process the
# container catches is that copy, and the write fails.
#
# Needs root, runc (Debian's runc package), perl's JSON::PP and musl-gcc.
# HUTCH comes from `make check-oci`.

source "$(dirname "$0")/../lib/tap.sh"
source "$(dirname "$0")/../lib/elf.sh"

require_root
require_cmd runc=runc perl timeout mktemp sha256sum unshare=util-linux musl-gcc=musl-tools \
	readelf=binutils ldd=libc-bin
require_feature oci
[ -n "${HUTCH-}" ] && [ -x "$HUTCH" ] ||
	bail_out "HUTCH must name the hutch binary (make check-oci sets it)"

tmp=$(mktemp -d /tmp/oci-t20.XXXXXX) || bail_out "cannot create a temporary directory"
cleanup() {
	# the build's own binaries: the copies may be the container's now
	runc --root "$tmp/root-runc" delete --force oci-t20-runc >/dev/null 2>&1
	"$HUTCH" oci --root "$tmp/root-hutch" delete --force oci-t20-hutch >/dev/null 2>&1
	rm -rf --one-file-system -- "$tmp"
}
trap cleanup EXIT

cp "$HUTCH" "$tmp/hutch" && cp "$(command -v runc)" "$tmp/runc" ||
	bail_out "cannot copy the runtimes"
musl-gcc -static -O2 -o "$tmp/attack" "$(dirname "$0")/helpers/selfexe-attack.c" ||
	bail_out "cannot build tests/oci/helpers/selfexe-attack.c"

# bundle R: runc spec's config.json on an image of two files (read-only):
# /bin/sh is `#!/proc/self/exe`, the attacker is the process; the
# bundle's own directory at /mnt, where the attacker says what it did
bundle() {
	local dir=$tmp/b-$1 d
	for d in bin dev proc sys mnt tmp; do mkdir -p "$dir/rootfs/$d" || return 1; done
	cp "$tmp/attack" "$dir/rootfs/attack" || return 1
	# the sanitizer build is dynamic: its loader and libraries (elf.sh)
	[ "$1" != hutch ] || copy_runtime_libs "$tmp/hutch" "$dir/rootfs" || return 1
	printf '#!/proc/self/exe\n' >"$dir/rootfs/bin/sh" && chmod 755 "$dir/rootfs/bin/sh" ||
		return 1
	(cd "$dir" && runc spec) || return 1
	perl -MJSON::PP -e '
		my ($file, $dir) = @ARGV;
		local $/; open my $f, "<", $file or die; my $c = decode_json(<$f>);
		$c->{root} = { path => "rootfs", readonly => JSON::PP::true };
		$c->{process}{terminal} = JSON::PP::false;
		$c->{process}{args} = ["/attack", "/mnt"];
		push @{$c->{mounts}}, { destination => "/mnt", type => "bind",
			source => $dir, options => ["rbind", "rw"] };
		$c->{mounts} = [ grep { $_->{type} ne "cgroup" } @{$c->{mounts}} ];
		open $f, ">", $file or die; print $f JSON::PP->new->pretty->encode($c);
		# exec'\''s process.json: /bin/sh, as runc exec ID /bin/sh runs it
		$c->{process}{args} = ["/bin/sh", "-c", "true"];
		open $f, ">", "$dir/process.json" or die;
		print $f JSON::PP->new->pretty->encode($c->{process});
	' "$dir/config.json" "$dir"
}

rt() {
	local r=$1
	shift
	if [ "$r" = runc ]; then "$tmp/runc" --root "$tmp/root-runc" "$@"
	else "$tmp/hutch" oci --root "$tmp/root-hutch" "$@"; fi
}

# attack R: the container started, then its exec run until the attacker
# has caught the process (it scans /proc: the first try, or a few), then
# the attacker's result awaited. Under Debian's runc (1.1.5) the exec of
# /bin/sh fails (ENOENT: runc's own binary is a detached read-only bind
# of itself, which /proc/self/exe does not reach) and nothing is caught.
attack() {
	local r=$1 dir=$tmp/b-$1 id=oci-t20-$1 i tries=500
	bundle "$r" || return 1
	rt "$r" create --bundle "$dir" "$id" </dev/null >"$tmp/$r.out" 2>&1 || return 1
	rt "$r" start "$id" || return 1
	[ "$r" = hutch ] || tries=20 # runc's never runs /bin/sh: see above
	for i in $(seq 1 $tries); do
		[ -e "$dir/caught" ] && break
		if [ "$r" = runc ]; then rt runc exec "$id" /bin/sh -c true
		else rt hutch exec --process "$dir/process.json" "$id"; fi </dev/null >>"$tmp/$r.exec" 2>&1
	done
	diag "$r: $i exec(s), the attacker caught $(cat "$dir/caught" 2>/dev/null || echo nothing)"
	[ ! -e "$dir/caught" ] || wait_for 30 test -e "$dir/result"
}

before_hutch=$(sha256sum <"$tmp/hutch")
before_runc=$(sha256sum <"$tmp/runc")

timeout 120 bash -c "$(declare -f bundle rt attack wait_for diag copy_runtime_libs); tmp=$tmp; attack runc" ||
	bail_out "runc's run did not finish: $(cat "$tmp/runc.out" "$tmp/runc.exec" 2>/dev/null)"
diag "runc: the attacker saw $(tr '\n' ' ' 2>/dev/null <"$tmp/b-runc/result" || echo nothing)," \
	"runc's exec said: $(sort -u "$tmp/runc.exec" | tr '\n' ' ')"
is "$(sha256sum <"$tmp/runc")" "$before_runc" "runc (the oracle) resists: its binary is unchanged"

timeout 120 bash -c "$(declare -f bundle rt attack wait_for diag copy_runtime_libs); tmp=$tmp; attack hutch"
ok "the attacker caught hutch's process in the container and tried" [ -e "$tmp/b-hutch/result" ] ||
	diag "$(cat "$tmp/hutch.out" "$tmp/hutch.exec" 2>/dev/null | tail -5)"
diag "hutch: the attacker saw $(tr '\n' ' ' 2>/dev/null <"$tmp/b-hutch/result")"
is "$(sha256sum <"$tmp/hutch")" "$before_hutch" "hutch oci exec: the host's hutch binary is unchanged"
like "$(cat "$tmp/b-hutch/result" 2>/dev/null)" 'exe=/memfd:hutch' \
	"what the container reached through /proc/PID/exe is hutch's memfd copy"
unlike "$(cat "$tmp/b-hutch/result" 2>/dev/null)" 'write=ok' "and writing it failed"

# vm.memfd_noexec=2 (Linux 6.3, per PID namespace: set in a new one
# here, the machine's own stays) forbids the executable memfd: one line
# naming the sysctl, exit 125, in --log's JSON too
out=$(unshare --pid --fork sh -c 'echo 2 >/proc/sys/vm/memfd_noexec &&
	"$1" oci --root "$2/root-hutch" --log "$2/noexec.log" --log-format json \
		exec --process "$2/b-hutch/process.json" oci-t20-hutch' sh "$HUTCH" "$tmp" 2>&1)
is "$?" 125 "vm.memfd_noexec=2: hutch oci exec refuses, exit 125"
like "$out" '^hutch: vm\.memfd_noexec is 2 here: .*\(set it to 0 or 1\)$' "in one line naming the sysctl"
like "$(cat "$tmp/noexec.log" 2>/dev/null)" '^\{"level":"error","msg":"vm\.memfd_noexec is 2' \
	"and so in --log's JSON"

done_testing
