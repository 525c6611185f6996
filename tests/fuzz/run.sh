#!/bin/sh
# run.sh BUILD SECONDS TARGET... - run each libFuzzer target for SECONDS,
# starting from its seed corpus (tests/fuzz/corpus/TARGET), and print TAP
# and "N passed, N failed".
#
# New inputs the fuzzer finds go to BUILD/corpus/TARGET, never into the
# source tree.  A crash, a sanitizer report, a leak or a timeout fails the
# target; the input is saved as BUILD/crash-TARGET-* and shown, to be
# added to the seed corpus with the fix.
set -u
build=$1 seconds=$2
shift 2
echo "1..$#"
n=0 passed=0 failed=0
for t in "$@"; do
	n=$((n + 1))
	bin="$build/bin/fuzz_$t" work="$build/corpus/$t" log="$build/fuzz-$t.log"
	mkdir -p "$work"
	rm -f "$build/crash-$t-"*
	"$bin" -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 -print_final_stats=1 \
		-artifact_prefix="$build/crash-$t-" "$work" "tests/fuzz/corpus/$t" >"$log" 2>&1
	rc=$?
	runs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log")
	if [ "$rc" -eq 0 ]; then
		echo "ok $n - fuzz_$t: ${runs:-?} inputs in ${seconds} s, no crash, leak or UB"
		passed=$((passed + 1))
	else
		grep -E 'ERROR|SUMMARY|runtime error|Test unit written' "$log" | head -10 | sed 's/^/# /'
		for f in "$build/crash-$t-"*; do
			[ -f "$f" ] && echo "# input $f: $(head -c 200 "$f" | od -An -c | head -3 | tr -s ' ')"
		done
		echo "not ok $n - fuzz_$t: a finding (exit $rc; $log)"
		failed=$((failed + 1))
	fi
done
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
