#!/bin/bash
# SPDX-License-Identifier: MIT
# 90-seccomp.t: linux.seccomp under runc, the oracle, and under hutch oci.
# Each bundle runs a script that makes system calls and prints what they
# returned (busybox's own messages, the status of a subshell killed by
# SIGSYS, and syscall32's raw returns: a small static x86_64 helper built
# here, which calls any number with 64-bit arguments, natively or through
# the i386 door, int $0x80); the output under hutch must be runc's, and
# the expected value is checked too, so that two runtimes without a
# filter would not agree by accident. Then the refusals: what runc
# refuses, hutch refuses with one line, exit 125 and no container left;
# SCMP_ACT_NOTIFY and listenerPath, which runc would take, hutch refuses.
#
# Needs root, runc, perl's JSON::PP, musl-gcc (x86_64).

source "$(dirname "$0")/../lib/tap.sh"
source "$(dirname "$0")/helpers/bundle.sh"

require_root
require_cmd runc=runc perl timeout mktemp musl-gcc=musl-tools
require_feature oci
[ -n "${HUTCH-}" ] && [ -x "$HUTCH" ] ||
	bail_out "HUTCH must name the hutch binary (make check-oci sets it)"
[ -n "${ROOTFS-}" ] && [ -x "$ROOTFS/bin/busybox" ] ||
	bail_out "ROOTFS must name the test rootfs (make rootfs builds it)"
[ "$(uname -m)" = x86_64 ] || { echo "1..0 # SKIP the probes are x86_64's (syscall32.c)"; exit 0; }
top=$(cd "$(dirname "$0")/../.." && pwd)

tmp=$(mktemp -d /tmp/oci-t90.XXXXXX) || bail_out "cannot create a temporary directory"
ids=
cleanup() {
	for id in $ids; do
		for r in runc hutch; do runtime $r delete --force "t90-$r-$id" >/dev/null 2>&1; done
	done
	rm -rf --one-file-system -- "$tmp"
}
trap cleanup EXIT

mkdir -p "$tmp/mnt"
musl-gcc -static -O2 -o "$tmp/mnt/s" "$top/tests/integration/helpers/syscall32.c" ||
	bail_out "cannot build tests/integration/helpers/syscall32.c"
"$tmp/mnt/s" int80 20 >/dev/null ||
	bail_out "int \$0x80 does not work on this kernel (CONFIG_IA32_EMULATION, ia32_emulation=)"
# every system call name hutch knows with its x86_64 number (or NO),
# for the allow-lists
sed -n 's/^S(\([a-z0-9_]*\), *\([0-9NO]*\),.*/\1 \2/p' "$top/src/seccomp/seccomp_syscalls.h" \
	>"$tmp/mnt/names"

# sc NAME SCRIPT PERL: a bundle whose process runs SCRIPT (then END),
# $tmp/mnt at /mnt (syscall32 as s), PERL setting $c's linux.seccomp
sc() {
	ids="$ids $1"
	printf '%s\necho END\n' "$2" >"$tmp/mnt/$1.sh"
	bundle "$1" '
		push @{$c->{mounts}}, { destination => "/mnt", type => "bind",
			source => "'"$tmp/mnt"'", options => ["bind", "ro"] };
		$c->{process}{args} = ["sh", "/mnt/'"$1"'.sh"];
		$c->{process}{env} = ["PATH=/bin:/sbin:/mnt"];
		# names(BELOW, DROP...): the names but DROP, of x86_64 calls below
		# BELOW (and those x86_64 has not)
		sub names { my ($below, %drop) = (shift, map { $_ => 1 } @_);
			local $/ = "\n"; open my $f, "<", "'"$tmp/mnt/names"'" or die;
			[ map { /^(\S+) (\S+)$/; !$drop{$1} && ($2 eq "NO" || $2 < $below) ? $1 : () } <$f> ] }
		'"$3" || bail_out "cannot make the bundle $1"
}

# both NAME DESC EXPECTED: run under runc and hutch; the same output,
# and EXPECTED (an extended regular expression) in hutch's
both() {
	local out
	for r in runc hutch; do
		run_once $r "t90-$r-$1" "$1"
		is "$?" 0 "$1: $r creates it" || diag "$(cat "$tmp/$r.t90-$r-$1.err")"
	done
	out=$(grep -v '^END$' "$tmp/hutch.t90-hutch-$1.out")
	is "$out" "$(grep -v '^END$' "$tmp/runc.t90-runc-$1.out")" "$1: $2: as under runc"
	like "$(tr '\n' ' ' <<<"$out")" "$3" "$1: $2"
}

# --- actions ------------------------------------------------------------------
# x86_64: getpid 39, getpgid 121, getsid 124, personality 135, socket 41;
# i386: getpid 20, getppid 64.

sc errno 'mkdir /dev/shm/a 2>&1; echo mkdir=$?; s native 39 >/dev/null; echo getpid=$?
s native 121 0' '
	$c->{linux}{seccomp} = { defaultAction => "SCMP_ACT_ALLOW", syscalls => [
		{ names => ["mkdir", "mkdirat"], action => "SCMP_ACT_ERRNO", errnoRet => 38 },
		{ names => ["getpgid"], action => "SCMP_ACT_ERRNO" } ] }'
both errno "mkdir gets errnoRet 38, getpgid EPERM (no errnoRet)" \
	"Function not implemented.*mkdir=1 getpid=0 -1 $"

sc kill '(mkdir /dev/shm/a); echo mkdir=$?; (s native 121 0); echo getpgid=$?
(s native 124 0); echo getsid=$?; s native 39 >/dev/null; echo getpid=$?
(s native 41 1 1 0); echo socket=$?' '
	$c->{linux}{seccomp} = { defaultAction => "SCMP_ACT_ALLOW", syscalls => [
		{ names => ["mkdir", "mkdirat"], action => "SCMP_ACT_KILL_PROCESS" },
		{ names => ["getpgid"], action => "SCMP_ACT_KILL" },
		{ names => ["getsid"], action => "SCMP_ACT_TRAP" },
		{ names => ["socket"], action => "SCMP_ACT_LOG" } ] }'
both kill "KILL_PROCESS, KILL (the thread) and TRAP end by SIGSYS (159), LOG lets by" \
	"mkdir=159 getpgid=159 getsid=159 getpid=0 [0-9]+ socket=0"

# --- arguments ------------------------------------------------------------------
# getpgid's pid is 64-bit in seccomp_data: GT 2^32 compares both halves
# (2^32 itself and 0xffffffff pass to the kernel, which takes them as 0
# and -1); socket: AF_INET (2) with SOCK_DGRAM (MASKED_EQ 0xf == 2)
# ANDed; getsid: LT 3 and NE 1 on one index, which runc ORs (a rule each);
# personality: its query (0xffffffff) only.
sc args 's native 121 0x100000001; s native 121 0x100000000 >/dev/null; echo pgid=$?
s native 121 0xffffffff; s native 121 0x1ffffffff
s native 41 2 2 0; s native 41 2 0x80002 0; s native 41 2 1 0; s native 41 1 2 0
s native 124 1; s native 124 2; s native 124 5
s native 135 0xffffffff >/dev/null; echo query=$?; s native 135 0x0040000' '
	$c->{linux}{seccomp} = { defaultAction => "SCMP_ACT_ALLOW", syscalls => [
		{ names => ["getpgid"], action => "SCMP_ACT_ERRNO", errnoRet => 33,
		  args => [ { index => 0, op => "SCMP_CMP_GT", value => 4294967296 } ] },
		{ names => ["socket"], action => "SCMP_ACT_ERRNO", errnoRet => 13,
		  args => [ { index => 0, op => "SCMP_CMP_EQ", value => 2 },
			    { index => 1, op => "SCMP_CMP_MASKED_EQ", value => 15, valueTwo => 2 } ] },
		{ names => ["getsid"], action => "SCMP_ACT_ERRNO", errnoRet => 34,
		  args => [ { index => 0, op => "SCMP_CMP_LT", value => 3 },
			    { index => 0, op => "SCMP_CMP_NE", value => 1 } ] },
		{ names => ["personality"], action => "SCMP_ACT_ALLOW",
		  args => [ { index => 0, op => "SCMP_CMP_EQ", value => 4294967295 } ] },
		{ names => ["personality"], action => "SCMP_ACT_ERRNO", errnoRet => 1 } ] }'
both args "GT on 64 bits, EQ and MASKED_EQ ANDed, LT/NE ORed on one index, personality's query" \
	"^-33 pgid=0 -3 -33 -13 -13 [0-9]+ [0-9]+ -34 -34 -34 query=0 -1 $"

# --- defaultAction ERRNO, an allow-list -------------------------------------------------
# Every name but mkdir and mkdirat (the big program, ~960 instructions
# for two ABIs); and one of the names up to io_uring_setup (425) only,
# so that a call above the last one named gets runc's ENOSYS (-38)
# rather than the default EPERM (-1): pidfd_open (434), and mkdir (83),
# which is below. The architecture is named: runc before 1.2 (Debian
# 12's 1.1.5) adds the stub for the listed ones only, runc 1.2 and hutch
# for the native one always (docs/oci.md).
sc allow 'mkdir /dev/shm/a 2>&1; echo mkdir=$?; s native 39 >/dev/null; echo getpid=$?
s int80 20 >/dev/null; echo i386=$?; (s x32 39 >/dev/null); echo x32=$?' '
	$c->{linux}{seccomp} = { defaultAction => "SCMP_ACT_ERRNO",
		architectures => ["SCMP_ARCH_X86_64", "SCMP_ARCH_X86", "SCMP_ARCH_X32"],
		syscalls => [ { names => names(1e9, "mkdir", "mkdirat"), action => "SCMP_ACT_ALLOW" } ] }'
both allow "every name but mkdir allowed: mkdir gets EPERM, the rest runs, i386 and x32 too" \
	"Operation not permitted.*mkdir=1 getpid=0 i386=0 x32=0"

sc enosys 'mkdir /dev/shm/a 2>&1; echo mkdir=$?; s native 434 1 0; s native 83 0 0' '
	my $low = names(425, "mkdir", "mkdirat");
	$c->{linux}{seccomp} = { defaultAction => "SCMP_ACT_ERRNO",
		architectures => ["SCMP_ARCH_X86_64"],
		syscalls => [ { names => $low, action => "SCMP_ACT_ALLOW" } ] }'
both enosys "above the last call named: ENOSYS (runc's stub), below it: the default EPERM" \
	"mkdir=1 -38 -1 $"

# --- the compat ABI (i386 through int $0x80) and x32 -----------------------------------
# x32: x86_64's arch with bit 30 in the number; Debian's kernels boot with
# it disabled, so a call the filter lets by gets the kernel's ENOSYS (-38)
sc compat 's int80 20 >/dev/null; echo getpid=$?; s int80 64; s native 110; s x32 110; s x32 39' '
	$c->{linux}{seccomp} = { defaultAction => "SCMP_ACT_ALLOW",
		architectures => ["SCMP_ARCH_X86_64", "SCMP_ARCH_X86", "SCMP_ARCH_X32"], syscalls => [
		{ names => ["getppid"], action => "SCMP_ACT_ERRNO", errnoRet => 5 } ] }'
both compat "i386 and x32 listed: getppid (i386 64, x86_64 and x32 110) gets errnoRet 5; x32 getpid passes the filter" \
	"getpid=0 -5 -5 -5 (-38|[0-9]+) $"

sc nocompat '(s int80 20); echo i386=$?; (s x32 39); echo x32=$?; s native 39 >/dev/null; echo native=$?' '
	$c->{linux}{seccomp} = { defaultAction => "SCMP_ACT_ALLOW",
		architectures => ["SCMP_ARCH_X86_64"], syscalls => [
		{ names => ["getppid"], action => "SCMP_ACT_ERRNO" } ] }'
both nocompat "i386 and x32 not listed: killed (libseccomp's bad-architecture action)" \
	"i386=159 x32=159 native=0"

# libseccomp's order within one call: a rule without arguments wins over
# those with some, before or after it (getpgid 5: 34, not 33); i386's
# multiplexers: a rule on socket or connect holds for socketcall(SYS_SOCKET
# 1, SYS_CONNECT 3, its arguments dropped: they are in memory), one on
# semop for ipc(SEMOP 1); socketcall(SYS_BIND 2) passes (EFAULT, -14).
sc mux 's native 121 5; s native 121 1; s int80 102 1 0; s int80 102 3 0; s int80 102 2 0
s int80 359 2 1 0; s int80 359 1 1 0 >/dev/null; echo unix=$?; s int80 117 1 0 0' '
	$c->{linux}{seccomp} = { defaultAction => "SCMP_ACT_ALLOW",
		architectures => ["SCMP_ARCH_X86_64", "SCMP_ARCH_X86"], syscalls => [
		{ names => ["getpgid"], action => "SCMP_ACT_ERRNO", errnoRet => 33,
		  args => [ { index => 0, op => "SCMP_CMP_EQ", value => 5 } ] },
		{ names => ["getpgid"], action => "SCMP_ACT_ERRNO", errnoRet => 34 },
		{ names => ["socket"], action => "SCMP_ACT_ERRNO", errnoRet => 13,
		  args => [ { index => 0, op => "SCMP_CMP_EQ", value => 2 } ] },
		{ names => ["connect"], action => "SCMP_ACT_ERRNO", errnoRet => 11 },
		{ names => ["semop"], action => "SCMP_ACT_ERRNO", errnoRet => 12 } ] }'
both mux "an unconditional rule wins; socketcall and ipc follow socket, connect, semop" \
	"^-34 -34 -13 -11 -14 -13 unix=0 -12 $"

# --- the process's view: one filter, no_new_privs, speculation -----------------------
for nnp in true false; do
	sc "status-$nnp" 'grep -E "^(NoNewPrivs|Seccomp|Seccomp_filters|Speculation_Store_Bypass):" /proc/self/status
mkdir /dev/shm/a 2>&1' '
		$c->{process}{noNewPrivileges} = JSON::PP::'"$nnp"';
		$c->{linux}{seccomp} = { defaultAction => "SCMP_ACT_ALLOW", syscalls => [
			{ names => ["mkdir", "mkdirat"], action => "SCMP_ACT_ERRNO" } ] }'
	both "status-$nnp" "noNewPrivileges $nnp (the filter loaded with CAP_SYS_ADMIN)" \
		"Seccomp:.2 .*Operation not permitted"
done

# --- exec: the container's filter, for a process started in it later -----------------
ids="$ids ex"
bundle ex '
	push @{$c->{mounts}}, { destination => "/mnt", type => "bind",
		source => "'"$tmp/mnt"'", options => ["bind", "ro"] };
	$c->{process}{args} = ["sleep", "1000"];
	$c->{process}{env} = ["PATH=/bin:/sbin:/mnt"];
	$c->{linux}{seccomp} = { defaultAction => "SCMP_ACT_ALLOW", syscalls => [
		{ names => ["getpgid"], action => "SCMP_ACT_ERRNO", errnoRet => 33 } ] };
	for my $nnp (0, 1) {
		my %p = %{$c->{process}};
		$p{noNewPrivileges} = $nnp ? JSON::PP::true : JSON::PP::false;
		$p{args} = ["sh", "-c", "grep -E \"^(Seccomp|NoNewPrivs):\" /proc/self/status; s native 121 0"];
		open my $pf, ">", "$dir/process-$nnp.json" or die; print $pf encode_json(\%p); }' ||
	bail_out "cannot make the bundle ex"
for r in runc hutch; do
	runtime $r create --bundle "$tmp/ex" "t90-$r-ex" </dev/null >/dev/null 2>&1 &&
		runtime $r start "t90-$r-ex"
	for nnp in 0 1; do
		runtime $r exec --process "$tmp/ex/process-$nnp.json" "t90-$r-ex" </dev/null 2>&1
		echo "exit=$?"
	done >"$tmp/$r.ex"
	runtime $r delete --force "t90-$r-ex"
done
is "$(cat "$tmp/hutch.ex")" "$(cat "$tmp/runc.ex")" "exec: the container's filter, with and without no_new_privs, as runc's"
like "$(tr '\n' ' ' <"$tmp/hutch.ex")" "^NoNewPrivs:.0 Seccomp:.2 -33 exit=0 NoNewPrivs:.1 Seccomp:.2 -33 exit=0 $" \
	"exec: getpgid gets the container's errnoRet 33" || diag "$(cat "$tmp/hutch.ex")"

# --- features: runc's lists, less SCMP_ACT_NOTIFY --------------------------------------
feat() { # R: linux.seccomp of R's features, as "enabled actions operators archs"
	runtime "$1" features | perl -MJSON::PP -e 'local $/; my $s = decode_json(<STDIN>)->{linux}{seccomp};
		print join(" | ", $s->{enabled} ? "enabled" : "disabled", map { join(",", sort grep { $_ ne "SCMP_ACT_NOTIFY" &&
			!/^SCMP_ARCH_(RISCV64|LOONGARCH64)$/ } @{$s->{$_} || []}) } qw(actions operators archs))'
}
is "$(feat hutch)" "$(feat runc)" "features: seccomp enabled, runc's actions (NOTIFY refused), operators and architectures"

# --- refused ---------------------------------------------------------------------------
# refused NAME PERL FIELD: runc refuses it (create fails); hutch says one
# line naming FIELD, exits 125, and leaves no container.
refused() {
	local err rc
	sc "$1" 'echo ran' "$2"
	runtime runc create --bundle "$tmp/$1" "t90-runc-$1" </dev/null >/dev/null 2>&1
	isnt "$?" 0 "$1: runc refuses it"
	runtime hutch create --bundle "$tmp/$1" "t90-hutch-$1" </dev/null >/dev/null 2>"$tmp/$1.err"
	rc=$?
	err=$(cat "$tmp/$1.err")
	is "$rc" 125 "$1: hutch refuses it (125)"
	like "$err" "$3" "$1: naming $3" || diag "$err"
	is "$(wc -l <"$tmp/$1.err")" 1 "$1: in one line"
	runtime hutch state "t90-hutch-$1" >/dev/null 2>&1
	isnt "$?" 0 "$1: no container left"
}
refused bad-action '$c->{linux}{seccomp} = { defaultAction => "SCMP_ACT_ALLOW",
	syscalls => [ { names => ["getpid"], action => "SCMP_ACT_FROB" } ] }' 'syscalls\[\]\.action'
refused bad-default '$c->{linux}{seccomp} = { defaultAction => "ALLOW" }' 'defaultAction'
refused bad-op '$c->{linux}{seccomp} = { defaultAction => "SCMP_ACT_ALLOW", syscalls => [
	{ names => ["getpid"], action => "SCMP_ACT_ERRNO",
	  args => [ { index => 0, op => "SCMP_CMP_ABOUT", value => 1 } ] } ] }' 'args\[\]\.op'
refused bad-index '$c->{linux}{seccomp} = { defaultAction => "SCMP_ACT_ALLOW", syscalls => [
	{ names => ["getpid"], action => "SCMP_ACT_ERRNO",
	  args => [ { index => 6, op => "SCMP_CMP_EQ", value => 1 } ] } ] }' 'index'
refused bad-arch '$c->{linux}{seccomp} = { defaultAction => "SCMP_ACT_ALLOW",
	architectures => ["SCMP_ARCH_VAX"] }' 'architectures'
refused bad-flag '$c->{linux}{seccomp} = { defaultAction => "SCMP_ACT_ALLOW",
	flags => ["SECCOMP_FILTER_FLAG_FROB"] }' 'flags'
refused empty-name '$c->{linux}{seccomp} = { defaultAction => "SCMP_ACT_ALLOW",
	syscalls => [ { names => [""], action => "SCMP_ACT_ERRNO" } ] }' 'names'

# hutch's own: a seccomp agent (runc would hand it the listener)
for f in notify listener; do
	ids="$ids $f"
	bundle "$f" '$c->{linux}{seccomp} = { defaultAction => "SCMP_ACT_ALLOW",
		syscalls => [ { names => ["getpid"], action => "SCMP_ACT_'"$([ $f = notify ] && echo NOTIFY || echo ERRNO)"'" } ] };
		$c->{linux}{seccomp}{listenerPath} = "/run/t90-agent.sock" if "'"$f"'" eq "listener"' ||
		bail_out "cannot make the bundle $f"
	runtime hutch create --bundle "$tmp/$f" "t90-hutch-$f" </dev/null >/dev/null 2>"$tmp/$f.err"
	is "$?" 125 "$f: hutch refuses a seccomp agent (125)"
	like "$(cat "$tmp/$f.err")" "$([ $f = notify ] && echo SCMP_ACT_NOTIFY || echo listenerPath)" \
		"$f: naming the field"
	runtime hutch state "t90-hutch-$f" >/dev/null 2>&1
	isnt "$?" 0 "$f: no container left"
done

# hutch's own limits: 1024 rules (a name each); the kernel's 4096
# instructions (300 names sharing six arguments would take ~9,900)
for f in many long; do
	ids="$ids $f"
	bundle "$f" 'my @e = "'"$f"'" eq "many" ? ({ names => [ ("getpid") x 1100 ], action => "SCMP_ACT_ERRNO" })
		: ({ names => [ ("getpid") x 300 ], action => "SCMP_ACT_ERRNO", args => [ map { { index => $_,
			op => "SCMP_CMP_GT", value => 1 } } 0 .. 5 ] });
		$c->{linux}{seccomp} = { defaultAction => "SCMP_ACT_ALLOW", syscalls => \@e }' ||
		bail_out "cannot make the bundle $f"
	runtime hutch create --bundle "$tmp/$f" "t90-hutch-$f" </dev/null >/dev/null 2>"$tmp/$f.err"
	is "$?" 125 "$f: hutch refuses it (125)"
	like "$(cat "$tmp/$f.err")" "$([ $f = many ] && echo 'more than 1024 rules' || echo '4096 BPF instructions')" \
		"$f: saying which limit" || diag "$(cat "$tmp/$f.err")"
	runtime hutch state "t90-hutch-$f" >/dev/null 2>&1
	isnt "$?" 0 "$f: no container left"
done

done_testing
