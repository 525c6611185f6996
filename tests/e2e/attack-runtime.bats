#!/usr/bin/env bats
# The runtime attacked from inside a container: each test is an escape
# attempted for real (tests/probe/attack.c, bound in at /mnt), against
# a copy of the runtime binary that the test runs, never the installed
# one; and each asserts from the host that nothing crossed.
#
#   CVE-2019-5736   /proc/PID/exe of the runtime held from the container,
#                   reopened for writing once the runtime stops running
#                   it: through an exec, a startContainer hook, a pod's
#                   sibling; with and without CAP_SYS_PTRACE
#   PT_INTERP       an ELF whose loader is /proc/self/exe
#   CVE-2016-9962   a descriptor of the host's state directory open in a
#                   process of the container (exec's, a pod sibling's init)

bats_require_minimum_version 1.5.0
load helpers

setup() {
	bundle_setup /bin/sleep 30
	A=$(test_tmpdir attack)
	CV_REAL=$CV
	cp "$CV" "$A/containerv"
	CV=$A/containerv
	SUM=$(sha256sum <"$CV")
	SIZE=$(stat -c %s "$CV")
	# the attacker and its report, at /mnt (a mount point the shared rootfs has)
	mkdir "$A/mnt"
	cp "$CV_ATTACK" "$A/mnt/cv-attack"
	chmod 777 "$A/mnt"
	cfg ".mounts += [{\"destination\": \"/mnt\", \"type\": \"bind\", \"source\": \"$A/mnt\", \"options\": [\"bind\", \"rw\"]}]"
	REPORT=$A/mnt/report
}

teardown() {
	# the copy may be what an attack broke: clean up with the real binary
	CV=$CV_REAL
	bundle_teardown
	rm -rf "$A"
	no_cgroups_left
	rootfs_untouched
}

# with_ptrace - the container's process may ptrace (and so open others' /proc/PID/exe)
with_ptrace() {
	cfg '.process.capabilities |= with_entries(.value += ["CAP_SYS_PTRACE"])'
}

# wait_report PATTERN [SECONDS] - until the attacker's report has a line matching PATTERN.
wait_report() {
	for _ in $(seq $((${2:-10} * 20))); do
		grep -q "$1" "$REPORT" 2>/dev/null && return 0
		sleep 0.05
	done
	echo "the attacker never reported '$1'; its report:"
	cat "$REPORT" 2>/dev/null
	return 1
}

# binary_untouched - the runtime copy is what was copied, and nothing wrote to it
binary_untouched() {
	! grep -q '^wrote' "$REPORT" || { cat "$REPORT"; return 1; }
	[ "$(sha256sum <"$CV")" = "$SUM" ] || { echo "the runtime binary was overwritten"; return 1; }
}

# --- CVE-2019-5736: /proc/PID/exe -------------------------------------------------

# exec_attack ID - create ID; an exec'd attacker holds (or is denied) pid 1's binary,
# the runtime's until start; after start it tries to write it.
exec_attack() {
	rt create --bundle "$B" "$1"
	rt exec -d "$1" /mnt/cv-attack exe 1 "$SIZE" /mnt/report 30
	wait_report '^denied 1 \|^held 1'
	rt start "$1"
	wait_report '^done'
}

@test "CVE-2019-5736: an exec into a created container cannot even open the init's /proc/1/exe" {
	exec_attack $RUNID-x1
	grep -q '^denied 1 Permission denied' "$REPORT" || { cat "$REPORT"; return 1; }
	binary_untouched
}

@test "CVE-2019-5736: with CAP_SYS_PTRACE the init's binary is held, and the write is refused (EROFS)" {
	with_ptrace
	exec_attack $RUNID-x2
	grep -q '^held 1' "$REPORT" && grep -q '^reopen 1 Read-only file system' "$REPORT" ||
		{ cat "$REPORT"; return 1; }
	binary_untouched
}

@test "CVE-2019-5736: where no bind can be made, a sealed copy runs, and the write is refused" {
	with_ptrace
	# the init runs from a memfd: writing to it is EPERM (its seals), not EROFS
	CV_DISABLE=seal_bind exec_attack $RUNID-x3
	grep -q '^held 1' "$REPORT" && grep -q '^reopen 1 write: Operation not permitted' "$REPORT" ||
		{ cat "$REPORT"; return 1; }
	binary_untouched
}

@test "run from a sealed copy, poststart hooks still wait until the program is executed" {
	printf '#!/bin/sh\nreadlink /proc/$(jq .pid)/exe >"$1"\n' >"$A/poststart"
	chmod 755 "$A/poststart"
	# a slow startContainer hook holds the init between start and its exec
	cfg ".hooks.poststart = [{\"path\": \"$A/poststart\", \"args\": [\"poststart\", \"$A/seen\"]}]
	   | .hooks.startContainer = [{\"path\": \"/bin/sleep\", \"args\": [\"sleep\", \"1\"]}]"
	CV_DISABLE=seal_bind rt create --bundle "$B" $RUNID-ps1
	# until start, the init is the runtime, from a memfd
	[[ "$(readlink /proc/"$(rt state $RUNID-ps1 | jq .pid)"/exe)" == "/memfd:containerv (deleted)" ]]
	rt start $RUNID-ps1
	[ "$(cat "$A/seen")" = /bin/busybox ] || { echo "poststart saw the init as $(cat "$A/seen")"; return 1; }
}

@test "CVE-2019-5736: a startContainer hook from the image holds pid 1's binary, and cannot write it" {
	with_ptrace
	cfg '.hooks.startContainer = [{"path": "/mnt/cv-attack", "args": ["cv-attack", "exe", "1", "'"$SIZE"'", "/mnt/report", "30", "-d"]}]'
	rt create --bundle "$B" $RUNID-x4
	rt start $RUNID-x4
	wait_report '^done'
	grep -q '^held 1' "$REPORT" || { cat "$REPORT"; return 1; }
	grep -q '^reopen 1 Read-only file system' "$REPORT" || { cat "$REPORT"; return 1; }
	binary_untouched
}

@test "CVE-2019-5736: a pod sibling watching the shared pid namespace cannot write a new init's binary" {
	with_ptrace
	cfg '.process.args = ["/mnt/cv-attack", "exe", "scan", "'"$SIZE"'", "/mnt/report", "60"]'
	rt run -d --bundle "$B" $RUNID-pod0
	pid0=$(rt state $RUNID-pod0 | jq .pid)
	# the second container joins the first one's pid namespace, as a pod's do
	cfg '.process.args = ["/bin/true"]'
	cfg "(.linux.namespaces[] | select(.type == \"pid\")) += {\"path\": \"/proc/$pid0/ns/pid\"}"
	rt create --bundle "$B" $RUNID-pod1
	wait_report '^held'
	rt start $RUNID-pod1
	wait_report '^done' 12
	grep -q '^reopen [0-9]* Read-only file system' "$REPORT" || { cat "$REPORT"; return 1; }
	binary_untouched
}

# --- the program's ELF interpreter ----------------------------------------------------

@test "an ELF whose interpreter (PT_INTERP) is /proc/self/exe is refused, naming it" {
	mkdir "$B/evil"
	cp "$BASH" "$B/evil/elf" # a dynamically linked program wherever the tests run
	loader=$(readelf -l "$B/evil/elf" | sed -n 's/.*Requesting program interpreter: \(.*\)]/\1/p')
	[ -n "$loader" ]
	off=$(($(readelf -lW "$B/evil/elf" | awk '$1 == "INTERP" { print $2 }')))
	printf '/proc/self/exe\0' | dd of="$B/evil/elf" bs=1 seek="$off" conv=notrunc status=none
	readelf -l "$B/evil/elf" | grep -q 'interpreter: /proc/self/exe'
	cfg ".mounts += [{\"destination\": \"/srv\", \"type\": \"bind\", \"source\": \"$B/evil\", \"options\": [\"bind\", \"ro\"]}]"
	cfg '.process.args = ["/srv/elf"]'
	run rt run --bundle "$B" $RUNID-e1
	[ "$status" -eq 1 ]
	[[ "$output" == *"\`/srv/elf\`: its ELF interpreter: refusing to execute \`/proc/self/exe\`: it is the runtime's own binary"* ]] ||
		{ echo "$output"; return 1; }
	[ ! -e "$R/e1" ]
	binary_untouched
}

# --- CVE-2016-9962: the host's descriptors ---------------------------------------------

@test "CVE-2016-9962: exec's process holds no descriptor of the host while the container can see it" {
	with_ptrace
	touch "$R/cvtest-host-secret"
	cfg '.process.args = ["/mnt/cv-attack", "fds", "cvtest-host-secret", "/mnt/report", "300"]'
	rt run -d --bundle "$B" $RUNID-f1
	for _ in $(seq 60); do rt exec $RUNID-f1 /bin/sleep 0.01; done
	touch "$REPORT.stop"
	wait_report '^done' 10
	! grep -m 5 "^leak" "$REPORT" || return 1
	# the attacker did see the exec'd processes' descriptors: the test could have caught a leak
	[ "$(sed -n 's/^done //p' "$REPORT")" -gt 0 ] || { cat "$REPORT"; return 1; }
}

@test "CVE-2016-9962: a new init in a pod's shared pid namespace holds nothing of the host" {
	with_ptrace
	touch "$R/cvtest-host-secret"
	cfg '.process.args = ["/mnt/cv-attack", "fds", "cvtest-host-secret", "/mnt/report", "300"]'
	rt run -d --bundle "$B" $RUNID-g0
	pid0=$(rt state $RUNID-g0 | jq .pid)
	cfg '.process.args = ["/bin/true"]'
	cfg "(.linux.namespaces[] | select(.type == \"pid\")) += {\"path\": \"/proc/$pid0/ns/pid\"}"
	for i in $(seq 15); do
		rt run --bundle "$B" "$RUNID-g1-$i"
	done
	touch "$REPORT.stop"
	wait_report '^done' 10
	! grep -m 5 "^leak" "$REPORT" || return 1
	# the attacker did see the new inits' descriptors: the test could have caught a leak
	[ "$(sed -n 's/^done //p' "$REPORT")" -gt 0 ] || { cat "$REPORT"; return 1; }
}

# --- hostile input ------------------------------------------------------------------------

@test "a config.json over 1 MiB is refused as too large, with its size and the limit; nothing is left" {
	# below the limit, a large config is kept whole: exec reads it again
	head -c 200000 /dev/zero | tr '\0' x >"$A/big"
	jq --rawfile big "$A/big" '.annotations = {"padding": $big}' "$B/config.json" >"$B/c" &&
		mv "$B/c" "$B/config.json"
	rt run -d --bundle "$B" $RUNID-big0
	[ "$(rt exec $RUNID-big0 /bin/cv-probe pid)" -gt 1 ]
	rt delete --force $RUNID-big0
	head -c 1200000 /dev/zero | tr '\0' x >"$A/big"
	jq --rawfile big "$A/big" '.annotations = {"padding": $big}' "$B/config.json" >"$B/c" &&
		mv "$B/c" "$B/config.json"
	run rt create --bundle "$B" $RUNID-big1
	[ "$status" -eq 1 ]
	[[ "$output" == *"config.json: "*" bytes is too large: at most 1048576 (1 MiB) are read"* ]] ||
		{ echo "$output"; return 1; }
	[ ! -e "$R/big1" ]
	# the same limit for `update -r -` on standard input
	cfg '.annotations = {} | .process.args = ["/bin/sleep", "30"]'
	rt run -d --bundle "$B" $RUNID-big2
	run rt update -r - $RUNID-big2 <"$A/big"
	[ "$status" -eq 1 ]
	[[ "$output" == *"standard input: over 1048576 bytes (1 MiB) is too large"* ]] || { echo "$output"; return 1; }
	# and for exec --process, even from a pipe, whose size stat() cannot tell
	run rt exec --process <(cat "$A/big") $RUNID-big2
	[ "$status" -eq 1 ]
	[[ "$output" == *"over 1048576 bytes (1 MiB) is too large"* ]] || { echo "$output"; return 1; }
}
