#!/usr/bin/env bats
# docker drives bin/containerv, with nothing changed in docker: Debian's
# docker.io 20.10, containerv registered as a runtime in the daemon's
# configuration and picked by `docker run --runtime containerv`.  dockerd
# hands containers to a containerd of its own, whose runc v2 shim calls
# the runtime as it calls runc (`--root EXEC-ROOT/runtime-runc/moby`).
# The client is /usr/bin/docker, the one of the same package (another
# docker in PATH may be newer than this daemon).
#
# The daemon is the test's own: data root, exec root (its containerd's
# state and socket with it), pid file, socket, configuration and log under
# one temporary directory; no bridge, no iptables, no forwarding; the
# cgroup parent /cvtest-docker-...; in a mount namespace of its own with
# a fresh tmpfs on /run and /opt (clients.bash says why).  The image is
# the tests' busybox rootfs, imported from a tarball.  Each case checks
# what the container saw.
#
# CV_CLIENT_RUNTIME=/usr/sbin/runc runs the same cases on runc: what runc
# does is what these tests expect of containerv.

bats_require_minimum_version 1.5.0
load helpers
load clients

IMG=cvtest/busybox
DOCKER=/usr/bin/docker

setup_file() {
	need_root
	[ -x /usr/sbin/dockerd ] && [ -x "$DOCKER" ] ||
		skip "docker.io is not installed (make deps installs it)"
	T=$(mktemp -d /tmp/cvtest-docker-XXXXXX)
	CG=${T#/tmp/}
	RUNTIME=$(realpath "${CV_CLIENT_RUNTIME:-$CV}")
	export T CG RUNTIME
	# the trust key is written to /etc/docker unless the configuration says where
	jq -n --arg rt "$RUNTIME" --arg key "$T/key.json" \
		'{runtimes: {containerv: {path: $rt}}, "deprecated-key-path": $key}' >"$T/daemon.json"
	private_mounts /usr/sbin/dockerd --config-file "$T/daemon.json" --data-root "$T/data" \
		--exec-root "$T/exec" --pidfile "$T/dockerd.pid" -H "unix://$T/sock" \
		--bridge=none --iptables=false --ip6tables=false --ip-forward=false --ip-masq=false \
		--userland-proxy=false --cgroup-parent "/$CG" >"$T/dockerd.log" 2>&1 3>&- &
	echo $! >"$T/dockerd.started"
	for _ in $(seq 300); do
		d version >/dev/null 2>&1 && break
		sleep 0.1
	done
	d version >/dev/null || { cat "$T/dockerd.log"; return 1; }
	tar -C "$ROOTFS" -c . | d import - "$IMG" >/dev/null
}

teardown_file() {
	local id pid
	[ -n "${T:-}" ] || return 0
	if [ -S "$T/sock" ]; then
		for id in $(d ps -aq 2>/dev/null); do d rm -f "$id" >/dev/null 2>&1; done
		d rmi -f "$IMG" >/dev/null 2>&1
	fi
	# dockerd stops its containerd on the way out
	stop_pid "$(cat "$T/dockerd.started" 2>/dev/null)"
	# a containerd or shim that outlived the daemon names the exec root
	for pid in $(pgrep -f -- "$T/exec/containerd/"); do stop_pid "$pid"; done
	rm_cgroup "$CG"
	rm -rf "$T"
}

# d ARGS... - the docker client, on the test's daemon.
d() {
	timeout 120 "$DOCKER" --host "unix://$T/sock" "$@"
}

# drun ARGS... - `docker run` on the runtime under test, with no network.
drun() {
	d run --runtime containerv --network none "$@"
}

# state_of ID - the status the runtime itself reports for ID.
state_of() {
	"$RUNTIME" --root "$T/exec/runtime-runc/moby" state "$1" | jq -r .status
}

# Nothing of container ID (the full id) is left: no container in docker,
# no state in the runtime's root, no cgroup.
gone() {
	[ -z "$(d ps -aq --no-trunc --filter "id=$1")" ] || { echo "container $1 left"; return 1; }
	[ ! -e "$T/exec/runtime-runc/moby/$1" ] || { echo "state of $1 left"; return 1; }
	[ -z "$(find /sys/fs/cgroup -maxdepth 3 -type d -path "*/$CG/$1")" ] ||
		{ echo "cgroup of $1 left"; return 1; }
}

@test "docker run --runtime containerv: pid 1, the exit code, --rm leaves nothing" {
	[[ "$(d info --format '{{json .Runtimes}}')" == *"\"containerv\":{\"path\":\"$RUNTIME\"}"* ]]
	run drun --rm --cidfile "$T/cid1" "$IMG" sh -c \
		'cat /proc/1/cmdline | tr "\0" " "; echo; grep memory /proc/self/cgroup; exit 3'
	[ "$status" -eq 3 ] || { echo "$output"; return 1; }
	[ "${lines[0]}" = "sh -c cat /proc/1/cmdline | tr \"\\0\" \" \"; echo; grep memory /proc/self/cgroup; exit 3 " ]
	id=$(cat "$T/cid1")
	[[ "${lines[1]}" == *":memory:/$CG/$id" ]]
	gone "$id"
	run drun --rm "$IMG" true
	[ "$status" -eq 0 ]
}

@test "docker run: 126 for a file that cannot be run, 127 for a missing one, 137 when killed" {
	# docker reads these from the runtime's words: "permission denied",
	# "no such file or directory", "executable file not found"
	run -126 drun --rm "$IMG" /etc/passwd
	run -127 drun --rm "$IMG" /nonexistent
	run -127 drun --rm "$IMG" nonexistent
	[ -z "$(d ps -aq)" ]
	drun -d --name cvt-kill "$IMG" sleep 1000
	d kill cvt-kill
	[ "$(d wait cvt-kill)" = 137 ]
	[ "$(d inspect --format '{{.State.ExitCode}}' cvt-kill)" = 137 ]
	id=$(d inspect --format '{{.Id}}' cvt-kill)
	d rm cvt-kill
	gone "$id"
}

@test "docker run -d, logs, exec and its exit code, stop" {
	drun -d --name cvt-d "$IMG" sh -c \
		'echo to-stdout; echo to-stderr >&2; trap "echo got TERM; exit 0" TERM
		 while :; do sleep 0.1; done'
	id=$(d inspect --format '{{.Id}}' cvt-d)
	pid=$(d inspect --format '{{.State.Pid}}' cvt-d)
	[ "$(state_of "$id")" = running ] # in the runtime's own state
	for _ in $(seq 50); do [ -n "$(d logs cvt-d 2>&1)" ] && break; sleep 0.1; done
	[ "$(d logs cvt-d 2>/dev/null)" = to-stdout ]
	[ "$(d logs cvt-d 2>&1 >/dev/null)" = to-stderr ]
	run d exec cvt-d sh -c 'echo $$; grep -q got.TERM /proc/1/cmdline && echo pid-1-is-the-shell; exit 7'
	[ "$status" -eq 7 ]
	[ "${lines[0]}" -gt 1 ] # a new process in the container's pid namespace
	[ "${lines[1]}" = pid-1-is-the-shell ]
	[ "$(d exec cvt-d readlink /proc/self/ns/pid)" = "$(readlink "/proc/$pid/ns/pid")" ]
	[ "$(echo piped in | d exec -i cvt-d cat)" = "piped in" ]
	[ "$(d exec -u 1000:1000 -e FOO=bar -w /srv cvt-d sh -c 'echo $(id -u):$(id -g) $FOO $(pwd)')" = "1000:1000 bar /srv" ]
	d stop -t 10 cvt-d
	[ "$(d inspect --format '{{.State.ExitCode}}' cvt-d)" = 0 ] # the TERM trap ran
	[[ "$(d logs cvt-d 2>/dev/null)" == *"got TERM"* ]]
	d rm cvt-d
	gone "$id"
}

@test "docker run -t and exec -t: a terminal, its window size" {
	# The time limit goes around script, not inside it (see podman.bats).
	run timeout -k 5 60 script -qec "stty cols 100 rows 30; $DOCKER --host unix://$T/sock run --rm -t \
		--runtime containerv --network none $IMG sh -c '$(wait_size 30 100); tty; stty size; test -t 0 && echo in-tty'" \
		/dev/null </dev/null
	[ "$status" -eq 0 ] || { echo "$output"; return 1; }
	[[ "$output" == *"/dev/pts/0"* ]]
	[[ "$output" == *"30 100"* ]]
	[[ "$output" == *"in-tty"* ]]
	drun -d --name cvt-t "$IMG" sleep 1000
	run timeout -k 5 60 script -qec "stty cols 90 rows 20; $DOCKER --host unix://$T/sock exec -t cvt-t \
		sh -c '$(wait_size 20 90); tty; stty size; test -t 0 && echo in-tty'" /dev/null </dev/null
	[ "$status" -eq 0 ] || { echo "$output"; return 1; }
	[[ "$output" == *"/dev/pts/"* ]]
	[[ "$output" == *"20 90"* ]]
	[[ "$output" == *"in-tty"* ]]
	[ "$(d exec cvt-t sh -c 'test -t 0 || echo no-tty')" = no-tty ]
	d rm -f cvt-t
}

@test "docker pause and unpause: the container stops counting, then goes on" {
	drun -d --name cvt-p "$IMG" sh -c \
		'i=0; while :; do i=$((i + 1)); echo $i >/tmp/c.new; mv /tmp/c.new /tmp/count; sleep 0.05; done'
	id=$(d inspect --format '{{.Id}}' cvt-p)
	pid=$(d inspect --format '{{.State.Pid}}' cvt-p)
	for _ in $(seq 50); do [ -e "/proc/$pid/root/tmp/count" ] && break; sleep 0.1; done
	d pause cvt-p
	[ "$(d inspect --format '{{.State.Status}}' cvt-p)" = paused ]
	[ "$(state_of "$id")" = paused ]
	a=$(cat "/proc/$pid/root/tmp/count")
	sleep 0.3
	[ "$(cat "/proc/$pid/root/tmp/count")" = "$a" ]
	d unpause cvt-p
	[ "$(d inspect --format '{{.State.Status}}' cvt-p)" = running ]
	sleep 0.3
	[ "$(cat "/proc/$pid/root/tmp/count")" -gt "$a" ]
	d rm -f cvt-p
	gone "$id"
}

@test "docker run --device, --memory: the device and the limit seen inside" {
	run drun --rm --device /dev/fuse:/dev/xfuse --device /dev/null:/dev/xnull "$IMG" sh -c \
		'stat -c "%F %t:%T %a" /dev/xfuse /dev/xnull; exec 3<>/dev/xfuse && echo opened'
	[ "$status" -eq 0 ] || { echo "$output"; return 1; }
	[ "${lines[0]}" = "character special file a:e5 600" ] # 10:229, with the host's mode
	[ "${lines[1]}" = "character special file 1:3 666" ]
	[ "${lines[2]}" = opened ] # the device cgroup lets it open
	# without --device: no node, and one made by hand does not open
	run drun --rm "$IMG" sh -c 'test -e /dev/fuse || echo absent
		mknod /tmp/fuse c 10 229 && (exec 3<>/tmp/fuse) 2>&1 || echo refused'
	[ "${lines[0]}" = absent ]
	[[ "${lines[1]}" == *"Operation not permitted"* ]]
	[ "${lines[2]}" = refused ]
	run --separate-stderr drun --rm --memory 64m --memory-swap 64m "$IMG" sh -c \
		'cat /sys/fs/cgroup/memory.max 2>/dev/null || cat /sys/fs/cgroup/memory/memory.limit_in_bytes
		 cv-load mem 32M; cv-load mem 128M; echo "mem: $?"'
	[ "${lines[0]}" = 67108864 ]
	[ "${lines[1]}" = "allocated 32 MiB" ]
	[ "${lines[2]}" = "mem: 137" ] || [ "$status" -eq 137 ] || { echo "status $status: $output $stderr"; return 1; }
}
