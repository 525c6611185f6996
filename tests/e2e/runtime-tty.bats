#!/usr/bin/env bats
# bin/containerv's terminals: the size the runtime passes on from its own
# terminal (at the start and at each SIGWINCH) when it relays, for run and
# for exec -t; exec's terminal as the --process file says, through a
# console socket.
#
# The runtime runs under a pseudo-terminal of a known size: util-linux's
# `script`, whose shell sets the size with stty and writes the terminal's
# name to a file.  A resize is `stty -F` on that terminal from outside:
# the kernel sends SIGWINCH to its foreground process group, the runtime.

bats_require_minimum_version 1.5.0
load helpers

setup() {
	bundle_setup /bin/sleep 300
	# a cgroup named after our state root: others' containers may have our ids
	cfg ".linux.cgroupsPath = \"/cvtest-$RUNID-tty-${R##*-}\""
	BG=""
}

teardown() {
	[ -z "${BG:-}" ] || { kill "$BG" 2>/dev/null; wait "$BG" 2>/dev/null; } || true
	bundle_teardown
	no_cgroups_left
	rootfs_untouched
}

# under_pty CMD - CMD (one shell string) under a 30x90 terminal; the
# terminal's name in $B/outer.  script's input is a fifo that we also hold
# open for writing, so it never ends: at the end of its input script types
# an end-of-file into the terminal, which would reach the container's.
under_pty() {
	[ -p "$B/in" ] || mkfifo "$B/in"
	timeout 60 script -qec "stty rows 30 cols 90; tty >$B/outer; exec $1" /dev/null 0<>"$B/in"
}

# wait_for PATTERN FILE - until FILE has a line matching PATTERN (5 s at most).
wait_for() {
	for _ in $(seq 50); do grep -q "$1" "$2" && return 0; sleep 0.1; done
	echo "no \`$1\` in $2:"
	cat -A "$2"
	return 1
}

# A program that says its terminal's size, then again after each SIGWINCH.
WINCH_LOOP="trap 'echo winch \$(stty size)' WINCH; echo ready \$(stty size); while :; do sleep 0.1; done"

# resized OUT - the terminal in $B/outer resized to 40x100 while the
# runtime relays: the program in the container sees the new size.
resized() {
	wait_for '^ready 30 90' "$1"
	stty -F "$(cat "$B/outer")" rows 40 cols 100
	wait_for '^winch 40 100' "$1"
}

@test "run: the container's terminal has the size of the runtime's" {
	cfg '.process.args = ["/bin/sh", "-c", "echo inside $(stty size)"] | .process.terminal = true'
	run under_pty "$CV --root $R run --bundle $B t1"
	[ "$status" -eq 0 ]
	[[ "$output" == *"inside 30 90"* ]]
}

@test "run with stdin not a terminal: the size comes from stdout's, as runc takes it" {
	cfg '.process.args = ["/bin/sh", "-c", "echo inside $(stty size)"] | .process.terminal = true'
	run under_pty "$CV --root $R run --bundle $B $RUNID-t4 </dev/null"
	[ "$status" -eq 0 ]
	[[ "$output" == *"inside 30 90"* ]]
}

@test "run: a resize of the runtime's terminal reaches the container (SIGWINCH)" {
	cfg ".process.args = [\"/bin/sh\", \"-c\", \"$WINCH_LOOP\"] | .process.terminal = true"
	under_pty "$CV --root $R run --bundle $B t2" >"$B/out" 2>&1 3>&- &
	BG=$!
	resized "$B/out"
}

@test "exec -t: the terminal it relays has the size of the runtime's, and follows it" {
	rt run -d --bundle "$B" x1
	run under_pty "$CV --root $R exec -t x1 /bin/sh -c 'echo inside \$(stty size)'"
	[ "$status" -eq 0 ]
	[[ "$output" == *"inside 30 90"* ]]
	# the terminal from the process file, relayed by exec the same way
	jq -n --arg loop "$WINCH_LOOP" '{args: ["/bin/sh", "-c", $loop], cwd: "/", terminal: true}' >"$B/w.json"
	under_pty "$CV --root $R exec --process $B/w.json x1" >"$B/out" 2>&1 3>&- &
	BG=$!
	resized "$B/out"
}

@test "exec --process FILE with \"terminal\": true and --console-socket -d: a terminal, as docker's exec -t" {
	rt run -d --bundle "$B" x2
	echo '{"args": ["/bin/sh"], "cwd": "/", "terminal": true}' >"$B/p.json"
	"$CONSOCK" "$B/ex.sock" 'tty; test -t 0 && echo stdin-is-a-terminal; exit' >"$B/ex.out"
	run rt exec --process "$B/p.json" --console-socket "$B/ex.sock" --detach x2
	[ "$status" -eq 0 ]
	wait_for '^stdin-is-a-terminal' "$B/ex.out"
	grep -q '^/dev/pts/[0-9]' "$B/ex.out"
}

@test "exec: --console-socket with a process file whose terminal is false, or -d with no one to hold it, is refused" {
	rt run -d --bundle "$B" x3
	echo '{"args": ["/bin/sh"], "cwd": "/", "terminal": false}' >"$B/p.json"
	run rt exec --process "$B/p.json" --console-socket "$B/none.sock" --detach x3
	[ "$status" -eq 1 ]
	[[ "$output" == *"$B/p.json: process.terminal is false, but --console-socket"* ]]
	[[ "$output" == *'"terminal": true'* ]] # the hint
	echo '{"args": ["/bin/sh"], "cwd": "/", "terminal": true}' >"$B/t.json"
	run rt exec --process "$B/t.json" --detach x3
	[ "$status" -eq 1 ]
	[[ "$output" == *"$B/t.json: process.terminal is true with --detach"* ]]
	# nothing started: the init and nothing else
	[ "$(rt ps --format json x3 | jq length)" -eq 1 ]
}
