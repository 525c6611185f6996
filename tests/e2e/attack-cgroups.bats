#!/usr/bin/env bats
# Attacks on the runtime through its cgroups, and faults that used to
# defeat its cleanup, each attempted for real against a copy of
# bin/containerv; every assertion is made from the host.
#
#   escape 4  a cgroupsPath naming a cgroup that other processes use: create
#             refuses it; an empty one is used but never removed, and only
#             the container's own processes are killed in it
#   escape 5  the container's own cgroup in the named hierarchy
#             (name=systemd) too: the host's root of it is out of reach
#   faults    kill -9 while create makes the cgroups; SIGTERM or SIGINT
#             while a hook hangs; a corrupt state.json (five shapes)
#
# Everything a test makes carries its tag ($TAG: the run's prefix and a
# random part): the cgroups it makes (/cvtest-atk-TAG), the containers (ids
# cvtest-TAG-*), and its processes, which it ends by pid.  (cg_trees is in
# helpers.bash.)

bats_require_minimum_version 1.5.0
load helpers

CVF_BUILT="${CV_BUILD:-build}/tests/containerv-faults"

setup() {
	need_root
	RND=$(od -An -N4 -tx4 /dev/urandom | tr -d ' ')
	TAG=$RUNID-$RND # the run's prefix first: its leftovers tier sees these
	TMPD=$(test_tmpdir atk)
	cp "$CV" "$TMPD/containerv" # a copy: never the installed runtime
	CV="$TMPD/containerv"
	bundle_setup /bin/sleep 1000
	CG=/cvtest-atk-$TAG # the test's own cgroup, in every tree
	VICTIMS=""
}

teardown() {
	local pid t
	[ -n "${TAG:-}" ] || return 0
	bundle_teardown
	for pid in $VICTIMS; do kill -KILL "$pid" 2>/dev/null || true; done
	for pid in $VICTIMS; do wait "$pid" 2>/dev/null || true; done
	rm -rf "$TMPD"
	# the test's cgroups, and whatever a failed test left: removed, then reported
	left=$(find /sys/fs/cgroup -maxdepth 6 -depth -type d -name "*$TAG*" 2>/dev/null)
	for t in $left; do # what a failed delete left runs in cgroups only this test names
		for pid in $(find "$t" -name cgroup.procs -exec cat {} \;); do kill -KILL "$pid" 2>/dev/null || true; done
	done
	for t in $left; do cg_rmdir "$t"; done
	for t in $(cg_trees); do [ ! -d "$t$CG" ] || cg_rmdir "$t$CG"; done
	[ -z "$(echo "$left" | grep -v "$CG")" ] || { echo "left behind: $left"; return 1; }
}

# cid NAME - a container id unique to this test.
cid() {
	echo "cvtest-$TAG-$1"
}

# cg_mkdir TREE PATH - mkdir -p of a cgroup; v1 cpuset levels get their
# parent's cpus and mems (a new one has none, and takes no process).
cg_mkdir() {
	local dir=$1 part f
	for part in $(echo "$2" | tr / ' '); do
		dir="$dir/$part"
		[ -d "$dir" ] || mkdir "$dir"
		for f in cpuset.cpus cpuset.mems; do
			[ ! -f "$dir/$f" ] || [ -n "$(cat "$dir/$f")" ] || cat "$dir/../$f" >"$dir/$f"
		done
	done
}

# cg_rmdir DIR - remove a cgroup and those below it, waiting for the
# processes just killed to leave.
cg_rmdir() {
	for _ in $(seq 50); do
		find "$1" -depth -type d -exec rmdir {} \; 2>/dev/null
		[ -d "$1" ] || return 0
		sleep 0.1
	done
}

# cg_make PATH - the cgroup PATH, made by the test in every tree.
cg_make() {
	local t
	for t in $(cg_trees); do cg_mkdir "$t" "$1"; done
}

# victim PATH - a process of the test's own (not the container's), $V, in
# cgroup PATH of every tree (made where missing).  Teardown ends it.
victim() {
	local t
	sleep 1000 </dev/null >/dev/null 2>&1 3>&- &
	V=$!
	VICTIMS="$VICTIMS $V"
	cg_make "$1"
	for t in $(cg_trees); do echo "$V" >"$t$1/cgroup.procs"; done
}

# alive_in PID PATH - PID runs, and is in PATH in every tree.
alive_in() {
	local t
	[ -d "/proc/$1" ] && [ "$(awk '{ print $3 }' "/proc/$1/stat")" != Z ] ||
		{ echo "process $1 was killed"; return 1; }
	for t in $(cg_trees); do
		grep -q "^$1\$" "$t$2/cgroup.procs" || { echo "$1 is not in $t$2"; return 1; }
	done
}

# dead PID... - each is gone (or a zombie of ours, waiting to be reaped).
dead() {
	local pid
	for pid in "$@"; do
		[ ! -d "/proc/$pid" ] || [ "$(awk '{ print $3 }' "/proc/$pid/stat")" = Z ] ||
			{ echo "process $pid is alive"; return 1; }
	done
}

# cgroup_dirs PATH - PATH's directory in each tree that has it.
cgroup_dirs() {
	local t
	for t in $(cg_trees); do [ ! -d "$t$1" ] || echo "$t$1"; done
}

# in_every_tree PATH - PATH is a directory in every tree.
in_every_tree() {
	local t
	for t in $(cg_trees); do [ -d "$t$1" ] || { echo "no $t$1"; return 1; }; done
}

# attempt CMD... - run CMD: its exit code in $status, its output in
# $output.  Through a file, not bats' pipe: a container's init, should
# one be created, would hold a pipe open.
attempt() {
	status=0
	"$@" </dev/null >"$TMPD/attempt" 2>&1 3>&- || status=$?
	output=$(cat "$TMPD/attempt")
}

# created ARGS... - rt ARGS (create, or run -d), which must succeed; its
# output to a file, which the container's init may keep open.
created() {
	rt "$@" </dev/null >"$TMPD/created" 2>&1 || { cat "$TMPD/created"; return 1; }
}

# pids_tree - where the pids controller is: its v1 tree, else cgroup2's.
pids_tree() {
	{
		findmnt -rn -t cgroup -o TARGET,OPTIONS | awk '$2 ~ /(^|,)pids(,|$)/ { print $1 }'
		findmnt -rn -t cgroup2 -o TARGET
	} | head -n 1
}

# removed ID CGROUP - the state and every cgroup directory of ID are gone.
removed() {
	[ ! -e "$R/$1" ] || { echo "the state of $1 is left"; return 1; }
	[ -z "$(cgroup_dirs "$2")" ] || { echo "left: $(cgroup_dirs "$2")"; return 1; }
}

# --- escape 4: a cgroup that other processes use ------------------------------------

# refused_in_use ID WHERE - create ID in $CG, where the test's process $V sits in
# cgroup WHERE ($CG or below it): refused, naming WHERE; $V and $CG untouched.
refused_in_use() {
	cfg ".linux.cgroupsPath = \"$CG\""
	attempt rt create --bundle "$B" "$1"
	# were it accepted, delete --force would kill everything in the cgroup
	rt delete --force "$1" 2>/dev/null || true
	[ "$status" -eq 1 ]
	[[ "$output" == *"cgroup \`$CG\` is in use"* ]]
	[[ "$output" == *"$2"* ]]
	[[ "$output" == *"hint: "* ]]
	alive_in "$V" "$2"
	in_every_tree "$CG"
	[ ! -e "$R/$1" ]
}

@test "escape 4: a cgroupsPath holding another process is refused; the process and its cgroup untouched" {
	victim "$CG"
	refused_in_use "$(cid c1)" "$CG"
	[[ "$output" == *"pid $V"* ]]
}

@test "escape 4: a cgroupsPath whose child cgroup holds another process is refused too" {
	victim "$CG/inner"
	refused_in_use "$(cid c2)" "$CG/inner"
}

@test "escape 4: an existing empty cgroup is used, but delete never removes it" {
	cg_make "$CG"
	cfg ".linux.cgroupsPath = \"$CG\""
	created create --bundle "$B" "$(cid c3)"
	pid=$(rt state "$(cid c3)" | jq .pid)
	grep -qx "$pid" "$(pids_tree)$CG/cgroup.procs" # the container's init joined it
	rt delete --force "$(cid c3)"
	dead "$pid"
	in_every_tree "$CG" # not the runtime's to remove
	[ -z "$(cat "$(cgroup_dirs "$CG" | head -n 1)/cgroup.procs")" ]
	[ ! -e "$R/$(cid c3)" ]
}

@test "escape 4: in a cgroup it did not make, kill --all and delete --force kill only the container's" {
	cg_make "$CG"
	cfg ".linux.cgroupsPath = \"$CG\" | .process.args = [\"/bin/sh\", \"-c\", \"sleep 1000 & exec sleep 1001\"]"
	created run -d --bundle "$B" "$(cid c4)"
	pid=$(rt state "$(cid c4)" | jq .pid)
	victim "$CG" # moved in after create, by whoever owns the cgroup
	rt kill --all "$(cid c4)" KILL
	for _ in $(seq 50); do [ "$(status_of "$(cid c4)")" = stopped ] && break; sleep 0.1; done
	[ "$(status_of "$(cid c4)")" = stopped ]
	alive_in "$V" "$CG"
	rt delete --force "$(cid c4)"
	dead "$pid"
	alive_in "$V" "$CG"
	[ "$(wc -l <"$(cgroup_dirs "$CG" | head -n 1)/cgroup.procs")" -eq 1 ] # the victim alone
	# the same without a pid namespace: the init's descendants, found by their parents
	cg_make "$CG-b"
	cfg ".linux.cgroupsPath = \"$CG-b\" | .linux.namespaces |= map(select(.type != \"pid\"))"
	created run -d --bundle "$B" "$(cid c5)"
	pid=$(rt state "$(cid c5)" | jq .pid)
	for _ in $(seq 50); do [ -n "$(pgrep -P "$pid")" ] && break; sleep 0.1; done
	kids=$(pgrep -P "$pid")
	[ -n "$kids" ]
	victim "$CG-b"
	rt kill --all "$(cid c5)" KILL
	for _ in $(seq 50); do dead "$pid" $kids >/dev/null && break; sleep 0.1; done
	dead "$pid" $kids
	alive_in "$V" "$CG-b"
	rt delete --force "$(cid c5)"
	alive_in "$V" "$CG-b"
	in_every_tree "$CG-b"
}

# --- escape 5: the named hierarchy ---------------------------------------------------

# named_tree - the mount point of a v1 hierarchy with no controllers (name=...).
named_tree() {
	findmnt -rn -t cgroup -o TARGET,OPTIONS | awk '$2 ~ /name=/ { print $1; exit }'
}

@test "escape 5: the container has its own cgroup in name=systemd, made and removed with the others" {
	t=$(named_tree)
	[ -n "$t" ] || skip "no named cgroup hierarchy on this host"
	name=$(findmnt -rn -o OPTIONS "$t" | tr , '\n' | grep '^name=')
	cfg '.process.args = ["/bin/cv-probe", "cgroup"] | .linux.namespaces |= map(select(.type != "cgroup"))'
	run rt run --bundle "$B" "$(cid n1)"
	[ "$status" -eq 0 ]
	[[ ";$output;" == *":$name:/containerv/$(cid n1);"* ]]
	# the host's view of a created one; delete removes that directory too
	cfg '.process.args = ["/bin/sleep", "1000"]'
	created create --bundle "$B" "$(cid n2)"
	pid=$(rt state "$(cid n2)" | jq .pid)
	grep -qx "[0-9]*:$name:/containerv/$(cid n2)" "/proc/$pid/cgroup"
	[ -d "$t/containerv/$(cid n2)" ]
	rt delete --force "$(cid n2)"
	removed "$(cid n2)" "/containerv/$(cid n2)"
}

@test "escape 5: with a writable cgroup mount, the host's name=systemd tree is out of reach" {
	t=$(named_tree)
	[ -n "$t" ] || skip "no named cgroup hierarchy on this host"
	mkdir "$t$CG" # a host cgroup the container should not see, let alone join
	cfg '(.mounts[] | select(.destination == "/sys/fs/cgroup") | .options) |= map(select(. != "ro"))'
	inside=/sys/fs/cgroup/${t##*/}
	cfg ".process.args = [\"/bin/sh\", \"-c\", \"echo \$(ls $inside); echo \$\$ >$inside$CG/cgroup.procs && echo MOVED\"]"
	run rt run --bundle "$B" "$(cid n3)"
	echo "$output"
	[[ "${lines[0]}" == *"cgroup.procs"* ]] # it did list its own cgroup
	[[ "${lines[0]}" != *"release_agent"* ]] # only the root of a hierarchy has it
	[[ "${lines[0]}" != *"cvtest-atk-$TAG"* ]]
	[[ "$output" != *MOVED* ]]
	[ -z "$(cat "$t$CG/cgroup.procs")" ]
	removed "$(cid n3)" "/containerv/$(cid n3)"
}

# --- kill -9 while create makes the cgroups -------------------------------------------

@test "kill -9 of create while it makes the cgroups: delete --force removes every directory made" {
	command -v strace >/dev/null || skip "strace is not installed"
	n=$(cg_trees | wc -l)
	[ "$n" -ge 2 ] || skip "one cgroup tree: no create can stop between two"
	# SIGKILL as create is about to mkdir(2) its leaf in the middle tree: the
	# trees before it have their directories, the ones after it do not
	mid=$(cg_trees | sed -n "$((n / 2 + 1))p")/containerv/$(cid k1)
	attempt strace -o /dev/null -P "$mid" -e trace=mkdir -e inject=mkdir:signal=KILL \
		"$CV" --root "$R" create --bundle "$B" "$(cid k1)"
	[ "$status" -eq 137 ]
	[ -n "$(cgroup_dirs "/containerv/$(cid k1)")" ]                # some made,
	[ "$(cgroup_dirs "/containerv/$(cid k1)" | wc -l)" -lt "$n" ] # not all
	[ "$(status_of "$(cid k1)")" = stopped ]
	rt delete --force "$(cid k1)"
	removed "$(cid k1)" "/containerv/$(cid k1)"
}

@test "kill -9 after the cgroups, with some of them gone since: delete --force removes the rest" {
	[ -x "$CVF_BUILT" ] || skip "$CVF_BUILT is not built"
	cp "$CVF_BUILT" "$TMPD/containerv-faults"
	attempt env CV_FAULT=after-cgroup "$TMPD/containerv-faults" --root "$R" create --bundle "$B" "$(cid k2)"
	[ "$status" -eq 137 ]
	[ "$(cgroup_dirs "/containerv/$(cid k2)" | wc -l)" -ge 2 ]
	rmdir "$(cgroup_dirs "/containerv/$(cid k2)" | head -n 1)" # as if never made
	rt delete --force "$(cid k2)"
	removed "$(cid k2)" "/containerv/$(cid k2)"
}

# --- SIGTERM and SIGINT during create -------------------------------------------------

@test "SIGTERM or SIGINT to create while a hook hangs: a failed create, nothing left" {
	for sig in TERM INT; do
		c=$(cid "s$sig")
		mark="1000.$((0x$RND))${#sig}" # the hook's own argument, to find it among create's children
		cfg ".hooks.createRuntime = [{\"path\": \"/bin/sleep\", \"args\": [\"sleep\", \"$mark\"]}]"
		# a background job of a script starts with SIGINT ignored: as from a terminal
		env --default-signal=INT,TERM "$CV" --root "$R" create --bundle "$B" "$c" \
			</dev/null >"$TMPD/out" 2>&1 3>&- &
		cp=$!
		for _ in $(seq 100); do hook=$(pgrep -P "$cp" -f "sleep $mark") && break; sleep 0.1; done
		[ -n "$hook" ]
		VICTIMS="$VICTIMS $hook" # should it outlive create, teardown ends it
		pid=$(jq .pid "$R/$c/state.json")
		[ "$pid" -gt 0 ]
		kill "-$sig" "$cp"
		for _ in $(seq 100); do dead "$cp" >/dev/null && break; sleep 0.1; done
		dead "$cp" || { kill -KILL "$cp"; echo "create ignored SIG$sig"; return 1; }
		wait "$cp" && rc=0 || rc=$?
		echo "$sig: exit $rc: $(cat "$TMPD/out")"
		dead "$hook" "$pid"
		removed "$c" "/containerv/$c"
		[ "$rc" -eq $((128 + $(kill -l "$sig"))) ] # killed by it, as shells report
		grep -q "interrupted by SIG$sig" "$TMPD/out"
	done
}

# --- a corrupt state.json ----------------------------------------------------------

# corrupt SHAPE FILE - make FILE one of the five shapes of damage.
corrupt() {
	case $1 in
	empty) : >"$2" ;;
	truncated) head -c 40 "$2" >"$2.new" && mv "$2.new" "$2" ;;
	types) jq '.pid = "x"' "$2" >"$2.new" && mv "$2.new" "$2" ;;
	array) echo '[1, 2, 3]' >"$2" ;;
	junk) head -c 200 /dev/urandom >"$2" ;;
	norecord) head -c 200 /dev/urandom >"$2" && rm "${2%/*}/owned" ;;
	esac
}

@test "a corrupt state.json (five shapes): a clear error; delete --force still removes it all" {
	# and junk without the record of what create made, as an older containerv
	# left it: the cgroup is the default one then, /containerv/ID
	for shape in empty truncated types array junk norecord; do
		c=$(cid "j$shape")
		case $shape in # some in a cgroup of the test's naming, which create makes
		truncated | array) path="$CG/$c" && cfg ".linux.cgroupsPath = \"$path\"" ;;
		*) path="/containerv/$c" && cfg 'del(.linux.cgroupsPath)' ;;
		esac
		created create --bundle "$B" "$c"
		pid=$(rt state "$c" | jq .pid)
		corrupt "$shape" "$R/$c/state.json"
		run rt state "$c"
		echo "$shape: $output"
		[ "$status" -eq 1 ]
		[[ "$output" == *"$R/$c/state.json"* ]]
		[[ "$output" == *"delete --force $c"* ]] # the hint
		run rt list
		[ "$status" -eq 0 ]
		[[ "$output" == *"$c "*unknown* ]] # listed, so that it can be found and deleted
		rt delete --force "$c"
		dead "$pid"
		removed "$c" "$path"
	done
}
