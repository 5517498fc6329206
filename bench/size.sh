# SPDX-License-Identifier: MIT
# bench/size.sh - section 4: binary size per board target against the
# peers' static binaries, and what the bytes are. Sourced by bench/bench.sh.
#
# `make boards` builds and checks every board (it needs the cross
# toolchains: `make toolchains`). Then, for one board per architecture,
# the same link again with a map file (-Wl,-Map), which tells how many
# bytes each source file and musl keep after --gc-sections. The peers are
# Debian's own binaries: this machine's, and arm64's, unpacked from the
# packages (tools/debfile.sh; skipped if the archive cannot be reached).

SIZE_MAP_BOARDS="x86_64 rpi4 rpi2 rpi0 mt7621"

# map_sizes MAPFILE BINARY: "GROUP<TAB>BYTES" per source file (and musl,
# libgcc), and "=KIND<TAB>BYTES" per kind of section, counting only the
# input sections of output sections that BINARY loads (SHF_ALLOC; the map
# also lists .comment, .ARM.attributes, debug sections, which -s drops).
map_sizes() {
	local alloc
	alloc=$(readelf -SW "$2" | awk '/^ *\[ *[0-9]+\]/ { sub(/^ *\[ *[0-9]+\] */, ""); if ($7 ~ /A/) print $1 }' | tr '\n' ' ')
	awk -v alloc=" $alloc " '
	function hex(s,   i, c, v) {
		v = 0; s = tolower(substr(s, 3))
		for (i = 1; i <= length(s); i++) { c = index("0123456789abcdef", substr(s, i, 1)) - 1; v = v * 16 + c }
		return v
	}
	function add(size, file,   g, k) {
		if (index(alloc, " " out " ") == 0) return
		if (file ~ /\.o$/ && file ~ /obj\//) { g = file; sub(/^.*\//, "", g); sub(/\.o$/, ".c", g) }
		else if (file ~ /libc\.a\(/) g = "musl libc"
		else if (file ~ /libgcc/) g = "libgcc"
		else if (file ~ /crt[^\/]*\.o$/) g = "musl crt"
		else g = "other"
		if (out ~ /^\.(s?bss|tbss)/) { g = "(bss, not in the file)"; k = "=bss" }
		else if (out ~ /^\.(text|init|fini|plt|iplt)$/) k = "=code"
		else if (out ~ /^\.(rodata|eh_frame|ARM\.ex|gcc_except|MIPS|reginfo)/) k = "=rodata"
		else k = "=data"
		sum[g] += size; kind[k] += size
	}
	/^Linker script and memory map/ { on = 1; next }
	!on { next }
	/^\.[^ ]+/ { out = $1 }
	pending != "" {
		if ($1 ~ /^0x/ && NF >= 3) add(hex($2), $3)
		pending = ""; next
	}
	/^ [.A-Z][^ ]*/ && $1 !~ /^\*/ {
		if (NF == 1) { pending = $1; next }
		if ($2 ~ /^0x/ && NF >= 4) add(hex($3), $4)
	}
	END { for (g in sum) if (sum[g] > 0) printf "%s\t%d\n", g, sum[g]
	      for (k in kind) printf "%s\t%d\n", k, kind[k] }' "$1"
}

section_size() {
	say "4/6 binary size: make boards; link maps; the peers' binaries"
	local Z=$B/size
	rm -rf "$Z"
	mkdir -p "$Z"
	local boards_ok=1
	if ! make --no-print-directory -C "$REPO" boards >"$RAW/boards.txt" 2>&1; then
		boards_ok=0
		say "make boards failed (cross toolchains missing? make toolchains): sizes of what exists"
	fi
	local same=1
	cmp -s "$REPO/build/$HOST_ARCH/hutch" "$HUTCH" || same=0
	local b f arch pages bytes k
	: >"$RAW/size-boards.tsv"
	for f in "$REPO"/build/*/board.txt; do
		b=$(basename "$(dirname "$f")")
		[ -f "$REPO/board/$b/board.mk" ] || continue
		[ -x "$REPO/build/$b/hutch" ] || continue
		read -r _ arch pages _ bytes <"$f"
		bytes=$(stat -c %s "$REPO/build/$b/hutch")
		printf '%s\t%s\t%s\t%s\n' "$b" "$arch" "$pages" "$bytes" >>"$RAW/size-boards.tsv"
		kv "size_$(tr - _ <<<"$b")" "$bytes"
	done
	# Each profile (configs/*.config) for this machine's architecture and
	# aarch64 (the Raspberry Pi 3/4/5 and most boards): issue 14's
	# targets are per profile.
	: >"$RAW/size-profiles.tsv"
	local a p pbin
	for a in "$HOST_ARCH" aarch64; do
		make --no-print-directory -C "$REPO" BOARD= ARCH="$a" toolchain >>"$RAW/boards.txt" 2>&1 || continue
		for p in full router tiny; do
			make --no-print-directory -C "$REPO" BOARD= ARCH="$a" HUTCH_CONFIG="configs/$p.config" all \
				>>"$RAW/boards.txt" 2>&1 || continue
			pbin=$REPO/build/$a/hutch
			[ "$p" = full ] || pbin=$REPO/build/$a-$p/hutch
			[ -x "$pbin" ] || continue
			printf '%s\t%s\t%s\n' "$a" "$p" "$(stat -c %s "$pbin")" >>"$RAW/size-profiles.tsv"
			kv "size_${a}_$p" "$(stat -c %s "$pbin")"
		done
	done
	# The link again, with a map, for one board per architecture.
	local cmd groups=()
	for b in $SIZE_MAP_BOARDS; do
		[ -x "$REPO/build/$b/hutch" ] || continue
		cmd=$(make --no-print-directory -C "$REPO" -B -n BOARD="$b" V=1 "build/$b/hutch" 2>/dev/null |
			grep -- "-o build/$b/hutch " | sed -n 1,1p) || continue
		[ -n "$cmd" ] || continue
		cmd=${cmd/ -o build\/$b\/hutch / -o $Z\/$b.hutch -Wl,-Map=$Z\/$b.map }
		(cd "$REPO" && eval "$cmd") >/dev/null 2>&1 || continue
		cmp -s "$Z/$b.hutch" "$REPO/build/$b/hutch" || say "size: the map link of $b differs from build/$b/hutch"
		map_sizes "$Z/$b.map" "$Z/$b.hutch" | sort >"$Z/$b.all"
		grep -v '^=' "$Z/$b.all" >"$Z/$b.sizes" || true
		grep '^=' "$Z/$b.all" >"$Z/$b.kinds" || true
		groups+=("$b")
	done

	# The peers.
	: >"$RAW/size-peers.tsv"
	local p path kind
	for p in tini-static catatonit dumb-init tini; do
		path=$(command -v "$p") || continue
		printf '%s\t%s\t%s\t%s\n' "$p" x86_64 "$(stat -c %s "$path")" "$(bin_kind "$path" | sed 's/, [0-9]* bytes$//')" >>"$RAW/size-peers.tsv"
	done
	local pkgfile
	for pkgfile in tini:usr/bin/tini-static catatonit:usr/bin/catatonit dumb-init:usr/bin/dumb-init; do
		path=$(timeout 60 "$REPO/tools/debfile.sh" "${pkgfile%%:*}:arm64" "${pkgfile#*:}" "$REPO/build/debs" 2>/dev/null) || continue
		kind=$(bin_kind "$path" | sed 's/, [0-9]* bytes$//')
		printf '%s\t%s\t%s\t%s\n' "$(basename "$path")" aarch64 "$(stat -c %s "$path")" "$kind" >>"$RAW/size-peers.tsv"
	done
	kv size_tini_static_arm64 "$(awk -F '\t' '$1 == "tini-static" && $2 == "aarch64" { print $3 }' "$RAW/size-peers.tsv")"
	kv size_tini_static "$(awk -F '\t' '$1 == "tini-static" && $2 == "x86_64" { print $3 }' "$RAW/size-peers.tsv")"
	kv size_catatonit "$(awk -F '\t' '$1 == "catatonit" && $2 == "x86_64" { print $3 }' "$RAW/size-peers.tsv")"

	{
		echo "### 4. Binary size (bytes)"
		echo
		if [ "$boards_ok" = 1 ]; then
			echo "Every board from \`make boards\` (static, 64 KiB-aligned segments, stripped; each checked and run under qemu-user):"
		else
			echo "\`make boards\` failed here (see build/bench/raw/boards.txt; cross toolchains: \`make toolchains\`); the boards that were built:"
		fi
		[ "$same" = 1 ] || echo "(The sources changed since the binary under test was built: that one is $(stat -c %s "$HUTCH") bytes on $HOST_ARCH.)"
		echo
		awk -F '\t' '{ printf "%s\t%s\t%s\t%s\t%+d\n", $1, $2, $3, $4, $4 - 65536 }' "$RAW/size-boards.tsv" |
			md_table board arch pages bytes "vs 64 KiB"
		echo
		echo "Per profile (configs/*.config; the default is full), against issue 14's targets: full at most tini built static with musl and hutch's size flags (48,376 bytes on x86_64, 60,400 on aarch64, measured when the issue was written: Debian ships no musl tini), tiny at most runit's runsv with the same flags (23,928 on aarch64), and no architecture over 64 KiB:"
		echo
		awk -F '\t' '{
			t = $2 == "tiny" ? ($1 == "aarch64" ? 23928 : 0) : $2 == "full" ? ($1 == "aarch64" ? 60400 : ($1 == "x86_64" ? 48376 : 0)) : 0
			printf "%s\t%s\t%s\t%s\t%s\t%s\n", $1, $2, $3, t ? t : "-", t ? sprintf("%+d (%.2fx)", $3 - t, $3 / t) : "-", sprintf("%+d", $3 - 65536) }' \
			"$RAW/size-profiles.tsv" | md_table arch profile bytes target "vs target" "vs 64 KiB"
		echo
		echo "The peers as Debian ships them (Debian has no static dumb-init; its tini-static and catatonit are glibc, statically linked):"
		echo
		awk -F '\t' -v h="$(get size_x86_64)" -v ha="$(get size_rpi4)" '{
			ref = $2 == "aarch64" ? ha : h
			printf "%s\t%s\t%s\t%s\t%s\n", $1, $2, $4, $3, ref ? sprintf("%.1f", $3 / ref) : "-" }' "$RAW/size-peers.tsv" |
			md_table binary arch kind bytes "x hutch (same arch)"
		if [ "${#groups[@]}" -gt 0 ]; then
			echo
			echo "Where hutch's bytes are, per source file, after --gc-sections (from a link map of the same link; code, read-only data and data; .bss apart, it takes no room in the file). The last rows: the sum, and what the file adds (ELF headers and alignment)."
			echo
			local header=(file) g
			for g in "${groups[@]}"; do header+=("$g ($(awk -F '\t' -v b="$g" '$1 == b { print $2 }' "$RAW/size-boards.tsv"))"); done
			local sizefiles=()
			for g in "${groups[@]}"; do sizefiles+=("$Z/$g.sizes"); done
			# One row per source file, a column per board, the first board's
			# biggest first.
			awk -F '\t' 'FNR == 1 { j++ } { v[$1, j] = $2; keys[$1] = 1; if (j == 1) first[$1] = $2 }
				END { for (k in keys) { printf "%s", k; for (i = 1; i <= j; i++) printf "\t%s", v[k, i]; printf "\t%d\n", first[k] } }' \
				"${sizefiles[@]}" | sort -t "$(printf '\t')" -k$((${#groups[@]} + 2)),$((${#groups[@]} + 2))nr |
				awk -F '\t' -v OFS='\t' '{ NF = NF - 1; print }' >"$Z/table.tsv"
			{
				grep -v '^(bss' "$Z/table.tsv"
				printf 'sum (in the file)'
				for g in "${groups[@]}"; do printf '\t%s' "$(grep -v '^(bss' "$Z/$g.sizes" | awk -F '\t' '{ s += $2 } END { print s }')"; done
				printf '\n'
				printf 'ELF headers, alignment'
				for g in "${groups[@]}"; do printf '\t%s' "$(($(stat -c %s "$REPO/build/$g/hutch") - $(grep -v '^(bss' "$Z/$g.sizes" | awk -F '\t' '{ s += $2 } END { print s }')))"; done
				printf '\n'
				grep '^(bss' "$Z/table.tsv" || true
			} | md_table "${header[@]}"
			echo
			echo "The same by kind of section (code: .text; read-only data: .rodata, the messages, --help, the option, syscall and error tables; data: .data and the like):"
			echo
			for k in code rodata data bss; do
				printf '%s' "$k"
				for g in "${groups[@]}"; do printf '\t%s' "$(awk -F '\t' -v k="=$k" '$1 == k { print $2 }' "$Z/$g.kinds")"; done
				printf '\n'
			done | md_table kind "${header[@]:1}"
		fi
	} >"$OUT/4-size.md"
}
