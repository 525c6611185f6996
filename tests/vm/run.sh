#!/bin/sh
# run.sh KERNEL_DIR RELEASE INITRAMFS DIR - boot Debian's kernel under qemu
# (software emulation: no /dev/kvm here) with cgroup v2 alone and AppArmor
# on, let tests/vm/init run the suite, and print the TAP it sends on the
# second serial port.  The kernel's console goes to DIR/console.log.  A VM
# that never says it is done (a hang, a panic) is a failure, with the end
# of its console shown.
set -u
kdir=$1 release=$2 initramfs=$3 dir=$4
timeout=${CV_VM_TIMEOUT:-1200}
disk=$dir/disk.img
mkdir -p "$dir"
rm -f "$dir/tap.log" "$dir/console.log" "$disk"
truncate -s 64M "$disk" # a virtio disk for the io controller's tests: /dev/vda inside

timeout "$timeout" qemu-system-x86_64 -machine pc -cpu max -smp 2 -m 2048 \
	-display none -monitor none -no-reboot \
	-kernel "$kdir/boot/vmlinuz-$release" -initrd "$initramfs" \
	-append "console=ttyS0 panic=-1 cgroup_no_v1=all lsm=landlock,lockdown,yama,apparmor,bpf apparmor=1 cv.must_work=${CV_MUST_WORK:-0}${CV_VM_ONLY:+ cv.only=$CV_VM_ONLY}" \
	-serial "file:$dir/console.log" -serial "file:$dir/tap.log" \
	-drive "file=$disk,if=virtio,format=raw" </dev/null
rc=$?
rm -f "$disk"
tr -d '\r' <"$dir/tap.log" 2>/dev/null | grep -v '^# vm: done$'
if ! grep -q '^# vm: done' "$dir/tap.log" 2>/dev/null; then
	echo "# the VM did not finish (qemu exit status $rc; 124 is the ${timeout}s timeout); its console, $dir/console.log, ends:"
	tail -n 15 "$dir/console.log" 2>/dev/null | sed 's/^/#   /'
	echo "not ok - the test VM ($release) ran to the end"
	exit 1
fi
