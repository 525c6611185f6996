#!/bin/bash
# excerpts.sh - the output excerpts of a README, run and compared.
#
#   excerpts.sh list FILE          the marked blocks of FILE: "LINE" of each
#   excerpts.sh run FILE [LINE]    run the marked blocks (those above LINE too,
#                                  but show only LINE's): what they print now,
#                                  as the README would show it (to re-capture)
#   excerpts.sh check FILE [LINE]  run each marked block (or one) and compare
#                                  with the README; a diff for each that differs
#   excerpts.sh unmarked FILE      blocks that show a `$ ` command and carry
#                                  neither mark (each must have one)
#
# The mark, on the line just before a block's opening ```:
#
#   <!-- output: checked by tests/e2e/docs.bats -->
#   <!-- output: checked by tests/e2e/docs.bats; names: web demo2 -->
#   <!-- output: not checked: REASON -->
#
# In a checked block, a line "$ CMD" is a command, the lines below it what
# it prints (stdout and stderr, as a terminal shows both).  The commands of
# a block run in one bash, as root, from the top of the tree, in order (so
# `cd`, `&`, `$?` and `$!` work as typed); the blocks of a file run in
# order and share /tmp (a block may use a file one above it made).  Each
# command runs as the README gives it but:
#
#   - `sudo ` is dropped (the test is root); a command ending in
#     `# as nobody` runs as uid and gid 65534;
#   - /tmp is the test's own directory, and TMPDIR points there;
#   - /home/you/containerv, the checkout as the READMEs name it, is this one;
#   - a name the mark lists (a cgroup's, a container's) gets the run's
#     prefix ($RUNID-), so that nothing is shared with other users;
#   - bin/ and build/ are CV_BIN and CV_BUILD when those differ (another
#     build: make check SANITIZE=...);
#   - the binaries are on PATH too (`cv-namespaces`, as installed);
#     `containerv` has its own --root; `bin/cv-cgroups` notes its pid for
#     the leftovers check (tests/leftovers.sh);
#   - a command put in the background (`&`) is given half a second to start.
#
# What legitimately differs is then made equal on both sides: the test's
# directory, the checkout, the build's paths, the run's prefix and the
# host's name (`vm` here) are put back as the README has them; every run
# of digits is N, hex values and long hex ids are H, month names Mon,
# sizes (`216.0 KiB`) SIZE, runs of blanks one space.  In the README a
# line "..." stands for any lines (none included), and "..." inside a
# line for any text.
set -u

MARK_RE='^<!-- output: checked by tests/e2e/docs\.bats(; names: ([a-z0-9 -]+))? -->$'
SKIP_RE='^<!-- output: not checked: .+ -->$'
# The checkout as the READMEs name it: a reader's is elsewhere anyway.
README_REPO=/home/you/containerv

die() {
	echo "excerpts.sh: $*" >&2
	exit 2
}

# blocks FILE - "LINE NAMES" of each marked block (LINE: its opening ```).
blocks() {
	local n=0 line names="" marked=0
	while IFS= read -r line; do
		n=$((n + 1))
		if [[ $line =~ $MARK_RE ]]; then
			marked=1 names=${BASH_REMATCH[2]}
		elif [ "$marked" = 1 ]; then
			[[ $line == '```'* ]] || die "$1:$n: a mark must be just above a block's \`\`\`"
			echo "$n $names"
			marked=0
		fi
	done <"$1"
}

# unmarked FILE - "LINE: first line" of each block opening with a `$ `
# command and carrying no mark.
unmarked() {
	awk -v f="$1" -v mark="$MARK_RE" -v skip="$SKIP_RE" '
		/^```/ { if (inb) { inb = 0; next } inb = 1; start = NR; first = 1; next }
		inb && first { first = 0
			if ($0 ~ /^\$ / && prev !~ mark && prev !~ skip) print f ":" start ": " $0 }
		!inb { prev = $0 }' "$1"
}

# block FILE LINE - the lines of the block opening at LINE.
block() {
	awk -v s="$2" 'NR > s && /^```/ { exit } NR > s' "$1"
}

# The run's own: a directory, a prefix, the binaries.
setup() {
	REPO=$(realpath .)
	RUNID=${RUNID:-${CV_TEST_RUN:-cvdocs-$$}}
	T=$(mktemp -d "${CV_TEST_TMP:-/tmp}/cvtest-docs-XXXXXX") || die "mktemp failed"
	chmod 755 "$T" # commands run as nobody reach their own files in it
	mkdir "$T/.bin" "$T/.root"
	printf '#!/bin/sh\nexec "%s" --root "%s" "$@"\n' "$(realpath "${CV_BIN:-bin}/containerv")" "$T/.root" \
		>"$T/.bin/containerv"
	CVCG_NOTE=${CVCG:-}
	chmod 755 "$T/.bin/containerv"
}

# teardown - every container, process and file of the block gone.
teardown() {
	local d p
	for d in "$T/.root"/*/; do
		[ -d "$d" ] && "$T/.bin/containerv" delete --force "$(basename "$d")" >/dev/null 2>&1
	done
	for p in /proc/[0-9]*; do
		grep -qxzF "CV_DOCS_BLOCK=$T" "$p/environ" 2>/dev/null && kill -KILL "${p#/proc/}" 2>/dev/null
	done
	sleep 0.1
	rm -rf --one-file-system "$T"
}

# rewrite NAMES - a README command (stdin) as this run types it.
rewrite() {
	local names=$1 cmd n
	IFS= read -r cmd
	cmd=$(sed -E 's/(^|[;&|( ])sudo /\1/g' <<<"$cmd")
	# the checkout may itself be under /tmp (a CI clone): its path goes in
	# after /tmp is made the run's own, or that would change it too
	cmd=${cmd//"$README_REPO"/@REPO@}
	cmd=$(sed -E "s#/tmp([^[:alnum:]_.-]|\$)#$T\\1#g" <<<"$cmd")
	cmd=${cmd//@REPO@/"$REPO"}
	for n in $names; do
		cmd=$(sed -E "s#(^|[ =])$n([ ;&|)]|\$)#\\1$RUNID-$n\\2#g" <<<"$cmd")
	done
	if [ -n "$CVCG_NOTE" ]; then
		cmd=$(sed -E "s#(^|[ ;&|(])bin/cv-cgroups #\\1$CVCG_NOTE #g" <<<"$cmd")
	fi
	# another build (make check SANITIZE=...: build/san, build/san/bin),
	# each put in once: CV_BIN may itself be under build/
	if [ "${CV_BIN:-bin}" != bin ]; then
		cmd=$(sed -E "s#(^|[ ;&|(])bin/#\\1@BIN@/#g" <<<"$cmd")
	fi
	if [ "${CV_BUILD:-build}" != build ]; then
		cmd=$(sed -E "s#(^|[ ;&|(])build/#\\1@BUILD@/#g" <<<"$cmd")
		cmd=${cmd//"$REPO/build/"/"$REPO/@BUILD@/"}
	fi
	cmd=${cmd//@BIN@/"${CV_BIN:-bin}"}
	cmd=${cmd//@BUILD@/"${CV_BUILD:-build}"}
	printf '%s\n' "$cmd"
}

# script FILE LINE NAMES - the block's commands as one bash script (whose
# own $-expressions are written in single quotes: they expand when it runs).
# shellcheck disable=SC2016
script() {
	local line cmd i=0
	echo 'exec 2>&1; __rc() { return "$1"; }; __r=0'
	# ls quotes names as it does on a terminal
	echo "export TMPDIR='$T' PATH='$T/.bin:$(realpath "${CV_BIN:-bin}")':\$PATH QUOTING_STYLE=shell-escape"
	while IFS= read -r line; do
		[[ $line == '$ '* ]] || continue
		i=$((i + 1))
		printf 'printf "%%s\\n" %q\n' "$line"
		cmd=$(rewrite "$3" <<<"${line#\$ }")
		if [[ $cmd =~ ^(.*[^ ])\ +#\ as\ nobody$ ]]; then
			printf '%s\n' "${BASH_REMATCH[1]}" >"$T/.cmd$i"
			cmd="setpriv --reuid 65534 --regid 65534 --clear-groups bash $T/.cmd$i"
		fi
		printf '__rc $__r; %s\n__r=$?\n' "$cmd"
		[[ $cmd =~ [^\&]\&\ *(#.*)?$ ]] && echo 'sleep 0.5'
	done < <(block "$1" "$2")
	# what is still in the background holds the output open: it goes,
	# without bash's notice of it
	echo 'exec 2>/dev/null'
	echo 'for p in /proc/[0-9]*; do case " $$ $PPID " in *" ${p#/proc/} "*) continue ;; esac'
	echo '  grep -qxzF "CV_DOCS_BLOCK=$CV_DOCS_BLOCK" "$p/environ" 2>/dev/null && kill -KILL "${p#/proc/}" 2>/dev/null; done'
	echo 'exit 0'
}

# run_block FILE LINE NAMES - what the block's commands print, put back
# as the README has it (before the normalising both sides get).
run_block() {
	local host
	host=$(hostname)
	script "$@" >"$T/.script"
	CV_DOCS_BLOCK=$T timeout -k 5 40 bash "$T/.script" </dev/null | {
		if [ "$host" = vm ]; then cat; else sed -E "s/\\b$host\\b/vm/g"; fi
	} | sed -e "s#$T#/tmp#g" -e "s#${CV_BIN:-bin}/#bin/#g" -e "s#${CV_BUILD:-build}/#build/#g" \
		-e "s#$REPO#$README_REPO#g" -e "s#$RUNID-##g"
}

# normal - what may differ made equal (stdin to stdout).
normal() {
	sed -E -e 's/\t/ /g' -e 's/0x[0-9a-fA-F]+/0xH/g' -e 's/[0-9a-f]{24,}/H/g' -e 's/[0-9]+/N/g' \
		-e 's/\b(Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec)\b/Mon/g' \
		-e 's/N(\.N)? (B|KiB|MiB|GiB|TiB)\b/SIZE/g' -e 's/  +/ /g' -e 's/ +$//'
}

# glob LINE - a README line as a bash pattern: "..." is any text.
glob() {
	local p=$1
	p=${p//\\/\\\\}
	p=${p//\*/\\*}
	p=${p//\?/\\?}
	p=${p//\[/\\[}
	printf '%s' "${p//.../*}"
}

# matches - do the README's lines (E) match the real ones (A)?  A line
# "..." matches any lines; memoised over (i, j).
declare -A memo
# shellcheck disable=SC2053 # P[i] is a pattern: unquoted on purpose
matches() {
	local i=$1 j=$2 k r=1
	[ -n "${memo[$i,$j]:-}" ] && return "${memo[$i,$j]}"
	if [ "$i" -eq "${#E[@]}" ]; then
		[ "$j" -eq "${#A[@]}" ] && r=0
	elif [ "${E[$i]}" = ... ]; then
		for ((k = j; k <= ${#A[@]}; k++)); do
			matches $((i + 1)) "$k" && { r=0; break; }
		done
	elif [ "$j" -lt "${#A[@]}" ] && [[ ${A[$j]} == ${P[$i]} ]]; then
		matches $((i + 1)) $((j + 1)) && r=0
	fi
	memo[$i,$j]=$r
	return $r
}

# check_block FILE LINE NAMES - 0 if the block is what its commands print.
check_block() {
	local got want l
	got=$(run_block "$@")
	want=$(block "$1" "$2")
	mapfile -t A < <(normal <<<"$got")
	mapfile -t E < <(normal <<<"$want")
	P=()
	for l in "${E[@]}"; do P+=("$(glob "$l")"); done
	memo=()
	matches 0 0 && return 0
	echo "# $1:$2: the excerpt differs from what its commands print now (- the README, + now):"
	diff -u <(printf '%s\n' "$want") <(printf '%s\n' "$got") | tail -n +3 | sed 's/^/# /'
	return 1
}

cmd=${1:-}
file=${2:-}
{ [ -n "$cmd" ] && [ -f "$file" ]; } || die "usage: excerpts.sh list|run|check|unmarked FILE [LINE]"
case $cmd in
list) blocks "$file" | cut -d' ' -f1 ;;
unmarked) unmarked "$file" ;;
run | check)
	# the blocks of a file share one /tmp, as a reader's shell would: a
	# block may use what one above it made, so those above LINE run too
	setup
	rc=0
	while read -r at names; do
		if [ -n "${3:-}" ] && [ "$at" -lt "$3" ]; then
			run_block "$file" "$at" "$names" >/dev/null
		elif [ -z "${3:-}" ] || [ "$3" = "$at" ]; then
			if [ "$cmd" = run ]; then
				run_block "$file" "$at" "$names"
			else
				check_block "$file" "$at" "$names" || rc=1
			fi
		fi
	done < <(blocks "$file")
	teardown
	exit $rc
	;;
*) die "unknown command \`$cmd\`" ;;
esac
