#!/bin/sh
# leftovers.sh snapshot DIR | check DIR - is anything a test made still here?
#
# tests/run.sh takes a snapshot before the first test and checks after the
# last one.  What is new since the snapshot is a leftover, one TAP line per
# kind, naming each thing found:
#
#   cgroups     directories under /sys/fs/cgroup, in every hierarchy
#   mounts      mount points in this mount namespace
#   network     links (veth and the rest) and named network namespaces
#   state       containerv's state directories, /tmp/cvtest* files
#   loop        loop devices
#   processes   processes of the run (they carry CV_TEST_RUN in their
#               environment) and processes in other pid namespaces
#               started since the snapshot (containers' processes)
#
# Zombies are not counted: a zombie holds nothing but its pid, and on a
# machine whose pid 1 does not reap, an orphan's stays.
set -u
mode=${1:?usage: leftovers.sh snapshot|check DIR}
dir=${2:?usage: leftovers.sh snapshot|check DIR}

cgroups() { find /sys/fs/cgroup -mindepth 1 -type d 2>/dev/null | sort; }
mounts() { awk '{ print $5 }' /proc/self/mountinfo | sort -u; }
network() {
	ip -o link show 2>/dev/null | awk -F': ' '{ sub(/@.*/, "", $2); print "link " $2 }'
	ls /run/netns 2>/dev/null | sed 's/^/netns /'
}
state() {
	ls -d /run/containerv/* /tmp/cvtest* 2>/dev/null
}
loops() { losetup -n -O NAME,BACK-FILE 2>/dev/null | awk '{ print $1, $2 }'; }

# The processes, as "PID COMMAND LINE"; the run's own by its token in the
# environment, the others by a pid namespace other than ours.
processes() {
	own_ns=$(readlink /proc/self/ns/pid)
	for p in /proc/[0-9]*; do
		pid=${p#/proc/}
		[ "$pid" = $$ ] && continue
		st=$(sed 's/.*) //' "$p/stat" 2>/dev/null) || continue
		set -- $st
		[ "$1" = Z ] && continue
		ours=""
		if [ -n "${CV_TEST_RUN:-}" ] &&
			grep -qxzF "CV_TEST_RUN=$CV_TEST_RUN" "$p/environ" 2>/dev/null; then
			ours=run
		elif [ "$(readlink "$p/ns/pid" 2>/dev/null)" != "$own_ns" ]; then
			ours=ns
		fi
		[ -n "$ours" ] || continue
		# the checker itself and the shells that run it share the token
		case " $(cat "$dir/keep" 2>/dev/null) " in *" $pid "*) continue ;; esac
		echo "$pid $({ tr '\0' ' ' <"$p/cmdline"; } 2>/dev/null | cut -c1-100)"
	done
}

kinds="cgroups mounts network state loops processes"

case $mode in
snapshot)
	mkdir -p "$dir"
	for k in $kinds; do $k >"$dir/$k"; done
	;;
check)
	# our own ancestors are not leftovers
	keep="" p=$$
	while [ "$p" -gt 1 ]; do
		keep="$keep $p"
		p=$(awk '/^PPid:/ { print $2 }' "/proc/$p/status" 2>/dev/null) || break
		[ -n "$p" ] || break
	done
	echo "$keep" >"$dir/keep"
	echo "1..6"
	n=0
	for k in $kinds; do
		n=$((n + 1))
		$k >"$dir/$k.now"
		if [ "$k" = processes ]; then
			# new pids only, and each of them still there a moment later
			new=$(awk 'NR == FNR { had[$1] = 1; next } !($1 in had)' "$dir/$k" "$dir/$k.now")
			[ -n "$new" ] && sleep 1 && new=$(echo "$new" | while read -r pid rest; do
				[ -d "/proc/$pid" ] && echo "$pid $rest"
			done)
		else
			new=$(comm -13 "$dir/$k" "$dir/$k.now")
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
	echo "leftovers.sh: unknown mode \`$mode\` (snapshot or check)" >&2
	exit 2
	;;
esac
