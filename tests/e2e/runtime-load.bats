#!/usr/bin/env bats
# bin/containerv under load: many containers made, asked about, signalled
# and deleted at once - every command succeeds, and nothing is left.
# (The first run of this found a race: two creates making the same parent
# cgroup at once, one joining it before the other had given it cpus.  The
# parent, /containerv, is shared with every other user of containerv here:
# the test leaves it alone, and its ids carry the run's prefix.)

bats_require_minimum_version 1.5.0
load helpers

setup() {
	bundle_setup /bin/sleep 1000
}

teardown() {
	bundle_teardown
	no_cgroups_left
	rootfs_untouched
}

# all N CMD... - CMD with {} replaced by 1..N, all at once; prints each
# failure with what it said.  Output goes to files, not pipes: a detached
# container keeps the runtime's stdout and stderr open for as long as it runs.
all() {
	local n=$1 i pids=""
	shift
	mkdir -p "$B/out"
	for i in $(seq "$n"); do
		("${@//\{\}/$i}" </dev/null >"$B/out/$i" 2>&1 || echo "FAILED $i: $(cat "$B/out/$i")") &
		pids="$pids $!"
	done
	wait $pids
}

@test "100 containers at once: run -d, state and kill while they run, delete --force" {
	run all 100 "$CV" --root "$R" run -d --bundle "$B" $RUNID-load-{}
	[ -z "$output" ] || { echo "$output" | head; return 1; }
	[ "$(ls "$R" | wc -l)" -eq 100 ]
	[ "$(rt list -q | wc -l)" -eq 100 ]
	run all 100 sh -c "'$CV' --root '$R' state $RUNID-load-{} | grep -q '\"status\": \"running\"'"
	[ -z "$output" ] || { echo "$output" | head; return 1; }
	# signals and deletes racing on the same ids: each delete still leaves nothing
	mkdir -p "$B/k" && (B="$B/k" all 100 "$CV" --root "$R" kill $RUNID-load-{} KILL >/dev/null) &
	kills=$!
	run all 100 "$CV" --root "$R" delete --force $RUNID-load-{}
	wait "$kills"
	[ -z "$output" ] || { echo "$output" | head; return 1; }
	[ -z "$(ls "$R")" ]
	# no process in any of their cgroups (other users' `sleep 1000` are theirs)
	[ -z "$(cgroup_pids "/containerv/$RUNID-load-[0-9]+")" ]
}

@test "100 create/start/delete cycles at once" {
	cfg '.process.args = ["/bin/true"]'
	run all 100 sh -c "'$CV' --root '$R' create --bundle '$B' $RUNID-cyc-{} && '$CV' --root '$R' start $RUNID-cyc-{} && '$CV' --root '$R' delete --force $RUNID-cyc-{}"
	[ -z "$output" ] || { echo "$output" | head; return 1; }
	[ -z "$(ls "$R")" ]
}
