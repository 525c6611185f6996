#!/usr/bin/env bats
# bin/containerv given what real clients give it: a config with no mount
# namespace (the OCI validation tests), podman's device modes, the
# --root of containerd's and docker's shims.

bats_require_minimum_version 1.5.0
load helpers

setup() {
	bundle_setup /bin/sh -c 'ls /; echo pid $$'
}

teardown() {
	bundle_teardown
	no_cgroups_left
	rootfs_untouched
}

# --- no mount namespace: the caller's stays as it was -----------------------------

# in_own_mount_ns SCRIPT - run SCRIPT (sh) in a throwaway mount namespace of
# its own, all private: whatever the runtime does to the mount table it was
# started in, the test's own stays safe.  Exported: CV B R.
in_own_mount_ns() {
	CV="$CV" B="$B" R="$R" run --separate-stderr unshare -m --propagation private sh -c "$1"
}

no_mount_ns() {
	cfg '.linux.namespaces |= map(select(.type != "mount"))'
}

@test "no mount namespace: the container runs in its rootfs, and the caller's root and mounts are as they were" {
	no_mount_ns
	in_own_mount_ns '
		before=$(cat /proc/self/mountinfo); root=$(stat -c %d:%i /)
		"$CV" --root "$R" run --bundle "$B" "$RUNID-nomnt" || exit 9
		[ "$(stat -c %d:%i /)" = "$root" ] || { echo "the root moved"; exit 8; }
		[ "$(cat /proc/self/mountinfo)" = "$before" ] || { echo "mounts changed"; exit 7; }'
	[ "$status" -eq 0 ]
	# what the container saw: its own rootfs as "/" (no /work, /boot of the host), pid 1
	[[ "$output" == *"srv"*"pid 1"* ]]
	[[ "$output" != *work* ]]
	# and the runtime says how it ran it
	[[ "$stderr" == *"no mount namespace"*"chroot"* ]]
}

@test "no mount namespace: its mounts are made inside its rootfs only, exec enters its root, delete removes them all" {
	no_mount_ns
	cfg '.process.args = ["/bin/sleep", "100"]'
	in_own_mount_ns '
		before=$(cat /proc/self/mountinfo)
		"$CV" --root "$R" create --bundle "$B" "$RUNID-nomnt" 2>/dev/null || exit 9
		rootfs=$(jq -r .root.path "$B/config.json")
		# each new line of the mount table is below the rootfs
		cat /proc/self/mountinfo | while read -r id parent dev root point rest; do
			printf "%s\n" "$before" | grep -q "^$id " && continue
			case $point in "$rootfs" | "$rootfs"/*) ;; *) echo "mounted outside: $point"; exit 6 ;; esac
		done || exit 6
		[ "$(grep -c . /proc/self/mountinfo)" -gt "$(printf "%s\n" "$before" | grep -c .)" ] ||
			{ echo "no mounts made"; exit 5; }
		"$CV" --root "$R" start "$RUNID-nomnt" || exit 4
		"$CV" --root "$R" exec "$RUNID-nomnt" /bin/sh -c "ls /; xargs -0 </proc/1/cmdline" || exit 4
		"$CV" --root "$R" delete --force "$RUNID-nomnt" || exit 3
		[ "$(cat /proc/self/mountinfo)" = "$before" ] || { echo "mounts left behind"; exit 2; }'
	echo "$output"
	[ "$status" -eq 0 ]
	# exec saw the container's root and its init
	[[ "$output" == *"srv"* ]]
	[[ "$output" != *work* ]]
	[[ "$output" == *"/bin/sleep 100"* ]]
	[ ! -e "$R/$RUNID-nomnt" ]
}

@test "no mount namespace: a create that fails leaves no mount behind" {
	no_mount_ns
	cfg '.process.args = ["/no/such/program"]'
	in_own_mount_ns '
		before=$(cat /proc/self/mountinfo)
		"$CV" --root "$R" create --bundle "$B" "$RUNID-nomnt" && exit 9
		[ "$(cat /proc/self/mountinfo)" = "$before" ] || { echo "mounts left behind"; exit 2; }'
	echo "$output"
	[ "$status" -eq 0 ]
	[ ! -e "$R/$RUNID-nomnt" ]
}

# --- podman's fileMode: the whole st_mode -------------------------------------------

@test "linux.devices fileMode with its file-type bits (podman's 8630 = 0o20666) makes the node" {
	cfg '.process.args = ["/bin/sh", "-c", "stat -c \"%F %a %t:%T\" /dev/xnull"]
	     | .linux.resources.devices = [{"allow": true, "access": "rwm"}]
	     | .linux.devices = [{"path": "/dev/xnull", "type": "c", "major": 1, "minor": 3, "fileMode": 8630}]'
	run --separate-stderr rt run --bundle "$B" "$RUNID-dev1"
	echo "$output $stderr"
	[ "$status" -eq 0 ]
	[ "$output" = "character special file 666 1:3" ]
}

@test "linux.devices fileMode whose file type disagrees with type is refused, naming the field" {
	# 0o60666: a block device's mode, for a "c"
	cfg '.linux.devices = [{"path": "/dev/xnull", "type": "c", "major": 1, "minor": 3, "fileMode": 25014}]'
	run --separate-stderr rt create --bundle "$B" "$RUNID-dev2"
	echo "$stderr"
	[ "$status" -eq 1 ]
	[[ "$stderr" == *"linux.devices[0].fileMode"*"060666"*"type \`c\`"* ]]
	[[ "$stderr" == *"hint:"*"020666"* ]]
	[ ! -e "$R/$RUNID-dev2" ]
}

# --- the shims' --root ---------------------------------------------------------------

@test "--root whose parents do not exist yet is made whole, 0700 (containerd's <dir>/<namespace>)" {
	cfg '.process.args = ["/bin/true"]'
	# the init keeps create's output open until it starts: to a file, not bats' pipe
	"$CV" --root "$R/runc/k8s.io" create --bundle "$B" "$RUNID-deep" </dev/null >"$B/out" 2>&1 ||
		{ cat "$B/out"; return 1; }
	[ "$(stat -c %a "$R/runc")" = 700 ]
	[ "$(stat -c %a "$R/runc/k8s.io")" = 700 ]
	"$CV" --root "$R/runc/k8s.io" delete --force "$RUNID-deep"
}

# --- the OCI state of the container's hooks ------------------------------------------

@test "startContainer hooks get the whole OCI state, annotations over 4 KiB included" {
	big=$(head -c 6000 /dev/zero | tr '\0' a)
	cfg ".annotations = {\"big\": \"${big}END\"}
	     | .hooks.startContainer = [{\"path\": \"/bin/sh\", \"args\": [\"sh\", \"-c\", \"cat >/dev/shm/state\"]}]
	     | .process.args = [\"/bin/sh\", \"-c\", \"wc -c </dev/shm/state; grep -o 'aEND\\\"' /dev/shm/state\"]"
	run --separate-stderr rt run --bundle "$B" "$RUNID-hook"
	echo "$output $stderr"
	[ "$status" -eq 0 ]
	[ "${lines[0]}" -gt 6000 ]
	[ "${lines[1]}" = 'aEND"' ]
}

@test "an OCI state too large for the container's hooks is refused, saying why; without such hooks it runs" {
	big=$(head -c 70000 /dev/zero | tr '\0' a)
	cfg ".annotations = {\"big\": \"$big\"} | .process.args = [\"/bin/true\"]"
	run --separate-stderr rt run --bundle "$B" "$RUNID-big1"
	[ "$status" -eq 0 ]
	cfg '.hooks.startContainer = [{"path": "/bin/true"}]'
	run --separate-stderr rt run --bundle "$B" "$RUNID-big2"
	echo "$stderr"
	[ "$status" -eq 1 ]
	[[ "$stderr" == *"OCI state for the hooks is"*"bytes, more than 65535"* ]]
	[[ "$stderr" == *"hint: fewer or shorter annotations"* ]]
	[ ! -e "$R/$RUNID-big2" ]
}
