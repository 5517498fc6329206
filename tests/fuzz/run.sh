#!/bin/sh
# SPDX-License-Identifier: MIT
# run.sh FUZZER SECONDS WORKDIR: one bounded libFuzzer run of a harness,
# for `make check-fuzz` (60 s) and `make fuzz` (longer): the option parser
# (options_fuzz, seeds in tests/fuzz/corpus, options.dict) or another
# NAME_fuzz (seeds in tests/fuzz/corpus-NAME, NAME.dict), e.g. json_fuzz.
#
# It first replays the checked-in seeds, then explores
# for SECONDS, keeping what it finds in WORKDIR/corpus (not checked in; a
# later run starts from there). Every way it can fail ends the run with a
# non-zero status and an input to reproduce it in WORKDIR:
#   crash   ASan, UBSan (-fno-sanitize-recover) or a broken promise of the
#           parser (the harness aborts): crash-<sha1>
#   leak    LeakSanitizer, checked after each input whose mallocs and frees
#           do not balance: leak-<sha1>
#   hang    one input running longer than 10 s: timeout-<sha1>
#   memory  more than 512 MiB resident: oom-<sha1>
# Reproduce with: FUZZER WORKDIR/crash-<sha1>
#
# Quiet on success: one line with the counts. Exit status: libFuzzer's (0
# when nothing was found), 2 on a usage error.

set -u

if [ $# -ne 3 ]; then
	echo "usage: $0 FUZZER SECONDS WORKDIR" >&2
	exit 2
fi
fuzzer=$1
seconds=$2
work=$3
here=$(dirname "$0")
name=$(basename "$fuzzer" _fuzz)
seeds=$here/corpus
[ "$name" = options ] || seeds=$here/corpus-$name

mkdir -p "$work/corpus" || exit 2
log=$work/fuzz.log
# No terminal, no input: nothing the parser reads may block.
"$fuzzer" -max_total_time="$seconds" -timeout=10 -rss_limit_mb=512 \
	-max_len=4096 -dict="$here/$name.dict" -artifact_prefix="$work/" \
	-print_final_stats=1 "$work/corpus" "$seeds" </dev/null >"$log" 2>&1
rc=$?
if [ "$rc" -ne 0 ]; then
	# The report: from the sanitizer's or libFuzzer's first ERROR line on.
	# (libFuzzer's own complaints, a bad flag or dictionary, have none.)
	report=$(sed -n '/ERROR\|ALARM\|broken promise\|runtime error/,$p' "$log" | head -n 60)
	printf '%s\n' "${report:-$(tail -n 20 "$log")}" >&2
	echo "fuzz: $name: the parser failed (libFuzzer exit $rc); full log: $log;" \
		"input: $(ls -t "$work"/crash-* "$work"/leak-* "$work"/timeout-* "$work"/oom-* 2>/dev/null | head -n 1)" >&2
	exit "$rc"
fi
runs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log")
per_sec=$(sed -n 's/^stat::average_exec_per_sec: *//p' "$log")
units=$(ls "$work/corpus" | wc -l)
echo "fuzz: $name: ${runs:-?} inputs in $seconds s (${per_sec:-?}/s), corpus $units: no crash, leak or hang"
