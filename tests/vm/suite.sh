# suite.sh - what runs inside the test VM (sourced by tests/vm/init, in
# /cv, the project's binaries and tests laid out as in the checkout).
# The kernel is Debian's: cgroup v2 alone (cgroup_no_v1=all) and AppArmor
# enforcing.  Each program's TAP follows a "# --- vm: NAME" line.

echo "# --- vm: kernel $(uname -r), cgroup2 with: $(cat /sys/fs/cgroup/cgroup.controllers)," \
	"LSMs: $(cat /sys/kernel/security/lsm)"

# cgroup v1 exists only by name here, and this kernel has no realtime group
# scheduling: those tests are left out, not skipped
# and step 04's bridge needs modules this initramfs does not carry (below)
export CV_TAP_EXCLUDE="the v1 freezer|a memory limit below current usage is refused|realtime limits|on a bridge"
# the VM's virtio disk, for the io controller's tests (elsewhere they make a loop device)
[ -b /dev/vda ] && export CV_TEST_DISK=/dev/vda

only() {
	case "$1" in *"${CV_VM_ONLY:-}"*) return 0 ;; *) return 1 ;; esac
}

for t in build/tests/priv/test_*; do
	only "$t" || continue
	# step 04 needs bridge, veth and nf_tables, modules this initramfs does
	# not carry (and pasta, slirp4netns): it is tested on the host's kernel
	case "$t" in *test_network*) continue ;; esac
	echo "# --- vm: priv: ${t##*/}"
	"$t"
done
unset CV_TAP_EXCLUDE

export CV_BIN=bin CV_PROBE=build/tests/probe CV_LOAD=build/tests/load CV_CONSOCK=build/tests/consock CV_ATTACK=build/tests/attack
export CV_ROOTFS=build/rootfs CV_BUILD=build
for t in tests/e2e/runtime.bats tests/e2e/runtime-config.bats tests/e2e/runtime-exec.bats \
	tests/e2e/security.bats tests/e2e/cgroups.bats tests/e2e/attack-runtime.bats \
	tests/e2e/attack-devices.bats; do
	only "$t" || continue
	echo "# --- vm: e2e: ${t##*/}"
	timeout 600 bats --tap "$t" || [ $? -ne 124 ] || echo "not ok - $t did not finish in 600 s"
done
