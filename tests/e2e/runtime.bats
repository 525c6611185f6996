#!/usr/bin/env bats
# bin/containerv as runc's users drive it: the lifecycle and its state
# strings, exit codes, signals, the pid file, the console socket, hooks,
# and mistakes refused with nothing left behind.

bats_require_minimum_version 1.5.0
load helpers

setup() {
	bundle_setup /bin/cv-probe pid hostname
}

teardown() {
	[ -z "${BG:-}" ] || { kill "$BG" 2>/dev/null; wait "$BG" 2>/dev/null; } || true
	bundle_teardown
	no_cgroups_left
	rootfs_untouched
}

# Nothing of container ID anywhere: state, cgroup (its default one,
# /containerv/ID), a process in it.
gone() {
	[ ! -e "$R/$1" ] || { echo "state of $1 left"; return 1; }
	no_cgroups_left "$1"
	[ -z "$(cgroup_pids "/containerv/$1")" ] || { echo "a process of $1 left"; return 1; }
}

# --- help and spec ---------------------------------------------------------------

@test "--help lists runc's commands and global options; --version" {
	run "$CV" --help
	[ "$status" -eq 0 ]
	for c in create start state kill delete run spec exec ps pause resume update events features list; do
		[[ "$output" == *"  $c "* ]] || { echo "no $c"; return 1; }
	done
	for o in root log log-format debug systemd-cgroup explain; do
		[[ "$output" == *"--$o"* ]] || { echo "no --$o"; return 1; }
	done
	run "$CV" --version
	[[ "${lines[0]}" =~ ^containerv\ version\ [0-9]+\.[0-9]+\.[0-9]+$ ]]
	[ "${lines[1]}" = "spec: 1.2.0" ]
	[[ "${lines[2]}" =~ ^libseccomp:\ [0-9.]+$ ]]
}

@test "spec writes a config.json that parses; it will not overwrite one" {
	jq -e '.ociVersion and .process.args and .root.path and .linux.namespaces' "$B/config.json"
	run "$CV" spec --bundle "$B"
	[ "$status" -eq 1 ]
	[[ "$output" == *"config.json exists"* ]]
	run "$CV" spec --bundle "$B/rl" 2>/dev/null # no such directory
	[ "$status" -ne 0 ]
	mkdir "$B/rl" && "$CV" spec --rootless --bundle "$B/rl"
	jq -e '.linux.uidMappings[0].hostID == 0 and (.linux.namespaces | map(.type) | index("user"))' \
		"$B/rl/config.json"
}

# --- the lifecycle ------------------------------------------------------------------

@test "create, start, kill, delete: the state at each point" {
	cfg '.process.args = ["/bin/sh", "-c", "echo started; exec sleep 60"]'
	rt create --bundle "$B" $RUNID-c1 >"$B/out" 2>"$B/err"
	[ "$(status_of $RUNID-c1)" = created ]
	pid=$(rt state $RUNID-c1 | jq .pid)
	[ "$pid" -gt 0 ]
	[ "$(readlink /proc/$pid/ns/pid)" != "$(readlink /proc/self/ns/pid)" ]
	[ ! -s "$B/out" ] # the program has not run
	[ "$(rt state $RUNID-c1 | jq -r '.id + " " + .bundle')" = "$RUNID-c1 $B" ]
	rt start $RUNID-c1
	[ "$(status_of $RUNID-c1)" = running ]
	for _ in $(seq 50); do [ -s "$B/out" ] && break; sleep 0.1; done
	[ "$(cat "$B/out")" = started ] # create's stdout is the container's
	run rt start $RUNID-c1
	[ "$status" -eq 1 ]
	[[ "$output" == *"cannot start container \`$RUNID-c1\`: it is running"* ]]
	rt kill $RUNID-c1 KILL
	for _ in $(seq 50); do [ "$(status_of $RUNID-c1)" = stopped ] && break; sleep 0.1; done
	[ "$(status_of $RUNID-c1)" = stopped ]
	[ "$(rt state $RUNID-c1 | jq .pid)" = 0 ]
	rt delete $RUNID-c1
	run rt state $RUNID-c1
	[ "$status" -eq 1 ]
	[[ "$output" == *"container \`$RUNID-c1\` does not exist"* ]]
	gone $RUNID-c1
}

@test "run: the program is pid 1 with the config's hostname; its exit code is run's" {
	run rt run --bundle "$B" $RUNID-r1
	[ "$status" -eq 0 ]
	[ "$output" = "1
containerv" ]
	gone $RUNID-r1
	cfg '.process.args = ["/bin/sh", "-c", "exit 3"]'
	run rt run --bundle "$B" $RUNID-r2
	[ "$status" -eq 3 ]
	gone $RUNID-r2
}

@test "run forwards signals; a killed container's status is 128+N" {
	cfg '.process.args = ["/bin/sh", "-c", "trap \"exit 7\" TERM; while :; do sleep 0.1; done"]'
	"$CV" --root "$R" run --bundle "$B" $RUNID-s1 &
	BG=$!
	for _ in $(seq 50); do [ "$(status_of $RUNID-s1 2>/dev/null)" = running ] && break; sleep 0.1; done
	sleep 0.3
	kill -TERM "$BG"
	wait "$BG" && rc=0 || rc=$?
	BG=""
	[ "$rc" -eq 7 ]
	cfg '.process.args = ["/bin/sleep", "60"]'
	"$CV" --root "$R" run --bundle "$B" $RUNID-s2 &
	BG=$!
	for _ in $(seq 50); do [ "$(status_of $RUNID-s2 2>/dev/null)" = running ] && break; sleep 0.1; done
	rt kill $RUNID-s2 KILL
	wait "$BG" && rc=0 || rc=$?
	BG=""
	[ "$rc" -eq 137 ]
	gone $RUNID-s1 && gone $RUNID-s2
}

@test "run --detach --pid-file; kill by name and number; kill --all" {
	cfg '.process.args = ["/bin/sh", "-c", "sleep 60 & exec sleep 61"]'
	rt run -d --pid-file "$B/pid" --bundle "$B" $RUNID-d1 >/dev/null 2>&1
	[ "$(status_of $RUNID-d1)" = running ]
	[ "$(cat "$B/pid")" = "$(rt state $RUNID-d1 | jq .pid)" ]
	run rt kill $RUNID-d1 NOSUCH
	[ "$status" -eq 2 ]
	[[ "$output" == *"unknown signal \`NOSUCH\`"* ]]
	rt kill --all $RUNID-d1 9
	for _ in $(seq 50); do [ "$(status_of $RUNID-d1)" = stopped ] && break; sleep 0.1; done
	[ "$(status_of $RUNID-d1)" = stopped ]
	run rt kill $RUNID-d1 TERM # stopped: nothing to signal
	[ "$status" -eq 1 ]
	rt delete $RUNID-d1
	gone $RUNID-d1
}

@test "list shows each container with its status; -q the ids; --format json" {
	cfg '.process.args = ["/bin/sleep", "60"]'
	rt run -d --bundle "$B" $RUNID-l1 >/dev/null 2>&1
	rt create --bundle "$B" $RUNID-l2 >/dev/null 2>&1
	run rt list
	[ "$status" -eq 0 ]
	[[ "${lines[0]}" == "ID "*"PID "*"STATUS "*"BUNDLE "*"CREATED"* ]]
	echo "$output" | grep -Eq "^$RUNID-l1 +[0-9]+ +running +$B "
	echo "$output" | grep -Eq "^$RUNID-l2 +[0-9]+ +created +$B "
	[ "$(rt list -q | sort | tr '\n' ' ')" = "$RUNID-l1 $RUNID-l2 " ]
	[ "$(rt list --format json | jq -r 'map(.id + "=" + .status) | sort | join(" ")')" = "$RUNID-l1=running $RUNID-l2=created" ]
	rt delete -f $RUNID-l1 && rt delete $RUNID-l2
	[ -z "$(rt list -q)" ]
}

@test "delete refuses a running container; --force kills it; a created one is removed" {
	cfg '.process.args = ["/bin/sleep", "60"]'
	rt run -d --bundle "$B" $RUNID-f1 >/dev/null 2>&1
	run rt delete $RUNID-f1
	[ "$status" -eq 1 ]
	[[ "$output" == *"cannot delete container \`$RUNID-f1\`: it is running"* ]]
	[ "$(status_of $RUNID-f1)" = running ]
	rt delete --force $RUNID-f1
	gone $RUNID-f1
	rt create --bundle "$B" $RUNID-f2 >/dev/null 2>&1
	rt delete $RUNID-f2
	gone $RUNID-f2
	rt delete --force $RUNID-f3 # a container that does not exist: fine when forced
}

@test "the console socket receives the terminal; a shell talks through it" {
	cfg '.process.terminal = true | .process.args = ["/bin/sh"]'
	"$CONSOCK" "$B/console.sock" 'echo tty=$(tty) pid=$$; exit' >"$B/console.out"
	rt create --console-socket "$B/console.sock" --bundle "$B" $RUNID-t1
	rt start $RUNID-t1
	for _ in $(seq 50); do grep -q 'tty=' "$B/console.out" && break; sleep 0.1; done
	grep -q '^terminal /dev/pts/0' "$B/console.out"
	grep -q 'tty=/dev/pts/0 pid=1' "$B/console.out"
	rt delete --force $RUNID-t1
	gone $RUNID-t1
}

@test "a terminal without a console socket: refused for create, served by run" {
	cfg '.process.terminal = true | .process.args = ["/bin/sh", "-c", "tty; exit 4"]'
	run rt create --bundle "$B" $RUNID-t2
	[ "$status" -eq 1 ]
	[[ "$output" == *"without a console socket"* ]]
	gone $RUNID-t2
	run rt run --bundle "$B" $RUNID-t3 </dev/null
	[ "$status" -eq 4 ]
	[[ "$output" == *"/dev/pts/0"* ]]
	gone $RUNID-t3
}

# --- hooks ---------------------------------------------------------------------------

@test "each hook runs once, at its point, in its namespaces, with the state" {
	mkdir "$B/hk"
	cat >"$B/hk/hook.sh" <<-'EOF'
	#!/bin/sh
	state=$(cat)
	status=$(echo "$state" | grep -o '"status": *"[a-z]*"' | grep -o '[a-z]*"$' | tr -d '"')
	pid=$(echo "$state" | grep -o '"pid": *[0-9]*' | grep -o '[0-9]*$')
	echo "$1 $status $(hostname) $pid" >>"$2"
	EOF
	chmod 755 "$B/hk/hook.sh"
	H="$B/hk/hook.sh"
	cfg ".hostname = \"cvtest-box\" |
	     .root.readonly = true |
	     .mounts += [{\"destination\": \"/mnt\", \"type\": \"bind\", \"source\": \"$B/hk\", \"options\": [\"bind\", \"rw\"]}] |
	     .process.args = [\"/bin/true\"] |
	     .hooks = {
	       \"prestart\": [{\"path\": \"$H\", \"args\": [\"hook.sh\", \"prestart\", \"$B/hk/log\"]}],
	       \"createRuntime\": [{\"path\": \"$H\", \"args\": [\"hook.sh\", \"createRuntime\", \"$B/hk/log\"]}],
	       \"createContainer\": [{\"path\": \"$H\", \"args\": [\"hook.sh\", \"createContainer\", \"$B/hk/log\"]}],
	       \"startContainer\": [{\"path\": \"/mnt/hook.sh\", \"args\": [\"hook.sh\", \"startContainer\", \"/mnt/log\"]}],
	       \"poststart\": [{\"path\": \"$H\", \"args\": [\"hook.sh\", \"poststart\", \"$B/hk/log\"]}],
	       \"poststop\": [{\"path\": \"$H\", \"args\": [\"hook.sh\", \"poststop\", \"$B/hk/log\"]}]
	     }"
	rt create --bundle "$B" $RUNID-h1 >/dev/null 2>&1
	pid=$(rt state $RUNID-h1 | jq .pid)
	rt start $RUNID-h1
	for _ in $(seq 50); do [ "$(status_of $RUNID-h1)" = stopped ] && break; sleep 0.1; done
	rt delete $RUNID-h1
	host=$(hostname)
	cat "$B/hk/log"
	[ "$(cut -d' ' -f1 "$B/hk/log" | tr '\n' ' ')" = \
		"prestart createRuntime createContainer startContainer poststart poststop " ]
	grep -qx "prestart creating $host $pid" "$B/hk/log"
	grep -qx "createRuntime creating $host $pid" "$B/hk/log"
	grep -qx "createContainer creating cvtest-box $pid" "$B/hk/log"
	grep -qx "startContainer created cvtest-box $pid" "$B/hk/log"
	grep -qx "poststart running $host $pid" "$B/hk/log"
	grep -qx "poststop stopped $host 0" "$B/hk/log"
	gone $RUNID-h1
}

@test "a failing createRuntime hook fails create, naming it; a slow one is killed at its timeout" {
	cfg '.hooks = {"createRuntime": [{"path": "/bin/false"}]}'
	run rt create --bundle "$B" $RUNID-k1
	[ "$status" -eq 1 ]
	[[ "$output" == *"createRuntime hook \`/bin/false\` exited with status 1"* ]]
	gone $RUNID-k1
	cfg '.hooks = {"prestart": [{"path": "/bin/sleep", "args": ["sleep", "30"], "timeout": 1}]}'
	run rt create --bundle "$B" $RUNID-k2
	[ "$status" -eq 1 ]
	[[ "$output" == *"prestart hook \`/bin/sleep\` did not finish within its timeout of 1 s"* ]]
	gone $RUNID-k2
}

# --- hardening ----------------------------------------------------------------------

@test "CVE-2019-5736: the container cannot run the runtime's binary, however named" {
	mkdir "$B/evil"
	printf '#!/proc/self/exe\n' >"$B/evil/script"
	chmod 755 "$B/evil/script"
	ln -s /proc/self/exe "$B/evil/link"
	cfg ".mounts += [{\"destination\": \"/srv\", \"type\": \"bind\", \"source\": \"$B/evil\", \"options\": [\"bind\", \"ro\"]}]"
	for prog in /proc/self/exe /proc/1/exe /srv/script /srv/link; do
		cfg ".process.args = [\"$prog\"]"
		run rt run --bundle "$B" $RUNID-e1
		[ "$status" -eq 1 ] # create refused it: the program never ran
		[[ "$output" == *"it is the runtime's own binary"* ]] || { echo "$prog: $output"; return 1; }
		gone $RUNID-e1
	done
}

@test "CVE-2024-21626: no descriptor of the runtime leaks in; cwd cannot be a magic link" {
	cfg '.process.args = ["/bin/cv-probe", "fds", "cwd"] | .process.cwd = "/tmp"'
	exec 7</etc/hostname
	run rt run --bundle "$B" $RUNID-l1
	exec 7<&-
	[ "$status" -eq 0 ]
	[ "$output" = "
/tmp" ] # no fd above 2 at all
	cfg '.process.cwd = "/proc/self/fd/7"'
	exec 7</
	run rt run --bundle "$B" $RUNID-l2
	exec 7<&-
	[ "$status" -eq 1 ]
	[[ "$output" == *"process.cwd \`/proc/self/fd/7\`"* ]]
	gone $RUNID-l1 && gone $RUNID-l2
}

@test "--preserve-fds passes exactly the fds asked for" {
	cfg '.process.args = ["/bin/cv-probe", "fds"]'
	# (bats keeps fd 3 for itself: the container's fds are opened in a shell of their own)
	run bash -c 'exec 3</etc/hostname 4</etc/hostname; exec "$@"' _ "$CV" --root "$R" run \
		--preserve-fds 1 --bundle "$B" $RUNID-p1
	[ "$status" -eq 0 ]
	[ "$output" = "3:/etc/hostname" ]
}

# --- concurrency and interrupted creates ------------------------------------------------

@test "concurrent commands on one container: every state read is whole" {
	cfg '.process.args = ["/bin/sleep", "60"]'
	rt run -d --bundle "$B" $RUNID-x1 >/dev/null 2>&1
	for i in $(seq 20); do (rt state $RUNID-x1 >"$B/state.$i" 2>&1 &); done
	rt delete --force $RUNID-x1
	for _ in $(seq 50); do [ "$(ls "$B"/state.* | wc -l)" -eq 20 ] && break; sleep 0.1; done
	sleep 0.5
	for i in $(seq 20); do
		jq -e .status "$B/state.$i" >/dev/null ||
			grep -q 'does not exist' "$B/state.$i" || { cat "$B/state.$i"; return 1; }
	done
	gone $RUNID-x1
}

@test "create killed at each point: delete --force leaves nothing" {
	for point in prestart createRuntime createContainer; do
		cfg ".process.args = [\"/bin/sleep\", \"60\"] |
		     .hooks = {\"$point\": [{\"path\": \"/bin/sleep\", \"args\": [\"sleep\", \"29.5\"]}]}"
		rt create --bundle "$B" $RUNID-k-$point >/dev/null 2>&1 &
		pid=$!
		# the hook: among create's descendants, never by its name alone
		for _ in $(seq 50); do hook=$(descendants "$pid" "sleep 29.5") && break; sleep 0.1; done
		[ -n "$hook" ] # the hook runs: create is at that point
		kill -KILL "$pid"
		wait "$pid" 2>/dev/null || true
		kill -KILL $hook 2>/dev/null || true
		rt delete --force $RUNID-k-$point
		gone $RUNID-k-$point
	done
}

# --- bad input: runc's error, non-zero, nothing left ----------------------------------

@test "a bundle without config.json; malformed JSON; a wrong type, with file and line" {
	run rt create --bundle /nonexistent $RUNID-b1
	[ "$status" -eq 1 ]
	[[ "$output" == *"bundle \`/nonexistent\`"* ]]
	mv "$B/config.json" "$B/saved.json"
	run rt create --bundle "$B" $RUNID-b2
	[ "$status" -eq 1 ]
	[[ "$output" == *"config.json"*"No such file"* && "$output" == *"containerv spec"* ]]
	printf '{\n  "ociVersion": "1.2.0",\n  "process": {,\n}\n' >"$B/config.json"
	run rt create --bundle "$B" $RUNID-b3
	[ "$status" -eq 1 ]
	[[ "$output" == *"config.json:3:"* ]]
	jq '.linux.resources.memory = {"limit": "12XB"}' "$B/saved.json" >"$B/config.json"
	run rt create --bundle "$B" $RUNID-b4
	[ "$status" -eq 1 ]
	line=$(grep -n '"limit": "12XB"' "$B/config.json" | cut -d: -f1)
	[[ "$output" == *"config.json:$line: linux.resources.memory.limit: expected an integer, got \"12XB\""* ]]
	[ -z "$(ls "$R")" ]
	gone $RUNID-b4
}

@test "an unknown namespace type; an id with a slash; a missing rootfs" {
	cfg '.linux.namespaces += [{"type": "pidd"}]'
	run rt create --bundle "$B" $RUNID-n1
	[ "$status" -eq 1 ]
	[[ "$output" == *"linux.namespaces["*"].type: unknown namespace type \`pidd\`"* ]]
	cfg 'del(.linux.namespaces[-1])'
	run rt create --bundle "$B" a/b
	[ "$status" -eq 1 ]
	[[ "$output" == *"invalid container id \`a/b\`"* ]]
	cfg '.root.path = "/nonexistent-rootfs"'
	run rt create --bundle "$B" $RUNID-n2
	[ "$status" -eq 1 ]
	[[ "$output" == *"/nonexistent-rootfs"* ]]
	[ -z "$(ls "$R")" ]
	gone $RUNID-n1 && gone $RUNID-n2
}

@test "an id in use; an unknown command or option; --systemd-cgroup without systemd" {
	cfg '.process.args = ["/bin/sleep", "60"]'
	rt run -d --bundle "$B" $RUNID-u1 >/dev/null 2>&1
	run rt create --bundle "$B" $RUNID-u1
	[ "$status" -eq 1 ]
	[[ "$output" == *"container \`$RUNID-u1\` already exists"* ]]
	[ "$(status_of $RUNID-u1)" = running ] # untouched
	rt delete -f $RUNID-u1
	run rt craete $RUNID-u2
	[ "$status" -eq 2 ]
	[[ "$output" == *"did you mean \`create\`"* ]]
	run rt create --bundel "$B" $RUNID-u2
	[ "$status" -eq 2 ]
	[[ "$output" == *"did you mean \`--bundle\`"* ]]
	if [ "$(cat /proc/1/comm)" != systemd ]; then
		run rt --systemd-cgroup create --bundle "$B" $RUNID-u3
		[ "$status" -eq 1 ]
		[[ "$output" == *"systemd"* ]]
	fi
	[ -z "$(ls "$R")" ]
	gone $RUNID-u1
}

@test "--log --log-format json: the error as containerd reads it" {
	run rt --log "$B/log.json" --log-format json state nosuch
	[ "$status" -eq 1 ]
	jq -e '.level == "error" and (.msg | test("does not exist"))' "$B/log.json"
}
