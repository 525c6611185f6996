#!/usr/bin/env bats
# bin/containerv: each field of config.json, seen taking effect from
# inside the container (cv-probe reports, cv-load tries).

bats_require_minimum_version 1.5.0
load helpers

setup() {
	bundle_setup /bin/cv-probe pid
}

teardown() {
	bundle_teardown
	[ -z "${NETCG:-}" ] || unmount_net_cls
	no_cgroups_left
	rootfs_untouched
}

# unmount_net_cls - the net_cls,net_prio hierarchy a test mounted, gone again
# (in teardown too: a failed test must not leave it for everyone after).  A
# v1 hierarchy outlives its unmount while a mount namespace still holds it:
# mount and unmount again until the kernel lets it go, as it was before.
unmount_net_cls() {
	umount "$NETCG"
	sleep 0.5
	for _ in 1 2 3 4 5; do
		[ "$(awk '$1 == "net_cls" { print $2 }' /proc/cgroups)" = 0 ] && break
		mount -t cgroup -o net_cls,net_prio cvtest "$NETCG" && umount "$NETCG"
		sleep 0.5
	done
	rmdir "$NETCG"
	NETCG=""
	[ "$(awk '$1 == "net_cls" { print $2 }' /proc/cgroups)" = 0 ]
}

# inside ARGS... - run a container with these args; its stdout in $output.
inside() {
	cfg ".process.args = $(jq -cn '$ARGS.positional' --args -- "$@")"
	run --separate-stderr rt run --bundle "$B" $RUNID-cfg1
}

@test "process.user: uid, gid, additional gids, umask" {
	cfg '.process.user = {"uid": 1000, "gid": 1001, "additionalGids": [10, 20], "umask": 23}'
	inside /bin/cv-probe uid gid groups
	[ "$status" -eq 0 ]
	[ "$output" = "1000
1001
10 20" ]
	inside /bin/sh -c umask
	[ "$output" = 0027 ]
}

@test "process.capabilities, noNewPrivileges, rlimits, oomScoreAdj, env, cwd" {
	cfg '.process.capabilities = {"bounding": ["CAP_CHOWN", "CAP_KILL"], "effective": ["CAP_KILL"],
	                              "permitted": ["CAP_CHOWN", "CAP_KILL"], "inheritable": [], "ambient": []} |
	     .process.noNewPrivileges = false |
	     .process.rlimits = [{"type": "RLIMIT_NOFILE", "soft": 64, "hard": 128}, {"type": "RLIMIT_CORE", "soft": 0, "hard": 0}] |
	     .process.oomScoreAdj = 500 |
	     .process.env += ["CVTEST=here"] |
	     .process.cwd = "/etc"'
	inside /bin/cv-probe cap_bnd cap_eff cap_prm no_new_privs rlimit:nofile rlimit:core \
		oom_score_adj cwd
	[ "$status" -eq 0 ]
	# root's effective and permitted sets after exec are its bounding set (capabilities(7))
	[ "$output" = "0000000000000021
0000000000000021
0000000000000021
0
64:128
0:0
500
/etc" ]
	inside /bin/sh -c 'echo $CVTEST'
	[ "$output" = here ]
	# a user other than root keeps what is ambient
	cfg '.process.user = {"uid": 1000, "gid": 1000} |
	     .process.capabilities.inheritable = ["CAP_KILL"] | .process.capabilities.ambient = ["CAP_KILL"]'
	inside /bin/cv-probe uid cap_eff cap_amb
	[ "$output" = "1000
0000000000000020
0000000000000020" ]
}

@test "an unknown capability is an error naming it; one this host lacks is a warning" {
	cfg '.process.capabilities.bounding += ["CAP_NET_BIND"]'
	run rt run --bundle "$B" $RUNID-cap1
	[ "$status" -eq 1 ]
	[[ "$output" == *"config.json:"*"process.capabilities.bounding[3]: unknown capability \`CAP_NET_BIND\`"* ]]
	cfg '.process.capabilities.bounding[3] = "CAP_SYS_RESOURCE"'
	if [ "$(( 0x$(grep CapBnd /proc/self/status | cut -f2) >> 24 & 1 ))" = 0 ]; then
		run --separate-stderr rt run --bundle "$B" $RUNID-cap2
		[ "$status" -eq 0 ]
		[[ "$stderr" == *"warning: "*"CAP_SYS_RESOURCE"* ]]
	fi
}

@test "hostname, domainname, and a namespace of each type; one left out is the host's" {
	cfg '.hostname = "cvtest-h" | .domainname = "cvtest.d" |
	     .linux.namespaces = [{"type": "pid"}, {"type": "network"}, {"type": "ipc"}, {"type": "uts"},
	                          {"type": "mount"}, {"type": "cgroup"}, {"type": "time"}]'
	inside /bin/cv-probe hostname domainname ns:pid ns:net ns:ipc ns:uts ns:mnt ns:cgroup ns:time
	[ "$status" -eq 0 ]
	[ "${lines[0]}" = cvtest-h ] && [ "${lines[1]}" = cvtest.d ]
	i=2
	for t in pid net ipc uts mnt cgroup time; do
		[ "${lines[$i]}" != "$(readlink /proc/self/ns/$t | tr -dc 0-9)" ] || { echo "$t shared"; return 1; }
		i=$((i + 1))
	done
	cfg '.linux.namespaces = [.linux.namespaces[] | select(.type != "network")]'
	inside /bin/cv-probe ns:net
	[ "$output" = "$(readlink /proc/self/ns/net | tr -dc 0-9)" ]
}

@test "a namespace joined by path" {
	unshare --net --uts sleep 30 &
	target=$!
	sleep 0.3
	cfg ".linux.namespaces = [{\"type\": \"pid\"}, {\"type\": \"mount\"}, {\"type\": \"network\", \"path\": \"/proc/$target/ns/net\"}] | del(.hostname)"
	inside /bin/cv-probe ns:net ns:uts
	kill "$target"
	[ "$status" -eq 0 ]
	[ "${lines[0]}" = "$(readlink /proc/$target/ns/net 2>/dev/null | tr -dc 0-9 || true)" ] ||
		[ "${lines[0]}" != "$(readlink /proc/self/ns/net | tr -dc 0-9)" ]
	[ "${lines[1]}" = "$(readlink /proc/self/ns/uts | tr -dc 0-9)" ]
}

@test "a user namespace joined by path: the container's namespaces belong to it" {
	"$CV_BIN/cv-namespaces" run -q --uid-map 0:200000:65536 --gid-map 0:200000:65536 -- \
		/bin/sleep 29.7 &
	for _ in $(seq 50); do target=$(descendants $! "/bin/sleep 29.7") && break; sleep 0.1; done
	cfg ".linux.namespaces += [{\"type\": \"user\", \"path\": \"/proc/$target/ns/user\"}, {\"type\": \"time\"}] |
	     .linux.timeOffsets = {\"boottime\": {\"secs\": 3600}} |
	     .mounts = [.mounts[] | select(.type != \"cgroup\" and .type != \"sysfs\")]"
	before=$(cut -d' ' -f1 /proc/uptime | cut -d. -f1)
	inside /bin/cv-probe pid uid uid_map ns:user hostname boottime
	want_ns=$(readlink /proc/$target/ns/user | tr -dc 0-9)
	kill "$target"
	[ "$status" -eq 0 ]
	[ "$(echo "$output" | head -5)" = "1
0
0 200000 65536
$want_ns
containerv" ]
	[ "${lines[5]%.*}" -ge $((before + 3600)) ] # the time namespace, made in it, has its offset
}

@test "a user namespace with uid and gid maps; time offsets" {
	cfg '.linux.namespaces += [{"type": "user"}, {"type": "time"}] |
	     .linux.uidMappings = [{"containerID": 0, "hostID": 100000, "size": 65536}] |
	     .linux.gidMappings = [{"containerID": 0, "hostID": 100000, "size": 65536}] |
	     .linux.timeOffsets = {"monotonic": {"secs": 86400, "nanosecs": 0}} |
	     .mounts = [.mounts[] | select(.type != "cgroup" and .type != "sysfs")]'
	before=$(cut -d' ' -f1 /proc/uptime | cut -d. -f1)
	inside /bin/cv-probe uid uid_map monotonic
	[ "$status" -eq 0 ]
	[ "${lines[0]}" = 0 ]
	[ "${lines[1]}" = "0 100000 65536" ]
	[ "${lines[2]%.*}" -ge $((before + 86400)) ]
}

@test "resources: a memory limit OOM-kills, a pids limit stops forks" {
	cfg '.linux.resources.memory = {"limit": 33554432, "swap": 33554432} | .linux.resources.pids = {"limit": 10}'
	inside /bin/cv-load mem 64M
	[ "$status" -eq 137 ]
	inside /bin/cv-load fork 30
	[[ "$output" =~ ^forked\ [0-9]+\ of\ 30,\ then\ EAGAIN$ ]]
	n=$(echo "$output" | cut -d' ' -f2)
	[ "$n" -lt 10 ]
}

@test "resources: -1 is no limit; any other negative is refused, naming the field" {
	for f in memory.limit memory.reservation memory.swap memory.kernel memory.kernelTCP \
		pids.limit cpu.quota cpu.realtimeRuntime; do
		cfg ".linux.resources = {} | .linux.resources.${f} = -7"
		run --separate-stderr rt run --bundle "$B" "$RUNID-neg1"
		[ "$status" -eq 1 ] || { echo "$f: status $status"; return 1; }
		[[ "${stderr_lines[0]}" == "containerv: config.json:"*": linux.resources.$f: -7 is not a limit" ]] ||
			{ echo "$f: $stderr"; return 1; }
		[[ "${stderr_lines[1]}" == "hint: "*"or -1 for no limit" ]]
	done
	[ -z "$(ls "$R")" ] # nothing was made
	cfg '.linux.resources = {"devices": [{"allow": false, "type": "c", "major": -5, "access": "rwm"}]}'
	run --separate-stderr rt run --bundle "$B" "$RUNID-neg2"
	[ "$status" -eq 1 ]
	[[ "${stderr_lines[0]}" == *"linux.resources.devices[0]: major -5 is not a device number" ]]
	# -1: no limit, as runc reads it
	cfg '.linux.resources = {"memory": {"limit": -1, "swap": -1, "reservation": -1}, "pids": {"limit": -1}}'
	if [ "$(cgroup_layout)" = unified ]; then
		inside /bin/sh -c 'cd /sys/fs/cgroup && cat memory.max pids.max'
		[ "$output" = "max
max" ]
	else
		inside /bin/sh -c 'cat /sys/fs/cgroup/memory/memory.limit_in_bytes /sys/fs/cgroup/pids/pids.max'
		[ "${lines[0]}" -ge $((1 << 62)) ] # v1's "none"
		[ "${lines[1]}" = max ]
	fi
}

@test "resources.memory.kernelTCP and kernel: applied where the kernel has the file, a warning naming the field where not" {
	cfg '.linux.resources.memory = {"limit": 67108864, "kernel": 33554432, "kernelTCP": 16777216}'
	if [ "$(cgroup_layout)" = unified ]; then
		# cgroup v2 has neither file: kernel memory and socket buffers count in memory.max
		inside /bin/cat /sys/fs/cgroup/memory.max
		[ "$status" -eq 0 ]
		[ "$output" = 67108864 ]
		[[ "$stderr" == *"warning: memory.kernelTCP: cgroup v2 has no kernel TCP memory limit"*"not applied"* ]]
		[[ "$stderr" == *"warning: memory.kernel: cgroup v2 has no kernel memory limit"*"not applied"* ]]
		return 0
	fi
	# cgroup v1 (legacy or hybrid): the container's memory cgroup shows them
	inside /bin/sh -c 'cd /sys/fs/cgroup/memory && cat memory.kmem.tcp.limit_in_bytes memory.kmem.limit_in_bytes'
	[ "$status" -eq 0 ]
	[ "${lines[0]}" = 16777216 ]
	# kmem.limit_in_bytes is deprecated: 6.1+ take a write and keep no limit; say so
	[ "${lines[1]}" = 33554432 ] ||
		[[ "$stderr" == *"warning: memory.kernel: this kernel "*"memory.kmem.limit_in_bytes (deprecated): not applied"* ]]
	[[ "$stderr" != *"memory.kernelTCP"* ]]
}

@test "resources.cpu: shares, quota, period, burst and idle, as the container's cgroup shows them" {
	cfg '.linux.resources.cpu = {"shares": 512, "quota": 50000, "period": 100000, "burst": 20000}'
	if [ "$(cgroup_layout)" = unified ]; then
		# cgroup v2's files: shares as a weight (runc's conversion), quota and period as one
		inside /bin/sh -c 'cd /sys/fs/cgroup && cat cpu.weight cpu.max cpu.max.burst cpu.idle'
		[ "$status" -eq 0 ]
		[ "$output" = "20
50000 100000
20000
0" ]
	else
		inside /bin/sh -c 'cd /sys/fs/cgroup/cpu && cat cpu.shares cpu.cfs_quota_us cpu.cfs_period_us cpu.cfs_burst_us cpu.idle'
		[ "$status" -eq 0 ]
		[ "$output" = "512
50000
100000
20000
0" ]
	fi
	cfg '.linux.resources.cpu = {"idle": 1}' # an idle group: the least weight there is
	inside /bin/sh -c 'cd /sys/fs/cgroup/cpu 2>/dev/null || cd /sys/fs/cgroup; cat cpu.idle; cat cpu.shares 2>/dev/null || cat cpu.weight'
	if [ "$(cgroup_layout)" = unified ]; then
		[ "$output" = "1
0" ] # an idle group's weight reads 0 in cgroup v2
	else
		[ "$output" = "1
3" ]
	fi
	cfg '.linux.resources.cpu = {"quota": 50000, "burst": 90000}'
	run rt run --bundle "$B" $RUNID-cpu2
	[ "$status" -eq 1 ]
	[[ "$output" == *"cpu.burst"* ]]
}

@test "resources.network: class id and priorities where net_cls and net_prio are mounted" {
	cfg '.linux.resources.network = {"classID": 1048577, "priorities": [{"name": "lo", "priority": 5}]}'
	NETCG=""
	if [ "$(cgroup_layout)" = unified ]; then
		# cgroup v2 has no net_cls or net_prio (nor may v1 mount them beside it): a
		# warning, as runc gives, and the container runs
		run --separate-stderr rt run --bundle "$B" $RUNID-net0
		[ "$status" -eq 0 ]
		[[ "$stderr" == *"no net_cls controller mounted: not applied"* ]]
		return 0
	fi
	if ! grep -q ' - cgroup .*net_cls' /proc/self/mountinfo; then
		# this host does not mount them: without them, a warning (as runc skips them) ...
		run --separate-stderr rt run --bundle "$B" $RUNID-net0
		[ "$status" -eq 0 ]
		[[ "$stderr" == *"no net_cls controller mounted: not applied"* ]]
		# ... and with them mounted for this test, the values
		NETCG=/sys/fs/cgroup/net_cls,net_prio
		mkdir "$NETCG" && mount -t cgroup -o net_cls,net_prio cvtest "$NETCG"
	fi
	dir=$(grep ' - cgroup .*net_cls' /proc/self/mountinfo | cut -d' ' -f5)
	inside /bin/sh -c "cat $dir/net_cls.classid; grep '^lo ' $dir/net_prio.ifpriomap"
	result="$output"
	[ -z "$NETCG" ] || unmount_net_cls
	[ "$result" = "1048577
lo 5" ]
}

@test "resources.devices deny; linux.devices creates a node, and allows it" {
	cfg '.mounts += [{"destination": "/dev/loop-control", "type": "bind", "source": "/dev/loop-control", "options": ["bind"]}] |
	     .linux.devices = [{"path": "/dev/cvtest-null", "type": "c", "major": 1, "minor": 3, "fileMode": 438}]'
	inside /bin/cv-load open /dev/loop-control
	[ "$output" = EPERM ] # denied by the default "deny all" device rule
	inside /bin/sh -c 'stat -c "%t:%T %a" /dev/cvtest-null; echo x > /dev/cvtest-null && echo written'
	[ "$output" = "1:3 666
written" ]
	cfg '.linux.resources.devices = [{"allow": true, "access": "rwm"}]'
	inside /bin/cv-load open /dev/loop-control
	[ "$output" = ok ]
}

@test "linux.seccomp, maskedPaths, readonlyPaths, root.readonly" {
	cfg '.linux.seccomp = {"defaultAction": "SCMP_ACT_ALLOW", "syscalls": [
	       {"names": ["rmdir"], "action": "SCMP_ACT_ERRNO", "errnoRet": 13}]}'
	inside /bin/cv-load sys rmdir /nonexistent
	[ "$output" = EACCES ]
	inside /bin/sh -c 'cat /proc/timer_list | wc -c; ls /proc/acpi | wc -l'
	[ "$output" = "0
0" ]
	inside /bin/cv-load write /proc/sys/kernel/domainname
	[ "$output" = EROFS ]
	inside /bin/cv-load write /cvtest-file
	[ "$output" = EROFS ]
}

@test "mounts: a tmpfs with a size, a read-only bind, options" {
	mkdir "$B/data" && echo hello >"$B/data/file"
	cfg ".mounts += [{\"destination\": \"/tmp\", \"type\": \"tmpfs\", \"source\": \"tmpfs\", \"options\": [\"size=1m\", \"nosuid\"]},
	                 {\"destination\": \"/mnt\", \"type\": \"bind\", \"source\": \"$B/data\", \"options\": [\"bind\", \"ro\"]}]"
	inside /bin/sh -c 'cat /mnt/file; echo x > /mnt/new 2>/dev/null || echo ro;
		dd if=/dev/zero of=/tmp/f bs=1k count=2048 2>/dev/null || echo full; df -k /tmp | tail -1 | tr -s " " | cut -d" " -f2'
	[ "$output" = "hello
ro
full
1024" ]
	[ ! -e "$B/data/new" ]
}

@test "mounts: tmpcopyup fills a tmpfs with what it covers, then makes it read-only if asked" {
	cfg '.mounts += [{"destination": "/etc", "type": "tmpfs", "source": "tmpfs", "options": ["tmpcopyup", "ro"]},
	                 {"destination": "/bin", "type": "tmpfs", "source": "tmpfs", "options": ["tmpcopyup"]}]'
	inside /bin/sh -c 'cat /etc/passwd; grep -E " /(etc|bin) " /proc/mounts | cut -d" " -f2-4;
		readlink /bin/sh; stat -c %a /etc/passwd; touch /etc/new 2>/dev/null || echo ro; touch /bin/new && echo rw'
	[ "${lines[0]}" = "$(head -1 "$ROOTFS/etc/passwd")" ]
	n=$(wc -l <"$ROOTFS/etc/passwd")
	[[ "${lines[$n]}" == "/etc tmpfs ro,"* || "${lines[$n]}" == "/etc tmpfs ro" ]]
	[[ "${lines[$((n + 1))]}" == "/bin tmpfs rw"* ]]
	[ "${lines[$((n + 2))]}" = busybox ] # a symlink stays a symlink
	[ "${lines[$((n + 3))]}" = 644 ]
	[ "${lines[$((n + 4))]}" = ro ] && [ "${lines[$((n + 5))]}" = rw ]
	[ ! -e "$ROOTFS/bin/new" ]
	cfg '.mounts[-1].type = "bind" | .mounts[-1].source = "/tmp" | .mounts[-1].options = ["bind", "tmpcopyup"]'
	run rt run --bundle "$B" $RUNID-cfg2
	[ "$status" -eq 1 ]
	[[ "$output" == *"mount on /bin: tmpcopyup is for tmpfs, not bind"* ]]
}

@test "without a cgroup namespace, /sys/fs/cgroup shows the container's own cgroup" {
	cfg '.linux.namespaces |= map(select(.type != "cgroup")) | .linux.resources.pids.limit = 77 |
	     .linux.resources.memory.limit = 67108864'
	inside /bin/sh -c 'cat /sys/fs/cgroup/pids/pids.max /sys/fs/cgroup/memory/memory.limit_in_bytes 2>/dev/null ||
		cat /sys/fs/cgroup/pids.max /sys/fs/cgroup/memory.max; cat /proc/self/cgroup | grep -c :/containerv/'"$RUNID"'-cfg1'
	[ "${lines[0]}" = 77 ]
	[ "${lines[1]}" = 67108864 ]
	[ "${lines[2]}" -ge 1 ] # the host's path: no namespace of its own
	cfg '.linux.namespaces += [{"type": "cgroup"}]' # and with one: the same files, at its root
	inside /bin/sh -c 'cat /sys/fs/cgroup/pids/pids.max 2>/dev/null || cat /sys/fs/cgroup/pids.max'
	[ "$output" = 77 ]
}

@test "linux.sysctl is written inside; personality; ioPriority; scheduler" {
	cfg '.linux.sysctl = {"kernel.shmmni": "2048"} |
	     .linux.personality = {"domain": "LINUX32"} |
	     .process.ioPriority = {"class": "IOPRIO_CLASS_BE", "priority": 5} |
	     .process.scheduler = {"policy": "SCHED_BATCH", "nice": 5}'
	host=$(cat /proc/sys/kernel/shmmni)
	inside /bin/sh -c 'cat /proc/sys/kernel/shmmni; uname -m; ionice -p $$; cut -d" " -f19,41 /proc/self/stat'
	[ "$status" -eq 0 ]
	[ "$output" = "2048
i686
best-effort: prio 5
5 3" ]
	[ "$(cat /proc/sys/kernel/shmmni)" = "$host" ]
	before=$(cat /proc/sys/vm/swappiness)
	cfg '.linux.sysctl = {"vm.swappiness": "13"}'
	run rt run --bundle "$B" $RUNID-sys2
	[ "$status" -eq 1 ]
	[[ "$output" == *"linux.sysctl: \`vm.swappiness\` is not in a separate kernel namespace"* ]]
	[ "$(cat /proc/sys/vm/swappiness)" = "$before" ] # the host's is the host's
	cfg '.linux.sysctl = {"net.ipv4.ip_forward": "1"} | .linux.namespaces = [.linux.namespaces[] | select(.type != "network")]'
	run rt run --bundle "$B" $RUNID-sys3
	[ "$status" -eq 1 ]
	[[ "$output" == *"needs a namespace of its own"* ]]
	[ -z "$(ls "$R")" ]
}

@test "annotations are in the state; an unsupported field is refused as runc refuses it" {
	cfg '.annotations = {"org.cvtest.a": "b"} | .process.args = ["/bin/sleep", "60"]'
	rt create --bundle "$B" $RUNID-an1 >/dev/null 2>&1
	[ "$(rt state $RUNID-an1 | jq -r '.annotations."org.cvtest.a"')" = b ]
	rt delete -f $RUNID-an1
	cfg '.linux.intelRdt = {"closID": "x"}'
	run rt run --bundle "$B" $RUNID-an2
	[ "$status" -eq 1 ]
	[[ "$output" == *"linux.intelRdt: Intel RDT is not supported"* ]]
	[ -z "$(ls "$R")" ]
}

@test "process.apparmorProfile: the container confined where AppArmor enforces; a clear error where it is off" {
	# CAP_SYS_ADMIN, so that only the profile stands between the container and mount(2)
	cfg '.process.capabilities |= map_values(. + ["CAP_SYS_ADMIN"]) |
	     .process.args = ["/bin/sh", "-c", "cat /proc/self/attr/current; mount -t tmpfs t /mnt 2>/dev/null && echo mounted || echo denied"]'
	if "$CV_BIN/cv-security" status | grep -q '^apparmor *not enabled'; then
		cfg '.process.apparmorProfile = "containerv-default"'
		run rt run --bundle "$B" $RUNID-aa1
		[ "$status" -eq 1 ]
		[[ "$output" == *"AppArmor is not enabled"* ]]
		[ -z "$(ls "$R")" ]
		return 0
	fi
	inside_config() { run --separate-stderr rt run --bundle "$B" $RUNID-aa1; }
	inside_config # the control: unconfined, the mount works
	[ "$output" = "unconfined
mounted" ]
	cfg '.process.apparmorProfile = "containerv-default"' # loaded by the runtime if need be
	inside_config
	[ "$output" = "containerv-default (enforce)
denied" ] || { echo "confined: $status, $output, $stderr"; return 1; }
	cfg '.process.apparmorProfile = "cvtest-never-loaded"'
	run rt run --bundle "$B" $RUNID-aa2
	[ "$status" -ne 0 ]
	[[ "$output" == *"cvtest-never-loaded"* ]]
}

@test "a user namespace joined by path: hostname, domain name and offsets by step 01's code, checked as without the join" {
	"$CV_BIN/cv-namespaces" run -q --uid-map 0:200000:65536 --gid-map 0:200000:65536 -- \
		/bin/sleep 29.6 &
	for _ in $(seq 50); do target=$(descendants $! "/bin/sleep 29.6") && break; sleep 0.1; done
	long=$(printf 'd%.0s' $(seq 65))
	cfg ".linux.namespaces += [{\"type\": \"user\", \"path\": \"/proc/$target/ns/user\"}, {\"type\": \"time\"}] |
	     .linux.timeOffsets = {\"boottime\": {\"secs\": 3600}} |
	     .mounts = [.mounts[] | select(.type != \"cgroup\" and .type != \"sysfs\")] |
	     .domainname = \"$long\" | .process.args = [\"/bin/cv-probe\", \"hostname\", \"domainname\", \"boottime\"]"
	# a domain name the kernel would refuse: step 01's check names it, as it does
	# for a container that makes its own user namespace
	run rt run --bundle "$B" $RUNID-dn1
	refused="$status $output $(ls "$R")"
	# one it takes: set, and the --explain trace shows step 01's own calls
	cfg '.domainname = "cv.test"'
	before=$(cut -d' ' -f1 /proc/uptime | cut -d. -f1)
	run --separate-stderr rt --explain run --bundle "$B" $RUNID-dn2
	kill "$target"
	[[ "$refused" == "1 "*"domain name \`$long\` is longer than 64 bytes"* ]] || {
		echo "refused: $refused"
		return 1
	}
	[[ "$refused" != *$RUNID-dn1* ]]
	[ "$status" -eq 0 ]
	[ "$(echo "$output" | head -2)" = "containerv
cv.test" ]
	[ "${lines[2]%.*}" -ge $((before + 3600)) ]
	[[ "$stderr" == *'=> sethostname("containerv") ok [steps/01-namespaces/spawn.c]'* ]]
	[[ "$stderr" == *'=> setdomainname("cv.test") ok [steps/01-namespaces/spawn.c]'* ]]
	[[ "$stderr" == *'=> setns(`/proc/self/ns/time_for_children`, CLONE_NEWTIME) ok'* ]]
}
