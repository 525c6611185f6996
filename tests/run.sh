#!/bin/sh
# run.sh BUILD BIN - run every test tier and total the results.
#
#   unit   cmocka tests of pure code            (BUILD/tests/unit/test_*)
#   priv   privileged tests, one fork per test  (BUILD/tests/priv/test_*)
#   e2e    bats tests of the binaries           (tests/e2e/*.bats)
#   vm     the priv and e2e tests again, on Debian's kernel under qemu (tests/vm)
#   style  clang-format of every source file; the budgets (tests/style/budget.sh)
#   leftovers  anything the run made still here after the last one
#
# Each tier speaks TAP; this script shows it and counts "ok", "not ok" and
# "# SKIP" lines.  With CV_MUST_WORK=1 a skip counts as a failure.  A tier
# that exits non-zero without reporting a failure (a crash) counts as one.
# The last line is "N passed, N failed" (", N skipped" when there are).
# CV_TIERS picks tiers by name ("unit e2e leftovers"); all by default.
#
# Each producer runs under a time limit (CV_TIER_TIMEOUT seconds, 900 by
# default): a test that hangs fails by name, with what it printed so far,
# instead of holding the whole run.
set -u
build=${1:-build}
bin=${2:-bin}
# What is this run's (docs/testing.md, "Tests share the machine"): every
# process it starts carries the token CV_TEST_RUN in its environment, every
# container id and cgroup name it makes begins with it, and every file it
# makes is in its own directory, CV_TEST_TMP.  Anything of those still here
# after the last test is a leftover (tests/leftovers.sh); what other users
# run meanwhile is never counted.
CV_TEST_RUN=cvt-$$-$(date +%s)
CV_TEST_TMP=$(mktemp -d "/tmp/$CV_TEST_RUN.XXXXXX") || exit 1
chmod 755 "$CV_TEST_TMP" # the tests run as nobody reach their own directories in it
export CV_TEST_RUN CV_TEST_TMP
log=$(mktemp /tmp/cvtest-run-XXXXXX)
# --one-file-system: a mount a test left in it is reported, never emptied
trap 'rm -rf "$log"; rm -rf --one-file-system "$CV_TEST_TMP"' EXIT

passed=0 failed=0 skipped=0

# tally NAME CMD... - run one TAP producer, show its output, add up.
tally() {
	name=$1
	shift
	echo "# --- $name"
	t0=$(date +%s)
	limit=${tier_limit:-${CV_TIER_TIMEOUT:-900}}
	case $(type "$1" 2>/dev/null) in
	*function*) "$@" >"$log" 2>&1 ;; # this script's own check
	*) timeout -k 10 "$limit" "$@" >"$log" 2>&1 ;;
	esac
	rc=$?
	if [ "$rc" -eq 124 ] || [ "$rc" -eq 137 ]; then
		echo "not ok - $name did not finish within $limit s (CV_TIER_TIMEOUT); stopped" >>"$log"
	fi
	cat "$log"
	echo "# $name: $(($(date +%s) - t0)) s"
	# a test that never reported (its program killed half-way: the plan
	# "1..N" promised more results than came) is a failure too
	counts=$(awk -v must="${CV_MUST_WORK:-0}" '
		/^1\.\.[0-9]+/ { split($0, n, /\.\./); plan += n[2] }
		/^not ok/ { f++; next }
		/^ok/ { if (tolower($0) ~ /# skip/) { if (must == "1") f++; else s++ } else p++ }
		END { missing = plan - p - f - s; printf "%d %d %d %d\n", p, f + (missing > 0 ? missing : 0), s, missing }' "$log")
	set -- $counts
	if [ "$4" -gt 0 ]; then
		echo "not ok - $name: $4 of the tests its plans announce never reported (killed, or hung up)"
	fi
	if [ "${CV_MUST_WORK:-0}" = 1 ] && grep -qi '^ok.*# skip' "$log"; then
		echo "# $name: skips count as failures under CV_MUST_WORK=1"
	fi
	if [ "$rc" -ne 0 ] && [ "$2" -eq 0 ]; then
		echo "not ok - $name exited with status $rc"
		set -- "$1" 1 "$3"
	fi
	passed=$((passed + $1))
	failed=$((failed + $2))
	skipped=$((skipped + $3))
}

# tier NAME - is NAME among those to run (CV_TIERS, default all)?
tier() {
	case " ${CV_TIERS:-unit priv e2e vm style leftovers} " in *" $1 "*) return 0 ;; esac
	echo "# --- $1: not asked for (CV_TIERS=$CV_TIERS)"
	return 1
}

# Built with sanitizers (make check SANITIZE=...): a report ends the
# process with status 86, which no test expects, after printing it.
if [ -n "${CV_SANITIZE:-}" ]; then
	echo "# built with -fsanitize=$CV_SANITIZE"
	export ASAN_OPTIONS="exitcode=86:detect_leaks=1:abort_on_error=0:detect_stack_use_after_return=0"
	export LSAN_OPTIONS="exitcode=86"
	export UBSAN_OPTIONS="print_stacktrace=1:halt_on_error=1:exitcode=86"
fi

export CMOCKA_MESSAGE_OUTPUT=TAP
if tier unit; then
	for t in "$build"/tests/unit/test_*; do
		[ -x "$t" ] && tally "unit: $(basename "$t")" "$t"
	done
fi
if tier priv; then
	for t in "$build"/tests/priv/test_*; do
		[ -x "$t" ] && tally "priv: $(basename "$t")" "$t"
	done
fi
export CV_BIN="$bin" CV_PROBE="$build/tests/probe" CV_LOAD="$build/tests/load" CV_CONSOCK="$build/tests/consock"
export CV_ATTACK="$build/tests/attack"
export CV_ROOTFS="${CV_ROOTFS:-$build/rootfs}" CV_BUILD="$build"
if tier e2e; then
	for t in tests/e2e/*.bats; do
		if [ -n "${CV_SANITIZE:-}" ] && [ "$(basename "$t")" = memcheck.bats ]; then
			echo "# --- e2e: memcheck.bats: not with sanitizers (valgrind cannot run an ASan binary)"
			continue
		fi
		tally "e2e: $(basename "$t")" bats --tap "$t"
	done
fi

# The second kernel: Debian's under qemu, cgroup v2 alone and AppArmor on
# (tests/vm).  `make check` builds it; a run without it says so.
if ! tier vm; then
	:
elif [ -f "$build/vm/initramfs.cpio.gz" ] && [ -f "$build/vm/release" ]; then
	release=$(cat "$build/vm/release")
	# the VM has its own limit (CV_VM_TIMEOUT) and reports the console
	tier_limit=$((${CV_VM_TIMEOUT:-1200} + 120)) tally "vm: Debian $release" sh tests/vm/run.sh "$build/vm/kernel" "$release" \
		"$build/vm/initramfs.cpio.gz" "$build/vm"
else
	echo "# --- vm: not built here (make vm), not run"
fi

style() {
	files=$(git ls-files --cached --others --exclude-standard '*.c' '*.h' 2>/dev/null || find steps tests -name '*.[ch]')
	if out=$(clang-format --dry-run -Werror $files 2>&1); then
		echo "ok 1 - every C source is clang-formatted"
	else
		echo "$out" | head -20 | sed 's/^/# /'
		echo "not ok 1 - clang-format would change some files (run 'make format')"
	fi
}
tier style && tally "style: clang-format" style
# Sizes a learner can hold and comments where the mechanism is (STYLE.md 1, 9)
tier style && tally "style: budgets" sh tests/style/budget.sh

# Last: nothing the tests made may still be here.
tier leftovers && tally "leftovers" sh tests/leftovers.sh check

if [ "$skipped" -gt 0 ]; then
	echo "$passed passed, $failed failed, $skipped skipped"
else
	echo "$passed passed, $failed failed"
fi
[ "$failed" -eq 0 ]
