#!/usr/bin/env bats
# bin/containerv on a running container: exec, ps, pause and resume,
# update, events, features - each seen from inside the container.  And
# the program itself: found and checked at create as execve will check it.

bats_require_minimum_version 1.5.0
load helpers

setup() {
	bundle_setup /bin/cv-load count /tmp/count
	cfg '.mounts += [{"destination": "/tmp", "type": "tmpfs", "source": "tmpfs"}] |
	     .linux.seccomp = {"defaultAction": "SCMP_ACT_ALLOW", "syscalls": [
	       {"names": ["rmdir"], "action": "SCMP_ACT_ERRNO", "errnoRet": 13}]} |
	     .hostname = "cvtest-ex"'
	rt run -d --bundle "$B" $RUNID-x1 >/dev/null 2>&1
	INIT=$(rt state $RUNID-x1 | jq .pid)
}

teardown() {
	bundle_teardown
	no_cgroups_left
	rootfs_untouched
}

count() {
	rt exec $RUNID-x1 cat /tmp/count
}

# refused ID WORDS - create of the bundle as it is fails (exit 1, as for any
# error of create), its message has WORDS, and nothing of ID is left.
refused() {
	local id=$RUNID-$1
	# into a file: should create succeed, the container's init holds its stdio open
	status=0
	rt create --bundle "$B" "$id" >"$B/create.out" 2>&1 </dev/null || status=$?
	output=$(cat "$B/create.out")
	[ "$status" -eq 1 ] || { echo "$1: create exited $status: $output"; return 1; }
	[[ "$output" == *"$2"* ]] || { echo "$1: expected \"$2\" in: $output"; return 1; }
	[ ! -e "$R/$id" ] || { echo "state of $1 left"; return 1; }
	[ -z "$(find /sys/fs/cgroup -maxdepth 4 -type d -path "*/containerv/$id")" ] ||
		{ echo "cgroup of $1 left"; return 1; }
}

# A directory of programs, seen read-only at /srv in the container.
programs() {
	mkdir "$B/srv"
	printf '#!/bin/sh\necho ran as $(id -u)\n' >"$B/srv/x.sh"
	cp "$B/srv/x.sh" "$B/srv/owner.sh"
	cp "$B/srv/x.sh" "$B/srv/nox.sh"
	chmod 755 "$B/srv/x.sh"
	chmod 744 "$B/srv/owner.sh"
	chmod 644 "$B/srv/nox.sh"
	cfg ".mounts += [{\"destination\": \"/srv\", \"type\": \"bind\", \"source\": \"$B/srv\", \"options\": [\"bind\", \"ro\"]}]"
}

@test "exec: the container's pid namespace, hostname, mounts, cgroup, capabilities, seccomp" {
	run rt exec $RUNID-x1 /bin/cv-probe hostname ns:pid ns:mnt ns:net ns:ipc ns:uts cgroup cap_eff no_new_privs seccomp
	[ "$status" -eq 0 ]
	[ "${lines[0]}" = cvtest-ex ]
	i=1
	for t in pid mnt net ipc uts; do
		[ "${lines[$i]}" = "$(readlink /proc/$INIT/ns/$t | tr -dc 0-9)" ] || { echo "$t differs"; return 1; }
		i=$((i + 1))
	done
	# its own cgroup namespace: the container's cgroup is / (v1's memory tree, or cgroup2's)
	[[ "${lines[6]}" == *"memory:/;"* || "${lines[6]}" == "0::/" ]]
	[ "${lines[7]}" = "$(grep CapEff /proc/$INIT/status | cut -f2)" ]
	[ "${lines[8]}" = 1 ] && [ "${lines[9]}" = 2 ]
	# a syscall denied to the container is denied to exec too
	run rt exec $RUNID-x1 /bin/cv-load sys rmdir /nonexistent
	[ "$output" = EACCES ]
	# and exec's process is in the container's cgroup
	run rt exec $RUNID-x1 /bin/sh -c 'grep -E "pids|^0::" /proc/self/cgroup | tail -n 1'
	[[ "$output" == *":pids:/" || "$output" == "0::/" ]]
}

@test "exec: exit code, -e, -u, --cwd, --cap, --no-new-privs, --preserve-fds" {
	run rt exec $RUNID-x1 /bin/sh -c 'exit 9'
	[ "$status" -eq 9 ]
	run rt exec -e CVTEST=yes -e PATH=/bin -u 1000:1000 --cwd /etc $RUNID-x1 /bin/sh -c 'echo $CVTEST $PATH $(id -u):$(id -g) $(pwd)'
	[ "$output" = "yes /bin 1000:1000 /etc" ]
	run rt exec --cap CAP_SYS_ADMIN $RUNID-x1 /bin/cv-probe cap_bnd
	[ $((0x$output >> 21 & 1)) -eq 1 ]
	run rt exec $RUNID-x1 /bin/cv-probe cap_bnd
	[ $((0x$output >> 21 & 1)) -eq 0 ]
	# --no-new-privs over a process that does not set it
	echo '{"args": ["/bin/cv-probe", "no_new_privs"], "cwd": "/", "noNewPrivileges": false}' >"$B/nnp.json"
	[ "$(rt exec --process "$B/nnp.json" $RUNID-x1)" = 0 ]
	[ "$(rt exec --process "$B/nnp.json" --no-new-privs $RUNID-x1)" = 1 ]
	# --preserve-fds: fd 3 passes in when asked, and only then
	run rt exec --preserve-fds 1 $RUNID-x1 /bin/sh -c 'readlink /proc/self/fd/3' 3<"$B/config.json"
	[[ "$output" == *"/config.json" ]]
	run rt exec $RUNID-x1 /bin/sh -c 'readlink /proc/self/fd/3 || echo none' 3<"$B/config.json"
	[[ "$output" == *none ]]
}

@test "exec --process FILE.json: the process as OCI describes it; wrong types named" {
	cat >"$B/p.json" <<-'EOF'
	{"args": ["/bin/cv-probe", "uid", "cwd"], "cwd": "/dev", "env": ["PATH=/bin"],
	 "user": {"uid": 33, "gid": 33}, "terminal": false}
	EOF
	run rt exec --process "$B/p.json" $RUNID-x1
	[ "$status" -eq 0 ]
	[ "$output" = "33
/dev" ]
	printf '{"args": "sh",\n "cwd": "/"}\n' >"$B/bad.json"
	run rt exec --process "$B/bad.json" $RUNID-x1
	[ "$status" -ne 0 ]
	[[ "$output" == *"bad.json:1: process.args: expected an array, got \"sh\""* ]]
}

@test "exec -t: a terminal of its own, through the console socket or served by exec" {
	"$CONSOCK" "$B/ex.sock" 'tty; exit' >"$B/ex.out"
	rt exec -t --console-socket "$B/ex.sock" -d $RUNID-x1 /bin/sh
	for _ in $(seq 50); do grep -q '^/dev/pts/' "$B/ex.out" && break; sleep 0.1; done
	grep -q '^/dev/pts/[0-9]' "$B/ex.out"
	run rt exec -t $RUNID-x1 /bin/sh -c 'tty' </dev/null
	[ "$status" -eq 0 ]
	[[ "$output" == *"/dev/pts/"* ]]
}

@test "exec -d --pid-file: it runs on, in the container's pid namespace" {
	rt exec -d --pid-file "$B/pid" $RUNID-x1 /bin/sleep 30
	pid=$(cat "$B/pid")
	[ "$(readlink /proc/$pid/ns/pid)" = "$(readlink /proc/$INIT/ns/pid)" ]
	[ "$(cat /proc/$pid/comm)" = sleep ] || [ "$(cat /proc/$pid/comm)" = busybox ]
	run rt ps --format json $RUNID-x1
	[[ "$output" == *"$pid"* && "$output" == *"$INIT"* ]]
}

@test "exec refuses what it must: a stopped or unknown container, the runtime's binary" {
	run rt exec $RUNID-x1 /proc/self/exe
	[ "$status" -ne 0 ]
	[[ "$output" == *"it is the runtime's own binary"* ]]
	run rt exec nosuch true
	[ "$status" -eq 1 ]
	[[ "$output" == *"container \`nosuch\` does not exist"* ]]
	rt kill $RUNID-x1 KILL
	for _ in $(seq 50); do [ "$(status_of $RUNID-x1)" = stopped ] && break; sleep 0.1; done
	run rt exec $RUNID-x1 true
	[ "$status" -eq 1 ]
	[[ "$output" == *"cannot exec in container \`$RUNID-x1\`: it is stopped"* ]]
}

@test "ps: the container's processes, as ps prints them" {
	rt exec -d $RUNID-x1 /bin/sleep 31
	run rt ps $RUNID-x1
	[ "$status" -eq 0 ]
	[[ "${lines[0]}" == *PID*CMD* ]]
	[ "${#lines[@]}" -eq 3 ] # the header, the init, the sleep
	[[ "$output" == *"cv-load count /tmp/count"* && "$output" == *"sleep 31"* ]]
	run rt ps $RUNID-x1 -o pid,comm
	[[ "${lines[0]}" == *PID*COMMAND* ]]
	echo "$output" | grep -Eq "^ *$INIT +"
}

@test "pause stops progress; resume continues" {
	sleep 0.3
	rt pause $RUNID-x1
	[ "$(status_of $RUNID-x1)" = paused ]
	a=$(cat /proc/$INIT/root/tmp/count)
	sleep 0.3
	b=$(cat /proc/$INIT/root/tmp/count)
	[ "$a" = "$b" ]
	run rt pause $RUNID-x1
	[ "$status" -eq 1 ]
	[[ "$output" == *"it is paused"* ]]
	rt resume $RUNID-x1
	[ "$(status_of $RUNID-x1)" = running ]
	sleep 0.3
	[ "$(count)" -gt "$b" ]
}

@test "update: a new limit the workload then hits; a bad value changes nothing" {
	run rt exec $RUNID-x1 /bin/cv-load fork 15
	[ "$output" = "forked 15 of 15" ]
	rt update --pids-limit 8 $RUNID-x1
	run rt exec $RUNID-x1 /bin/cv-load fork 15
	[[ "$output" =~ ^forked\ [0-9]+\ of\ 15,\ then\ EAGAIN$ ]]
	run rt update --cpu-shares 1 $RUNID-x1
	[ "$status" -eq 1 ]
	[[ "$output" == *"cpu.shares: 1 is out of range"* ]]
	echo '{"pids": {"limit": "many"}}' >"$B/r.json"
	run rt update --resources "$B/r.json" $RUNID-x1
	[ "$status" -eq 1 ]
	[[ "$output" == *"r.json:1: pids.limit: expected an integer, got \"many\""* ]]
	run rt exec $RUNID-x1 /bin/cv-load fork 15 # still 8
	[[ "$output" == *"then EAGAIN"* ]]
	# Last: while the killed process is still exiting, the init's next
	# write to its tmpfs may run into the limit too and be killed second.
	echo '{"memory": {"limit": 33554432, "swap": 33554432}}' | rt update --resources - $RUNID-x1
	run rt exec $RUNID-x1 /bin/cv-load mem 64M
	[ "$status" -eq 137 ]
}

@test "events: stats as runc prints them; an OOM event when it happens" {
	run rt events --stats $RUNID-x1
	[ "$status" -eq 0 ]
	echo "$output" | jq -e --arg id "$RUNID-x1" '.type == "stats" and .id == $id and .data.pids.current >= 1 and .data.cpu.usage.total > 0'
	rt update --memory 32M --memory-swap 32M $RUNID-x1
	rt events --interval 200ms $RUNID-x1 >"$B/events" &
	EV=$!
	sleep 0.5
	rt exec $RUNID-x1 /bin/cv-load mem 64M || true
	sleep 0.5
	kill "$EV" || true
	wait "$EV" || true
	grep -q '"type":"oom"' "$B/events"
	grep -q '"type":"stats"' "$B/events"
}

@test "features: what this host has" {
	run rt features
	[ "$status" -eq 0 ]
	echo "$output" | jq -e '.ociVersionMax == "1.2.0" and (.hooks | length) == 6'
	[ "$(echo "$output" | jq '.linux.capabilities | length')" -eq $(($(cat /proc/sys/kernel/cap_last_cap) + 1)) ]
	for t in pid mount network ipc uts user cgroup; do
		echo "$output" | jq -e --arg t "$t" '.linux.namespaces | index($t)' >/dev/null
	done
	case "$(cgroup_layout)" in
	unified) echo "$output" | jq -e '.linux.cgroup.v2 and (.linux.cgroup.v1 | not)' ;;
	*) echo "$output" | jq -e '.linux.cgroup.v1' ;;
	esac
	echo "$output" | jq -e '.linux.seccomp.enabled and (.linux.seccomp.actions | index("SCMP_ACT_NOTIFY"))'
}

# --- the program: found and checked at create ------------------------------------------

@test "create refuses a program that cannot be executed, in the words runc uses" {
	# docker and containerd choose their exit code from these words: 126, 127, 127
	cfg '.process.args = ["/etc/passwd"]'
	refused xp1 "exec \`/etc/passwd\`: permission denied"
	[[ "$output" == *"hint: \`/etc/passwd\` (mode 0644) has no execute bit"* ]]
	cfg '.process.args = ["/etc"]'
	refused xp2 "exec \`/etc\`: permission denied"
	cfg '.process.args = ["/bin/nonesuch"]'
	refused xp3 "exec \`/bin/nonesuch\`: no such file or directory"
	cfg '.process.args = ["nonesuch"]'
	refused xp4 "exec \`nonesuch\`: executable file not found in \$PATH"
	# exec into a running container checks the same, and says it alike
	run rt exec $RUNID-x1 /etc/passwd
	[ "$status" -eq 1 ]
	[[ "$output" == *"exec \`/etc/passwd\`: permission denied"* ]]
}

@test "a #! script runs only if execve would run it: its x bit, for the process's user" {
	programs
	cfg '.process.args = ["/srv/x.sh"]'
	run rt run --bundle "$B" "$RUNID-xs1"
	[ "$status" -eq 0 ] && [ "$output" = "ran as 0" ]
	# rwxr--r-- root: root runs it (the owner's bit; no CAP_DAC_OVERRIDE in the spec), 1000 may not
	cfg '.process.args = ["/srv/owner.sh"]'
	run rt run --bundle "$B" "$RUNID-xs2"
	[ "$status" -eq 0 ] && [ "$output" = "ran as 0" ]
	cfg '.process.user.uid = 1000'
	refused xs3 "exec \`/srv/owner.sh\`: permission denied"
	cfg '.process.args = ["/srv/x.sh"]'
	run rt run --bundle "$B" "$RUNID-xs4"
	[ "$status" -eq 0 ] && [ "$output" = "ran as 1000" ]
	# no x bit at all: refused to root too
	cfg '.process.user.uid = 0 | .process.args = ["/srv/nox.sh"]'
	refused xs5 "exec \`/srv/nox.sh\`: permission denied"
}

@test "a #! script on a noexec tmpfs is refused; the same on an exec one runs" {
	# the tmpfs is the container's own: a createContainer hook, in its mount
	# namespace before pivot_root, writes the script there
	root=$(realpath "$ROOTFS")
	cfg ".mounts += [{\"destination\": \"/mnt\", \"type\": \"tmpfs\", \"source\": \"tmpfs\", \"options\": [\"noexec\"]}] |
	     .process.args = [\"/mnt/s.sh\"] |
	     .hooks.createContainer = [{\"path\": \"/bin/sh\", \"args\": [\"sh\", \"-c\",
	       \"printf '#!/bin/sh\\\\necho ran\\\\n' >$root/mnt/s.sh && chmod 755 $root/mnt/s.sh\"]}]"
	refused xn1 "exec \`/mnt/s.sh\`: permission denied"
	[[ "$output" == *"is on a mount with noexec"* ]]
	cfg '(.mounts[] | select(.destination == "/mnt") | .options) = []'
	run rt run --bundle "$B" "$RUNID-xn2"
	[ "$status" -eq 0 ] && [ "$output" = ran ]
	[ -z "$(ls "$root/mnt")" ]
}

@test "the program's lookup says what went wrong: a symbolic link loop, no x bit on PATH" {
	programs
	ln -s loop "$B/srv/loop"
	cp "$B/srv/nox.sh" "$B/srv/plain"
	cp "$B/srv/nox.sh" "$B/srv/true"
	cfg '.process.env = ["PATH=/srv:/bin"] | .process.args = ["loop"]'
	refused xl1 "exec \`loop\`: too many levels of symbolic links"
	cfg '.process.args = ["/srv/loop"]'
	refused xl2 "exec \`/srv/loop\`: too many levels of symbolic links"
	# as execvp: a file on PATH that may not be executed is the answer if nothing later runs...
	cfg '.process.args = ["plain"]'
	refused xl3 "exec \`plain\`: permission denied"
	[[ "$output" == *"\`/srv/plain\` (mode 0644)"* ]]
	# ...and only then: /srv/true may not be executed, /bin/true runs
	cfg '.process.args = ["true"]'
	run rt run --bundle "$B" "$RUNID-xl4"
	[ "$status" -eq 0 ]
}
