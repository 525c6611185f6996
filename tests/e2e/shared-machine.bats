#!/usr/bin/env bats
# The suite shares the machine: while another user's containers run here -
# a containerv container under its own --root, in the runtime's default
# cgroup (/containerv/ID), and a podman container (podman driving
# containerv, storage and state in a directory of its own) - the suite's
# own cleanliness checks still pass, each still fails on what the run
# itself leaves, and whole test files pass.  The other user's processes
# carry nothing of this run: not its token (CV_TEST_RUN), not its prefix,
# not its directory; some of them have the names the tests use
# (`sleep 10000` matches `sleep 1000`, `sleep 7771`, an id cvtest-*).
# They are left running through every test and removed at the end.

bats_require_minimum_version 1.5.0
load helpers

# other CMD... - CMD as another user of the machine: none of the run's marks.
other() {
	env -u CV_TEST_RUN -u CV_TEST_TMP -u RUNID -u TMPDIR "$@"
}

# other_detached CMD... - CMD as another user, in the background, holding
# none of bats' descriptors (bats waits for every writer of its pipes);
# its pid in $!.
other_detached() {
	(
		for fd in $(ls /proc/$BASHPID/fd); do [ "$fd" -le 2 ] || eval "exec $fd>&-"; done
		exec env -u CV_TEST_RUN -u CV_TEST_TMP -u RUNID -u TMPDIR "$@" </dev/null >/dev/null 2>&1
	) &
}

# opm ARGS... - the other user's podman: its own storage, state and config.
opm() {
	other CONTAINERS_CONF="$O/containers.conf" timeout 120 podman --root "$O/pm/root" \
		--runroot "$O/pm/run" --tmpdir "$O/pm/tmp" --runtime "$(realpath "$CV")" "$@"
}

setup_file() {
	need_root
	[ -x "$ROOTFS/bin/busybox" ] || skip "no rootfs: make rootfs"
	# the other user's things are not the run's: outside CV_TEST_TMP
	O=$(mktemp -d /tmp/cvother-XXXXXX)
	OTHER_ID=cvtest-other-$(od -An -N4 -tx4 /dev/urandom | tr -d ' ')
	export O OTHER_ID
	mkdir "$O/root" "$O/bundle" "$O/mnt"
	"$CV" spec --bundle "$O/bundle" -- /bin/sleep 10000
	jq ".root.path = \"$(realpath "$ROOTFS")\"" "$O/bundle/config.json" >"$O/c.json"
	mv "$O/c.json" "$O/bundle/config.json"
	other "$CV" --root "$O/root" run -d --bundle "$O/bundle" "$OTHER_ID" </dev/null >/dev/null 2>&1 3>&-
	# a process on the host with a name the tests use
	other_detached sleep 7771
	echo $! >"$O/sleep.pid"
	if command -v podman >/dev/null && command -v conmon >/dev/null; then
		mkdir "$O/pm" && cp -a "$ROOTFS" "$O/pm/rootfs"
		printf '[containers]\ndefault_ulimits = []\nnetns = "none"\nlog_driver = "k8s-file"\n[engine]\ncgroup_manager = "cgroupfs"\nevents_logger = "file"\n' \
			>"$O/containers.conf"
		# a cgroup parent of its own, not podman's shared libpod_parent: removed after
		opm run -d --network none --name "$OTHER_ID" --cgroup-parent "/$OTHER_ID" \
			--rootfs "$O/pm/rootfs" /bin/sleep 10000 \
			</dev/null >"$O/pm/id" 2>"$O/pm/err" 3>&- || rm -f "$O/pm/id"
	fi
}

teardown_file() {
	[ -n "${O:-}" ] || return 0
	[ ! -s "$O/pm/id" ] || opm rm -f -t 0 "$OTHER_ID" >/dev/null 2>&1 || true
	[ ! -d "$O/pm" ] || for m in $(findmnt -rn -o TARGET | grep "^$O/" | sort -r); do umount "$m"; done
	other "$CV" --root "$O/root" delete --force "$OTHER_ID" || true
	kill "$(cat "$O/sleep.pid")" 2>/dev/null || true
	# the other podman container's cgroup parent: its last process (conmon) may
	# still be leaving it after `rm`, so a few tries
	for _ in $(seq 50); do
		left=""
		for d in /sys/fs/cgroup/*/"$OTHER_ID"; do
			[ ! -d "$d" ] || find "$d" -depth -type d -exec rmdir {} \; 2>/dev/null || left="$left $d"
		done
		[ -n "$left" ] || break
		sleep 0.1
	done
	[ -z "$left" ] || { echo "# the other podman container's cgroups are still here:$left" >&3; return 1; }
	# podman may still be unmounting its storage (root/overlay) after `rm`:
	# what is mounted under $O goes (detached: busy a moment longer is fine),
	# a few tries, before the directory does
	for _ in $(seq 25); do
		for m in $(findmnt -rn -o TARGET | grep "^$O/" | sort -r); do umount -l "$m" 2>/dev/null; done
		rm -rf --one-file-system "$O" 2>/dev/null && break
		sleep 0.2
	done
	[ ! -e "$O" ] || { echo "# $O could not be removed:" >&3; findmnt -rn -o TARGET | grep "^$O/" >&3; return 1; }
}

@test "another user's containers run here meanwhile, with names the tests use" {
	cg=$(find /sys/fs/cgroup -maxdepth 3 -type d -path "*/containerv/$OTHER_ID" | head -n 1)
	[ -n "$cg" ]
	[ -n "$(cat "$cg/cgroup.procs")" ]
	# names the tests use: the old `pgrep -f "sleep 1000"` matched it, namespaces.bats' the other
	tr '\0' ' ' <"/proc/$(head -n 1 "$cg/cgroup.procs")/cmdline" | grep -q "sleep 10000"
	tr '\0' ' ' <"/proc/$(cat "$O/sleep.pid")/cmdline" | grep -q "sleep 7771"
	if command -v podman >/dev/null; then
		[ -s "$O/pm/id" ] || { cat "$O/pm/err"; return 1; }
		[ "$(opm inspect -f '{{.State.Running}}' "$OTHER_ID")" = true ]
	fi
}

@test "no_cgroups_left passes; one cgroup of the run's own is still seen" {
	no_cgroups_left
	no_cgroups_left "$RUNID-nosuch"
	t=$(cg_trees | head -n 1)
	mkdir "$t/cvtest-$RUNID-probe"
	run no_cgroups_left
	rmdir "$t/cvtest-$RUNID-probe"
	[ "$status" -eq 1 ]
	[ "$output" = "left behind: $t/cvtest-$RUNID-probe" ]
	no_cgroups_left
}

@test "no_process and cgroup_pids pass; a process of the run's own is still seen" {
	no_process "sleep 7771"
	no_process "sleep 1000"
	[ -z "$(cgroup_pids "/containerv/$RUNID-load-[0-9]+")" ]
	sleep 7771 3>&- &
	pid=$!
	run no_process "sleep 7771"
	kill "$pid"
	wait "$pid" || true
	[ "$status" -eq 1 ]
	[[ "$output" == "a process of this run left: $pid sleep 7771"* ]]
}

@test "host_mounts counts only mounts on what the run made" {
	before=$(host_mounts)
	mount -t tmpfs cvother "$O/mnt" # the other user's mount
	now=$(host_mounts)
	umount "$O/mnt"
	[ "$now" -eq "$before" ]
	T=$(test_tmpdir mnt)
	mount -t tmpfs cvtest "$T"
	now=$(host_mounts)
	umount "$T" && rmdir "$T"
	[ "$now" -eq $((before + 1)) ]
}

# leftovers - the leftovers tier (tests/leftovers.sh) of a run of its own
# ($SUB, its directory $SUBT), as tests/run.sh runs it.
leftovers() {
	CV_TEST_RUN=$SUB CV_TEST_TMP=$SUBT sh tests/leftovers.sh check
}

@test "the leftovers tier: a run that cleaned up passes; a container it left fails it" {
	SUB=$RUNID-lo
	SUBT=$(test_tmpdir lo)
	chmod 755 "$SUBT"
	mkdir "$SUBT/root" "$SUBT/bundle"
	cp "$O/bundle/config.json" "$SUBT/bundle/"
	CV_TEST_RUN=$SUB "$CV" --root "$SUBT/root" run -d --bundle "$SUBT/bundle" "$SUB-c1" </dev/null >/dev/null 2>&1
	run leftovers
	[ "$status" -eq 0 ]
	echo "$output"
	[[ "$output" == *"not ok 1 - cgroups left by the tests"* ]]
	[[ "$output" == *"not ok 4 - state left by the tests"* ]]
	[[ "$output" == *"not ok 6 - processes left by the tests: 1"* ]] # sleep 10000 in $SUB-c1's cgroup
	"$CV" --root "$SUBT/root" delete --force "$SUB-c1"
	rm -rf "$SUBT/root" "$SUBT/bundle"
	run leftovers
	echo "$output"
	[ "$(echo "$output" | grep -c '^ok')" -eq 6 ]
	rmdir "$SUBT"
}

@test "whole test files pass meanwhile" {
	export CV_BUILD=${CV_BUILD:-build}
	for f in runtime-load runtime runtime-faults namespaces rootfs; do
		bats --tap "tests/e2e/$f.bats" >"$BATS_TEST_TMPDIR/$f.tap" 2>&1 3>&- ||
			{ grep -v '^ok' "$BATS_TEST_TMPDIR/$f.tap" | head -30; echo "$f.bats failed"; return 1; }
		! grep -qi '^ok.*# skip' "$BATS_TEST_TMPDIR/$f.tap" || echo "# $f.bats: some skipped" >&3
	done
}
