#!/usr/bin/env bats
# bin/cv-cgroups as a user types it: limits enforced on real workloads
# (cv-load), live cgroups stopped and started, and mistakes refused with
# nothing left behind in the cgroup trees.

bats_require_minimum_version 1.5.0
load helpers

setup() {
	need_root
	COUNT=$CV_TEST_TMP/cvtest-count-$$
	KEEP=$RUNID-keep # the run's own cgroup: another run may have its own running
}

teardown() {
	"$CVCG" rm "$KEEP" >/dev/null 2>&1 || true
	[ -z "${RUN_PID:-}" ] || wait "$RUN_PID" 2>/dev/null || true
	rm -f "$COUNT" "$COUNT.tmp"
	no_cgroups_left
}

@test "layout names this host's layout, with the mounts as evidence" {
	run "$CVCG" layout
	[ "$status" -eq 0 ]
	[ "${lines[0]}" = "layout: $(cgroup_layout) (/sys/fs/cgroup)" ]
	[[ "$output" == *"/proc/self/mountinfo"* && "$output" == *" - cgroup"* ]]
	echo "$output" | grep -Eq '^memory +v[12] /sys/fs/cgroup'
	[[ "$output" == *"why it matters:"* ]]
}

@test "run --help lists the limits" {
	run "$CVCG" run --help
	[ "$status" -eq 0 ]
	for f in memory memory-swap cpus cpu-shares cpuset-cpus pids io-weight device-deny \
		device-read-bps hugetlb unified name keep systemd-cgroup; do
		[[ "$output" == *"--$f"* ]] || { echo "no --$f"; return 1; }
	done
}

@test "run --memory 32M: a 64M hog is OOM-killed, and says so" {
	run --separate-stderr "$CVCG" run --memory 32M -- "$LOAD" mem 64M
	[ "$status" -eq 137 ]
	[[ "$stderr" == *"was killed by SIGKILL: the OOM killer, at the memory limit of 32.0 MiB"* ]]
	[[ "$stderr" =~ limit\ 32\.0\ MiB\;\ [1-9][0-9]*\ OOM\ kill ]]
}

@test "run --pids 20: the fork bomb gets EAGAIN at 20" {
	run --separate-stderr "$CVCG" run --pids 20 -- "$LOAD" fork 50
	[ "$output" = "forked 19 of 50, then EAGAIN" ]
	[[ "$stderr" == *"limit 20"* ]]
}

@test "run --cpus 0.5: a second of spinning gets about half a CPU-second" {
	run --separate-stderr "$CVCG" run --cpus 0.5 -- "$LOAD" spin 1
	[ "$status" -eq 0 ]
	used=$(echo "$stderr" | sed -n 's/^cpu *\([0-9.]*\) s.*/\1/p')
	throttled=$(echo "$stderr" | sed -n 's/.*throttled \([0-9]*\) of.*/\1/p')
	echo "used $used s, throttled $throttled periods"
	awk -v u="$used" 'BEGIN { exit !(u > 0.35 && u < 0.7) }'
	[ "$throttled" -gt 0 ]
}

@test "run --cpuset-cpus 0: only cpu 0 is allowed inside" {
	run --separate-stderr "$CVCG" run --cpuset-cpus 0 -- sh -c 'grep Cpus_allowed_list /proc/self/status'
	[ "$status" -eq 0 ]
	[[ "$output" =~ Cpus_allowed_list:[[:space:]]+0$ ]]
}

@test "run --device-deny: /dev/null cannot be opened, /dev/zero can" {
	run --separate-stderr "$CVCG" run --device-deny 'c 1:3' -- sh -c "$LOAD open /dev/null; $LOAD open /dev/zero"
	[ "${lines[0]}" = EPERM ]
	[ "${lines[1]}" = ok ]
}

@test "run returns the command's exit status" {
	run --separate-stderr "$CVCG" run --pids 10 -- sh -c 'exit 3'
	[ "$status" -eq 3 ]
}

start_counter() {
	"$CVCG" run --name "$KEEP" --keep -- "$LOAD" count "$COUNT" 2>/dev/null &
	RUN_PID=$!
	for _ in $(seq 50); do [ -s "$COUNT" ] && return 0; sleep 0.1; done
	return 1
}

@test "a kept cgroup: stats, freeze, thaw, set, kill, rm" {
	start_counter
	run "$CVCG" stats "$KEEP"
	[ "$status" -eq 0 ]
	[[ "$output" =~ pids\ +1\ now ]]
	"$CVCG" freeze "$KEEP"
	a=$(cat "$COUNT"); sleep 0.3; b=$(cat "$COUNT")
	[ "$a" = "$b" ]
	"$CVCG" thaw "$KEEP"
	sleep 0.3; c=$(cat "$COUNT")
	[ "$c" -gt "$b" ]
	"$CVCG" set "$KEEP" --pids 5
	run timeout 2.5 "$CVCG" stats "$KEEP" --watch 1
	[ "$(echo "$output" | grep -c '^pids ')" -ge 2 ] # printed again each second
	run "$CVCG" stats "$KEEP" --json
	[[ "$output" == *'"pids":{"current":1,"limit":5}'* ]]
	"$CVCG" kill "$KEEP"
	wait "$RUN_PID" || true
	RUN_PID=
	run "$CVCG" stats "$KEEP" --json
	[[ "$output" == *'"pids":{"current":0,'* ]]
	"$CVCG" rm "$KEEP"
	no_cgroups_left
}

@test "CV_DISABLE=cgroup_freeze freezes with the v1 freezer (none: a clear error); thaw undoes either" {
	start_counter
	if [ ! -d /sys/fs/cgroup/freezer ]; then
		# cgroup v2 alone: without cgroup.freeze there is no freezer at all, and it says so
		run --separate-stderr env CV_DISABLE=cgroup_freeze "$CVCG" freeze "$KEEP"
		[ "$status" -eq 1 ]
		[[ "$stderr" == *"needs cgroup.freeze (cgroup v2, Linux 5.2) or the v1 freezer"* ]]
		a=$(cat "$COUNT"); sleep 0.3; b=$(cat "$COUNT")
		[ "$b" -gt "$a" ] # not frozen
		return 0
	fi
	run --separate-stderr env CV_DISABLE=cgroup_freeze "$CVCG" --explain freeze "$KEEP"
	[ "$status" -eq 0 ]
	[[ "$stderr" == *"freezer.state, \"FROZEN\") ok"* ]]
	a=$(cat "$COUNT"); sleep 0.3; b=$(cat "$COUNT")
	[ "$a" = "$b" ]
	"$CVCG" thaw "$KEEP" # without CV_DISABLE
	sleep 0.3; c=$(cat "$COUNT")
	[ "$c" -gt "$b" ]
	# frozen again, kill still works: it thaws what it killed
	env CV_DISABLE=cgroup_freeze "$CVCG" freeze "$KEEP"
	"$CVCG" kill "$KEEP"
	wait "$RUN_PID" || true
	RUN_PID=
}

@test "--systemd-cgroup without systemd: a clear error" {
	[ ! -d /run/systemd/system ] || skip "this machine runs systemd"
	run --separate-stderr "$CVCG" run --systemd-cgroup -- true
	[ "$status" -eq 1 ]
	[[ "${stderr_lines[0]}" == *"the systemd cgroup driver needs systemd as init"* ]]
	[[ "${stderr_lines[1]}" == *"leave out --systemd-cgroup"* ]]
}

# --- bad input: named, hinted, non-zero, nothing made -------------------------

@test "--memory 12XB: the unit is named" {
	run --separate-stderr "$CVCG" run --memory 12XB -- true
	[ "$status" -eq 2 ]
	[ "${stderr_lines[0]}" = "cv-cgroups: --memory \`12XB\`: unknown unit \`XB\`" ]
	[[ "${stderr_lines[1]}" == "hint: a size is a number with an optional unit"* ]]
}

@test "zero and negative values are refused" {
	run --separate-stderr "$CVCG" run --memory 0 -- true
	[ "$status" -eq 2 ]
	[[ "${stderr_lines[0]}" == *"\`0\`: must be more than 0" ]]
	run --separate-stderr "$CVCG" run --pids 0 -- true
	[ "$status" -eq 2 ]
	[[ "${stderr_lines[0]}" == *"option \`--pids\`: 0 is out of range"* ]]
	run --separate-stderr "$CVCG" run --pids -5 -- true
	[ "$status" -eq 2 ]
	run --separate-stderr "$CVCG" run --cpus 0 -- true
	[ "$status" -eq 2 ]
	[[ "${stderr_lines[0]}" == *"must be more than 0"* ]]
	run --separate-stderr "$CVCG" run --cpus abc -- true
	[[ "${stderr_lines[0]}" == *"\`abc\`: not a number" ]]
	run --separate-stderr "$CVCG" run --memory 64M --memory-swap 32M -- true
	[ "$status" -eq 1 ]
	[[ "${stderr_lines[0]}" == *"memory.swap 33554432 is below memory.limit 67108864" ]]
}

@test "a device rule or a device that does not exist" {
	run --separate-stderr "$CVCG" run --device-deny 'x 1:3' -- true
	[ "$status" -eq 2 ]
	[[ "${stderr_lines[0]}" == *"device rule \`x 1:3\`: expected TYPE MAJOR:MINOR [ACCESS]" ]]
	run --separate-stderr "$CVCG" run --device-read-bps 250:250:1048576 -- true
	[ "$status" -eq 1 ]
	[ "${stderr_lines[0]}" = "cv-cgroups: block device 250:250 does not exist (no /sys/dev/block/250:250)" ]
	[[ "${stderr_lines[1]}" == *lsblk* ]]
}

@test "a cgroup path with .. is refused" {
	run --separate-stderr "$CVCG" run --cgroup /containerv/../cvtest-escape -- true
	[ "$status" -eq 1 ]
	[[ "${stderr_lines[0]}" == *"\`..\` is not allowed in a cgroup path" ]]
	run --separate-stderr "$CVCG" run --name .. -- true
	[ "$status" -eq 1 ]
}

@test "a memory limit below what the cgroup uses now: v1 refuses it, v2 enforces it" {
	"$CVCG" run --name "$KEEP" --keep -- "$LOAD" hold 32M >/dev/null 2>&1 &
	RUN_PID=$!
	for _ in $(seq 50); do
		used=$("$CVCG" stats "$KEEP" --json 2>/dev/null | sed -n 's/.*"usage":{"usage":\([0-9]*\).*/\1/p')
		[ "${used:-0}" -gt 30000000 ] && break
		sleep 0.1
	done
	run --separate-stderr "$CVCG" set "$KEEP" --memory 8M
	if [ "$(cgroup_layout)" = unified ]; then
		# memory.max takes it, reclaims what it can, and the OOM killer does the rest
		[ "$status" -eq 0 ]
		status=0
		wait "$RUN_PID" || status=$?
		[ "$status" -eq 137 ]
	else
		[ "$status" -eq 1 ]
		[[ "${stderr_lines[0]}" == *"memory.limit_in_bytes"*"Device or resource busy" ]]
		[[ "${stderr_lines[1]}" == *"uses "*" bytes now"* ]]
	fi
}

@test "unknown cgroup, no command, stray words" {
	run --separate-stderr "$CVCG" stats cvtest-nosuch
	[ "$status" -eq 1 ]
	[[ "${stderr_lines[1]}" == *"no cgroup \`/containerv/cvtest-nosuch\` here"* ]]
	run --separate-stderr "$CVCG" run --memory 32M
	[ "$status" -eq 2 ]
	[[ "${stderr_lines[0]}" == *"no command given"* ]]
	run --separate-stderr "$CVCG" freeze a b
	[ "$status" -eq 2 ]
	run --separate-stderr "$CVCG" set cvtest-nosuch
	[ "$status" -eq 1 ]
}

# cgroup_dirs NAME - every directory /containerv/NAME has in the trees of this host.
cgroup_dirs() {
	find /sys/fs/cgroup -maxdepth 4 -type d -path "*/containerv/$1" 2>/dev/null
}

@test "run | head -1: killed by SIGPIPE, it removes its cgroup first" {
	name=$RUNID-pipe
	# head takes the first line and goes; the report written after CMD then hits a
	# closed pipe: SIGPIPE, whose default would end cv-cgroups before it removes the cgroup
	run bash -c "'$CVCG' run --name $name --pids 50 -- sh -c 'sleep 0.3; echo done' 2>&1 | head -1; echo \"\${PIPESTATUS[0]}\""
	[ "${lines[0]}" = "cv-cgroups: cgroup /containerv/$name ($(cgroup_layout) host)" ]
	[ "${lines[1]}" = 141 ] # it still dies of SIGPIPE, as a shell expects
	[ -z "$(cgroup_dirs "$name")" ] || { cgroup_dirs "$name"; "$CVCG" rm "$name"; return 1; }
}

# stopped_while_blocked SIG - cv-cgroups gets SIG while its cgroup exists and it is
# stuck writing to stderr (a full pipe); the pipe is drained afterwards.
stopped_while_blocked() {
	local name=$RUNID-$1 fifo dir
	dir=$(test_tmpdir fifo)
	fifo=$dir/stderr
	mkfifo "$fifo"
	exec {fd}<>"$fifo" # (bats keeps fd 3 for itself)
	head -c 65536 /dev/zero >&"$fd" # a pipe holds 64 KiB: the next write blocks
	# a background job of a script ignores SIGINT: give the demo the default back
	"$LOAD" sigdfl "$CVCG" run --name "$name" -- true 2>&"$fd" &
	RUN_PID=$!
	for _ in $(seq 50); do [ -n "$(cgroup_dirs "$name")" ] && break; sleep 0.1; done
	[ -n "$(cgroup_dirs "$name")" ] || {
		kill -KILL "$RUN_PID"
		echo "no cgroup $name; what it said:"
		timeout 1 cat <&"$fd" | tr -d '\0'
		return 1
	}
	sleep 0.2 # now in write(2), after the cgroup was made
	kill -"$1" "$RUN_PID"
	sleep 0.2
	timeout 10 cat <&"$fd" >/dev/null &
	status=0
	wait "$RUN_PID" || status=$?
	RUN_PID=""
	exec {fd}>&-
	rm -rf "$dir"
	left=$(cgroup_dirs "$name")
	[ -z "$left" ] || "$CVCG" rm "$name"
}

@test "SIGTERM between making the cgroup and running CMD: the cgroup is removed, then it dies of SIGTERM" {
	stopped_while_blocked TERM
	[ "$status" -eq 143 ]
	[ -z "$left" ]
}

@test "SIGINT (^C) between making the cgroup and running CMD: the cgroup is removed, then it dies of SIGINT" {
	stopped_while_blocked INT
	[ "$status" -eq 130 ]
	[ -z "$left" ]
}
