#!/usr/bin/env bats
# bin/containerv under valgrind's memcheck: a container's whole life, each
# command checked for invalid reads and writes, uninitialised bytes passed
# to the kernel, and definite leaks.  Each log must end "ERROR SUMMARY: 0
# errors" (so valgrind did run).  The forked children (the init before it
# execs) are not reported on.
#
# valgrind 3.19 knows neither clone3 nor pidfd_open (it answers ENOSYS, and
# says so): the runtime's fallbacks run here.  It also refuses any change
# to RLIMIT_NOFILE's hard limit, so the config sets no rlimits.

bats_require_minimum_version 1.5.0
load helpers

setup() {
	command -v valgrind >/dev/null || skip "valgrind is not installed (make deps installs it)"
	bundle_setup /bin/sleep 1000
	cfg '.process.rlimits = []'
}

teardown() {
	bundle_teardown
	no_cgroups_left
}

# vg NAME ARGS... - containerv ARGS under memcheck, its log in $B/vg.NAME.
# valgrind 3.19 cannot follow the runtime's re-execution from a sealed
# binary (it knows neither open_tree nor execveat), so the binary is run
# from a read-only bind, in a mount namespace of the call's own: sealed
# already, it is not executed again (runtime/core/seal.h, way 1).
vg() {
	local name=$1
	shift
	mkdir -p "$B/ro" && touch "$B/ro/containerv-sealed"
	unshare -m --propagation private sh -c 'mount --bind "$1" "$2" && mount -o remount,bind,ro "$2" &&
		shift 2 && exec "$@"' _ "$CV" "$B/ro/containerv-sealed" \
		valgrind --error-exitcode=99 --leak-check=full --errors-for-leak-kinds=definite \
		--show-leak-kinds=definite --child-silent-after-fork=yes \
		--log-file="$B/vg.$name" "$B/ro/containerv-sealed" --root "$R" "$@"
}

# clean NAME - the log of NAME reports no error.
clean() {
	grep -q "ERROR SUMMARY: 0 errors" "$B/vg.$1" || { cat "$B/vg.$1"; return 1; }
}

@test "memcheck: run, create, start, exec, state, ps, kill, delete report no errors and no leaks" {
	cfg '.process.args = ["/bin/echo", "memcheck"]'
	run vg run run --bundle "$B" $RUNID-m1 </dev/null
	[ "$status" -eq 0 ]
	[ "$output" = memcheck ]
	clean run
	cfg '.process.args = ["/bin/sleep", "1000"]'
	vg create create --bundle "$B" $RUNID-m2 </dev/null >/dev/null 2>&1
	clean create
	vg start start $RUNID-m2
	clean start
	[ "$(vg exec exec $RUNID-m2 /bin/echo inside)" = inside ]
	clean exec
	[ "$(vg state state $RUNID-m2 | jq -r .status)" = running ]
	clean state
	vg ps ps $RUNID-m2 >/dev/null
	clean ps
	vg kill kill $RUNID-m2 KILL
	clean kill
	for _ in $(seq 50); do [ "$(status_of $RUNID-m2)" = stopped ] && break; sleep 0.1; done
	vg delete delete $RUNID-m2
	clean delete
	[ -z "$(ls "$R")" ]
}

@test "memcheck: errors (a bad config, an unknown container) leak nothing either" {
	cfg '.process.args = "not a list"'
	run vg bad create --bundle "$B" $RUNID-m3
	[ "$status" -eq 1 ]
	[[ "$output" == *"process.args: expected an array"* ]]
	clean bad
	run vg unknown state no-such-container
	[ "$status" -eq 1 ]
	clean unknown
	[ -z "$(ls "$R")" ]
}
