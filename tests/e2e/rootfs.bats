#!/usr/bin/env bats
# bin/cv-rootfs as a user types it: a root of its own, seen from inside;
# layers with copy-on-write; tarballs in and out, hostile ones refused;
# chroot escaped and pivot_root held; and mistakes, with nothing mounted.

bats_require_minimum_version 1.5.0
load helpers

setup() {
	need_root
	[ -x "$ROOTFS/bin/busybox" ] || skip "no rootfs: make rootfs"
	T=$(test_tmpdir rootfs)
	MOUNTS=$(host_mounts)
}

teardown() {
	[ -z "${T:-}" ] || rm -rf "$T"
	nobody_teardown
	[ "$(host_mounts)" = "${MOUNTS:-$(host_mounts)}" ] || { echo "host mounts changed"; return 1; }
	no_rootfs_temps
}

@test "run shows the new root from inside, and the host's path is gone" {
	run --separate-stderr "$CVRF" run --rootfs "$ROOTFS" -- /bin/cv-probe pid
	[ "$status" -eq 0 ]
	[[ "${lines[0]}" == "cv-rootfs: / is now $(realpath "$ROOTFS"), switched with pivot_root" ]]
	echo "$output" | grep -Eq '^  / +[a-z0-9]+$'
	echo "$output" | grep -Eq '^  /proc +proc$'
	echo "$output" | grep -Eq '^  /dev/pts +devpts$'
	[[ "$output" == *"the host's $(realpath "$ROOTFS"): not here"* ]]
	[ "${lines[-1]}" = 1 ]
}

@test "--readonly: writes to / fail with EROFS" {
	run --separate-stderr "$CVRF" run -q --rootfs "$ROOTFS" --readonly -- /bin/cv-load write /x
	[ "$output" = EROFS ]
}

@test "--no-pivot: chroot, with the reason it is worse" {
	run --separate-stderr "$CVRF" run -q --rootfs "$ROOTFS" --no-pivot -- /bin/cv-probe pid
	[ "$status" -eq 0 ]
	[ "$output" = 1 ]
	[[ "$stderr" == *"warning: using chroot, not pivot_root: --no-pivot was asked for"* ]]
}

@test "--mount SRC:DST:ro: the host directory, read-only" {
	echo hello >"$T/file"
	run "$CVRF" run -q --rootfs "$ROOTFS" --mount "$T:/mnt:ro" -- \
		sh -c 'cat /mnt/file; /bin/cv-load write /mnt/new'
	[ "${lines[0]}" = hello ]
	[ "${lines[1]}" = EROFS ]
	[ ! -e "$T/new" ]
}

@test "--fs and --device: a tmpfs, a device node" {
	run "$CVRF" run -q --rootfs "$ROOTFS" --fs tmpfs:/srv:size=1m \
		--device /dev/cvtest-zero:c:1:5 -- \
		sh -c 'grep " /srv " /proc/mounts | cut -d" " -f3; head -c 2 /dev/cvtest-zero | od -An -tx1'
	[ "${lines[0]}" = tmpfs ]
	[ "$(echo ${lines[1]})" = "00 00" ]
}

@test "layers: writes go to the upper, deletes become whiteouts, lowers never change" {
	mkdir -p "$T/layer/etc" && echo "from the top layer" >"$T/layer/etc/motd"
	run "$CVRF" run -q --rootfs "$ROOTFS" --overlay "$T/layer" --upper "$T/upper" -- \
		sh -c 'cat /etc/motd; echo written > /etc/new; rm /etc/hostname; ls /etc/hostname 2>&1 | cut -d: -f1'
	[ "${lines[0]}" = "from the top layer" ]
	[ "$(cat "$T/upper/etc/new")" = written ]
	[ "$(stat -c '%F %t:%T' "$T/upper/etc/hostname")" = "character special file 0:0" ]
	[ -e "$ROOTFS/etc/hostname" ] && [ ! -e "$ROOTFS/etc/new" ]
	[ "$(cat "$T/layer/etc/motd")" = "from the top layer" ]
	[ ! -e "$T/upper.work/work" ] # overlayfs's scratch is cleaned up
}

@test "rootless: --map-root with no privileges at all" {
	nobody_setup
	cp "$CVRF" "$NOBODY_DIR/"
	cp -a "$ROOTFS" "$NOBODY_DIR/rootfs"
	run --separate-stderr as_nobody "$NOBODY_DIR/cv-rootfs" run -q --map-root \
		--rootfs "$NOBODY_DIR/rootfs" -- sh -c 'id -u; ls -l /dev/null | cut -c1; echo x > /dev/null && echo ok'
	[ "$status" -eq 0 ]
	[ "${lines[0]}" = 0 ]
	[ "${lines[1]}" = c ]
	[ "${lines[2]}" = ok ]
	[[ "$stderr" == *"binding the host's"* ]] # sysfs and cgroups: the fallbacks, said aloud
}

@test "breakout: chroot is escaped, pivot_root is not" {
	run "$CVRF" breakout "$ROOTFS"
	[ "$status" -eq 0 ]
	[[ "${lines[1]}" == *"after chroot:"*"ESCAPED to the host's /" ]]
	[[ "${lines[2]}" == *"after pivot_root:"*"is not there: still inside" ]]
	! ls /tmp/cv-breakout-* 2>/dev/null
}

@test "import and export: owners, modes, links, devices, whiteouts, round trip" {
	mkdir -p "$T/src/etc" "$T/src/opq"
	chmod 750 "$T/src" # the layer's root has a mode of its own, which must travel
	echo secret >"$T/src/etc/a" && chown 1234:5678 "$T/src/etc/a" && chmod 640 "$T/src/etc/a"
	ln "$T/src/etc/a" "$T/src/etc/hard" && ln -s a "$T/src/etc/link"
	mknod "$T/src/etc/null" c 1 3
	touch "$T/src/etc/.wh.gone" "$T/src/opq/.wh..wh..opq"
	setfattr -n user.cvtest -v kept "$T/src/etc/a"
	tar --xattrs -czf "$T/layer.tar.gz" -C "$T/src" .
	"$CVRF" import "$T/layer.tar.gz" "$T/one"
	[ "$(stat -c '%u:%g %a %h' "$T/one/etc/a")" = "1234:5678 640 2" ]
	[ "$(stat -c '%F %t:%T' "$T/one/etc/gone")" = "character special file 0:0" ]
	[ "$(stat -c '%F %t:%T' "$T/one/etc/null")" = "character special file 1:3" ]
	[ "$(readlink "$T/one/etc/link")" = a ]
	[ "$(getfattr --only-values -n trusted.overlay.opaque "$T/one/opq")" = y ]
	[ "$(getfattr --only-values -n user.cvtest "$T/one/etc/a")" = kept ]
	"$CVRF" export "$T/one" "$T/back.tar"
	tar -tf "$T/back.tar" | grep -qx 'etc/.wh.gone'
	tar -tf "$T/back.tar" | grep -qx 'opq/.wh..wh..opq'
	"$CVRF" import "$T/back.tar" "$T/two"
	diff <(cd "$T/one" && find . -printf '%p %U %G %m %y %n\n' | sort) \
		<(cd "$T/two" && find . -printf '%p %U %G %m %y %n\n' | sort)
	cmp "$T/one/etc/a" "$T/two/etc/a"
	[ "$(getfattr --only-values -n user.cvtest "$T/two/etc/a")" = kept ]
	[ "$(getfattr --only-values -n trusted.overlay.opaque "$T/two/opq")" = y ]
}

@test "hostile archives are refused, naming the entry; nothing lands outside" {
	mkdir -p "$T/e/evil" && echo pwned >"$T/e/evil/passwd"
	ln -s "$T/outside" "$T/link" && tar -cf "$T/through.tar" -C "$T" link
	tar -rf "$T/through.tar" -C "$T/e" --transform 's,^evil,link,' evil/passwd
	run --separate-stderr "$CVRF" import "$T/through.tar" "$T/x1"
	[ "$status" -eq 1 ]
	[[ "${stderr_lines[0]}" == *"archive entry \`link/passwd\`: Cannot extract through symlink"* ]]
	[ ! -e "$T/outside" ]
	tar -cPf "$T/absolute.tar" "$T/e/evil/passwd" 2>/dev/null
	run --separate-stderr "$CVRF" import "$T/absolute.tar" "$T/x2"
	[ "$status" -eq 1 ]
	[[ "${stderr_lines[0]}" == *"archive entry \`$T/e/evil/passwd\`: an absolute path" ]]
	(cd "$T/e" && tar -cPf "$T/dotdot.tar" ../e/evil/passwd)
	run --separate-stderr "$CVRF" import "$T/dotdot.tar" "$T/x3"
	[ "$status" -eq 1 ]
	[[ "${stderr_lines[0]}" == *"\`..\` in the path" ]]
}

# --- bad input: named, hinted, non-zero, nothing mounted ----------------------

@test "a rootfs that does not exist, or is a file" {
	run --separate-stderr "$CVRF" run --rootfs "$T/nonexistent" -- true
	[ "$status" -eq 1 ]
	[ "${stderr_lines[0]}" = "cv-rootfs: rootfs \`$T/nonexistent\`: No such file or directory" ]
	[[ "${stderr_lines[1]}" == hint:* ]]
	touch "$T/file"
	run --separate-stderr "$CVRF" run --rootfs "$T/file" -- true
	[ "$status" -eq 1 ]
	[ "${stderr_lines[0]}" = "cv-rootfs: rootfs \`$T/file\` is not a directory" ]
}

@test "an unknown mount type, an unknown option, a missing bind source" {
	run --separate-stderr "$CVRF" run --rootfs "$ROOTFS" --fs nosuchfs:/x -- true
	[ "$status" -eq 1 ]
	[[ "${stderr_lines[0]}" == *"unknown filesystem type \`nosuchfs\`: not in /proc/filesystems" ]]
	run --separate-stderr "$CVRF" run --rootfs "$ROOTFS" --fs tmpfs:/x:nosiud -- true
	[ "$status" -eq 2 ]
	[[ "${stderr_lines[0]}" == *"unknown mount option \`nosiud\`" ]]
	[ "${stderr_lines[1]}" = "hint: did you mean \`nosuid\`?" ]
	run --separate-stderr "$CVRF" run --rootfs "$ROOTFS" --mount "$T/none:/mnt" -- true
	[ "$status" -eq 1 ]
	[[ "${stderr_lines[0]}" == *"source \`$T/none\`: No such file or directory" ]]
}

@test "a device with a bad type; no rootfs; no command" {
	run --separate-stderr "$CVRF" run --rootfs "$ROOTFS" --device /dev/x:q:1:3 -- true
	[ "$status" -eq 2 ]
	[[ "${stderr_lines[0]}" == *"device /dev/x: type \`q\` is not c, b, u or p" ]]
	run --separate-stderr "$CVRF" run -- true
	[ "$status" -eq 2 ]
	[[ "${stderr_lines[0]}" == *"no --rootfs given"* ]]
	run --separate-stderr "$CVRF" run --rootfs "$ROOTFS"
	[ "$status" -eq 2 ]
	[[ "${stderr_lines[0]}" == *"no command given"* ]]
}

@test "a failure inside, after mounts began: nothing left on the host" {
	# /dev/full cannot be a bind source onto a directory: the mount fails in the child
	run --separate-stderr "$CVRF" run -q --rootfs "$ROOTFS" --mount /dev/full:/bin -- true
	[ "$status" -eq 125 ]
	[[ "${stderr_lines[0]}" == *"mount(\`/dev/full\` on \`/bin\`"* ]]
}

@test "run stopped by SIGTERM while it sets up its layers removes their directories, then dies of SIGTERM" {
	mkdir "$T/layer"
	mkfifo "$T/stderr"
	exec {fd}<>"$T/stderr" # (bats keeps fd 3 for itself)
	head -c 65536 /dev/zero >&"$fd" # a pipe holds 64 KiB: its next line (--explain) blocks
	"$CVRF" --explain run --rootfs "$ROOTFS" --overlay "$T/layer" -- /bin/true 2>&"$fd" 3>&- &
	pid=$!
	for _ in $(seq 50); do ls -d "$CV_TEST_TMP"/cv-rootfs-* >/dev/null 2>&1 && break; sleep 0.1; done
	ls -d "$CV_TEST_TMP"/cv-rootfs-* >/dev/null || { kill -KILL "$pid"; echo "no layer directory"; return 1; }
	sleep 0.2 # blocked in write(2), its directories made
	kill -TERM "$pid"
	timeout 10 cat <&"$fd" >/dev/null &
	status=0
	wait "$pid" || status=$?
	exec {fd}>&-
	[ "$status" -eq 143 ]
	no_rootfs_temps
}
