#!/bin/bash
# SPDX-License-Identifier: MIT
# --help, docs/options.md's option table and the man page's OPTIONS are
# generated from one definition, src/config/options.def (tests/static/options-doc.t
# regenerates the docs and diffs them); here, what else the documents must
# agree on (issue 13, item 9): the commands in
# --help, the man page's SYNOPSIS and docs/usage.md's Usage; no SIGRTMIN;
# the size of the x86_64 binary in README and docs/building.md; the systemd
# and inittab examples; README's config example is the board's. The man
# page renders without a groff warning. Every relative link in README.md
# and docs/*.md resolves, #anchors included, and README links every
# docs/*.md (issue 14, item 7).
. "$(dirname "$0")/../lib/tap.sh"
require_cmd groff=groff-base perl
[ -n "${HUTCH:-}" ] || bail_out "HUTCH must be set"
top=$(cd "$(dirname "$0")/../.." && pwd)

# "-f, --config FILE", "--hostname NAME", "command = CMD ARG..." ...
help() {
	"$HUTCH" --help | grep -E '^  (-[[:alnum:]], |    )(--[a-z]|[a-z][a-z-]* = )' |
		sed -E 's/^ +//; s/  .*//'
}

n=$(help | wc -l)
ok "--help lists the options ($n)" test "$n" -ge 30

# Every option the parser knows is in --help: each long option of the table
# is accepted as a key or an option.
for o in $(help | grep -oE -- '--[a-z][a-z-]*' | sed 's/^--//'); do
	"$HUTCH" "--$o" 2>&1 | grep -q "unknown option" && echo "--$o unknown to the parser"
done >"${TMPDIR:-/tmp}/docs-$$"
is "$(cat "${TMPDIR:-/tmp}/docs-$$")" "" "every option --help names is one the parser knows"
rm -f "${TMPDIR:-/tmp}/docs-$$"

# The commands (issue 13, item 9): hutch names them in the line that refuses
# a word it does not know, from the table it dispatches by; each is in
# --help's usage, the man page's SYNOPSIS and docs/usage.md's Usage.
refusal=$("$HUTCH" no-such-command-99 2>&1 >/dev/null)
rc=$?
is "$rc" 125 "a word first that is no command of hutch's is refused with 125"
verbs=$(sed -nE 's/.*is not a command of hutch \(([^)]*)\).*/\1/p' <<<"$refusal" | tr -d ,)
ok "the refusal names the commands ($verbs)" test -n "$verbs"
usage=$("$HUTCH" --help | sed -n '1,/^$/p')
synopsis=$(sed -n '/^\.SH SYNOPSIS/,/^\.SH /p' "$top/docs/hutch.8" | sed -e 's/\\f[BIRP]//g' -e 's/\\-/-/g')
usage_md=$(sed -n '/^## Usage$/,/^Options come first/p' "$top/docs/usage.md")
for v in $verbs; do
	grep -Eq "(^|[ |])$v([ |]|$)" <<<"$usage" || echo "--help's usage lacks $v"
	grep -Eq "(^|[ |])$v([ |]|$)" <<<"$synopsis" || echo "hutch(8)'s SYNOPSIS lacks $v"
	grep -Eq "^    hutch( [a-z|]*)*[ |]$v([ |]|$)" <<<"$usage_md" || echo "docs/usage.md's Usage lacks $v"
done >"${TMPDIR:-/tmp}/docs-$$"
is "$(cat "${TMPDIR:-/tmp}/docs-$$")" "" "every command is in --help, the man page's SYNOPSIS and docs/usage.md's Usage"
rm -f "${TMPDIR:-/tmp}/docs-$$"
is "$("$HUTCH" help 2>&1)" "$("$HUTCH" --help 2>&1)" "hutch help is --help"

# hutch restart is SIGRTMAX: SIGRTMIN+N differs between glibc and musl, and
# no user document may name it again (docs/design.md tells the history).
is "$(cd "$top" && grep -n 'RTMIN' README.md docs/*.md docs/hutch.8 | grep -v '^docs/design\.md:'
	"$HUTCH" --help | grep -n RTMIN)" "" \
	"README, docs/, the man page and --help never name SIGRTMIN"

# The x86_64 binary's size as README and docs/building.md state it ("about
# 87 KB on x86_64", the SIZE line of make, "87,144 bytes on x86_64"): each
# within 10% of the stripped default build, which make check has built
# (HUTCH may be another build: check-sanitize's). No number at all passes
# too.
bin=$top/build/x86_64/hutch
ok "build/x86_64/hutch is built (make)" test -f "$bin"
size=$(stat -c %s "$bin" 2>/dev/null || echo 0)
claims=$(cat "$top/README.md" "$top/docs/building.md" | tr '\n' ' ' | perl -ne '
	while (/(?:about\s+)?([0-9][0-9,.]*)\s*(KB|KiB|bytes)\b(?:[^.|]{0,40}?)\bon\s+x86_64/g) {
		my ($n, $u) = ($1, $2); $n =~ s/,//g;
		print $n * ($u eq "KB" ? 1000 : $u eq "KiB" ? 1024 : 1), " $n $u\n" }
	while (m{x86_64/hutch: ([0-9]+) bytes}g) { print "$1 $1 bytes\n" }')
while read -r bytes n unit; do
	[ -n "$bytes" ] || continue
	[ $((bytes * 100)) -ge $((size * 90)) ] && [ $((bytes * 100)) -le $((size * 110)) ] ||
		echo "README or docs/building.md says $n $unit, the binary is $size bytes"
done <<<"$claims" >"${TMPDIR:-/tmp}/docs-$$"
is "$(cat "${TMPDIR:-/tmp}/docs-$$")" "" "the sizes on x86_64 in README and docs/building.md are within 10% of the binary ($size bytes; $(grep -c . <<<"$claims") claims)"
rm -f "${TMPDIR:-/tmp}/docs-$$"

# The systemd unit and the inittab line: the man page's examples are
# docs/init-systems.md's, which are the shipped files'; README's inittab
# line is the same.
doc_unit=$(sed -n '/^```ini$/,/^```$/p' "$top/docs/init-systems.md" | sed -n '/^\[Service\]/,/^```/p' | grep -v '^```')
man_unit=$(sed -n '/^\[Service\]/,/^\.fi/p' "$top/docs/hutch.8" | grep -v '^\.fi' |
	sed -e 's/\\-/-/g' -e 's/\\(aq/'"'"'/g' -e 's/\\e/\\/g')
is "$man_unit" "$doc_unit" "the man page's systemd unit is docs/init-systems.md's"
shipped=$(sed -n '/^\[Service\]/,/^\[Install\]/p' "$top/init/systemd/hutch-web.service" | grep -Ev '^(#|\[Install\]|$)')
is "$doc_unit" "$shipped" "docs/init-systems.md's systemd unit is init/systemd/hutch-web.service's"
doc_inittab=$(grep -m1 '^::once:' "$top/docs/init-systems.md")
man_inittab=$(grep -m1 '^::once:' "$top/docs/hutch.8" | sed -e 's/\\-/-/g')
is "$man_inittab" "$doc_inittab" "the man page's inittab line is docs/init-systems.md's"
is "$(grep -m1 '^::once:' "$top/README.md")" "$doc_inittab" "and README's"
like "$(cat "$top/init/busybox/inittab")" "^${doc_inittab//./\\.}\$" "and the shipped inittab's"

# README's config example is board/x86_64/web.conf, which make install
# ships and tests/integration/69-examples.t runs: the first code block
# after "A service and its config file" holds the file's lines.
readme_conf=$(awk '/^\*\*A service and its config file/ { s = 1 } s && /^```$/ { if (in_) exit; in_ = 1; next }
	in_ { print }' "$top/README.md")
is "$readme_conf" "$(grep -v '^#' "$top/board/x86_64/web.conf")" "README's config example is board/x86_64/web.conf"

warnings=$(groff -man -ww -z "$top/docs/hutch.8" 2>&1)
is "$warnings" "" "the man page renders without a groff warning"
like "$(groff -man -Tascii -P-cbou "$top/docs/hutch.8" 2>/dev/null)" "hutch check" \
	"and the rendered page documents hutch check"

# The MIT license, named at the head of every source file (issue 13.8):
# C, shell, perl, make, the packages' recipes and the shipped units; the
# license text itself is LICENSE. Data (configs, corpora, the rootfs
# skeleton) carries none.
unlicensed=$(cd "$top" && git ls-files 2>/dev/null | while read -r f; do
	case $f in tests/fuzz/corpus/* | rootfs-skel/*) continue ;; esac
	case $f in
	*.c | *.h | *.sh | *.t | *.pl | *.mk | */Makefile | Makefile | *.bb | *Config.in | *.service | */layer.conf) ;;
	*) [ "$(head -c 2 "$f")" = "#!" ] || continue ;;
	esac
	head -n 3 "$f" | grep -q 'SPDX-License-Identifier: MIT' || echo "$f"
done)
is "$unlicensed" "" "every source file starts with SPDX-License-Identifier: MIT"

# docs/building.md: make install BOARD=rpi4 stages that board's binary and example
# configs (it installed x86_64's web.conf for every board).
plan_install=$(cd "$top" && make -n --no-print-directory install BOARD=rpi2 DESTDIR=/x 2>/dev/null)
like "$plan_install" "board/rpi2/cron\.conf" "make install BOARD=rpi2 installs rpi2's example config"
unlike "$plan_install" "board/x86_64/web\.conf" "and not x86_64's"

# Every board's examples boot in a QEMU guest (issue 13.3): each board with
# a config is named on a qemu_example_confs line of a tests/qemu/*.t (the
# examples scenario) and in tests/qemu/README.md's table of who boots what.
unbooted=$(cd "$top" && for d in board/*/; do
	b=$(basename "$d")
	compgen -G "$d*.conf" >/dev/null || continue
	grep -Eq "^qemu_example_confs( [^ ]+)* $b( |\$)" tests/qemu/*.t || echo "$b: in no guest"
	grep -q "board/$b/" tests/qemu/README.md || echo "$b: not in tests/qemu/README.md"
done)
is "$unbooted" "" "every board's examples boot in a QEMU guest, and tests/qemu/README.md says which"

# The examples (issue 14, item 7): each hutch command line in a code block
# of README.md and docs/*.md (but design.md's), each config file block (a
# fenced block of key = value lines) and the --seccomp FILE example are
# judged by hutch check as a start would judge them. Exit 0 or 1 (the
# root, a device or /dev/log may be missing here) is fine; 125 is an
# option refused: the example went stale. A --cpuset naming CPUs this
# machine lacks (the quad-core Pi's "2-3" on a 2-CPU builder), or a
# config file under /etc/hutch, is this machine's refusal, not the
# example's.
ex=${TMPDIR:-/tmp}/docs-ex-$$
mkdir -p "$ex" || bail_out "cannot make $ex"
md=()
for f in "$top"/docs/*.md; do [ "${f##*/}" = design.md ] || md+=("docs/${f##*/}"); done
(cd "$top" && perl -e '
	use strict; use warnings;
	my ($n, $dir) = (0, shift);
	for my $f (@ARGV) { open(my $h, "<", $f) or die "$f: $!";
		my ($cur, $at, $fence, @conf, $seccomp);
		while (my $l = <$h>) { chomp $l;
			if ($l =~ /^```(\S*)$/) {
				if (!defined $fence) { $fence = $1; @conf = (); next }
				my @kv = grep { !/^\s*(#|$)/ } @conf;
				if ($fence eq "" && @kv && !grep { !/^[a-z][a-z-]*( = .*)?$/ } @kv) {
					$n++; open(my $o, ">", "$dir/$n.conf") or die;
					print $o map { "$_\n" } @conf; close $o;
					print "$f:$.\t-f $dir/$n.conf\n" }
				undef $fence; next }
			push @conf, $l if defined $fence;
			if (defined $seccomp) {
				if ($l =~ /^    (.*)$/) { print $seccomp "$1\n"; next }
				close $seccomp; undef $seccomp;
				print "$f:$at\t--seccomp $dir/$n.seccomp\n" }
			if ($l =~ m{^    # /etc/hutch/\S+\.seccomp}) {
				$n++; $at = $.; open($seccomp, ">", "$dir/$n.seccomp") or die; next }
			if (defined $cur) { $cur .= " $l" }
			elsif ($l =~ /^\s*(?:#\s+)?hutch\s+(-[-a-zA-Z].*)$/ && $l !~ /\[/) { $cur = $1; $at = $. }
			else { next }
			next if $cur =~ s/\\\s*$//;
			$cur =~ s/\s--\s.*//; $cur =~ s/\s+/ /g;
			print "$f:$at\t$cur\n"; undef $cur } }
	' "$ex" README.md "${md[@]}") >"$ex/list" ||
	bail_out "cannot read the examples"
n=$(grep -c . "$ex/list")
while IFS=$'\t' read -r where args; do
	# shellcheck disable=SC2086 # the example's words, split as a shell would
	out=$("$HUTCH" check $args 2>&1 >/dev/null)
	rc=$?
	[ "$rc" != 125 ] && continue
	grep -q -- "--cpuset: .* names a CPU that is not online" <<<"$out" && continue
	# -f /etc/hutch/NAME.conf: the board's file, not this machine's (the
	# blocks of key = value lines are judged on their own above)
	grep -q -- "cannot open config file /etc/hutch/" <<<"$out" && continue
	echo "$where: hutch check $args: $out"
done <"$ex/list" >"$ex/refused"
ok "the docs' examples are found ($n)" test "$n" -ge 10
is "$(cat "$ex/refused")" "" "hutch check refuses no option of the docs' command lines, config files and seccomp list"
rm -rf "$ex"

# Links (issue 14, item 7): every relative link of README.md and
# docs/*.md names a file that exists, and an #anchor names a heading of
# that Markdown file, slugged as GitHub does (lower case, punctuation but
# '-' and '_' dropped, blanks to '-', a repeated heading gets -1, -2 ...).
# Fenced code blocks are not Markdown and are skipped.
broken=$(cd "$top" && perl -e '
	use strict; use warnings; use File::Basename qw(dirname);
	my %slugs;
	sub slugs { my ($f) = @_; return $slugs{$f} if $slugs{$f};
		local $_; my (%s, %n, $fence); open(my $h, "<", $f) or return {};
		while (<$h>) { if (/^```/) { $fence = !$fence; next } next if $fence;
			next unless /^#{1,6} +(.*?)\s*$/;
			(my $s = lc $1) =~ s/[^\w\- ]//g; $s =~ tr/ /-/;
			my $k = $n{$s}++ ? "$s-" . ($n{$s} - 1) : $s; $s{$k} = 1 }
		return $slugs{$f} = \%s }
	for my $f (@ARGV) { open(my $h, "<", $f) or die "$f: $!"; my $fence;
		while (<$h>) { if (/^```/) { $fence = !$fence; next } next if $fence; my $ln = $.;
			while (/\[[^\]]*\]\(([^)\s]+)\)/g) { my $l = $1;
				next if $l =~ m{^[a-z]+:};
				my ($p, $a) = split /#/, $l, 2;
				my $t = $p eq "" ? $f : dirname($f) . "/$p";
				if (!-e $t) { print "$f:$ln: $l: no such file\n"; next }
				next unless defined $a && $t =~ /\.md$/;
				print "$f:$ln: $l: no heading #$a in $t\n" unless slugs($t)->{$a} } } }
	' README.md docs/*.md)
is "$broken" "" "every relative link in README.md and docs/*.md resolves, with its anchor"
unlinked=$(cd "$top" && for f in docs/*.md; do
	grep -q "](\(\./\)\?$f\(#[^)]*\)\?)" README.md || echo "$f"
done)
is "$unlinked" "" "README.md links every docs/*.md"

done_testing
