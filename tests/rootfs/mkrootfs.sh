#!/bin/sh
# mkrootfs.sh DIR PROBE LOAD - the built-in busybox root filesystem that
# demos and tests share: a static busybox with a link per applet, the
# cv-probe and cv-load programs, and the few files in /etc a shell expects.  Built in DIR.tmp
# and renamed into place, so DIR is never half made.
set -eu
dir=$1
probe=$2
load=$3
busybox=/bin/busybox

if ! [ -x "$busybox" ] || ! "$busybox" --list >/dev/null 2>&1; then
	echo "mkrootfs: $busybox not found; install busybox-static (make deps)" >&2
	exit 1
fi
case "$(od -An -c -N4 "$busybox" | tr -d ' ')" in
*ELF*) ;;
*) echo "mkrootfs: $busybox is not an ELF binary" >&2; exit 1 ;;
esac

tmp="$dir.tmp"
rm -rf "$tmp"
mkdir -p "$tmp"
for d in bin sbin usr/bin usr/sbin etc proc sys dev tmp root home var/tmp run mnt srv; do
	mkdir -p "$tmp/$d"
done
chmod 1777 "$tmp/tmp" "$tmp/var/tmp"
chmod 700 "$tmp/root"
cp "$busybox" "$tmp/bin/busybox"
for applet in $("$busybox" --list); do
	[ -e "$tmp/bin/$applet" ] || ln -s busybox "$tmp/bin/$applet"
done
cp "$probe" "$tmp/bin/cv-probe"
cp "$load" "$tmp/bin/cv-load"

cat >"$tmp/etc/passwd" <<'PASSWD'
root:x:0:0:root:/root:/bin/sh
nobody:x:65534:65534:nobody:/nonexistent:/bin/false
PASSWD
cat >"$tmp/etc/group" <<'GROUP'
root:x:0:
nogroup:x:65534:
GROUP
echo "containerv" >"$tmp/etc/hostname"
printf '127.0.0.1\tlocalhost\n::1\tlocalhost\n' >"$tmp/etc/hosts"
: >"$tmp/etc/resolv.conf"
echo "containerv busybox rootfs ($("$busybox" | head -n 1 | cut -d' ' -f1-2))" >"$tmp/etc/motd"

rm -rf "$dir"
mv "$tmp" "$dir"
echo "rootfs: $dir ($(ls "$dir/bin" | wc -l) commands)"
