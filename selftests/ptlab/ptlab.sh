#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Load ptlab, run its kselftest programs, unload it, and exit with the tests'
# status. The programs' results are added up into one closing "# Totals:"
# line in the harness's format and one "ptlab: N passed, N failed, N skipped"
# line.
#
# Usage: ptlab.sh [harness options...]   (root; e.g. -l, -t NAME, -f map;
#                                         given to every program)
#
# Environment:
#   PTLAB_TEST_DIR    directory of the test programs (default: that of
#                     PTLAB_TEST_BIN if it is set, else this script's, else
#                     build/selftests where the top-level make puts them)
#   PTLAB_TEST_BIN    one of the test programs, e.g. .../ptlab_test: the
#                     others are taken from its directory
#   PTLAB_TESTS       the programs to run (default: TEST_GEN_PROGS of the
#                     Makefile beside this script; without one, every
#                     ptlab_test and ptlab_*_test in PTLAB_TEST_DIR)
#   PTLAB_KO          a ptlab.ko to insmod instead of `modprobe ptlab`
#   PTLAB_ALLOW_SKIP  1: exit 4 (KSFT_SKIP) rather than fail when not root or
#                     when the module is not installed for this kernel
#
# A module that is missing, does not load, leaves no /dev/ptlab, or cannot be
# unloaded afterwards is a failure: for this project that is the product
# failing, not an unsuitable machine. A module that was already loaded is
# used and left loaded, but must have no users once the tests end.

ksft_skip=4
prog=${0##*/}
here=$(cd "$(dirname "$0")" && pwd)
if [ -n "${PTLAB_TEST_DIR:-}" ]; then
	dir=$PTLAB_TEST_DIR
elif [ -n "${PTLAB_TEST_BIN:-}" ]; then
	dir=$(dirname "$PTLAB_TEST_BIN")
elif [ ! -x "$here/ptlab_test" ] && [ -x "$here/../../build/selftests/ptlab_test" ]; then
	# Where the top-level `make selftests` puts them.
	dir=$(cd "$here/../../build/selftests" && pwd)
else
	dir=$here
fi
if [ -n "${PTLAB_TESTS:-}" ]; then
	read -ra progs <<<"$PTLAB_TESTS"
elif [ -f "$here/Makefile" ]; then
	# Every "TEST_GEN_PROGS := ..." and "TEST_GEN_PROGS += ..." line.
	read -ra progs <<<"$(sed -n 's/^TEST_GEN_PROGS *[:+]= *//p' "$here/Makefile" | tr '\n' ' ')"
else
	progs=()
	for p in "$dir"/ptlab_test "$dir"/ptlab_*_test; do
		[ -x "$p" ] && progs+=("${p##*/}")
	done
fi
debugfs=/sys/kernel/debug
loaded_here=0
log=

msg() { printf '%s: %s\n' "$prog" "$*"; }
fail() { printf '%s: FAIL: %s\n' "$prog" "$*" >&2; exit 1; }

# Cannot run here: a skip if allowed, otherwise a failure.
cannot() {
	if [ "${PTLAB_ALLOW_SKIP:-0}" = 1 ]; then
		msg "SKIP: $*"
		exit $ksft_skip
	fi
	fail "$* (set PTLAB_ALLOW_SKIP=1 to skip instead)"
}

module_loaded() { [ -d /sys/module/ptlab ]; }

# The use count column of /proc/modules.
module_refcount() { awk '$1 == "ptlab" { print $3 }' /proc/modules; }

# On any exit: unload what an early failure left loaded.
# shellcheck disable=SC2317 # run by the EXIT trap
cleanup() {
	[ -n "$log" ] && rm -f "$log"
	[ "$loaded_here" = 1 ] && module_loaded && rmmod ptlab 2>/dev/null
}

[ "$(id -u)" -eq 0 ] || cannot "must run as root"
[ ${#progs[@]} -gt 0 ] || fail "PTLAB_TESTS names no program"
for p in "${progs[@]}"; do
	[ -x "$dir/$p" ] || fail "no test program at $dir/$p (build it with make)"
done

trap cleanup EXIT
trap 'exit 1' HUP INT TERM

if module_loaded; then
	msg "ptlab is already loaded; using it and leaving it loaded"
elif [ -n "${PTLAB_KO:-}" ]; then
	[ -f "$PTLAB_KO" ] || fail "PTLAB_KO=$PTLAB_KO does not exist"
	insmod "$PTLAB_KO" || fail "insmod $PTLAB_KO failed"
	loaded_here=1
else
	if ! modprobe -n ptlab >/dev/null 2>&1; then
		cannot "ptlab is not installed for $(uname -r) (install it with DKMS, or set PTLAB_KO)"
	fi
	modprobe ptlab || fail "modprobe ptlab failed"
	loaded_here=1
fi

# The tests read the module's debugfs files.
if ! grep -qs " $debugfs debugfs " /proc/mounts; then
	mount -t debugfs none "$debugfs" || fail "cannot mount debugfs at $debugfs"
fi

# devtmpfs creates the node at once; udev may take a moment to apply rules.
for _ in $(seq 50); do
	[ -c /dev/ptlab ] && break
	sleep 0.1
done
[ -c /dev/ptlab ] || fail "/dev/ptlab did not appear"

# Keep each program's output as it comes, and a copy to count its results.
# A program that fails, crashes or prints no totals fails the run; the
# module is checked for leftover users after each one.
log=$(mktemp) || fail "mktemp"
refs_before=$(module_refcount)
rc=0
pass=0
nfail=0
xfail=0
xpass=0
skip=0
err=0
# The number after "NAME:" in a "# Totals: ..." line.
field() { sed -n "s/.* $1:\([0-9]*\).*/\1/p" <<<"$2"; }
for p in "${progs[@]}"; do
	"$dir/$p" "$@" 2>&1 | tee "$log"
	prc=${PIPESTATUS[0]}
	totals=$(grep -E '^# Totals: ' "$log" | tail -n 1)
	if [ -z "$totals" ]; then
		msg "FAIL: $p exited $prc without printing its totals"
		err=$((err + 1))
	else
		# "# Totals: pass:N fail:N xfail:N xpass:N skip:N error:N"
		pass=$((pass + $(field pass "$totals")))
		nfail=$((nfail + $(field fail "$totals")))
		xfail=$((xfail + $(field xfail "$totals")))
		xpass=$((xpass + $(field xpass "$totals")))
		skip=$((skip + $(field skip "$totals")))
		perr=$(field error "$totals")
		# A non-zero status with no failure counted (a crash) still fails.
		if [ "$prc" -ne 0 ] && [ "$prc" -ne $ksft_skip ] &&
		   [ $(($(field fail "$totals") + perr)) -eq 0 ]; then
			msg "FAIL: $p exited $prc with no failed test"
			perr=1
		fi
		err=$((err + perr))
	fi
	# KSFT_SKIP: every test of the program skipped, which its totals show.
	[ "$prc" -ne 0 ] && [ "$prc" -ne $ksft_skip ] && rc=1
	if [ "$(module_refcount)" != "$refs_before" ]; then
		msg "FAIL: $p left ptlab with $(module_refcount) users (had $refs_before)"
		err=$((err + 1))
		rc=1
	fi
done

if [ "$loaded_here" = 1 ]; then
	if rmmod ptlab; then
		loaded_here=0
	else
		msg "FAIL: rmmod ptlab failed (use count $(module_refcount))"
		[ "$rc" -eq 0 ] && rc=1
	fi
elif [ "$(module_refcount)" != 0 ]; then
	msg "FAIL: ptlab still has $(module_refcount) users after the tests"
	[ "$rc" -eq 0 ] && rc=1
fi

# A failure outside the programs (rmmod) still fails.
[ "$rc" -ne 0 ] && [ $((nfail + err)) -eq 0 ] && err=1
# The closing lines: the harness's format, for scripts/check and others that
# read the last "# Totals:" line (errors counted as failures there, since
# they read only the failures), and the line CI reads.
nfail=$((nfail + err))
echo "# Totals: pass:$pass fail:$nfail xfail:$xfail xpass:$xpass skip:$skip error:0"
echo "ptlab: $pass passed, $nfail failed, $skip skipped"
exit "$rc"
