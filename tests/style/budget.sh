#!/bin/sh
# budget.sh - sizes a learner can hold, and comments where the mechanism is.
#
#   sh tests/style/budget.sh          a table, then TAP: one test per room
#   sh tests/style/budget.sh -v       also every file's counts
#   sh tests/style/budget.sh [-v] DIR  the tree at DIR instead of this one
#
# The house style's limits - short files and functions a learner can hold,
# comments where the mechanism is - per room: each step directory,
# steps/common, and runtime/:
#
#   demo.c                 at most 300 lines (main and its command table),
#                          and so each demo*.c beside it
#   a step's other files   at most 400 lines (steps/0N-*; steps/common is
#                          no step: its files are held to 700 as any)
#   any file               at most 700 lines
#   any function           at most 60 lines, unless the comment just above
#                          it says why it is long (the word "long" in it)
#   comments               a step: at least 25 comment lines per 100 code
#                          lines, counting its .c and .h files, the
#                          demo's (demo*.[ch]) aside; runtime/ (all its
#                          rooms): at least 20
#
# A comment line is a line that holds only comment (inside /* */ or
# after //), with words in it: a "/*" or " */" alone is not one; a code
# line is any other line that is not blank.  A line
# with code and a comment counts as code.  A function is counted from the
# line of its name to its closing brace at the start of a line.
set -u
verbose=0
[ "${1:-}" = -v ] && verbose=1 && shift
cd "${1:-$(dirname "$0")/../..}" || exit 2

# count FILE -> one "fn NAME START LENGTH LONGOK" line per function, then
# "total LINES CODE COMMENT".
count() {
	awk '
	function strip(s,   out, i, c2) {
		# what is left of the line outside comments; updates incomment
		out = ""
		while (length(s) > 0) {
			if (incomment) {
				i = index(s, "*/")
				if (i == 0) return out
				s = substr(s, i + 2); incomment = 0
			} else {
				i = index(s, "/*"); c2 = index(s, "//")
				if (c2 > 0 && (i == 0 || c2 < i)) return out substr(s, 1, c2 - 1)
				if (i == 0) return out s
				out = out substr(s, 1, i - 1); s = substr(s, i + 2); incomment = 1
			}
		}
		return out
	}
	BEGIN { incomment = 0; code = 0; comment = 0; infn = 0; lastcomment = 0; said = "" }
	{
		line = $0
		was = incomment
		rest = strip(line)
		gsub(/[ \t]/, "", rest)
		blank = (line ~ /^[ \t]*$/)
		if (blank) { }
		else if (rest == "") {
			# "/*" or "*/" alone, or " *", carry no words: not counted
			if (line !~ /^[ \t]*(\/\*+|\*+\/|\*|\/\/)[ \t]*$/) comment++
			said = said " " line
		}
		else code++
		# a function: a line at column 0 with "(" and no ";", then "{" at column 0
		if (!infn && !was && line ~ /^[A-Za-z_].*\(/ && line !~ /;[ \t]*$/ && line !~ /^(typedef|struct [a-z_]+ \{|enum|#)/) {
			cand = NR; candname = line; candsaid = said
		}
		if (!infn && line ~ /^\{/ && cand > 0) {
			infn = 1; start = cand; name = candname
			sub(/\(.*/, "", name); n = split(name, w, /[ *]+/); name = w[n]
			longok = (tolower(candsaid) ~ /long/) ? 1 : 0
		}
		if (infn && line ~ /^\}/) {
			printf "fn %s %d %d %d\n", name, start, NR - start + 1, longok
			infn = 0; cand = 0
		}
		# what a comment said is kept until the code after it ends a declaration
		if (rest != "" && !infn && line ~ /(;|\})[ \t]*$/) said = ""
	}
	END { printf "total %d %d %d\n", NR, code, comment }
	' "$1"
}

fails=0
tests=0
report=""
failed_lines=""

# room NAME COMMENT_MIN FILES... : one TAP test
room() {
	name=$1 min=$2
	shift 2
	code=0 comment=0 bad=""
	for f in "$@"; do
		base=${f##*/}
		out=$(count "$f")
		set -- $(echo "$out" | sed -n 's/^total //p')
		lines=$1 c=$2 k=$3
		limit=700
		case "$f" in
		steps/*/demo*.[ch]) limit=300 ;;
		steps/0*) limit=400 ;;
		esac
		[ "$lines" -gt "$limit" ] && bad="$bad
#   $f: $lines lines (at most $limit)"
		echo "$out" | awk -v f="$f" '$1 == "fn" && $4 > 60 && $5 == 0 {
			printf "#   %s:%d: %s() is %d lines (at most 60, or a comment above it saying why it is long)\n", f, $3, $2, $4 }' >/tmp/budget.$$
		[ -s /tmp/budget.$$ ] && bad="$bad
$(cat /tmp/budget.$$)"
		rm -f /tmp/budget.$$
		case "$base" in demo*.[ch]) ;; *)
			code=$((code + c))
			comment=$((comment + k))
			;;
		esac
		[ $verbose = 1 ] && printf '#   %-36s %4d lines %4d code %4d comment\n' "$f" "$lines" "$c" "$k"
	done
	pct=0
	[ "$code" -gt 0 ] && pct=$((comment * 100 / code))
	[ "$pct" -lt "$min" ] && bad="$bad
#   comments: $pct per 100 code lines (at least $min)"
	tests=$((tests + 1))
	printf '# %-16s %3d comment lines per 100 code lines (at least %d)\n' "$name" "$pct" "$min"
	if [ -n "$bad" ]; then
		fails=$((fails + 1))
		failed_lines="$failed_lines
not ok $tests - $name: within its budget$bad"
	else
		failed_lines="$failed_lines
ok $tests - $name: within its budget"
	fi
}

for d in steps/*/; do
	d=${d%/}
	# shellcheck disable=SC2046
	room "$d" 25 $(ls "$d"/*.c "$d"/*.h 2>/dev/null)
done
room runtime 20 $(find runtime -name '*.[ch]' | sort)

echo "1..$tests"
echo "$failed_lines" | sed '/^$/d'
[ "$fails" -eq 0 ]
