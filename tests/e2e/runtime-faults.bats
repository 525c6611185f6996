#!/usr/bin/env bats
# A runtime that dies in the middle of create: the test build of
# bin/containerv (build/tests/containerv-faults, runtime/core/fault.h) SIGKILLs
# itself at a named point when CV_FAULT names it.  For each point: what the
# crash left is there (so the point was reached), `state` says "stopped",
# and the real bin/containerv's `delete --force` then leaves nothing: no
# state directory, cgroup, process or mount.

bats_require_minimum_version 1.5.0
load helpers

CVF="${CV_BUILD:-build}/tests/containerv-faults"

setup() {
	[ -x "$CVF" ] || skip "$CVF is not built (make check builds it)"
	bundle_setup /bin/sleep 1000
	MOUNTS=$(host_mounts)
}

teardown() {
	bundle_teardown
	no_cgroups_left
	rootfs_untouched
}

# crash POINT ID - create ID with the test build dying at POINT.  Output
# goes to a file: an init left alive would hold a pipe open.
crash() {
	CV_FAULT=$1 "$CVF" --root "$R" create --bundle "$B" "$2" </dev/null >"$B/crash.out" 2>&1
}

# crashed POINT ID - crash, and it died by SIGKILL where it was told to.
crashed() {
	local rc=0
	crash "$1" "$2" || rc=$?
	[ "$rc" -eq 137 ] && grep -q "killed at $1" "$B/crash.out" ||
		{ echo "exit $rc: $(cat "$B/crash.out")"; return 1; }
}

# cgroup_of ID - the container's cgroup directory with the pids controller
# (v1 or v2); any_cgroup_of ID - its directories in every hierarchy.
cgroup_of() {
	find /sys/fs/cgroup -maxdepth 4 -type d -path "*/containerv/$1" \
		-exec test -f {}/pids.max \; -print 2>/dev/null | head -n 1
}
any_cgroup_of() {
	find /sys/fs/cgroup -maxdepth 4 -type d -path "*/containerv/$1" 2>/dev/null
}

# cleaned ID PIDS - delete --force, then nothing of ID is anywhere.
cleaned() {
	local id=$1 pid
	shift
	"$CV" --root "$R" delete --force "$id"
	[ ! -e "$R/$id" ] || { echo "state of $id left"; return 1; }
	[ -z "$(any_cgroup_of "$id")" ] || { echo "cgroup of $id left: $(any_cgroup_of "$id")"; return 1; }
	for pid in "$@"; do
		[ ! -d "/proc/$pid" ] || [ "$(awk '{ print $3 }' "/proc/$pid/stat")" = Z ] ||
			{ echo "process $pid of $id left"; return 1; }
	done
	[ "$(host_mounts)" -eq "$MOUNTS" ] || { echo "a mount left"; return 1; }
}

@test "killed after the state directory: delete --force leaves nothing" {
	crashed after-state $RUNID-f1
	[ -f "$R/$RUNID-f1/state.json" ]
	[ -z "$(any_cgroup_of $RUNID-f1)" ] # not yet made
	[ "$(status_of $RUNID-f1)" = stopped ]
	cleaned $RUNID-f1
}

@test "killed after the cgroup: its limits set, then removed by delete --force" {
	cfg '.linux.resources.pids = {"limit": 42}'
	crashed after-cgroup $RUNID-f2
	cg=$(cgroup_of $RUNID-f2)
	[ -n "$cg" ]
	[ "$(cat "$cg/pids.max")" = 42 ]
	[ -z "$(cat "$cg/cgroup.procs")" ]
	[ "$(status_of $RUNID-f2)" = stopped ]
	cleaned $RUNID-f2
}

@test "killed after the namespaces: the init goes too, delete --force cleans the rest" {
	crashed after-namespaces $RUNID-f3
	[ -n "$(cgroup_of $RUNID-f3)" ]
	# the init was born in the cgroup; without its runtime it dies (parent-death signal)
	for _ in $(seq 50); do [ -z "$(cat "$(cgroup_of $RUNID-f3)/cgroup.procs")" ] && break; sleep 0.1; done
	[ -z "$(cat "$(cgroup_of $RUNID-f3)/cgroup.procs")" ]
	[ "$(status_of $RUNID-f3)" = stopped ]
	cleaned $RUNID-f3
}

@test "killed after the mounts, before pivot_root: delete --force leaves nothing" {
	crashed after-mounts $RUNID-f4
	[ -n "$(cgroup_of $RUNID-f4)" ]
	[ "$(jq .pid "$R/$RUNID-f4/state.json")" -gt 0 ] # the init had been recorded
	[ "$(status_of $RUNID-f4)" = stopped ]
	cleaned $RUNID-f4
}

@test "killed before exec: the init waits at exec.fifo; delete --force kills it" {
	crashed before-exec $RUNID-f5
	pids=$(cat "$(cgroup_of $RUNID-f5)/cgroup.procs")
	[ -n "$pids" ] # the init is alive, one exec from its program
	[ "$(jq -r .status "$R/$RUNID-f5/state.json")" = creating ]
	[ "$(status_of $RUNID-f5)" = stopped ] # its create is gone: it will never start
	run rt start $RUNID-f5
	[ "$status" -ne 0 ]
	[[ "$output" == *"stopped"* ]]
	cleaned $RUNID-f5 $pids
}

@test "an unknown CV_FAULT point is refused before anything is made; bin/containerv ignores it" {
	run -2 crash no-such-point $RUNID-f6
	grep -q "CV_FAULT=no-such-point: no such point (after-state, after-cgroup" "$B/crash.out"
	[ ! -e "$R/$RUNID-f6" ]
	cfg '.process.args = ["/bin/true"]'
	CV_FAULT=after-state rt run --bundle "$B" $RUNID-f7 </dev/null
	[ ! -e "$R/$RUNID-f7" ]
}
