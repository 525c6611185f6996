#!/usr/bin/env bats
# bin/cv-namespaces as a user types it: what the command inside sees,
# and what a user is told when they get it wrong.

bats_require_minimum_version 1.5.0
load helpers

teardown() {
	stop_target
	nobody_teardown
}

# --- help and version ---------------------------------------------------

@test "--help lists the commands and an example" {
	run "$CVNS" --help
	[ "$status" -eq 0 ]
	[[ "$output" == *"Commands:"* ]]
	[[ "$output" == *"  run "* && "$output" == *"  join "* && "$output" == *"  show "* ]]
	[[ "$output" == *"Example:"* ]]
}

@test "run --help lists every namespace flag, each option, an example" {
	run "$CVNS" run --help
	[ "$status" -eq 0 ]
	for f in user mount uts ipc pid net cgroup time all hostname map-root uid-map \
		time-offset explain; do
		[[ "$output" == *"--$f"* ]] || { echo "missing --$f"; return 1; }
	done
	[[ "$output" == *"Example:"* ]]
}

@test "--version names the program and containerv" {
	run "$CVNS" --version
	[ "$status" -eq 0 ]
	[[ "$output" =~ ^cv-namespaces\ \(containerv\)\ [0-9]+\.[0-9]+\.[0-9]+$ ]]
}

# --- run: what the command sees ------------------------------------------

@test "run --pid: the command is pid 1" {
	need_root
	run "$CVNS" run -q --pid -- "$PROBE" pid
	[ "$status" -eq 0 ]
	[ "$output" = 1 ]
	run "$CVNS" run -q -- "$PROBE" pid # without it, it is not
	[ "$output" != 1 ]
}

@test "run --uts --hostname: the name inside, unchanged outside" {
	need_root
	before=$(hostname)
	run "$CVNS" run -q --uts --hostname cvtest-box -- "$PROBE" hostname
	[ "$status" -eq 0 ]
	[ "$output" = cvtest-box ]
	[ "$(hostname)" = "$before" ]
}

@test "run --domainname: the NIS domain name inside" {
	need_root
	run "$CVNS" run -q --domainname cvtest.example -- "$PROBE" domainname hostname
	[ "$status" -eq 0 ]
	[ "${lines[0]}" = cvtest.example ]
	[ "${lines[1]}" = "$(hostname)" ]
	[ "$("$PROBE" domainname)" != cvtest.example ]
}

@test "run prints the inside/outside table" {
	need_root
	run "$CVNS" run --pid --uts --hostname cvtest-table -- true
	[ "$status" -eq 0 ]
	echo "$output" | grep -Eq '^uts +[0-9]+ +[0-9]+ +new$'
	echo "$output" | grep -Eq '^ipc +([0-9]+) +\1 +shared$'
	echo "$output" | grep -Eq "^hostname +$(hostname) +cvtest-table$"
	echo "$output" | grep -Eq '^pid +[0-9]+ +1$'
}

@test "run --net: only lo inside" {
	need_root
	run "$CVNS" run -q --net -- "$PROBE" netdevs
	[ "$status" -eq 0 ]
	[ "$output" = lo ]
}

@test "run --ipc --mount --cgroup --time: new namespace ids inside" {
	need_root
	for t in ipc mnt cgroup time; do
		opt=$t
		[ "$t" = mnt ] && opt=mount
		outside=$("$PROBE" ns:$t)
		inside=$("$CVNS" run -q --"$opt" -- "$PROBE" ns:$t)
		[ -n "$inside" ] && [ "$inside" != "$outside" ] || { echo "$t: $inside"; return 1; }
	done
}

@test "run --cgroup: the cgroup root inside is /" {
	need_root
	run "$CVNS" run -q --cgroup -- "$PROBE" cgroup
	[ "$status" -eq 0 ]
	[ "$(echo "$output" | tr ';' '\n' | grep -vc ':/$')" = 0 ]
}

@test "run --all as root without maps: unmapped, uid 65534 inside" {
	need_root
	run "$CVNS" run --all -- "$PROBE" uid pid
	[ "$status" -eq 0 ]
	[[ "$output" == *"unmapped: try --map-root"* ]]
	[ "${lines[-2]}" = 65534 ]
	[ "${lines[-1]}" = 1 ]
}

@test "run --uid-map/--gid-map as root: the maps inside are as asked" {
	need_root
	run "$CVNS" run -q --uid-map 0:100000:65536 --uid-map 65536:0:1 --gid-map 0:100000:65536 \
		-- "$PROBE" uid_map gid_map uid gid
	[ "$status" -eq 0 ]
	[ "${lines[0]}" = "0 100000 65536;65536 0 1" ]
	[ "${lines[1]}" = "0 100000 65536" ]
	[ "${lines[2]}" = 0 ] && [ "${lines[3]}" = 0 ]
}

@test "unprivileged --user --map-root: root inside, the caller outside" {
	nobody_setup
	run as_nobody "$NOBODY_CVNS" run -q --map-root --pid --uts --hostname cvtest-rootless \
		-- "$NOBODY_PROBE" uid gid uid_map hostname pid
	[ "$status" -eq 0 ]
	[ "${lines[0]}" = 0 ] && [ "${lines[1]}" = 0 ]
	[ "${lines[2]}" = "0 65534 1" ]
	[ "${lines[3]}" = cvtest-rootless ]
	[ "${lines[4]}" = 1 ]
}

@test "unprivileged: a file root inside creates belongs to the caller outside" {
	nobody_setup
	chmod 777 "$NOBODY_DIR"
	run as_nobody "$NOBODY_CVNS" run -q --map-root -- touch "$NOBODY_DIR/made-inside"
	[ "$status" -eq 0 ]
	[ "$(stat -c %u:%g "$NOBODY_DIR/made-inside")" = 65534:65534 ]
}

@test "unprivileged ranges go through newuidmap, as /etc/subuid allows" {
	nobody_setup
	command -v newuidmap >/dev/null || skip "newuidmap not installed"
	printf 'nobody:300000:65536\n' >"$NOBODY_DIR/subuid"
	printf 'nobody:300000:65536\n' >"$NOBODY_DIR/subgid"
	# a private mount namespace: the host's /etc/subuid is never touched
	run unshare --mount --propagation private sh -c '
		mount --bind "$1/subuid" /etc/subuid && mount --bind "$1/subgid" /etc/subgid &&
		setpriv --reuid 65534 --regid 65534 --clear-groups \
			"$2" run -q --uid-map 0:300000:65536 --gid-map 0:300000:65536 \
			-- "$3" uid_map uid' sh "$NOBODY_DIR" "$NOBODY_CVNS" "$NOBODY_PROBE"
	[ "$status" -eq 0 ]
	[ "${lines[0]}" = "0 300000 65536" ]
	[ "${lines[1]}" = 0 ]
}

@test "run --time-offset: the monotonic clock inside is ahead" {
	need_root
	outside=$("$PROBE" monotonic)
	inside=$("$CVNS" run -q --time-offset monotonic=100000 -- "$PROBE" monotonic)
	awk -v o="$outside" -v i="$inside" 'BEGIN { d = i - o; exit !(d >= 99999 && d < 100100) }'
}

@test "run --mount-proc: ps inside sees only the container's processes" {
	need_root
	run "$CVNS" run -q --pid --mount-proc -- sh -c 'ls /proc | grep -c "^[0-9]"'
	[ "$status" -eq 0 ]
	[ "$output" -le 3 ]
	# the host's /proc is untouched
	[ "$(ls /proc | grep -c '^[0-9]')" -gt 3 ]
}

@test "run returns the command's exit status, 128+N for a signal" {
	need_root
	run "$CVNS" run -q --uts -- sh -c 'exit 7'
	[ "$status" -eq 7 ]
	run "$CVNS" run -q --uts -- sh -c 'kill -TERM $$'
	[ "$status" -eq 143 ]
}

@test "the busybox rootfs has a shell and the probe, both static" {
	[ -n "${CV_ROOTFS:-}" ] || skip "CV_ROOTFS not set (make check sets it)"
	run "$CV_ROOTFS/bin/sh" -c 'echo hello from busybox'
	[ "$output" = "hello from busybox" ]
	run "$CV_ROOTFS/bin/cv-probe" pid
	[ "$status" -eq 0 ]
	[ -f "$CV_ROOTFS/etc/passwd" ] && [ -d "$CV_ROOTFS/proc" ] && [ -d "$CV_ROOTFS/tmp" ]
	need_root
	run "$CVNS" run -q --pid --mount-proc -- "$CV_ROOTFS/bin/ps" -o pid,comm
	[ "$status" -eq 0 ]
	[ "${#lines[@]}" -eq 2 ] && [[ "${lines[1]}" =~ ^\ +1\  ]]
}

# --- the trace -----------------------------------------------------------

@test "--explain narrates each kernel call with its source file" {
	need_root
	run --separate-stderr "$CVNS" --explain run -q --pid --uts --hostname cvtest-x -- true
	[ "$status" -eq 0 ]
	[[ "$stderr" =~ "=> clone"3?"(".*CLONE_NEWUTS\|CLONE_NEWPID.*" ok [steps/01-namespaces/spawn.c]" ]]
	[[ "$stderr" == *'=> sethostname("cvtest-x") ok [steps/01-namespaces/spawn.c]'* ]]
	run --separate-stderr "$CVNS" run -q --uts -- true
	[ -z "$stderr" ] # off by default
}

@test "CV_EXPLAIN=1 turns the trace on; CV_DISABLE=clone3 shows the fallback" {
	need_root
	run --separate-stderr env CV_EXPLAIN=1 CV_DISABLE=clone3 "$CVNS" run -q --pid -- "$PROBE" pid
	[ "$status" -eq 0 ]
	[ "$output" = 1 ]
	[[ "$stderr" == *"=> probe clone3: no"* ]]
	[[ "$stderr" == *"=> clone(CLONE_NEWPID|SIGCHLD) = "*" ok [steps/01-namespaces/spawn.c]"* ]]
}

# --- show, join, features ------------------------------------------------

@test "show lists all eight namespaces of a process" {
	run "$CVNS" show $$
	[ "$status" -eq 0 ]
	for t in user mnt uts ipc pid net cgroup time; do
		echo "$output" | grep -Eq "^$t +$(stat -L -c %i /proc/$$/ns/$t) " ||
			{ echo "no $t"; return 1; }
	done
	[[ "$output" == *"uid_map:"* ]]
}

@test "join enters a process's namespaces (pidfd, and --by-path)" {
	need_root
	start_target --uts --hostname cvtest-join --net
	run "$CVNS" join "$TARGET" --uts --net -- "$PROBE" hostname netdevs ns:net
	[ "$status" -eq 0 ]
	[ "${lines[0]}" = cvtest-join ]
	[ "${lines[1]}" = lo ]
	[ "${lines[2]}" = "$(stat -L -c %i /proc/"$TARGET"/ns/net)" ]
	run "$CVNS" join "$TARGET" --by-path -- "$PROBE" hostname
	[ "$status" -eq 0 ]
	[ "$output" = cvtest-join ]
}

@test "join with no types joins every namespace that differs, pid included" {
	need_root
	start_target --pid --uts --hostname cvtest-all --user --map-root
	# (built with sanitizers: LeakSanitizer cannot stop a process whose
	# credentials moved into another user namespace, and spins at exit)
	run env ASAN_OPTIONS="${ASAN_OPTIONS:-}:detect_leaks=0" "$CVNS" join "$TARGET" -- "$PROBE" hostname ns:pid uid
	[ "$status" -eq 0 ]
	[ "${lines[0]}" = cvtest-all ]
	[ "${lines[1]}" = "$(stat -L -c %i /proc/"$TARGET"/ns/pid)" ]
	[ "${lines[2]}" = 0 ]
}

@test "features says which namespace types this kernel has" {
	run "$CVNS" features
	[ "$status" -eq 0 ]
	[[ "$output" =~ clone3\ +(yes|no) ]]
	for t in user mnt uts ipc pid net cgroup time; do
		want=no
		[ -e /proc/self/ns/$t ] && want=yes
		[[ "$output" =~ ns:$t\ +$want ]] || { echo "ns:$t"; return 1; }
	done
}

# --- bad input: one clear line, a hint, non-zero, nothing left ------------

@test "unknown option: named, with a suggestion, exit 2" {
	run --separate-stderr "$CVNS" run --pdi -- true
	[ "$status" -eq 2 ]
	[ "${stderr_lines[0]}" = "cv-namespaces: run: unknown option \`--pdi\`" ]
	[[ "${stderr_lines[1]}" == "hint: did you mean \`--pid\`?"* ]]
}

@test "unknown command: a suggestion, exit 2" {
	run --separate-stderr "$CVNS" rnu
	[ "$status" -eq 2 ]
	[ "${stderr_lines[0]}" = "cv-namespaces: unknown command \`rnu\`" ]
	[[ "${stderr_lines[1]}" == "hint: did you mean \`run\`?"* ]]
}

@test "malformed id maps name the field" {
	run --separate-stderr "$CVNS" run --uid-map 0:x:1 -- true
	[ "$status" -eq 2 ]
	[ "${stderr_lines[0]}" = "cv-namespaces: run: --uid-map: id map \`0:x:1\`: OUTSIDE \`x\` is not a number" ]
	[ "${stderr_lines[1]}" = "hint: the form is INSIDE:OUTSIDE:COUNT, as in 0:1000:1" ]
	run --separate-stderr "$CVNS" run --gid-map 0:1000 -- true
	[ "$status" -eq 2 ]
	[[ "${stderr_lines[0]}" == *"expected three fields" ]]
}

@test "overlapping id maps: both lines named, nothing started" {
	run --separate-stderr "$CVNS" run --uid-map 0:100000:10 --uid-map 5:200000:10 -- sleep 7771
	[ "$status" -eq 1 ]
	[ "${stderr_lines[0]}" = "cv-namespaces: uid map lines \`0 100000 10\` and \`5 200000 10\` overlap inside" ]
	[[ "${stderr_lines[1]}" == hint:* ]]
	no_process "sleep 7771"
}

@test "a range the caller does not own: refused, with what to add to /etc/subuid" {
	nobody_setup
	run --separate-stderr as_nobody "$NOBODY_CVNS" run --uid-map 0:100000:65536 -- sleep 7772
	[ "$status" -eq 1 ]
	[[ "${stderr_lines[0]}" == *"ids 100000-165535 are not delegated to \`nobody\` in /etc/subuid" ]]
	[[ "${stderr_lines[1]}" == "hint: as root, add \`nobody:100000:65536\` to /etc/subuid"* ]]
	no_process "sleep 7772"
}

@test "unprivileged without --user: EPERM with a hint to add --user" {
	nobody_setup
	run --separate-stderr as_nobody "$NOBODY_CVNS" run --uts -- sleep 7773
	[ "$status" -eq 1 ]
	[[ "${stderr_lines[0]}" == *"(CLONE_NEWUTS): Operation not permitted" ]]
	[[ "${stderr_lines[1]}" == *"--user"* ]]
	no_process "sleep 7773"
}

@test "join of a pid that does not exist" {
	run --separate-stderr "$CVNS" join 4194303 -- true
	[ "$status" -eq 1 ]
	[ "${stderr_lines[0]}" = "cv-namespaces: no process with pid 4194303" ]
	[[ "${stderr_lines[1]}" == hint:* ]]
}

@test "no command, no pid, stray words: usage errors" {
	run --separate-stderr "$CVNS" run --pid
	[ "$status" -eq 2 ]
	[[ "${stderr_lines[0]}" == *"no command given"* ]]
	run --separate-stderr "$CVNS" join -- true
	[ "$status" -eq 2 ]
	[[ "${stderr_lines[0]}" == *"no PID given"* ]]
	run --separate-stderr "$CVNS" join 1 2 -- true
	[ "$status" -eq 2 ]
	[[ "${stderr_lines[0]}" == *"unexpected \`2\`"* ]]
	run --separate-stderr "$CVNS" join abc -- true
	[ "$status" -eq 2 ]
	[[ "${stderr_lines[0]}" == *"\`abc\` is not an integer"* ]]
	run --separate-stderr "$CVNS" show 1 2
	[ "$status" -eq 2 ]
}

@test "bad --time-offset: the clock named; an offset below zero is refused inside" {
	run --separate-stderr "$CVNS" run --time-offset realtime=5 -- true
	[ "$status" -eq 2 ]
	[[ "${stderr_lines[0]}" == *"\`realtime=5\` is not monotonic=SECS or boottime=SECS" ]]
	need_root
	run --separate-stderr "$CVNS" run --time-offset monotonic=-999999999 -- sleep 7774
	[ "$status" -eq 1 ]
	[[ "${stderr_lines[0]}" == *"timens_offsets"* ]]
	[[ "${stderr_lines[1]}" == *"below zero"* ]]
	no_process "sleep 7774"
}

@test "a command that does not exist: 127 and its name" {
	need_root
	run -127 --separate-stderr "$CVNS" run -q --uts -- /nonexistent/cvtest
	[ "$status" -eq 127 ]
	[[ "${stderr_lines[0]}" == *"execvp(\`/nonexistent/cvtest\`): No such file or directory" ]]
}
