#!/usr/bin/env bats
# podman drives bin/containerv, with nothing changed in podman: Debian's
# podman and conmon, given containerv as their OCI runtime in a private
# configuration (storage under a temporary directory, the cgroupfs
# manager, a file for events, no network, no default ulimits: root here
# lacks CAP_SYS_RESOURCE to raise them).  The image is the tests' busybox
# rootfs, imported from a tarball.  Each case checks what the container
# saw, not only podman's exit code.

bats_require_minimum_version 1.5.0
load helpers

setup_file() {
	need_root
	command -v podman >/dev/null && command -v conmon >/dev/null ||
		skip "podman and conmon are not installed (make deps installs them)"
	PM=$(mktemp -d /tmp/cvtest-podman-XXXXXX)
	export PM
	# what podman makes outside $PM, to remove after if it was not there before
	export PM_HAD="$(ls -d /run/libpod /var/lib/containers /sys/fs/cgroup/memory/libpod_parent 2>/dev/null | tr '\n' ' ')"
	cat >"$PM/containers.conf" <<-EOF
		[containers]
		default_ulimits = []
		netns = "none"
		log_driver = "k8s-file"
		[engine]
		cgroup_manager = "cgroupfs"
		events_logger = "file"
		tmp_dir = "$PM/tmp"
		runtime = "containerv"
		[engine.runtimes]
		containerv = ["$(realpath "$CV")"]
	EOF
	cat >"$PM/storage.conf" <<-EOF
		[storage]
		driver = "overlay"
		graphroot = "$PM/graph"
		runroot = "$PM/run"
	EOF
	export CONTAINERS_CONF="$PM/containers.conf" CONTAINERS_STORAGE_CONF="$PM/storage.conf"
	# the image: the shared rootfs, and a file in /tmp for --read-only's tmpcopyup
	mkdir -p "$PM/extra/tmp" && echo "from the image" >"$PM/extra/tmp/from-image"
	tar -C "$ROOTFS" -cf "$PM/image.tar" . && tar -C "$PM/extra" -rf "$PM/image.tar" ./tmp/from-image
	timeout 120 podman import -q "$PM/image.tar" localhost/cvtest-busybox >/dev/null
}

teardown_file() {
	[ -n "${PM:-}" ] || return 0
	timeout 120 podman rm -a -f -t 0 >/dev/null 2>&1 || true
	timeout 120 podman system reset -f >/dev/null 2>&1 || true
	case " $PM_HAD " in *" /run/libpod "*) ;; *) rm -rf /run/libpod ;; esac
	case " $PM_HAD " in *" /var/lib/containers "*) ;; *) rm -rf /var/lib/containers ;; esac
	case " $PM_HAD " in *libpod_parent*) ;; *)
		for d in /sys/fs/cgroup/*/libpod_parent; do
			[ -d "$d/conmon" ] && rmdir "$d/conmon"
			[ -d "$d" ] && rmdir "$d"
		done 2>/dev/null || true ;;
	esac
	rm -rf "$PM"
}

IMG=localhost/cvtest-busybox

pm() {
	timeout 120 podman "$@"
}

# count PID - the counter the container at PID writes (renamed into place: always whole).
count() {
	cat "/proc/$1/root/tmp/count"
}

# Nothing of container $1 is left: no state in containerv's root, no cgroup.
gone() {
	[ ! -e "/run/containerv/$1" ] || { echo "state of $1 left"; return 1; }
	[ -z "$(find /sys/fs/cgroup -maxdepth 3 -type d -name "libpod-$1*")" ] ||
		{ echo "cgroup of $1 left"; return 1; }
}

@test "podman uses containerv: run --rm, pid 1, the exit code, nothing left" {
	[ "$(pm info --format '{{.Host.OCIRuntime.Name}}')" = containerv ]
	run pm run --rm --name cvt-1 --hostname cvt-host $IMG sh -c \
		'cat /proc/1/cmdline | tr "\0" " "; echo; hostname; cat /proc/self/cgroup | grep memory; exit 3'
	[ "$status" -eq 3 ]
	[ "${lines[0]}" = "sh -c cat /proc/1/cmdline | tr \"\\0\" \" \"; echo; hostname; cat /proc/self/cgroup | grep memory; exit 3 " ]
	[ "${lines[1]}" = cvt-host ]
	[[ "${lines[2]}" == *":memory:/libpod_parent/libpod-"* ]]
	id=${lines[2]##*libpod-}
	gone "$id"
	run -127 pm run --rm $IMG /nonexistent
	[[ "$output" == *"exec \`/nonexistent\`: no such file or directory"* ]]
}

@test "podman run -d, then exec: the same container, its exit codes, -i, -u, -e, -w" {
	pm run -d --name cvt-2 $IMG sleep 1000
	id=$(pm inspect --format '{{.Id}}' cvt-2)
	[ "$("$CV" state "$id" | jq -r .status)" = running ] # in containerv's own state
	run pm exec cvt-2 sh -c 'cat /proc/1/cmdline | tr "\0" " "; echo; echo $$'
	[ "${lines[0]}" = "sleep 1000 " ]
	[ "${lines[1]}" -gt 1 ] # a new process in the container's pid namespace
	[ "$(pm exec cvt-2 readlink /proc/self/ns/pid)" = "$(readlink /proc/$(pm inspect --format '{{.State.Pid}}' cvt-2)/ns/pid)" ]
	run pm exec cvt-2 sh -c 'exit 7'
	[ "$status" -eq 7 ]
	[ "$(echo piped in | pm exec -i cvt-2 cat)" = "piped in" ]
	[ "$(pm exec -u 1000:1000 -e FOO=bar -w /srv cvt-2 sh -c 'echo $(id -u):$(id -g) $FOO $(pwd)')" = "1000:1000 bar /srv" ]
	pm rm -f -t 0 cvt-2
	gone "$id"
}

@test "podman run -t and exec -t: a terminal, through the console socket" {
	# The time limit goes around script, not inside it: timeout puts its
	# command in a process group of its own, in the background of script's
	# terminal, where podman's switch to raw mode stops it with SIGTTOU.
	run timeout -k 5 60 script -qec "stty cols 100 rows 30; podman run --rm -t $IMG sh -c 'tty; stty size; test -t 0 && echo in-tty'" /dev/null </dev/null
	[ "$status" -eq 0 ]
	[[ "$output" == *"/dev/pts/0"* ]]
	[[ "$output" == *"30 100"* ]]
	[[ "$output" == *"in-tty"* ]]
	pm run -d --name cvt-3 $IMG sleep 1000
	run timeout -k 5 60 script -qec "podman exec -t cvt-3 sh -c 'tty; readlink /proc/self/fd/1'" /dev/null </dev/null
	[ "$status" -eq 0 ]
	[[ "$output" == *"/dev/pts/"* ]]
	[ "$(pm exec cvt-3 sh -c 'test -t 0 || echo no-tty')" = no-tty ]
	pm rm -f -t 0 cvt-3
}

@test "podman stop, kill, pause and unpause, rm -f: what the container went through" {
	pm run -d --name cvt-4 $IMG sh -c \
		'trap "echo got USR1 >/tmp/sig" USR1; trap "echo stopped >/tmp/sig; exit 0" TERM
		 i=0; while :; do i=$((i + 1)); echo $i >/tmp/c.new; mv /tmp/c.new /tmp/count; sleep 0.05; done'
	pid=$(pm inspect --format '{{.State.Pid}}' cvt-4)
	id=$(pm inspect --format '{{.Id}}' cvt-4)
	pm kill -s USR1 cvt-4
	sleep 0.3
	[ "$(cat /proc/$pid/root/tmp/sig)" = "got USR1" ]
	pm pause cvt-4
	[ "$(pm inspect --format '{{.State.Status}}' cvt-4)" = paused ]
	[ "$(grep State /proc/$pid/status | cut -f2 | cut -c1)" != R ]
	a=$(count $pid)
	sleep 0.3
	[ "$(count $pid)" = "$a" ]
	pm unpause cvt-4
	sleep 0.3
	[ "$(count $pid)" -gt "$a" ]
	pm stop -t 5 cvt-4
	[ "$(pm inspect --format '{{.State.ExitCode}}' cvt-4)" = 0 ] # the TERM trap ran
	pm rm cvt-4
	gone "$id"
	pm run -d --name cvt-5 $IMG sleep 1000
	id=$(pm inspect --format '{{.Id}}' cvt-5)
	pm kill cvt-5 # KILL, podman's default for kill
	pm wait cvt-5
	[ "$(pm inspect --format '{{.State.ExitCode}}' cvt-5)" = 137 ]
	pm rm cvt-5
	pm run -d --name cvt-6 $IMG sleep 1000
	id=$(pm inspect --format '{{.Id}}' cvt-6)
	pm rm -f -t 0 cvt-6
	gone "$id"
}

@test "podman --memory, --pids-limit: the limits seen inside, and hit" {
	run --separate-stderr pm run --rm --memory 32m --memory-swap 32m --pids-limit 10 $IMG sh -c \
		'cat /sys/fs/cgroup/memory/memory.limit_in_bytes /sys/fs/cgroup/pids/pids.max
		 /bin/cv-load fork 20; /bin/cv-load mem 64M; echo "mem: $?"'
	[ "${lines[0]}" = 33554432 ]
	[ "${lines[1]}" = 10 ]
	[[ "${lines[2]}" =~ ^forked\ [0-9]\ of\ 20,\ then\ EAGAIN$ ]]
	# SIGKILL from the memory cgroup's OOM killer: the hog, or - when the shell's next
	# allocation comes while the hog is still exiting - the shell too
	[ "${lines[3]}" = "mem: 137" ] || { [ "$status" -eq 137 ] && [ "${#lines[@]}" -eq 3 ]; } ||
		{ echo "status $status: $output / $stderr"; return 1; }
}

@test "podman --cap-drop, --read-only, --user: what the container may do" {
	run pm run --rm --cap-drop CHOWN $IMG sh -c \
		'grep CapEff /proc/self/status; touch /tmp/f; chown 5 /tmp/f 2>&1; echo $?'
	eff=$((0x$(echo "${lines[0]}" | cut -f2)))
	[ $((eff & 1)) -eq 0 ]                   # CAP_CHOWN (bit 0) gone
	[ $((eff & (1 << 5))) -ne 0 ]            # CAP_KILL kept
	[[ "${lines[1]}" == *"Operation not permitted"* ]]
	run pm run --rm --read-only $IMG sh -c \
		'touch /x 2>&1; cat /tmp/from-image; echo new >/tmp/y && cat /tmp/y; grep " /tmp " /proc/mounts'
	[[ "${lines[0]}" == *"Read-only file system"* ]]
	[ "${lines[1]}" = "from the image" ] # tmpcopyup: the tmpfs starts with the image's files
	[ "${lines[2]}" = new ]
	[[ "${lines[3]}" == "tmpfs /tmp tmpfs rw"* ]]
	run pm run --rm --user 1000:1000 $IMG sh -c 'id -u; id -g; grep CapEff /proc/self/status'
	[ "${lines[0]}" = 1000 ] && [ "${lines[1]}" = 1000 ]
	[ "${lines[2]}" = "CapEff:	0000000000000000" ]
}
