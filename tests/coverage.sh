#!/bin/sh
# coverage.sh COVBUILD OUTDIR - after `make test` ran on an instrumented
# build in COVBUILD: capture line coverage with lcov, write the HTML
# report to OUTDIR, and print one summary line per step.
set -eu
cov=$1
out=$2
info="$cov/lcov.info"

lcov --quiet --capture --directory "$cov/obj" --base-directory . --output-file "$info.all" \
	--rc lcov_branch_coverage=0 2>/dev/null
lcov --quiet --extract "$info.all" "$(pwd)/steps/*" --output-file "$info" 2>/dev/null
genhtml --quiet --title containerv --output-directory "$out" "$info" >/dev/null 2>&1

# One line per step, from lcov's own per-file table.
summary() {
	lcov --quiet --extract "$info" "$(pwd)/$1/*" --output-file "$info.one" >/dev/null 2>&1 || {
		echo "$1: no data"
		return
	}
	lcov --summary "$info.one" 2>&1 | awk -v s="$1" '/lines\.*:/ {
		gsub(/[()]/, ""); printf "%-24s %6s of %s lines\n", s ":", $2, $5 }'
}
echo "line coverage (HTML: $out/index.html)"
for s in steps/*/; do
	summary "${s%/}"
done
lcov --summary "$info" 2>&1 | awk '/lines\.*:/ { gsub(/[()]/, ""); printf "%-24s %6s of %s lines\n", "steps/ (all):", $2, $5 }'
rm -f "$info.one" "$info.all"
