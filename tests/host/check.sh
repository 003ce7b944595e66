#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# Run the host tests: check.sh OUT FUZZ_SECONDS [TEST...]
#
# Each test binary prints "# NAME: N passed, N failed" last; a binary that
# dies before that line, or exits non-zero after it (a leak report), counts
# one more failure. The fuzzer, when built, runs for FUZZ_SECONDS from a
# seed corpus under OUT and counts as one test. Ends with the line
# "host: N passed, N failed" and a non-zero status on any failure.

out=$1
fuzz_seconds=$2
shift 2
passed=0
failed=0

run_test() {
	name=$1
	log=$out/$name.log

	"$out/$name" >"$log" 2>&1
	rc=$?
	cat "$log"
	counts=$(sed -n "s/^# $name: \([0-9]*\) passed, \([0-9]*\) failed\$/\1 \2/p" "$log")
	if [ -z "$counts" ]; then
		echo "# $name: died (status $rc) before its summary"
		failed=$((failed + 1))
		return
	fi
	npass=${counts% *}
	nfail=${counts#* }
	passed=$((passed + npass))
	failed=$((failed + nfail))
	if [ "$rc" -ne 0 ] && [ "$nfail" -eq 0 ]; then
		echo "# $name: exited with status $rc after its summary"
		failed=$((failed + 1))
	fi
}

# A few fixed seeds, and one starting in each space of ref_spaces.c (the
# first byte picks it); libFuzzer adds what it finds to the same directory.
make_corpus() {
	mkdir -p "$out/fuzz-corpus" "$out/fuzz-artifacts"
	for i in 1 2 3 4 5; do
		[ -e "$out/fuzz-corpus/seed-$i" ] ||
			seq "$i" "$((i * 7))" 100000 | head -c $((i * 300)) \
				>"$out/fuzz-corpus/seed-$i"
	done
	i=0
	while [ $i -lt 64 ]; do
		f=$out/fuzz-corpus/space-$i
		if [ ! -e "$f" ]; then
			# shellcheck disable=SC2059 # the octal escape is the point
			printf "\\$(printf %03o $i)" >"$f"
			seq $((i + 1)) 3 100000 | head -c 400 >>"$f"
		fi
		i=$((i + 1))
	done
}

run_fuzz() {
	if [ ! -x "$out/fuzz_engine" ]; then
		echo "# fuzz_engine: skipped: clang with libFuzzer not found"
		return
	fi
	make_corpus
	log=$out/fuzz_engine.log
	"$out/fuzz_engine" -max_total_time="$fuzz_seconds" -timeout=10 \
		-print_final_stats=1 -artifact_prefix="$out/fuzz-artifacts/" \
		"$out/fuzz-corpus" >"$log" 2>&1
	rc=$?
	grep -E -e '^INFO: Running with' -e '^#[0-9]+.*DONE' \
		-e '^stat::(number_of_executed_units|average_exec_per_sec)' \
		-e '^==[0-9]+==ERROR' -e '^SUMMARY' -e '^#   FAIL' "$log"
	if [ "$rc" -eq 0 ]; then
		echo "ok fuzz_engine (${fuzz_seconds}s)"
		passed=$((passed + 1))
	else
		tail -n 40 "$log"
		echo "not ok fuzz_engine (status $rc, log $log)"
		failed=$((failed + 1))
	fi
}

for t in "$@"; do
	run_test "$t"
done
run_fuzz
echo "host: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
