#!/bin/sh
# kernel.sh DIR - Debian's own kernel, unpacked into DIR without installing
# it: `apt-get download` the image package that linux-image-amd64 points at
# (the modules are in it), `dpkg -x` it.  No /boot, no initramfs hooks, no
# package database touched.  Prints the kernel release.
set -eu
dir=$1
pkg() {
	apt-cache depends linux-image-amd64 2>/dev/null | awk '/Depends: linux-image-[0-9]/ { print $2; exit }'
}
pkg=$(pkg)
if [ -z "$pkg" ] && [ "$(id -u)" = 0 ]; then
	apt-get update -qq >/dev/null 2>&1 # a machine that never fetched the package lists
	pkg=$(pkg)
fi
if [ -z "$pkg" ]; then
	echo "kernel.sh: apt-cache knows no linux-image-amd64 (run apt-get update)" >&2
	exit 1
fi
release=${pkg#linux-image-}
if [ ! -f "$dir/boot/vmlinuz-$release" ]; then
	mkdir -p "$dir"
	tmp=$(mktemp -d)
	trap 'rm -rf "$tmp"' EXIT
	# _apt cannot write into root's directories: download as root, into a place of our own
	(cd "$tmp" && apt-get download -o APT::Sandbox::User=root "$pkg" >/dev/null)
	dpkg -x "$tmp"/"$pkg"_*.deb "$dir"
	# the modules' dependency list is made by the package's postinst, which we skip
	busybox depmod -b "$dir" "$release" # busybox's: kmod need not be installed
fi
echo "$release"
