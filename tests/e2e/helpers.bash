# helpers.bash - shared by the end-to-end tests.
#
# CV_BIN   directory of the built binaries (default: bin)
# CV_PROBE the static probe program (default: build/tests/probe)
# CV_LOAD  the static workload program (default: build/tests/load)

CV_BIN=${CV_BIN:-bin}
CV_PROBE=${CV_PROBE:-build/tests/probe}
CV_LOAD=${CV_LOAD:-build/tests/load}
CVNS="$CV_BIN/cv-namespaces"
PROBE="$CV_PROBE"

need_root() {
	[ "$(id -u)" = 0 ] || skip "needs root"
}

# A directory that uid 65534 can read, holding copies of the binaries, for
# tests that run unprivileged: the checkout itself may not be readable.
nobody_setup() {
	need_root
	NOBODY_DIR=$(mktemp -d /tmp/cvtest-e2e-XXXXXX)
	chmod 755 "$NOBODY_DIR"
	cp "$CVNS" "$PROBE" "$NOBODY_DIR/"
	NOBODY_CVNS="$NOBODY_DIR/cv-namespaces"
	NOBODY_PROBE="$NOBODY_DIR/$(basename "$PROBE")"
}

nobody_teardown() {
	[ -z "${NOBODY_DIR:-}" ] || rm -rf "$NOBODY_DIR"
}

# as_nobody CMD... - run CMD as uid/gid 65534 with no supplementary groups.
as_nobody() {
	setpriv --reuid 65534 --regid 65534 --clear-groups "$@"
}

# Start `cv-namespaces run ... -- sleep` in the background; sets DEMO_PID
# (cv-namespaces) and TARGET (the process inside, its child).
start_target() {
	"$CVNS" run -q "$@" -- sleep 300 &
	DEMO_PID=$!
	TARGET=""
	for _ in $(seq 50); do
		TARGET=$(pgrep -P "$DEMO_PID" | head -n 1)
		[ -n "$TARGET" ] && [ "$(cat /proc/"$TARGET"/comm 2>/dev/null)" = sleep ] && return 0
		sleep 0.1
	done
	echo "# the target never started" >&2
	return 1
}

# A pid 1 ignores signals it has no handler for, so SIGKILL the target
# itself; cv-namespaces then exits with 137.
stop_target() {
	[ -z "${DEMO_PID:-}" ] && return 0
	[ -z "$TARGET" ] || kill -KILL "$TARGET" 2>/dev/null || true
	kill -KILL "$DEMO_PID" 2>/dev/null || true
	wait "$DEMO_PID" 2>/dev/null || true
	DEMO_PID=""
}

# no_process MARKER - nothing is running whose command line has MARKER.
no_process() {
	! pgrep -f "$1" >/dev/null
}

# --- cgroups ---

# cgroup_layout - unified (cgroup2 alone), hybrid (v1 and a cgroup2 at
# unified/) or legacy, from the mount table.
cgroup_layout() {
	local top unified
	fstype() { awk -v m="$1" '$5 == m { for (i = 6; i < NF; i++) if ($i == "-") print $(i + 1) }' /proc/self/mountinfo | tail -n 1; }
	top=$(fstype /sys/fs/cgroup)
	unified=$(fstype /sys/fs/cgroup/unified)
	if [ "$top" = cgroup2 ]; then
		echo unified
	elif [ "$unified" = cgroup2 ]; then
		echo hybrid
	else
		echo legacy
	fi
}

CVCG="$CV_BIN/cv-cgroups"
LOAD="$CV_LOAD"

# cvtest cgroups or /containerv directories left anywhere in the cgroup trees.
cgroup_leftovers() {
	find /sys/fs/cgroup -maxdepth 4 -type d \( -name 'cvtest-*' -o -name containerv \) 2>/dev/null
}

# cv-cgroups names the cgroup of `run` without --name run-PID.
no_cgroups_left() {
	local left
	left=$(cgroup_leftovers)
	[ -z "$left" ] || { echo "left behind: $left"; return 1; }
}

# --- rootfs ---

CVRF="$CV_BIN/cv-rootfs"
ROOTFS="${CV_ROOTFS:-build/rootfs}"

# The host's mount table, to compare before and after.
host_mounts() {
	wc -l </proc/self/mountinfo
}

# Temporary directories cv-rootfs makes for layers, which it must remove.
no_rootfs_temps() {
	! ls -d /tmp/cv-rootfs-* 2>/dev/null
}

# --- runtime ---

CV="$CV_BIN/containerv"
CONSOCK="${CV_CONSOCK:-build/tests/consock}"

# A bundle in $B (config.json from `containerv spec`, the shared rootfs,
# read-only) and a state root in $R, both temporary.
bundle_setup() {
	need_root
	B=$(mktemp -d /tmp/cvtest-bundle-XXXXXX)
	R=$(mktemp -d /tmp/cvtest-root-XXXXXX)
	"$CV" spec --bundle "$B" -- "$@"
	cfg ".root.path = \"$(realpath "$ROOTFS")\""
}

# Every container under $R deleted; nothing of them left anywhere.
bundle_teardown() {
	local id
	[ -n "${R:-}" ] || return 0
	for id in $(ls "$R" 2>/dev/null); do "$CV" --root "$R" delete --force "$id" >/dev/null 2>&1; done
	rm -rf "$B" "$R"
}

# cfg JQ-FILTER - edit the bundle's config.json.
cfg() {
	jq "$1" "$B/config.json" >"$B/config.json.new" && mv "$B/config.json.new" "$B/config.json"
}

# rt ARGS... - containerv with the test's state root.
rt() {
	"$CV" --root "$R" "$@"
}

# status_of ID - the status `state` reports.
status_of() {
	rt state "$1" | jq -r .status
}

# The shared rootfs is never written by a container (mount points included).
rootfs_untouched() {
	local now
	now=$(ls "$ROOTFS" | tr '\n' ' ')
	[ "$now" = "bin dev etc home mnt proc root run sbin srv sys tmp usr var " ] ||
		{ echo "the shared rootfs changed: $now"; return 1; }
}
