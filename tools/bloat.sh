#!/bin/sh
# SPDX-License-Identifier: MIT
# bloat.sh - which symbols a build made bigger or smaller, in the manner
# of Linux's scripts/bloat-o-meter (written anew, in POSIX sh and awk).
#
#   tools/bloat.sh SYMS BIN      after a link (the Makefile, every build):
#                                BIN.nm becomes BIN.prev-nm, BIN.nm is made
#                                from SYMS (BIN unstripped, or BIN itself),
#                                and what changed since the previous build
#                                is printed; nothing when nothing did.
#   tools/bloat.sh -c OLD NEW    compare two listings (BIN.nm files) or two
#                                unstripped binaries: another branch's
#                                build, another profile's, another ARCH's.
#
# A listing is `nm -S --size-sort` of the unstripped binary, after a first
# line "# file BYTES" with the stripped binary's size. NM: the nm to use
# (the Makefile passes the compiler's own, for another ARCH's binaries).
# A name that several static symbols share (two files' `note`) counts
# once, with their sizes added; LTO's ".lto_priv.N" is dropped from the
# names, its N being only the order of the link's partitions. Symbols
# cover the functions and named data; the rest of the file (merged
# strings, the ELF headers, padding) shows only in the file's total.
set -eu

NM=${NM:-nm}

die() {
	echo "bloat.sh: $*" >&2
	exit 1
}

# listing ELF [FILE_FOR_SIZE]: the listing of ELF on stdout.
listing() {
	echo "# file $(wc -c <"${2:-$1}" | tr -d ' ')"
	"$NM" -S --size-sort "$1" || die "$NM -S --size-sort $1 failed (NM=the nm of its ARCH)"
}

# as_listing FILE: FILE if it is a listing, else the listing of the binary.
as_listing() {
	first=
	IFS= read -r first <"$1" || :
	case $first in
	"# file "*) cat "$1" ;;
	*) listing "$1" ;;
	esac
}

# compare OLD NEW (listing files): the table, or nothing if they agree.
compare() {
	cmp -s "$1" "$2" && return 0
	awk '
	FNR == 1 { side = (FILENAME == ARGV[1]) ? "old" : "new" }
	/^# file / { file[side] = $3; next }
	NF < 4 { next }
	{
		size = 0; h = tolower($2)
		for (i = 1; i <= length(h); i++)
			size = size * 16 + index("0123456789abcdef", substr(h, i, 1)) - 1
		name = $4
		sub(/\.lto_priv\.[0-9]+$/, "", name)
		if ($3 ~ /^[tTwW]$/) kind[name] = "code"
		else if ($3 ~ /^[rRvV]$/) kind[name] = "rodata"
		else if ($3 ~ /^[bBsS]$/) kind[name] = "bss"
		else kind[name] = "data"
		if (side == "old") { old[name] += size; was[name] = 1 }
		else { new[name] += size; is[name] = 1 }
	}
	END {
		# was[] and is[] tell the sides apart: old[n] and new[n]
		# below would make the entries they read
		for (n in kind) {
			d = new[n] - old[n]
			if (!(n in was)) { add++; o = "-" } else o = old[n]
			if (!(n in is)) { del++; w = "-" } else w = new[n]
			if (d == 0 && o != "-" && w != "-") continue
			if (o != "-" && w != "-") { if (d > 0) grow++; else shrink++ }
			if (d > 0) up += d; else down += d
			printf "%d\t%s\t%s\t%s\t%s\n", d, n, kind[n], o, w
		}
		printf "total\t%d\t%d\t%d\t%d\t%d\t%d\t%d\t%d\n", add, del, grow, shrink, \
			up, down, file["old"], file["new"]
	}' "$1" "$2" | sort -t "$(printf '\t')" -k1,1nr -k2,2 | awk -F '\t' '
	$1 == "total" { t = $0; next }
	{ rows[++n] = $0 }
	END {
		split(t, s, "\t")
		if (n == 0 && s[8] == s[9]) exit
		printf "  BLOAT   add/remove: %d/%d grow/shrink: %d/%d up/down: %d/%d (%+d)\n", \
			s[2], s[3], s[4], s[5], s[6], s[7], s[6] + s[7]
		if (n) printf "  %-40s %-6s %7s %7s %7s\n", "symbol", "kind", "old", "new", "delta"
		for (i = 1; i <= n; i++) {
			split(rows[i], r, "\t")
			printf "  %-40s %-6s %7s %7s %+7d\n", r[2], r[3], r[4], r[5], r[1]
		}
		if (s[8] != "" && s[9] != "")
			printf "  file: %d -> %d bytes (%+d)\n", s[8], s[9], s[9] - s[8]
	}'
}

if [ "${1-}" = -c ]; then
	[ $# -eq 3 ] || die "usage: tools/bloat.sh -c OLD NEW (listings or unstripped binaries)"
	tmp=$(mktemp -d) || die "cannot make a temporary directory"
	trap 'rm -rf "$tmp"' EXIT
	as_listing "$2" >"$tmp/old"
	as_listing "$3" >"$tmp/new"
	compare "$tmp/old" "$tmp/new"
	exit 0
fi

[ $# -eq 2 ] || die "usage: tools/bloat.sh SYMS BIN, or -c OLD NEW"
syms=$1 bin=$2
[ ! -f "$bin.nm" ] || mv "$bin.nm" "$bin.prev-nm"
listing "$syms" "$bin" >"$bin.nm.new"
mv "$bin.nm.new" "$bin.nm"
[ ! -f "$bin.prev-nm" ] || compare "$bin.prev-nm" "$bin.nm"
