#!/bin/sh
# mkinitramfs.sh KERNEL_DIR RELEASE BUILD BIN OUT - the test VM's initramfs:
# busybox and the init, the project's binaries and tests (laid out as in
# the checkout, under /cv) with every shared library they load, the
# busybox rootfs for containers, bash, bats and jq for the end-to-end
# tests, apparmor_parser with the profiles' includes, and the kernel
# modules the tests need, in the order to load them.  A gzipped newc cpio.
set -eu
kdir=$1 release=$2 build=$3 bin=$4 out=$5
stage=$(mktemp -d /tmp/cv-vm-initramfs-XXXXXX)
trap 'rm -rf "$stage"' EXIT

mkdir -p "$stage/bin" "$stage/cv/build/tests" "$stage/cv/tests" "$stage/etc" \
	"$stage/lib/modules" "$stage/usr/bin" "$stage/usr/sbin" "$stage/root"
cp /bin/busybox "$stage/bin/busybox"
cp tests/vm/init "$stage/init"
chmod 755 "$stage/init"

# the project, where the tests look for it
cp -a "$bin" "$stage/cv/bin"
cp -a "$build/tests/priv" "$build/tests/probe" "$build/tests/load" "$build/tests/consock" \
	"$build/tests/attack" "$stage/cv/build/tests/"
cp -a "$build/rootfs" "$stage/cv/build/rootfs"
mkdir -p "$stage/cv/tests/e2e" "$stage/cv/tests/vm"
cp tests/e2e/*.bats tests/e2e/helpers.bash "$stage/cv/tests/e2e/"
cp tests/vm/suite.sh "$stage/cv/tests/vm/"

# the tools the tests use beyond busybox
cp /usr/bin/bash /usr/bin/jq /usr/bin/bats /usr/bin/ps /usr/bin/pgrep /usr/bin/pkill /usr/bin/strace \
	/usr/bin/readelf "$stage/usr/bin/" # procps's ps and pgrep: busybox's lack options the tests use; readelf for an ELF test; strace to hold a write
mkdir -p "$stage/usr/lib" "$stage/usr/libexec"
cp -a /usr/lib/bats-core "$stage/usr/lib/"
cp -a /usr/libexec/bats-core "$stage/usr/libexec/"
cp /usr/sbin/apparmor_parser "$stage/usr/sbin/"
mkdir -p "$stage/sbin" && ln -s /usr/sbin/apparmor_parser "$stage/sbin/apparmor_parser"
cp -p /usr/bin/newuidmap /usr/bin/newgidmap "$stage/usr/bin/" # setuid, as installed
mkdir -p "$stage/etc/apparmor.d" "$stage/etc/apparmor"
cp -a /etc/apparmor.d/tunables /etc/apparmor.d/abstractions /etc/apparmor.d/abi "$stage/etc/apparmor.d/"
[ -f /etc/apparmor/parser.conf ] && cp /etc/apparmor/parser.conf "$stage/etc/apparmor/"
mkdir -p "$stage/usr/share" # the policy features parser.conf names
[ -d /usr/share/apparmor-features ] && cp -a /usr/share/apparmor-features "$stage/usr/share/"
printf 'root:x:0:0:root:/root:/bin/sh\nnobody:x:65534:65534:nobody:/:/bin/false\n' >"$stage/etc/passwd"
printf 'root:x:0:\ntty:x:5:\nnogroup:x:65534:\n' >"$stage/etc/group"
echo cvtest-vm >"$stage/etc/hostname"
: >"$stage/etc/subuid" && : >"$stage/etc/subgid"

# every shared library of every dynamic program, at the path the loader looks in
for f in $(find "$stage/cv/bin" "$stage/cv/build/tests" "$stage/usr" -type f -perm -u+x); do
	ldd "$f" 2>/dev/null | awk '/=> \// { print $3 } /^\t\/lib/ { print $1 }'
done | sort -u | while read -r lib; do
	mkdir -p "$stage$(dirname "$lib")"
	cp -L "$lib" "$stage$lib"
done

# kernel modules: these and what they need, dependencies first
moddir=$kdir/lib/modules/$release
order() {
	deps=$(awk -v m="$1:" '$1 == m { for (i = 2; i <= NF; i++) print $i }' "$moddir/modules.dep")
	for d in $deps; do order "$d"; done
	echo "$1"
}
for want in virtio_pci virtio_blk overlay loop; do
	path=$(awk -F: -v w="/$want.ko" 'index($1, w) == length($1) - length(w) + 1 { print $1; exit }' \
		"$moddir/modules.dep")
	[ -n "$path" ] || { echo "mkinitramfs: no module $want in $moddir" >&2; exit 1; }
	order "$path"
done | awk '!seen[$0]++' >"$stage/lib/modules/load.order"
while read -r m; do
	mkdir -p "$stage/lib/modules/$(dirname "$m")"
	cp "$moddir/$m" "$stage/lib/modules/$m"
done <"$stage/lib/modules/load.order"

(cd "$stage" && find . | busybox cpio -o -H newc 2>/dev/null) | gzip -1 >"$out.tmp"
mv "$out.tmp" "$out"
