#!/usr/bin/env bats
# bin/cv-security as a user types it: what the command ends up with, seen
# from inside by the probe and by cv-load (which makes one system call and
# prints what came back), and what a user is told when they get it wrong.

bats_require_minimum_version 1.5.0
load helpers

CVSEC="$CV_BIN/cv-security"

setup() {
	TMP=$(test_tmpdir sec)
	chmod 755 "$TMP"
	# a command that leaves a mark when it runs: bad input must never get that far
	MARK="$TMP/mark.sh"
	printf '#!/bin/sh\ntouch "%s/ran"\n' "$TMP" >"$MARK"
	chmod 755 "$MARK"
}

teardown() {
	[ -z "${LISTENER:-}" ] || { kill "$LISTENER" 2>/dev/null; wait "$LISTENER" 2>/dev/null; } || true
	rm -rf "$TMP"
}

nothing_ran() {
	[ ! -e "$TMP/ran" ] || { echo "the command ran"; return 1; }
	no_process "cvtest-sec"
}

# --- help -----------------------------------------------------------------------

@test "--help lists the commands; run --help every option" {
	run "$CVSEC" --help
	[ "$status" -eq 0 ]
	for c in run caps seccomp-export status listen; do
		[[ "$output" == *"  $c "* ]] || { echo "missing $c"; return 1; }
	done
	run "$CVSEC" run --help
	for o in cap-drop cap-add user groups umask no-new-privs rlimit oom-score-adj seccomp deny \
		notify listener policy allow-read allow-write allow-exec apparmor quiet; do
		[[ "$output" == *"--$o"* ]] || { echo "missing --$o"; return 1; }
	done
}

# --- capabilities, user, limits ----------------------------------------------------

@test "run --cap-drop ALL --cap-add NET_BIND_SERVICE --user 1000:1000: just that one" {
	need_root
	run --separate-stderr "$CVSEC" run --cap-drop ALL --cap-add NET_BIND_SERVICE \
		--user 1000:1000 -- "$PROBE" uid gid cap_eff cap_bnd cap_amb
	[ "$status" -eq 0 ]
	[ "$output" = "1000
1000
0000000000000400
0000000000000400
0000000000000400" ]
	# and the report says so in words
	[[ "$stderr" == *"effective    CAP_NET_BIND_SERVICE"* ]]
	[[ "$stderr" == *"uid          1000 1000 1000 1000"* ]]
}

@test "run without options changes nothing" {
	need_root
	run "$CVSEC" run -q -- "$PROBE" cap_eff no_new_privs seccomp
	[ "$status" -eq 0 ]
	[ "$output" = "$("$PROBE" cap_eff no_new_privs seccomp)" ]
}

@test "run --cap-drop names: those go, the rest stay" {
	need_root
	run "$CVSEC" run -q --cap-drop net_raw --cap-drop CAP_SYS_ADMIN -- "$PROBE" cap_eff
	[ "$status" -eq 0 ]
	mine=$("$PROBE" cap_eff)
	[ $((0x$output)) -eq $((0x$mine & ~(1 << 13) & ~(1 << 21))) ]
}

@test "run --no-new-privs --rlimit --umask: what the probe and the shell see" {
	need_root
	run "$CVSEC" run -q --no-new-privs --rlimit nofile=64:128 --rlimit core=0 -- \
		"$PROBE" no_new_privs rlimit:nofile rlimit:core
	[ "$status" -eq 0 ]
	[ "$output" = "1
64:128
0:0" ]
	run "$CVSEC" run -q --umask 077 -- sh -c umask
	[ "$output" = 0077 ]
}

# --- seccomp -------------------------------------------------------------------------

@test "run --seccomp default: unshare, keyctl, mount fail; busybox works" {
	need_root
	run "$CVSEC" run -q --seccomp default -- "$LOAD" sys unshare 0x10000000
	[ "$output" = EPERM ]
	run "$CVSEC" run -q --seccomp default -- "$LOAD" sys keyctl 0
	[ "$output" = EPERM ]
	run "$CVSEC" run -q --seccomp default -- "$LOAD" sys mount none /mnt tmpfs 0 0
	[ "$output" = EPERM ]
	run "$CVSEC" run -q --seccomp default -- "$LOAD" sys clone3 0 0
	[ "$output" = ENOSYS ]
	run "$CVSEC" run -q --seccomp default -- "$ROOTFS/bin/busybox" sh -c \
		"PATH=$ROOTFS/bin; ls $ROOTFS/bin/busybox && echo ok | tr a-z A-Z"
	[ "$status" -eq 0 ]
	[ "$output" = "$ROOTFS/bin/busybox
OK" ]
}

@test "run --deny SYSCALL:ERRNO: that errno; the rest unchanged" {
	need_root
	run "$CVSEC" run -q -- "$LOAD" sys rmdir "$TMP/none"
	[ "$output" = ENOENT ]
	run "$CVSEC" run -q --deny rmdir:EACCES -- "$LOAD" sys rmdir "$TMP/none"
	[ "$output" = EACCES ]
	run "$CVSEC" run -q --deny rmdir -- "$LOAD" sys rmdir "$TMP/none"
	[ "$output" = EPERM ]
	run "$CVSEC" run -q --deny rmdir -- "$LOAD" sys getpid
	[[ "$output" == "ok "* ]]
}

@test "run --seccomp FILE.json: OCI rules with KILL, LOG and an argument condition" {
	need_root
	cat >"$TMP/p.json" <<-'EOF'
	{"defaultAction": "SCMP_ACT_ALLOW",
	 "syscalls": [
	  {"names": ["getppid"], "action": "SCMP_ACT_KILL_PROCESS"},
	  {"names": ["getpid"], "action": "SCMP_ACT_LOG"},
	  {"names": ["personality"], "action": "SCMP_ACT_ERRNO", "errnoRet": 22,
	   "args": [{"index": 0, "value": 8, "op": "SCMP_CMP_EQ"}]}]}
	EOF
	run --separate-stderr "$CVSEC" run --seccomp "$TMP/p.json" -- "$LOAD" sys getppid
	[ "$status" -eq 159 ]
	[[ "$stderr" == *"killed by SIGSYS"* ]]
	run "$CVSEC" run -q --seccomp "$TMP/p.json" -- "$LOAD" sys getpid
	[[ "$output" == "ok "* ]]
	run "$CVSEC" run -q --seccomp "$TMP/p.json" -- "$LOAD" sys personality 8
	[ "$output" = EINVAL ]
	run "$CVSEC" run -q --seccomp "$TMP/p.json" -- "$LOAD" sys personality 0
	[ "$output" = "ok 0" ]
}

@test "run --notify with cv-security listen: the listener's answer comes back" {
	need_root
	"$CVSEC" listen --return 42 "$TMP/agent.sock" >"$TMP/listen.out" 2>&1 &
	LISTENER=$!
	for _ in $(seq 50); do [ -S "$TMP/agent.sock" ] && break; sleep 0.1; done
	run "$CVSEC" run -q --notify getppid --listener "$TMP/agent.sock" -- "$LOAD" sys getppid
	[ "$status" -eq 0 ]
	[ "$output" = "ok 42" ]
	wait "$LISTENER"
	LISTENER=""
	grep -q '"fds":\["seccompFd"\]' "$TMP/listen.out"
	grep -q 'getppid(.*) -> 42' "$TMP/listen.out"
	[ ! -e "$TMP/agent.sock" ] # the listener removed its socket
}

@test "cv-security listen, stopped by SIGTERM or SIGINT while it waits, removes its socket and dies of the signal" {
	for sig in TERM INT; do
		# a background job of a script ignores SIGINT: give the demo the default back
		"$LOAD" sigdfl "$CVSEC" listen "$TMP/$sig.sock" >/dev/null 2>&1 3>&- &
		LISTENER=$!
		for _ in $(seq 50); do [ -S "$TMP/$sig.sock" ] && break; sleep 0.1; done
		[ -S "$TMP/$sig.sock" ]
		kill -"$sig" "$LISTENER"
		status=0
		wait "$LISTENER" || status=$?
		LISTENER=""
		[ "$status" -eq $((128 + $(kill -l "$sig"))) ]
		[ ! -e "$TMP/$sig.sock" ] || { echo "$sig: the socket was left"; return 1; }
	done
}

@test "cv-security listen, signalled after its socket is made but before its wait, still ends" {
	command -v strace >/dev/null || skip "strace is not installed (make deps)"
	# strace holds each write 0.5 s: SIGTERM comes during "listening on",
	# after the socket is there and before the wait for a connection
	strace -o /dev/null -e trace=write -e inject=write:delay_enter=500000 \
		"$CVSEC" listen "$TMP/gap.sock" >/dev/null 2>&1 3>&- &
	LISTENER=$!
	for _ in $(seq 100); do [ -S "$TMP/gap.sock" ] && break; sleep 0.05; done
	[ -S "$TMP/gap.sock" ]
	listener=$(pgrep -P "$LISTENER") # strace's child: cv-security
	kill -TERM "$listener"
	for _ in $(seq 100); do kill -0 "$listener" 2>/dev/null || break; sleep 0.1; done
	if kill -0 "$listener" 2>/dev/null; then
		kill -KILL "$listener"
		echo "still waiting 10 s after SIGTERM"
		return 1
	fi
	status=0
	wait "$LISTENER" || status=$?
	LISTENER=""
	[ "$status" -eq 143 ] # strace dies of its tracee's signal
	[ ! -e "$TMP/gap.sock" ] || { echo "the socket was left"; return 1; }
}

@test "seccomp-export prints the filter the kernel will run" {
	run "$CVSEC" seccomp-export default
	[ "$status" -eq 0 ]
	[[ "$output" == *"pseudo filter code start"* ]]
	[[ "$output" == *"filter for arch x86_64"* ]]
	[[ "$output" == *"action ERRNO(38)"* ]] # newer syscalls: ENOSYS
	run "$CVSEC" seccomp-export policy:minimal
	[ "$status" -eq 0 ]
	[[ "$output" == *'"openat"'* && "$output" != *'"socket"'* ]]
}

@test "--explain: the ENOSYS rules for newer syscalls are said once, naming each architecture" {
	need_root
	run --separate-stderr "$CVSEC" --explain run -q --seccomp default -- true
	[ "$status" -eq 0 ]
	said=$(printf '%s\n' "$stderr" | grep "newer than the profile's newest")
	echo "$said"
	[ "$(printf '%s\n' "$said" | wc -l)" -eq 1 ] # checked, then loaded: one filter, one line
	native=$(uname -m)
	[[ "$said" =~ \ \([0-9]+\ on\ $native\)\ answer\ ENOSYS:\ [0-9]+\ on\ $native ]]
	if [ "$native" = x86_64 ]; then # the default profile covers 32-bit programs too
		[[ "$said" =~ ,\ [0-9]+\ on\ x86,\ [0-9]+\ on\ x32\ \[ ]]
	fi
}

# --- Landlock and policies ----------------------------------------------------------------

@test "run --allow-write DIR: writes inside, EACCES outside" {
	need_root
	mkdir "$TMP/in"
	run --separate-stderr "$CVSEC" run -q --allow-write "$TMP/in" --allow-exec "$(dirname "$LOAD")" -- \
		"$LOAD" write "$TMP/in/f"
	[ "$output" = ok ]
	run --separate-stderr "$CVSEC" run -q --allow-write "$TMP/in" --allow-exec "$(dirname "$LOAD")" -- \
		"$LOAD" write "$TMP/out"
	[ "$output" = EACCES ]
	[ ! -e "$TMP/out" ]
}

@test "without Landlock in the kernel, path rules are a clear error (CV_DISABLE=landlock)" {
	CV_DISABLE=landlock run "$CVSEC" run --allow-write "$TMP" -- "$MARK"
	[ "$status" -eq 1 ]
	[[ "$output" == *"this kernel has no Landlock"* ]]
	[[ "$output" == *"hint: "* ]]
	nothing_ran
	run "$CVSEC" status
	CV_DISABLE=landlock run "$CVSEC" status
	[[ "$output" == *"landlock     not available"* ]]
}

@test "run --policy minimal: no sockets, no forks; network: sockets" {
	need_root
	run --separate-stderr "$CVSEC" run -q --policy minimal --allow-exec "$(dirname "$LOAD")" -- \
		"$LOAD" sys socket 1 1 0
	[ "$output" = EPERM ]
	run --separate-stderr "$CVSEC" run -q --policy network --allow-exec "$(dirname "$LOAD")" -- \
		"$LOAD" sys socket 1 1 0
	[[ "$output" == "ok "* ]]
	# /bin/true in the middle: a shell may exec its last command without forking
	run --separate-stderr "$CVSEC" run -q --policy minimal -- /bin/sh -c 'echo hi; /bin/true; true'
	[ "$output" = hi ]
	[[ "$stderr" == *"fork"* ]]
}

# --- status and caps -----------------------------------------------------------------------

@test "status: seccomp actions, Landlock ABI, AppArmor, capabilities" {
	run "$CVSEC" status
	[ "$status" -eq 0 ]
	[[ "$output" == *"actions: KILL_PROCESS"*"NOTIFY"* ]]
	[[ "$output" =~ landlock\ +ABI\ [0-9]+ ]]
	[[ "$output" == *"apparmor"* ]]
	[[ "$output" == *"capabilities "*" known to the kernel"* ]]
}

@test "caps PID: the five sets of another process" {
	need_root
	run "$CVSEC" caps $$
	[ "$status" -eq 0 ]
	[ "${#lines[@]}" -eq 5 ]
	[[ "${lines[0]}" == "bounding "* && "${lines[4]}" == "ambient "* ]]
	run "$CVSEC" caps 999999999
	[ "$status" -ne 0 ]
}

# --- bad input: a clear error, non-zero, nothing run ------------------------------------

@test "an unknown capability lists the valid names" {
	run "$CVSEC" run --cap-add CAP_NET_BIND -- "$MARK"
	[ "$status" -eq 2 ]
	[[ "$output" == *"unknown capability \`CAP_NET_BIND\`"* ]]
	[[ "$output" == *"hint: "*"NET_BIND_SERVICE"* ]]
	nothing_ran
}

@test "an unknown action, operator or architecture names the rule and field" {
	echo '{"defaultAction": "SCMP_ACT_ALLOW", "syscalls": [{"names": ["read"],
	  "action": "SCMP_ACT_ALLOW"}, {"names": ["mkdir"], "action": "SCMP_ACT_DENY"}]}' >"$TMP/a.json"
	run "$CVSEC" run --seccomp "$TMP/a.json" -- "$MARK"
	[ "$status" -eq 1 ]
	[[ "$output" == *"$TMP/a.json: syscalls[1].action: unknown seccomp action \`SCMP_ACT_DENY\`"* ]]
	[[ "$output" == *"hint: "* ]]
	echo '{"defaultAction": "SCMP_ACT_ALLOW", "syscalls": [{"names": ["read"],
	  "action": "SCMP_ACT_ALLOW", "args": [{"index": 0, "value": 1, "op": "SCMP_CMP_SAME"}]}]}' \
		>"$TMP/o.json"
	run "$CVSEC" run --seccomp "$TMP/o.json" -- "$MARK"
	[ "$status" -eq 1 ]
	[[ "$output" == *"syscalls[0].args[0].op: unknown seccomp operator \`SCMP_CMP_SAME\`"* ]]
	echo '{"defaultAction": "SCMP_ACT_ALLOW", "architectures": ["SCMP_ARCH_VAX"]}' >"$TMP/r.json"
	run "$CVSEC" run --seccomp "$TMP/r.json" -- "$MARK"
	[ "$status" -eq 1 ]
	[[ "$output" == *"architectures[0]: unknown seccomp architecture \`SCMP_ARCH_VAX\`"* ]]
	nothing_ran
}

@test "a profile with wrong types, or broken JSON, is named with the place" {
	echo '{"defaultAction": "SCMP_ACT_ERRNO", "defaultErrnoRet": "EPERM"}' >"$TMP/t.json"
	run "$CVSEC" run --seccomp "$TMP/t.json" -- "$MARK"
	[ "$status" -eq 1 ]
	[[ "$output" == *"defaultErrnoRet: expected a non-negative integer, got a string"* ]]
	printf '{\n "defaultAction": "SCMP_ACT_ALLOW",\n "syscalls": [\n' >"$TMP/j.json"
	run "$CVSEC" run --seccomp "$TMP/j.json" -- "$MARK"
	[ "$status" -eq 1 ]
	[[ "$output" == *"$TMP/j.json:"[0-9]* ]]
	run "$CVSEC" run --seccomp "$TMP/missing.json" -- "$MARK"
	[ "$status" -eq 1 ]
	[[ "$output" == *"missing.json"* ]]
	nothing_ran
}

@test "AppArmor: where it is off, a clear error and the default not applied; where on, enforced" {
	need_root
	if "$CVSEC" status | grep -q '^apparmor *not enabled'; then
		run "$CVSEC" run --apparmor cvtest-profile -- "$MARK"
		[ "$status" -eq 1 ]
		[[ "$output" == *"AppArmor profile \`cvtest-profile\`: AppArmor is not enabled"* ]]
		[[ "$output" == *"hint: "* ]]
		nothing_ran
		run "$CVSEC" run -q --apparmor default -- true
		[ "$status" -eq 0 ]
		[[ "$output" == *"default profile is not applied"* ]]
	else
		# enforcing: the default profile is loaded and entered at exec
		run "$CVSEC" run -q --apparmor default -- /bin/cat /proc/self/attr/current
		[ "$status" -eq 0 ]
		[ "$output" = "containerv-default (enforce)" ]
		run "$CVSEC" run -q --apparmor cvtest-never-loaded -- "$MARK"
		[ "$status" -ne 0 ]
		nothing_ran
	fi
}

@test "more bad input: rlimit, syscall, errno, user, policy, option, path, listener" {
	run "$CVSEC" run --rlimit files=3 -- "$MARK"
	[ "$status" -eq 2 ]
	[[ "$output" == *"unknown resource limit \`files\`"* ]]
	run "$CVSEC" run --deny no_such_call -- "$MARK"
	[ "$status" -eq 2 ]
	[[ "$output" == *"\`no_such_call\`: not a system call"* ]]
	run "$CVSEC" run --deny rmdir:EWHAT -- "$MARK"
	[ "$status" -eq 2 ]
	run "$CVSEC" run --user bob -- "$MARK"
	[ "$status" -eq 2 ]
	[[ "$output" == *"user \`bob\`"* ]]
	run "$CVSEC" run --policy strict -- "$MARK"
	[ "$status" -eq 2 ]
	[[ "$output" == *"unknown policy \`strict\`"* ]]
	run "$CVSEC" run --cap-dorp ALL -- "$MARK"
	[ "$status" -eq 2 ]
	[[ "$output" == *"did you mean \`--cap-drop\`"* ]]
	run "$CVSEC" run --allow-read "$TMP/nowhere" -- "$MARK"
	[ "$status" -eq 1 ]
	[[ "$output" == *"\`$TMP/nowhere\`: No such file or directory"* ]]
	run "$CVSEC" run --notify getppid -- "$MARK"
	[ "$status" -eq 1 ]
	[[ "$output" == *"needs a listenerPath"* ]]
	run "$CVSEC" run --notify getppid --listener "$TMP/nobody.sock" -- "$MARK"
	[ "$status" -ne 0 ]
	[[ "$output" == *"$TMP/nobody.sock"* ]]
	nothing_ran
}
