#!/usr/bin/env bats
# containerd drives bin/containerv, with nothing changed in containerd:
# Debian's containerd 1.6 and its runc v2 shim, told by `ctr run
# --runc-binary` to run containerv where it would run runc.  The shim
# calls the runtime as `containerv --root ROOT/NAMESPACE create --bundle
# ... --console-socket ...`, then start, exec --process FILE, pause,
# resume, kill and delete, as it calls runc.
#
# The daemon is the test's own: its root, state, socket, config and log
# under one temporary directory, the CRI plugin off, running in a mount
# namespace of its own with a fresh tmpfs on /run and /opt (clients.bash
# says why): nothing it or its shims make reaches the host.
# The image is the tests' busybox rootfs, written here as an OCI archive
# (one layer, its config, a manifest and an index, named by digest) and
# imported.  Each case checks what the container saw.
#
# CV_CLIENT_RUNTIME=/usr/sbin/runc runs the same cases on runc: what runc
# does is what these tests expect of containerv.

bats_require_minimum_version 1.5.0
load helpers
load clients

IMG=docker.io/cvtest/busybox:latest

setup_file() {
	need_root
	command -v containerd >/dev/null && command -v ctr >/dev/null &&
		command -v containerd-shim-runc-v2 >/dev/null ||
		skip "containerd is not installed (make deps installs it)"
	T=$(mktemp -d /tmp/cvtest-ctr-XXXXXX)
	# the cgroup parent of every container here, removed at the end
	CG=${T#/tmp/}
	RUNTIME=$(realpath "${CV_CLIENT_RUNTIME:-$CV}")
	export T CG RUNTIME
	cat >"$T/config.toml" <<-EOF
		version = 2
		root = "$T/root"
		state = "$T/state"
		disabled_plugins = ["io.containerd.grpc.v1.cri"]
		[grpc]
		  address = "$T/sock"
		[plugins."io.containerd.internal.v1.opt"]
		  path = "$T/opt"
	EOF
	mkdir "$T/fifo"
	private_mounts containerd --config "$T/config.toml" >"$T/containerd.log" 2>&1 3>&- &
	echo $! >"$T/containerd.pid"
	for _ in $(seq 100); do
		c version >/dev/null 2>&1 && break
		sleep 0.1
	done
	c version >/dev/null || { cat "$T/containerd.log"; return 1; }
	oci_archive "$ROOTFS" "$T/image.tar" "$IMG"
	c images import "$T/image.tar" >/dev/null
}

teardown_file() {
	local id pid
	[ -n "${T:-}" ] || return 0
	if [ -S "$T/sock" ]; then
		for id in $(c containers ls -q 2>/dev/null); do
			c task kill -s SIGKILL "$id" >/dev/null 2>&1
			c task delete -f "$id" >/dev/null 2>&1
			c containers rm "$id" >/dev/null 2>&1
		done
		c images rm "$IMG" >/dev/null 2>&1
	fi
	stop_pid "$(cat "$T/containerd.pid" 2>/dev/null)"
	# a shim that outlived its daemon names the daemon's socket
	for pid in $(pgrep -f -- "-address $T/sock"); do stop_pid "$pid"; done
	rm_cgroup "$CG"
	rm -rf "$T"
}

# oci_archive DIR TAR NAME - an OCI image archive of DIR as one
# uncompressed layer, named NAME (containerd's import reads the name from
# the index's io.containerd.image.name annotation).
oci_archive() {
	local d=$2.d blobs l c m
	blobs=$d/blobs/sha256
	mkdir -p "$blobs"
	tar -C "$1" --sort=name --numeric-owner -cf "$d/layer" .
	l=$(sha256sum "$d/layer" | cut -d' ' -f1)
	mv "$d/layer" "$blobs/$l"
	jq -cn --arg l "sha256:$l" '{architecture: "amd64", os: "linux", config: {Cmd: ["sh"]},
		rootfs: {type: "layers", diff_ids: [$l]}}' >"$d/config"
	c=$(sha256sum "$d/config" | cut -d' ' -f1)
	mv "$d/config" "$blobs/$c"
	jq -cn --arg c "sha256:$c" --argjson cs "$(stat -c %s "$blobs/$c")" \
		--arg l "sha256:$l" --argjson ls "$(stat -c %s "$blobs/$l")" \
		'{schemaVersion: 2, mediaType: "application/vnd.oci.image.manifest.v1+json",
		  config: {mediaType: "application/vnd.oci.image.config.v1+json", digest: $c, size: $cs},
		  layers: [{mediaType: "application/vnd.oci.image.layer.v1.tar", digest: $l, size: $ls}]}' >"$d/manifest"
	m=$(sha256sum "$d/manifest" | cut -d' ' -f1)
	jq -cn --arg m "sha256:$m" --argjson ms "$(stat -c %s "$d/manifest")" --arg n "$3" \
		'{schemaVersion: 2, manifests: [{mediaType: "application/vnd.oci.image.manifest.v1+json",
		  digest: $m, size: $ms, annotations: {"io.containerd.image.name": $n}}]}' >"$d/index.json"
	mv "$d/manifest" "$blobs/$m"
	echo '{"imageLayoutVersion": "1.0.0"}' >"$d/oci-layout"
	tar -C "$d" -cf "$2" oci-layout index.json blobs
	rm -rf "$d"
}

# c ARGS... - ctr, on the test's containerd, in a namespace of its own.
c() {
	timeout 60 ctr --address "$T/sock" --namespace cvtest "$@"
}

# ctr_run ID ARGS... - `ctr run ARGS...` on the runtime under test: its
# state under $T/runc (which containerv must make: only $T exists), IO
# fifos under $T/fifo, the cgroup /$CG/ID.  ARGS name the image and ID.
ctr_run() {
	local id=$1
	shift
	c run --fifo-dir "$T/fifo" --runc-binary "$RUNTIME" --runc-root "$T/runc" \
		--cgroup "/$CG/$id" "$@"
}

# state_of ID - the status the runtime itself reports for ID.
state_of() {
	"$RUNTIME" --root "$T/runc/cvtest" state "$1" | jq -r .status
}

# task_pid ID / task_status ID - from `ctr task ls`.
task_pid() { c task ls | awk -v id="$1" '$1 == id { print $2 }'; }
task_status() { c task ls | awk -v id="$1" '$1 == id { print $3 }'; }

# wait_status ID STATUS - until `ctr task ls` shows STATUS (10 s at most).
wait_status() {
	for _ in $(seq 100); do
		[ "$(task_status "$1")" = "$2" ] && return 0
		sleep 0.1
	done
	echo "$1 never became $2 (is: $(task_status "$1"))"
	return 1
}

# Nothing of container ID is left: no container in containerd, no state
# in the runtime's root, no cgroup.
gone() {
	! c containers ls -q | grep -qx "$1" || { echo "container $1 left"; return 1; }
	[ ! -e "$T/runc/cvtest/$1" ] || { echo "state of $1 left"; return 1; }
	[ -z "$(find /sys/fs/cgroup -maxdepth 3 -type d -path "*/$CG/$1")" ] ||
		{ echo "cgroup of $1 left"; return 1; }
}

@test "ctr run on containerv: the runtime root made, pid 1, the exit code, --rm leaves nothing" {
	run ctr_run t1 --rm "$IMG" t1 sh -c \
		'cat /proc/1/cmdline | tr "\0" " "; echo; grep memory /proc/self/cgroup; exit 3'
	[ "$status" -eq 3 ] || { echo "$output"; return 1; }
	[ "${lines[0]}" = "sh -c cat /proc/1/cmdline | tr \"\\0\" \" \"; echo; grep memory /proc/self/cgroup; exit 3 " ]
	[[ "${lines[1]}" == *":memory:/$CG/t1" ]]
	[ -d "$T/runc/cvtest" ] # ROOT/NAMESPACE, made with its parent
	gone t1
	run ctr_run t1 --rm "$IMG" t1 true
	[ "$status" -eq 0 ]
	gone t1
}

@test "ctr run: a program that cannot run is refused in runc's words; SIGKILL gives 137" {
	# runc refuses these at create, and docker reads 126 and 127 from the words
	run ctr_run t2 --rm "$IMG" t2 /etc/passwd
	[ "$status" -ne 0 ]
	[[ "$output" == *"/etc/passwd"*"permission denied"* ]] || { echo "$output"; return 1; }
	gone t2
	run ctr_run t2 --rm "$IMG" t2 /nonexistent
	[ "$status" -ne 0 ]
	[[ "$output" == *"/nonexistent"*"no such file or directory"* ]] || { echo "$output"; return 1; }
	gone t2
	ctr_run t3 --rm "$IMG" t3 sleep 1000 >"$T/t3.out" 2>&1 3>&- &
	local p=$! st=0
	wait_status t3 RUNNING
	c task kill -s SIGKILL t3
	wait "$p" || st=$?
	[ "$st" -eq 137 ] || { echo "status $st: $(cat "$T/t3.out")"; return 1; }
	gone t3
}

@test "ctr run -d: the log, task exec and its exit code, kill with SIGTERM" {
	ctr_run t4 -d --log-uri "file://$T/t4.log" "$IMG" t4 sh -c \
		'echo to-stdout; echo to-stderr >&2; trap "echo got TERM; exit 0" TERM
		 while :; do sleep 0.1; done'
	wait_status t4 RUNNING
	[ "$(state_of t4)" = running ] # in the runtime's own state
	pid=$(task_pid t4)
	run c task exec --fifo-dir "$T/fifo" --exec-id e1 t4 sh -c \
		'echo $$; grep -q got.TERM /proc/1/cmdline && echo pid-1-is-the-shell; exit 7'
	[ "$status" -eq 7 ]
	[ "${lines[0]}" -gt 1 ] # a new process in the container's pid namespace
	[ "${lines[1]}" = pid-1-is-the-shell ]
	[ "$(c task exec --fifo-dir "$T/fifo" --exec-id e2 t4 readlink /proc/self/ns/pid)" = "$(readlink "/proc/$pid/ns/pid")" ]
	c task kill t4 # SIGTERM, ctr's default
	wait_status t4 STOPPED
	grep -qx to-stdout "$T/t4.log"
	grep -qx to-stderr "$T/t4.log"
	grep -qx "got TERM" "$T/t4.log" # the trap ran: the signal reached the shell
	c task delete t4
	c containers rm t4
	gone t4
}

@test "ctr run -t and task exec -t: a terminal, its window size" {
	# The time limit goes around script, not inside it (see podman.bats).
	run timeout -k 5 60 script -qec "stty cols 100 rows 30; ctr --address $T/sock --namespace cvtest run --rm -t --fifo-dir $T/fifo \
		--runc-binary $RUNTIME --runc-root $T/runc --cgroup /$CG/t5 $IMG t5 \
		sh -c '$(wait_size 30 100); tty; stty size; test -t 0 && echo in-tty'" /dev/null </dev/null
	[ "$status" -eq 0 ] || { echo "$output"; return 1; }
	[[ "$output" == *"/dev/pts/0"* ]]
	[[ "$output" == *"30 100"* ]]
	[[ "$output" == *"in-tty"* ]]
	gone t5
	ctr_run t6 -d "$IMG" t6 sleep 1000
	wait_status t6 RUNNING
	run timeout -k 5 60 script -qec "stty cols 90 rows 20; ctr --address $T/sock --namespace cvtest task exec -t --fifo-dir $T/fifo --exec-id e3 t6 \
		sh -c '$(wait_size 20 90); tty; stty size; test -t 0 && echo in-tty'" /dev/null </dev/null
	[ "$status" -eq 0 ] || { echo "$output"; return 1; }
	[[ "$output" == *"/dev/pts/"* ]]
	[[ "$output" == *"20 90"* ]]
	[[ "$output" == *"in-tty"* ]]
	c task kill -s SIGKILL t6
	wait_status t6 STOPPED
	c task delete t6
	c containers rm t6
}

@test "ctr task pause and resume: the container stops counting, then goes on" {
	ctr_run t7 -d "$IMG" t7 sh -c \
		'i=0; while :; do i=$((i + 1)); echo $i >/tmp/c.new; mv /tmp/c.new /tmp/count; sleep 0.05; done'
	wait_status t7 RUNNING
	pid=$(task_pid t7)
	for _ in $(seq 50); do [ -e "/proc/$pid/root/tmp/count" ] && break; sleep 0.1; done
	c task pause t7
	[ "$(task_status t7)" = PAUSED ]
	[ "$(state_of t7)" = paused ]
	a=$(cat "/proc/$pid/root/tmp/count")
	sleep 0.3
	[ "$(cat "/proc/$pid/root/tmp/count")" = "$a" ]
	c task resume t7
	[ "$(task_status t7)" = RUNNING ]
	sleep 0.3
	[ "$(cat "/proc/$pid/root/tmp/count")" -gt "$a" ]
	c task kill -s SIGKILL t7
	wait_status t7 STOPPED
	c task delete t7
	c containers rm t7
	gone t7
}

@test "ctr run --device, --memory-limit: the device and the limit seen inside" {
	run ctr_run t8 --rm "$IMG" t8 sh -c 'test -e /dev/fuse || echo no-fuse'
	[ "$output" = no-fuse ] # not there unless asked for
	run ctr_run t8 --rm --device /dev/fuse "$IMG" t8 sh -c \
		'stat -c "%F %t:%T" /dev/fuse; exec 3<>/dev/fuse && echo opened'
	[ "$status" -eq 0 ] || { echo "$output"; return 1; }
	[ "${lines[0]}" = "character special file a:e5" ] # 10:229, as on the host
	[ "${lines[1]}" = opened ]                         # the device cgroup lets it open
	# ctr mounts no cgroup file system; this one shows the container's own
	run --separate-stderr ctr_run t8 --rm --memory-limit 67108864 \
		--mount type=cgroup,src=cgroup,dst=/sys/fs/cgroup,options=ro "$IMG" t8 sh -c \
		'cat /sys/fs/cgroup/memory.max 2>/dev/null || cat /sys/fs/cgroup/memory/memory.limit_in_bytes
		 cv-load mem 32M; cv-load mem 128M; echo "mem: $?"'
	[ "${lines[0]}" = 67108864 ]
	[ "${lines[1]}" = "allocated 32 MiB" ]
	[ "${lines[2]}" = "mem: 137" ] || [ "$status" -eq 137 ] || { echo "status $status: $output $stderr"; return 1; }
	gone t8
}
