#!/bin/sh
# demo.sh BIN ROOTFS - `make demo`: a short run of each step's demo, with
# the commands shown as a learner would type them.  The commands inside
# come from the built-in busybox rootfs, so what runs is the same anywhere.
set -eu
bin=$1
rootfs=$2
sh_in="$rootfs/bin/sh"

bold="" plain=""
if [ -t 1 ]; then bold=$(printf '\033[1m') plain=$(printf '\033[0m'); fi
say() { printf '\n%s$ %s%s\n' "$bold" "$1" "$plain"; }
# show TEXT CMD... - print TEXT as the command typed, then run CMD.
show() { say "$1"; shift; "$@"; }

# The capability names by number, as <linux/capability.h> lists them.
cap_names="chown dac_override dac_read_search fowner fsetid kill setgid setuid setpcap
linux_immutable net_bind_service net_broadcast net_admin net_raw ipc_lock ipc_owner
sys_module sys_rawio sys_chroot sys_ptrace sys_pacct sys_admin sys_boot sys_nice
sys_resource sys_time sys_tty_config mknod lease audit_write audit_control setfcap
mac_override mac_admin syslog wake_alarm block_suspend audit_read perfmon bpf
checkpoint_restore"

# decode_caps HEX - "three capabilities: cap_kill, cap_net_bind_service, cap_audit_write".
decode_caps() {
	n=0 names="" i=0
	for name in $cap_names; do
		if [ $(((0x$1 >> i) & 1)) = 1 ]; then
			n=$((n + 1))
			names="$names${names:+, }cap_$name"
		fi
		i=$((i + 1))
	done
	case $n in
	0) echo "no capabilities" && return ;;
	1) count="one capability" ;;
	2) count="two capabilities" ;; 3) count="three capabilities" ;;
	4) count="four capabilities" ;; 5) count="five capabilities" ;;
	*) count="$n capabilities" ;;
	esac
	echo "$count: $names"
}

# explain_status - pass a container's output through, putting words to the
# /proc/self/status numbers in it.
explain_status() {
	while IFS= read -r line; do
		case $line in
		CapEff:*) echo "$line   ($(decode_caps "$(echo "${line#CapEff:}" | tr -d ' \t')"))" ;;
		Seccomp:*0) echo "$line   (0: disabled, no filter; 1 is strict mode, 2 a filter)" ;;
		Seccomp:*1) echo "$line   (1: strict mode: read, write, exit only)" ;;
		Seccomp:*2) echo "$line   (2: a filter decides each system call)" ;;
		NoNewPrivs:*1) echo "$line   (1: no execve can gain privileges, setuid programs included)" ;;
		*) echo "$line" ;;
		esac
	done
}

# explain_errno - cv-load's errno names, with what they mean here.
explain_errno() {
	while IFS= read -r line; do
		case $line in
		EPERM) echo "EPERM (Operation not permitted): the filter refused it" ;;
		ENOSYS) echo "ENOSYS (Function not implemented): the filter answers as if this kernel had no such call" ;;
		*) echo "$line" ;;
		esac
	done
}

echo "containerv demo: the built-in rootfs is $rootfs ($(ls "$rootfs/bin" | wc -l) busybox commands)"

echo
echo "== step 01: namespaces =="
show "cv-namespaces features" "$bin/cv-namespaces" features
if [ "$(id -u)" = 0 ]; then
	show "cv-namespaces run --pid --uts --hostname demo-box -- sh -c 'echo \"inside: I am pid \$\$ on \$(hostname)\"'" \
		"$bin/cv-namespaces" run --pid --uts --hostname demo-box -- \
		"$sh_in" -c 'echo "inside: I am pid $$ on $(hostname)"'
	show "cv-namespaces run -q --pid --mount-proc -- ps" \
		"$bin/cv-namespaces" run -q --pid --mount-proc -- "$rootfs/bin/ps"
	show "cv-namespaces --explain run -q --user --map-root --uts --hostname traced --time-offset monotonic=3600 -- true" \
		"$bin/cv-namespaces" --explain run -q --user --map-root --uts --hostname traced \
		--time-offset monotonic=3600 -- "$rootfs/bin/true"
	echo
	echo "(the same without root: a user namespace maps you to root inside)"
	tmp=$(mktemp -d /tmp/cv-demo-XXXXXX)
	chmod 755 "$tmp"
	cp "$bin/cv-namespaces" "$tmp/"
	say "setpriv --reuid 65534 --regid 65534 --clear-groups cv-namespaces run -q --map-root --net -- id"
	setpriv --reuid 65534 --regid 65534 --clear-groups "$tmp/cv-namespaces" run -q \
		--map-root --net -- "$rootfs/bin/id" || true
	rm -rf "$tmp"
else
	show "cv-namespaces run --user --map-root --pid --uts --hostname demo-box -- sh -c ..." \
		"$bin/cv-namespaces" run --user --map-root --pid --uts --hostname demo-box -- \
		"$sh_in" -c 'echo "inside: I am pid $$ on $(hostname), uid $(id -u)"'
	echo "(run 'sudo make demo' to see the privileged demos too)"
fi
echo
echo "== step 02: cgroups =="
load="$rootfs/bin/cv-load"
show "cv-cgroups layout" "$bin/cv-cgroups" layout
if [ "$(id -u)" = 0 ]; then
	show "cv-cgroups run --memory 32M -- cv-load mem 64M" \
		"$bin/cv-cgroups" run --memory 32M -- "$load" mem 64M || true
	show "cv-cgroups run --pids 20 -- cv-load fork 50" \
		"$bin/cv-cgroups" run --pids 20 -- "$load" fork 50 || true
	show "cv-cgroups run --cpus 0.5 -- cv-load spin 1" \
		"$bin/cv-cgroups" run --cpus 0.5 -- "$load" spin 1
else
	echo "(cgroups belong to root here: run 'sudo make demo' to see limits enforced)"
fi
echo
echo "== step 03: the root filesystem =="
if [ "$(id -u)" = 0 ]; then
	show "cv-rootfs run --rootfs $rootfs -- sh -c 'echo I am pid \$\$; ls /'" \
		"$bin/cv-rootfs" run --rootfs "$rootfs" -- /bin/sh -c 'echo I am pid $$; ls /'
	up=$(mktemp -d /tmp/cv-demo-upper-XXXXXX)
	show "cv-rootfs run -q --rootfs $rootfs --upper $up -- sh -c 'echo changed > /etc/motd; rm /etc/hostname'" \
		"$bin/cv-rootfs" run -q --rootfs "$rootfs" --upper "$up" -- /bin/sh -c 'echo changed > /etc/motd; rm /etc/hostname'
	show "ls -l $up/etc     # the writes, and a whiteout for the deleted file" ls -l "$up/etc"
	rm -rf "$up" "$up.work"
	show "cv-rootfs breakout" "$bin/cv-rootfs" breakout "$rootfs"
else
	echo "(run 'sudo make demo' to see pivot_root, layers and the chroot breakout)"
fi
echo
echo "== step 04: the network =="
if [ "$(id -u)" = 0 ]; then
	show "cv-network demo     # in a network namespace of its own: the machine's network is not touched" \
		"$bin/cv-network" demo
else
	echo "(run 'sudo make demo' to see two containers on a bridge, a published port and hairpin)"
fi
echo
echo "== step 05: security =="
show "cv-security status" "$bin/cv-security" status
if [ "$(id -u)" = 0 ]; then
	show "cv-security run --cap-drop ALL --cap-add NET_BIND_SERVICE --user 1000:1000 -- sh -c 'echo inside: uid \$(id -u)'" \
		"$bin/cv-security" run --cap-drop ALL --cap-add NET_BIND_SERVICE --user 1000:1000 -- \
		"$sh_in" -c 'echo inside: uid $(id -u)'
	say "cv-security run -q --seccomp default -- cv-load sys unshare 0x10000000   # CLONE_NEWUSER"
	"$bin/cv-security" run -q --seccomp default -- "$load" sys unshare 0x10000000 | explain_errno
	say "cv-security run -q --seccomp default -- cv-load sys clone3 0 0"
	"$bin/cv-security" run -q --seccomp default -- "$load" sys clone3 0 0 | explain_errno
	echo "(its flags are in memory a filter cannot read: the C library, told ENOSYS, falls back to clone, whose flags it can)"
	work=$(mktemp -d /tmp/cv-demo-work-XXXXXX)
	show "cv-security run -q --allow-write $work --allow-exec $rootfs -- sh -c 'echo hi > $work/note && echo wrote it; echo hi > /tmp/elsewhere'" \
		"$bin/cv-security" run -q --allow-write "$work" --allow-exec "$rootfs" -- "$sh_in" -c \
		"echo hi > $work/note && echo wrote it; echo hi > /tmp/elsewhere" || true
	rm -rf "$work"
else
	echo "(run 'sudo make demo' to see capabilities, seccomp and Landlock at work)"
fi
echo
echo "== the runtime: bin/containerv, as podman would drive it =="
if [ "$(id -u)" = 0 ] && command -v jq >/dev/null; then
	b=$(mktemp -d /tmp/cv-demo-bundle-XXXXXX)
	r=$(mktemp -d /tmp/cv-demo-root-XXXXXX)
	abs_rootfs=$(cd "$rootfs" && pwd)
	script='echo "I am pid $$ on $(hostname), uid $(id -u)"; echo "processes I can see:"; ps -o pid,comm; grep -E "CapEff|NoNewPrivs|Seccomp:" /proc/self/status; echo "my root:" $(ls /)'
	show "containerv spec --bundle $b -- sh -c '$script'" \
		"$bin/containerv" spec --bundle "$b" -- /bin/sh -c "$script"
	echo "(a config.json for that command; its root.path is \"rootfs\", a directory beside it: point it at $rootfs)"
	say "jq '.root.path = \"$abs_rootfs\"' $b/config.json > $b/c.json && mv $b/c.json $b/config.json"
	jq ".root.path = \"$abs_rootfs\"" "$b/config.json" >"$b/c.json" && mv "$b/c.json" "$b/config.json"
	show "jq -c .root $b/config.json" jq -c .root "$b/config.json"
	say "containerv run --bundle $b demo"
	"$bin/containerv" --root "$r" run --bundle "$b" demo | explain_status
	rm -rf "$b" "$r"
else
	echo "(run 'sudo make demo' to run a container with bin/containerv)"
fi
echo
echo "Next: read steps/01-namespaces/README.md, then docs/reading-order.md."
