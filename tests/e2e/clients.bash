# clients.bash - shared by the tests that drive containerv through other
# software's daemons (containerd.bats, docker.bats).

# private_mounts CMD... - CMD in a new mount namespace whose /run and /opt
# are empty tmpfs.  containerd 1.6 (dockerd's as well as one started by
# hand) puts its shims' sockets under /run/containerd/s and its plugin
# directory at /opt/containerd whatever its configuration says, and runc's
# shim defaults to /run/containerd/runc: here all of that lands on tmpfs
# seen by the daemon and its shims alone, and goes when they do.  The
# mounts the daemon makes for containers stay in that namespace too.  It
# replaces the shell, so `private_mounts CMD &` leaves CMD's own pid in $!.
private_mounts() {
	exec unshare -m --propagation private sh -c '
		mount -t tmpfs -o mode=755 cvtest-run /run &&
		{ [ ! -d /opt ] || mount -t tmpfs -o mode=755 cvtest-opt /opt; } &&
		exec "$@"' sh "$@"
}

# stop_pid PID - SIGTERM, then SIGKILL after 20 s; returns when it is gone.
stop_pid() {
	[ -n "$1" ] && [ -d "/proc/$1" ] || return 0
	kill -TERM "$1" 2>/dev/null
	for _ in $(seq 200); do
		[ -d "/proc/$1" ] || return 0
		sleep 0.1
	done
	kill -KILL "$1" 2>/dev/null
	sleep 0.2
}

# rm_cgroup NAME - the cgroup NAME at the top of every hierarchy, with what
# is under it (empty: the containers are gone).
rm_cgroup() {
	local d
	for d in $(find /sys/fs/cgroup -maxdepth 2 -type d -name "$1"); do
		find "$d" -depth -type d -exec rmdir {} + 2>/dev/null
	done
	return 0
}

# wait_size ROWS COLS - shell code that waits (5 s at most) until its
# terminal is ROWS x COLS: the client sets the size just after start.
wait_size() {
	echo "i=0; while [ \"\$(stty size 2>/dev/null)\" != \"$1 $2\" ] && [ \$i -lt 50 ]; do sleep 0.1; i=\$((i + 1)); done"
}
