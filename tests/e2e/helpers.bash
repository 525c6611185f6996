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

# --- what is this run's ---
#
# Other people run containers on this machine at the same time, with
# containerv and with podman: a test touches and counts only what it made,
# never a name or a total shared with them (docs/testing.md, "Tests share
# the machine").  Three things say what is the run's:
#
# CV_TEST_RUN  a token in the environment of every process the run starts
#              (tests/run.sh exports one; a bats file run alone makes its
#              own), and the first part of every container id and cgroup
#              name the run makes: letters, digits and dashes only.
# RUNID        that prefix: container ids are "$RUNID-c1", cgroups
#              "/cvtest-$RUNID-..." or "/containerv/$RUNID-...".
# CV_TEST_TMP  the run's own directory for temporary files (tests/run.sh
#              makes one; a bats file run alone uses bats' run directory).
CV_TEST_RUN=${CV_TEST_RUN:-cvt-b$BATS_ROOT_PID}
if [ -z "${CV_TEST_TMP:-}" ]; then
	CV_TEST_TMP=$BATS_RUN_TMPDIR
	chmod 711 "$CV_TEST_TMP" # the tests run as nobody reach their own directories in it
fi
RUNID=$CV_TEST_RUN
export CV_TEST_RUN CV_TEST_TMP RUNID

# test_tmpdir NAME - a new temporary directory of this run, cvtest-NAME-*.
test_tmpdir() {
	mktemp -d "$CV_TEST_TMP/cvtest-$1-XXXXXX"
}

# run_pids - the processes of this run: its token is in their environment
# (the calling shell and its ancestors aside).  Containers' processes have
# the config's environment instead; cgroup_pids finds those.
run_pids() {
	local p pid self=" $$ $BASHPID $PPID "
	for p in /proc/[0-9]*; do
		pid=${p#/proc/}
		case $self in *" $pid "*) continue ;; esac
		grep -qxzF "CV_TEST_RUN=$CV_TEST_RUN" "$p/environ" 2>/dev/null && echo "$pid"
	done
}

# cgroup_pids PATTERN - the processes in a cgroup whose path matches the
# extended regex PATTERN (anchored at its end), in any hierarchy.
cgroup_pids() {
	grep -lE ":$1\$" /proc/[0-9]*/cgroup 2>/dev/null | cut -d/ -f3
}

need_root() {
	[ "$(id -u)" = 0 ] || skip "needs root"
}

# A directory that uid 65534 can read, holding copies of the binaries, for
# tests that run unprivileged: the checkout itself may not be readable.
nobody_setup() {
	need_root
	NOBODY_DIR=$(test_tmpdir e2e)
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

# descendants PID [CMDLINE] - the processes under PID (its children,
# theirs...), or only those whose command line is CMDLINE; false if none.
descendants() {
	local c found=1
	for c in $(pgrep -P "$1"); do
		if [ -z "${2:-}" ] || [ "$(tr '\0' ' ' <"/proc/$c/cmdline" 2>/dev/null)" = "$2 " ]; then
			echo "$c"
			found=0
		fi
		descendants "$c" "${2:-}" && found=0
	done
	return $found
}

# no_process MARKER - no process of this run has MARKER in its command
# line (other users' processes may well have it).
no_process() {
	local p cmd
	for p in /proc/[0-9]*; do
		[ "${p#/proc/}" != "$BASHPID" ] || continue
		# the run's own first: its token in the environment
		grep -qxzF "CV_TEST_RUN=$CV_TEST_RUN" "$p/environ" 2>/dev/null || continue
		cmd=$(tr '\0' ' ' <"$p/cmdline" 2>/dev/null) || continue
		case $cmd in *"$1"*) ;; *) continue ;; esac
		echo "a process of this run left: ${p#/proc/} $cmd"
		return 1
	done
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

LOAD="$CV_LOAD"

# cv-cgroups names the cgroup of `run` without --name /containerv/run-PID:
# the tests run it through a script that notes its pid (exec keeps it), so
# that cgroup is known to be the run's.
CVCG="$CV_TEST_TMP/.cv-cgroups"
if [ ! -x "$CVCG" ]; then
	printf '#!/bin/sh\necho $$ >>"%s.pids"\nexec "%s" "$@"\n' "$CVCG" "$(realpath "$CV_BIN/cv-cgroups")" \
		>"$CVCG.new" && chmod 755 "$CVCG.new" && mv "$CVCG.new" "$CVCG"
fi

# cg_trees - the mount point of every cgroup tree, named ones included.
cg_trees() {
	findmnt -rn -t cgroup,cgroup2 -o TARGET | grep '^/sys/fs/cgroup'
}

# cgroup_leftovers [NAME|/PATH...] - the cgroup directories of this run
# still there, in every tree: those whose name has the run's prefix, the
# run-PID ones of cv-cgroups runs it started, and each one named (NAME is
# /containerv/NAME, a container's default).  Never a directory other
# users make (/containerv itself, another container's).
cgroup_leftovers() {
	local t c pid
	find /sys/fs/cgroup -maxdepth 6 -type d -name "*$RUNID*" -prune 2>/dev/null
	for t in $(cg_trees); do
		for pid in $(cat "$CVCG.pids" 2>/dev/null); do
			[ ! -d "$t/containerv/run-$pid" ] || echo "$t/containerv/run-$pid"
		done
		for c in "$@"; do
			case $c in /*) ;; *) c=/containerv/$c ;; esac
			[ ! -d "$t$c" ] || echo "$t$c"
		done
	done
}

# no_cgroups_left [NAME|/PATH...] - none of those (cgroup_leftovers) is there.
no_cgroups_left() {
	local left
	left=$(cgroup_leftovers "$@")
	[ -z "$left" ] || { echo "left behind: $left"; return 1; }
}

# --- rootfs ---

CVRF="$CV_BIN/cv-rootfs"
ROOTFS="${CV_ROOTFS:-build/rootfs}"

# How many mount points of the host's table are on what this run made (its
# temporary directory, the rootfs), to compare before and after: the whole
# table changes as other users start and stop containers.
host_mounts() {
	local rfs
	rfs=$(realpath "$ROOTFS" 2>/dev/null || echo "$ROOTFS")
	awk -v t="$CV_TEST_TMP/" -v r="$rfs" \
		'index($5 "/", t) == 1 || $5 == r || index($5, r "/") == 1 { n++ } END { print n + 0 }' \
		/proc/self/mountinfo
}

# Temporary directories cv-rootfs makes for layers (in $TMPDIR, which is
# the run's own directory), which it must remove.
export TMPDIR=$CV_TEST_TMP
no_rootfs_temps() {
	! ls -d "$CV_TEST_TMP"/cv-rootfs-* 2>/dev/null
}

# --- runtime ---

CV="$CV_BIN/containerv"
CONSOCK="${CV_CONSOCK:-build/tests/consock}"

# A bundle in $B (config.json from `containerv spec`, the shared rootfs,
# read-only) and a state root in $R, both temporary.
bundle_setup() {
	need_root
	B=$(test_tmpdir bundle)
	R=$(test_tmpdir root)
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
