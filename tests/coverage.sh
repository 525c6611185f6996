#!/bin/sh
# coverage.sh COVBUILD OUTDIR PREFIX... - after `make test` ran on an
# instrumented build in COVBUILD with GCOV_PREFIX set: merge the counts
# written under each PREFIX (the host's, and a container rootfs's own /tmp
# for code that ran after pivot_root), capture line coverage with lcov,
# write the HTML report to OUTDIR, print one summary line per step.
set -eu
cov=$1
out=$2
shift 2
info="$cov/lcov.info"
objs="$(pwd)/$cov/obj"

# Each prefix holds a copy of the object tree's path with .gcda files in it.
merged=""
for prefix in "$@"; do
	[ -d "$prefix$objs" ] || continue
	if [ -z "$merged" ]; then
		merged=$(mktemp -d /tmp/cv-coverage-merged-XXXXXX)
		cp -r "$prefix$objs/." "$merged/"
	else
		gcov-tool merge "$merged" "$prefix$objs" -o "$merged" 2>/dev/null
	fi
done
if [ -n "$merged" ]; then
	(cd "$merged" && find . -name '*.gcda' -exec cp --parents {} "$objs/" \;)
	rm -rf "$merged" "$@"
fi

lcov --quiet --capture --directory "$cov/obj" --base-directory . --output-file "$info.all" \
	--rc lcov_branch_coverage=0 2>/dev/null
lcov --quiet --extract "$info.all" "$(pwd)/steps/*" "$(pwd)/runtime/*" --output-file "$info" 2>/dev/null
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
for s in steps/*/ runtime/; do
	summary "${s%/}"
done
lcov --summary "$info" 2>&1 | awk '/lines\.*:/ { gsub(/[()]/, ""); printf "%-24s %6s of %s lines\n", "all:", $2, $5 }'
rm -f "$info.one" "$info.all"
