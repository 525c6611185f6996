#!/usr/bin/env bats
# Escapes through an image's /dev, tried for real against a copy of
# bin/containerv, with no tmpfs on /dev in the config (the image's own
# /dev is used): device nodes that are symlinks out of the rootfs
# (absolute and ../..), linux.devices paths that name the rootfs itself,
# and CVE-2025-31133's hostile /dev/null under maskedPaths.
#
# Each test runs in a throwaway mount namespace, with a tmpfs on $T that
# holds everything it makes: the runtime's copy, the image, the bundle,
# the state root, and the "host" files the attack aims at.  What would
# cross lands on those, and all of it goes when the namespace ends.  The
# checks are made from outside the container: a host file's mode and
# contents, the rootfs directory's mode.

bats_require_minimum_version 1.5.0
load helpers

setup() {
	need_root
	[ -x "$ROOTFS/bin/busybox" ] || skip "no rootfs: make rootfs"
	T=$(test_tmpdir attack-dev)
	MOUNTS=$(host_mounts)
	CVX=$(realpath "$CV")
	RFS=$(realpath "$ROOTFS")
	export T CVX RFS
	export -f in_ns_body prepare bcfg xrt no_dev_tmpfs
}

teardown() {
	[ -z "${T:-}" ] || rmdir "$T" # empty: all it held was on the namespace's tmpfs
	no_cgroups_left
	[ "$(host_mounts)" = "${MOUNTS:-$(host_mounts)}" ] || { echo "host mounts changed"; return 1; }
	rootfs_untouched
}

# bcfg JQ-FILTER - edit the bundle's config.json.
bcfg() {
	jq "$1" "$T/bundle/config.json" >"$T/config.new" && mv "$T/config.new" "$T/bundle/config.json"
}

# xrt ARGS... - the copy of the runtime, with the state root on the tmpfs.
xrt() {
	"$T/containerv" --root "$T/state" "$@"
}

no_dev_tmpfs() {
	bcfg 'del(.mounts[] | select(.destination == "/dev"))'
}

# The runtime's copy, a private image with a masked file, a bundle, and
# two "host" files outside the image: host-abs (0600) and host-rel (0640).
prepare() {
	cp "$CVX" "$T/containerv"
	cp -a "$RFS" "$T/rootfs"
	echo secret >"$T/rootfs/etc/cvtest-masked"
	echo host >"$T/host-abs" && chmod 0600 "$T/host-abs"
	echo host >"$T/host-rel" && chmod 0640 "$T/host-rel"
	mkdir "$T/bundle" "$T/state"
	"$T/containerv" spec --bundle "$T/bundle" -- /bin/true
	bcfg ".root.path = \"$T/rootfs\" | .linux.maskedPaths += [\"/etc/cvtest-masked\"]"
}

# Inside the namespace: the tmpfs, the files, then the test's script.  On
# the way out, any container still in the state root is deleted (its
# cgroup with it).
in_ns_body() {
	set -eu
	mount -t tmpfs cvtest "$T"
	trap 'for id in $(ls "$T/state" 2>/dev/null); do xrt delete --force "$id"; done' EXIT
	cd "$T"
	prepare
	eval "$1"
}

# in_ns SCRIPT - run SCRIPT (bash, with the functions above) in a
# throwaway mount namespace.
in_ns() {
	unshare -m --propagation private bash -c 'in_ns_body "$1"' in_ns "$1"
}

@test "an image's /dev/null -> a host file, /dev/zero -> ../../..: replaced; the host files keep their modes" {
	run in_ns '
		no_dev_tmpfs
		ln -s "$T/host-abs" rootfs/dev/null
		ln -s "../../../../../../../..$T/host-rel" rootfs/dev/zero
		ln -s "../../../../../../../..$T/host-abs" rootfs/dev/tty
		before=$(stat -c %a rootfs)
		bcfg ".process.args = [\"/bin/sh\", \"-c\", \"stat -c \\\"%n %F %t:%T %a\\\" /dev/null /dev/zero /dev/tty; wc -c </etc/cvtest-masked\"]"
		xrt run --bundle bundle "$RUNID-c1" && echo rc=0 || echo "rc=$?"
		stat -c "%n %a %F" host-abs host-rel
		[ "$(stat -c %a rootfs)" = "$before" ] && echo "rootfs mode kept" ||
			echo "rootfs mode changed: $(stat -c %a rootfs), was $before"'
	echo "$output"
	[[ "$output" == *"host-abs 600 regular file"* ]]
	[[ "$output" == *"host-rel 640 regular file"* ]]
	[[ "$output" == *"rootfs mode kept"* ]]
	[[ "$output" == *"/dev/null character special file 1:3 666"* ]]
	[[ "$output" == *"/dev/zero character special file 1:5 666"* ]]
	[[ "$output" == *"/dev/tty character special file 5:0 666"* ]]
	[[ "$output" == *"rc=0"* ]]
	[ "$(echo "$output" | grep -x '[0-9][0-9]*')" = 0 ] # the masked file reads empty
}

@test "linux.devices /dev/.. and /dev/.: refused, naming the path; the rootfs and its /dev keep their modes" {
	run in_ns '
		no_dev_tmpfs
		before=$(stat -c %a rootfs rootfs/dev | tr "\n" " ")
		for p in /dev/.. /dev/. /dev//null; do
			bcfg ".linux.devices = [{\"path\": \"$p\", \"type\": \"c\", \"major\": 1, \"minor\": 3, \"fileMode\": 511}]"
			xrt run --bundle bundle "$RUNID-c1" 2>&1 && echo "$p: rc=0" || echo "$p: rc=$?"
			now=$(stat -c %a rootfs rootfs/dev | tr "\n" " ")
			[ "$now" = "$before" ] && echo "$p: modes kept" || echo "$p: modes $now, were $before"
			echo "$p: $(ls state | wc -l) left"
		done'
	echo "$output"
	for p in /dev/.. /dev/. /dev//null; do
		[[ "$output" == *"device path \`$p\` is not a plain path below /dev"* ]]
		[[ "$output" != *"$p: rc=0"* ]]
		[[ "$output" == *"$p: modes kept"* ]]
		[[ "$output" == *"$p: 0 left"* ]]
	done
}

@test "CVE-2025-31133: a /dev/null that is a symlink is never bound over a masked path" {
	before=$(stat -c '%a %s' /proc/sys/kernel/core_pattern)
	run in_ns '
		mkdir hostdev
		echo victim >victim && chmod 0644 victim
		# /dev is a bind of a directory whose null leads to a file the
		# config makes read-only (readonlyPaths): bound over the mask,
		# it would be writable there
		ln -s /victim hostdev/null
		bcfg ".mounts |= map(if .destination == \"/dev\" then {destination: \"/dev\", type: \"bind\", source: \"$T/hostdev\", options: [\"rbind\"]} else . end)
		      | .mounts += [{destination: \"/victim\", type: \"bind\", source: \"$T/victim\", options: [\"bind\"]}]
		      | .linux.readonlyPaths += [\"/victim\"]
		      | .process.args = [\"/bin/sh\", \"-c\", \"echo escaped >/etc/cvtest-masked; cat /victim\"]"
		xrt run --bundle bundle "$RUNID-c1" 2>&1 && echo "victim run: rc=0" || echo "victim run: rc=$?"
		echo "victim: $(cat victim) $(stat -c %a victim)"
		# the CVE itself: /dev/null -> core_pattern (only read, never written)
		ln -sfn /proc/sys/kernel/core_pattern hostdev/null
		bcfg ".process.args = [\"/bin/cat\", \"/etc/cvtest-masked\"]"
		xrt run --bundle bundle "$RUNID-c2" 2>&1 && echo "core_pattern run: rc=0" || echo "core_pattern run: rc=$?"
		# a /dev/null that is a plain file is no null device either
		rm hostdev/null && : >hostdev/null
		xrt run --bundle bundle "$RUNID-c3" 2>&1 && echo "file run: rc=0" || echo "file run: rc=$?"'
	echo "$output"
	[[ "$output" == *"victim: victim 644"* ]]
	[[ "$output" != *"victim run: rc=0"* ]]
	[[ "$output" != *"core_pattern run: rc=0"* ]]
	[[ "$output" != *"file run: rc=0"* ]]
	[ "$(echo "$output" | grep -c 'masking `.*/dev/null.*RESOLVE_NO_SYMLINKS\|masking `.*symlink')" -eq 2 ]
	[[ "$output" == *"the container's /dev/null is not the null device (c 1:3)"* ]]
	[ "$(echo "$output" | grep -c '^hint: masks are bound from /dev/null')" -eq 3 ]
	[ "$(stat -c '%a %s' /proc/sys/kernel/core_pattern)" = "$before" ]
}

@test "a user namespace (the host's nodes bound): never through the image's symlinks" {
	run in_ns '
		no_dev_tmpfs
		bcfg ".linux.namespaces += [{\"type\": \"user\"}]
		      | .linux.uidMappings = [{\"containerID\": 0, \"hostID\": 100000, \"size\": 65536}]
		      | .linux.gidMappings = [{\"containerID\": 0, \"hostID\": 100000, \"size\": 65536}]
		      | .mounts = [.mounts[] | select(.type != \"cgroup\" and .type != \"sysfs\")]
		      | .process.args = [\"/bin/sh\", \"-c\", \"stat -c \\\"%n %F %t:%T\\\" /dev/null /dev/zero\"]"
		ln -s "$T/host-abs" rootfs/dev/null
		ln -s "../../../../../../../..$T/host-rel" rootfs/dev/zero
		chown -R 100000:100000 rootfs
		xrt run --bundle bundle "$RUNID-c1" 2>&1 && echo rc=0 || echo "rc=$?"
		stat -c "%n %a %s %F" host-abs host-rel'
	echo "$output"
	[[ "$output" == *"host-abs 600 5 regular file"* ]]
	[[ "$output" == *"host-rel 640 5 regular file"* ]]
	[[ "$output" == *"/dev/null character special file 1:3"* ]]
	[[ "$output" == *"/dev/zero character special file 1:5"* ]]
	[[ "$output" == *"rc=0"* ]]
}
