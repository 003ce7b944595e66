#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Load ptlab, run its kselftests, unload it, and exit with the tests' status.
#
# Usage: ptlab.sh [ptlab_test options...]     (root; e.g. -l, -t NAME, -f map)
#
# Environment:
#   PTLAB_TEST_BIN    test binary (default: ptlab_test beside this script)
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
bin=${PTLAB_TEST_BIN:-$here/ptlab_test}
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
[ -x "$bin" ] || fail "no test binary at $bin (build it with make)"

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

# Keep the harness's output as it comes, and a copy to count the results.
log=$(mktemp) || fail "mktemp"
"$bin" "$@" 2>&1 | tee "$log"
rc=${PIPESTATUS[0]}

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

# The closing line CI reads, from the harness's own totals.
totals=$(grep -E '^# Totals: ' "$log" | tail -n 1)
if [ -n "$totals" ]; then
	# "# Totals: pass:N fail:N xfail:N xpass:N skip:N error:N"
	field() { sed -n "s/.* $1:\([0-9]*\).*/\1/p" <<<"$totals"; }
	pass=$(field pass)
	nfail=$(field fail)
	skip=$(field skip)
	err=$(field error)
	# A non-zero status with no failure counted (a crash, rmmod) still fails.
	[ "$rc" -ne 0 ] && [ "$rc" -ne $ksft_skip ] && [ $((nfail + err)) -eq 0 ] && err=1
	echo "ptlab: $pass passed, $((nfail + err)) failed, $skip skipped"
fi
exit "$rc"
