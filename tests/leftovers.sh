#!/bin/sh
# leftovers.sh check - is anything this run of the tests made still here?
#
# tests/run.sh runs it after the last test.  Other people run containers
# on this machine at the same time (containerv's, podman's), so it never
# compares the machine's totals: it looks only at what carries this run's
# mark, and everything it finds is a leftover, one TAP line per kind,
# naming each thing found:
#
#   cgroups     directories, in every hierarchy, whose name has the run's
#               prefix ($CV_TEST_RUN: container ids and cgroup parents
#               carry it), and /containerv/run-PID of each cv-cgroups the
#               run started (its pid noted in $CV_TEST_TMP/.cv-cgroups.pids),
#               and the cgroups noted in $CV_TEST_TMP/.cv-cgroups.paths, one
#               path a line (the C API's /containerv/ID: test_api cannot
#               choose the name)
#   mounts      mount points on the run's directory ($CV_TEST_TMP) or on
#               the rootfs the tests share ($CV_ROOTFS)
#   network     named network namespaces with the run's prefix
#   state       anything in $CV_TEST_TMP (the tests' temporary files and
#               --root directories), and state in /run/containerv of a
#               container with the run's prefix
#   loop        loop devices backed by a file in $CV_TEST_TMP
#   processes   processes of the run (they carry CV_TEST_RUN in their
#               environment) and processes in the run's cgroups (the
#               containers' processes, whose environment is the config's)
#
# Zombies are not counted: a zombie holds nothing but its pid, and on a
# machine whose pid 1 does not reap, an orphan's stays.
set -u
mode=${1:?usage: leftovers.sh check}
run=${CV_TEST_RUN:?leftovers.sh: CV_TEST_RUN is not set (tests/run.sh sets it)}
tmp=${CV_TEST_TMP:?leftovers.sh: CV_TEST_TMP is not set (tests/run.sh sets it)}
rootfs=$(realpath "${CV_ROOTFS:-build/rootfs}" 2>/dev/null || echo "${CV_ROOTFS:-build/rootfs}")

cgroups() {
	find /sys/fs/cgroup -maxdepth 6 -type d -name "*$run*" -prune 2>/dev/null
	for pid in $(cat "$tmp/.cv-cgroups.pids" 2>/dev/null); do
		find /sys/fs/cgroup -maxdepth 3 -type d -path "*/containerv/run-$pid" 2>/dev/null
	done
	for p in $(cat "$tmp/.cv-cgroups.paths" 2>/dev/null); do
		for t in /sys/fs/cgroup /sys/fs/cgroup/*; do
			[ -d "$t$p" ] && echo "$t$p"
		done
	done
}
mounts() {
	awk -v t="$tmp/" -v r="$rootfs" \
		'index($5 "/", t) == 1 || $5 == r || index($5, r "/") == 1 { print $5 }' /proc/self/mountinfo
}
network() { ls /run/netns 2>/dev/null | grep -F -- "$run" | sed 's/^/netns /'; }
state() {
	find "$tmp" -mindepth 1 -maxdepth 1 ! -name '.cv-cgroups*' 2>/dev/null
	ls -d /run/containerv/*"$run"* 2>/dev/null
}
loops() {
	losetup -n -O NAME,BACK-FILE 2>/dev/null | awk -v t="$tmp/" 'index($2, t) == 1 { print $1, $2 }'
}

# ours /proc/PID - the process carries the run's token in its environment,
# or is in a cgroup of the run (a container's process: its environment is
# the config's).
ours() {
	grep -qxzF "CV_TEST_RUN=$run" "$1/environ" 2>/dev/null && return 0
	grep -qF -- "$run" "$1/cgroup" 2>/dev/null && return 0
	cg=$(sed -n 's#.*:/containerv/run-\([0-9]*\)$#\1#p' "$1/cgroup" 2>/dev/null | head -n 1)
	[ -n "$cg" ] && grep -qx "$cg" "$tmp/.cv-cgroups.pids" 2>/dev/null && return 0
	[ -s "$tmp/.cv-cgroups.paths" ] &&
		sed 's/^[^:]*:[^:]*://' "$1/cgroup" 2>/dev/null | grep -qxFf "$tmp/.cv-cgroups.paths"
}

# The processes, as "PID COMMAND LINE"; the checker and the shells that
# run it (its ancestors, in $keep) aside.
processes() {
	for p in /proc/[0-9]*; do
		pid=${p#/proc/}
		[ "$pid" = $$ ] && continue
		case " $keep " in *" $pid "*) continue ;; esac
		st=$(sed 's/.*) //' "$p/stat" 2>/dev/null) || continue
		set -- $st
		[ "$1" = Z ] && continue
		ours "$p" || continue
		echo "$pid $({ tr '\0' ' ' <"$p/cmdline"; } 2>/dev/null | cut -c1-100)"
	done
}

kinds="cgroups mounts network state loops processes"

case $mode in
check)
	# our own ancestors are not leftovers
	keep="" p=$$
	while [ "$p" -gt 1 ]; do
		keep="$keep $p"
		p=$(awk '/^PPid:/ { print $2 }' "/proc/$p/status" 2>/dev/null) || break
		[ -n "$p" ] || break
	done
	echo "1..6"
	n=0
	for k in $kinds; do
		n=$((n + 1))
		new=$($k | sort -u)
		if [ "$k" = processes ] && [ -n "$new" ]; then
			# each of them still there a moment later (not this script's own passing child)
			sleep 1
			new=$(echo "$new" | while read -r pid rest; do
				[ -d "/proc/$pid" ] && echo "$pid $rest"
			done)
		fi
		if [ -z "$new" ]; then
			echo "ok $n - no $k left by the tests"
		else
			echo "$new" | head -20 | sed 's/^/# left: /'
			echo "not ok $n - $k left by the tests: $(echo "$new" | wc -l)"
		fi
	done
	;;
*)
	echo "leftovers.sh: unknown mode \`$mode\` (check)" >&2
	exit 2
	;;
esac
