#!/usr/bin/env bats
# bin/cv-network as a user types it, every test inside a "host" network
# namespace the test makes (bound on a file in its own directory, entered
# with nsenter): a bridge and containers on it, traffic between them, from
# the host's 127.0.0.1, hairpin, IPv6 and UDP, NAT out through a veth
# uplink to a second namespace, the mistakes, a holder killed half-way,
# rootless with pasta and slirp4netns, and a foreign firewall diagnosed.
# Traffic goes only to addresses inside those namespaces.  At the end the
# machine's own network has no trace of any of it.

bats_require_minimum_version 1.5.0
load helpers

NET="$CV_BIN/cv-network"
BB=/bin/busybox

setup_file() {
	[ "$(id -u)" = 0 ] || return 0
	# the machine's own network, as it was: nothing of ours may appear in it
	ip -o link show cv0 >/dev/null 2>&1 && echo yes >"$BATS_FILE_TMPDIR/had-cv0" || true
	nft list table inet containerv >/dev/null 2>&1 && echo yes >"$BATS_FILE_TMPDIR/had-table" || true
}

teardown_file() {
	[ "$(id -u)" = 0 ] || return 0
	[ -e "$BATS_FILE_TMPDIR/had-cv0" ] || ! ip -o link show cv0 >/dev/null 2>&1
	[ -e "$BATS_FILE_TMPDIR/had-table" ] || ! nft list table inet containerv >/dev/null 2>&1
}

setup() {
	need_root
	[ -x "$BB" ] || skip "no $BB: apt-get install busybox-static"
	T=$(test_tmpdir net)
	chmod 755 "$T"
	touch "$T/host"
	unshare --net="$T/host" true
	H="nsenter --net=$T/host"
	$H ip link set lo up
	STATE=$T/state
	WWW=$T/www
	mkdir -p "$WWW/cgi-bin"
	echo "hello from a container" >"$WWW/index.html"
	chmod -R a+rX "$WWW"
}

# ours PID: PID is a process of this run (the run's token is in its
# environment): a pid noted earlier may since belong to another user.
ours() {
	grep -qxzF "CV_TEST_RUN=$CV_TEST_RUN" "/proc/$1/environ" 2>/dev/null
}

teardown() {
	local f
	for f in "$T"/*.pid; do
		[ -e "$f" ] && ours "$(cat "$f")" || continue
		pkill -KILL -P "$(cat "$f")" 2>/dev/null || true
		kill -KILL "$(cat "$f")" 2>/dev/null || true
	done
	wait 2>/dev/null || true
	[ -z "${WORLD:-}" ] || umount "$T/world" 2>/dev/null || true
	umount "$T/host" 2>/dev/null || true
	[ -z "${TUN_MODE:-}" ] || chmod "$TUN_MODE" /dev/net/tun
	rm -rf "$T"
}

# start NAME [OPTIONS] -- CMD...: `cv-network run` in the background in the
# test's host; returns once NAME is attached (its summary line printed).
start() {
	local name=$1 i
	shift
	$H "$NET" run --state "$STATE" --name "$name" "$@" >"$T/$name.out" 2>&1 &
	echo $! >"$T/$name.pid"
	for i in $(seq 200); do
		grep -q "^$name: eth0 " "$T/$name.out" && return 0
		kill -0 "$(cat "$T/$name.pid")" 2>/dev/null || break
		sleep 0.05
	done
	echo "# $name did not attach:" >&2
	cat "$T/$name.out" >&2
	return 1
}

# stop NAME: its command killed; cv-network detaches and exits.
stop() {
	local pid
	pid=$(cat "$T/$1.pid")
	! ours "$pid" || pkill -TERM -P "$pid" 2>/dev/null || true
	wait "$pid" 2>/dev/null || true
	rm -f "$T/$1.pid"
}

# ctr NAME: the pid of NAME's command: cv-network's child that is not the
# rootless helper (pasta or slirp4netns, its children too).
ctr() {
	local c
	for c in $(pgrep -P "$(cat "$T/$1.pid")"); do
		case "$(cat "/proc/$c/comm" 2>/dev/null)" in pasta* | slirp4netns) ;; *) echo "$c" && return ;; esac
	done
}

# inside NAME CMD...: CMD in the network namespace of NAME's command.
inside() {
	local name=$1
	shift
	nsenter --net="/proc/$(ctr "$name")/ns/net" "$@"
}

# fetch URL [NAME]: the page at URL, from the host or from inside NAME,
# trying while a server starts.
fetch() {
	local i
	for i in $(seq 40); do
		if [ -n "${2:-}" ]; then
			inside "$2" $BB timeout 3 $BB wget -q -O - "$1" 2>/dev/null && return 0
		else
			$H $BB timeout 3 $BB wget -q -O - "$1" 2>/dev/null && return 0
		fi
		sleep 0.05
	done
	return 1
}

# nothing_left: the host has only lo (and the uplink, when the test made
# one), no table of ours, and the state directory no network.
nothing_left() {
	local links
	links=$($H ip -o link show | awk -F': ' '{print $2}' | cut -d@ -f1 | sort | tr '\n' ' ')
	[ "$links" = "lo ${UPLINK:+$UPLINK }" ] || { echo "links left: $links"; return 1; }
	! $H nft list table inet containerv >/dev/null 2>&1 || { echo "the table is left"; return 1; }
	[ -z "$(ls "$STATE" 2>/dev/null | grep -v '^lock$')" ] || { ls -R "$STATE"; return 1; }
}

# uplink: a second namespace, "the world", behind a veth at 192.0.2.0/24;
# the host routes everything there (this kernel has no dummy links).
uplink() {
	touch "$T/world"
	unshare --net="$T/world" true
	WORLD="nsenter --net=$T/world"
	UPLINK=up0
	$H ip link add up0 type veth peer name down0
	$H ip link set down0 netns "$T/world"
	$H ip addr add 192.0.2.1/24 dev up0
	$H ip link set up0 up
	$H ip route add default via 192.0.2.2
	$WORLD ip addr add 192.0.2.2/24 dev down0
	$WORLD ip link set down0 up
	$WORLD ip link set lo up
}

@test "run: the command sees eth0 with its address, the route, and its own hostname" {
	run $H "$NET" run --state "$STATE" --name web -- sh -c 'ip -o addr show eth0; ip route; ip -6 route; hostname'
	[ "$status" -eq 0 ]
	[[ "${lines[0]}" == "web: eth0 10.77.0.2/24 fd63:7663:a4d::2/64, gateway 10.77.0.1, on bridge cv0 (host end veth"* ]]
	[[ "$output" == *"inet 10.77.0.2/24"* ]]
	[[ "$output" == *"inet6 fd63:7663:a4d::2/64"* ]]
	[[ "$output" == *"default via 10.77.0.1 dev eth0"* ]]
	[[ "$output" == *"default via fd63:7663:a4d::1 dev eth0"* ]]
	[ "${lines[-1]}" = web ]
	nothing_left
}

@test "container to container, over IPv4 and IPv6" {
	start web -- $BB httpd -f -p 80 -h "$WWW"
	run $H "$NET" run --state "$STATE" --name client -q -- $BB timeout 3 $BB wget -q -O - http://10.77.0.2/
	[ "$output" = "hello from a container" ]
	run $H "$NET" run --state "$STATE" --name client -q -- $BB timeout 3 $BB wget -q -O - "http://[fd63:7663:a4d::2]/"
	[ "$output" = "hello from a container" ]
	run $H "$NET" run --state "$STATE" --name client -q -- $BB ping -c 1 -W 2 10.77.0.2
	[ "$status" -eq 0 ]
	stop web
	nothing_left
}

@test "a published port: from the host's 127.0.0.1, its bridge address, IPv6, and hairpin" {
	start web -p 8080:80 -- $BB httpd -f -p 80 -h "$WWW"
	grep -qx "web: published 8080:80/tcp" "$T/web.out"
	run fetch http://127.0.0.1:8080/
	[ "$output" = "hello from a container" ]
	run fetch http://10.77.0.1:8080/
	[ "$output" = "hello from a container" ]
	run fetch "http://[fd63:7663:a4d::1]:8080/"
	[ "$output" = "hello from a container" ]
	# hairpin: the container reaches its own published port
	run fetch http://10.77.0.1:8080/ web
	[ "$output" = "hello from a container" ]
	# the map element is there while published, and gone after
	$H nft list map inet containerv tcp4 | grep -q '8080 : 10.77.0.2 . 80'
	stop web
	nothing_left
}

@test "a published udp port answers through DNAT" {
	command -v socat >/dev/null || skip "no socat (make deps)"
	start echo -p 5353:53/udp -- socat UDP-RECVFROM:53,fork EXEC:cat
	local i out=""
	for i in $(seq 20); do
		out=$($H socat -T 1 - UDP:127.0.0.1:5353 <<<"ping over udp" 2>/dev/null) && [ -n "$out" ] && break
		sleep 0.1
	done
	[ "$out" = "ping over udp" ]
	stop echo
	nothing_left
}

@test "NAT out: the world sees the host's address, not the container's" {
	uplink
	cat >"$WWW/cgi-bin/peer" <<'CGI'
#!/bin/sh
printf 'Content-Type: text/plain\r\n\r\n%s\n' "$REMOTE_ADDR"
CGI
	chmod 755 "$WWW/cgi-bin/peer"
	$WORLD $BB httpd -f -p 192.0.2.2:80 -h "$WWW" &
	echo $! >"$T/world-httpd.pid"
	run $H "$NET" run --state "$STATE" --name out -q -- sh -c \
		"for i in 1 2 3 4 5 6 7 8 9 10; do $BB timeout 3 $BB wget -q -O - http://192.0.2.2/cgi-bin/peer && exit; sleep 0.1; done"
	[ "$output" = 192.0.2.1 ]
	kill "$(cat "$T/world-httpd.pid")"
	nothing_left
}

@test "/etc/resolv.conf without loopback servers, /etc/hosts with the container's name" {
	printf 'search example.test\nnameserver 127.0.0.53\nnameserver 192.0.2.53\n' >"$T/resolv.conf"
	run $H unshare -m sh -c "mount --make-rprivate / && mount --bind $T/resolv.conf /etc/resolv.conf &&
		$NET run --state $STATE --name named -q -- sh -c 'cat /etc/resolv.conf; echo ---; cat /etc/hosts'"
	[ "$status" -eq 0 ]
	[[ "$output" == *"nameserver 192.0.2.53"* ]]
	[[ "$output" == *"search example.test"* ]]
	! grep -q '^nameserver 127.0.0.53' <<<"$output"
	grep -qE '^10\.77\.0\.2[[:space:]]+named$' <<<"$output"
	grep -qE '^127\.0\.0\.1[[:space:]]+localhost' <<<"$output"
	nothing_left
}

@test "ls: the bridge, its subnet, and who has which address" {
	start one -- sleep 60
	start two -- sleep 60
	run $H "$NET" ls --state "$STATE"
	[ "${lines[0]}" = "NETWORK      SUBNET             ADDRESS            CONTAINER            PID" ]
	[[ "$output" == *"cv0          10.77.0.0/24       10.77.0.2          one                  $(cat "$T/one.pid")"* ]]
	[[ "$output" == *"10.77.0.3          two                  $(cat "$T/two.pid")"* ]]
	run $H "$NET" rm --state "$STATE" cv0
	[ "$status" -eq 1 ]
	[[ "$output" == *"network cv0 is in use by "* ]]
	stop one
	stop two
	nothing_left
}

@test "a port in use is refused, naming who holds it, with nothing made" {
	start web -p 8080:80 -- sleep 60
	run $H "$NET" run --state "$STATE" --name second -p 8080:80 -- true
	[ "$status" -eq 1 ]
	[[ "$output" == *"port 8080/tcp is in use by pid $(cat "$T/web.pid") (cv-network)"* ]]
	[[ "$output" == *"hint: "* ]]
	[ "$(ls "$STATE/cv0/attach")" = web ]
	[ "$($H ip -o link show master cv0 | wc -l)" -eq 1 ]
	stop web
	nothing_left
}

@test "a subnet over a route the host has is refused, naming the route" {
	uplink
	$H ip route add 10.77.0.0/16 via 192.0.2.2
	run $H "$NET" run --state "$STATE" --name x -- true
	[ "$status" -eq 1 ]
	[[ "$output" == *"--subnet 10.77.0.0/24 overlaps the route 10.77.0.0/16"* ]]
	[[ "$output" == *"hint: choose another --subnet"* ]]
	run $H "$NET" run --state "$STATE" --subnet 10.78.0.0/24 --name x -q -- sh -c 'ip -o -4 addr show eth0'
	[ "$status" -eq 0 ]
	[[ "$output" == *"10.78.0.2/24"* ]]
	$H ip route del 10.77.0.0/16
	nothing_left
}

@test "mistakes: each named, with a hint, and nothing made" {
	run $H "$NET" run --state "$STATE" --bridge abcdefghijklmnop -- true
	[ "$status" -eq 1 ]
	[[ "$output" == *"abcdefghijklmnop"* && "$output" == *"15"* ]]
	run $H "$NET" run --state "$STATE" -p 8080 -- true
	[ "$status" -eq 2 ]
	[[ "$output" == *"8080"* && "$output" == *"HOSTPORT:PORT"* ]]
	run $H "$NET" run --state "$STATE" -p 8080:80/sctp -- true
	[ "$status" -eq 2 ]
	[[ "$output" == *"sctp"* ]]
	run $H "$NET" run --state "$STATE" --subnet 10.77.0.5/24 -- true
	[ "$status" -eq 1 ]
	[[ "$output" == *"10.77.0.5/24"* && "$output" == *"10.77.0.0/24"* ]]
	run $H "$NET" run --state "$STATE" --ip 10.99.0.9 -- true
	[ "$status" -eq 1 ]
	[[ "$output" == *"10.99.0.9"* ]]
	run $H "$NET" run --state "$STATE" --name 'a/b' -- true
	[ "$status" -eq 1 ]
	[[ "$output" == *"a/b"* ]]
	run -127 $H "$NET" run --state "$STATE" -- /nonexistent/cmd
	[ "$status" -eq 127 ]
	run $H "$NET" rm --state "$STATE" nosuch
	[ "$status" -eq 1 ]
	[[ "$output" == *"no network named \`nosuch\`"* ]]
	nothing_left
}

@test "a holder killed with SIGKILL in the middle of setup: gc removes what it left" {
	command -v strace >/dev/null || skip "no strace (make deps)"
	local n
	# killed at its n-th netlink message, each after its record is written:
	# once the bridge is made, amid the table and the addresses, inside
	for n in 4 8 16; do
		run $H strace -f -o /dev/null -e trace=sendmsg -e inject=sendmsg:signal=SIGKILL:when=$n \
			"$NET" run --state "$STATE" --name k -p 8080:80 -- true
		[ "$status" -ne 0 ]
		[ -e "$STATE/cv0/attach/k" ] # it left its record, and what it had made
		run $H "$NET" gc --state "$STATE"
		[ "$status" -eq 0 ]
		[ "$output" = "removed 1 attachment left behind" ]
		nothing_left
		run $H "$NET" gc --state "$STATE"
		[ "$output" = "removed 0 attachments left behind" ]
	done
}

@test "a holder killed after setup: ls says so, gc removes it, twice is fine" {
	start k -p 8080:80 -- sleep 60
	local c
	c=$(ctr k) # its command outlives it: stopped by its own pid below
	kill -KILL "$(cat "$T/k.pid")"
	wait "$(cat "$T/k.pid")" 2>/dev/null || true
	run $H "$NET" ls --state "$STATE"
	[[ "$output" == *"(gone: \`cv-network gc\` removes it)"* ]]
	run $H "$NET" gc --state "$STATE"
	[ "$output" = "removed 1 attachment left behind" ]
	! ours "$c" || kill -KILL "$c"
	rm -f "$T/k.pid"
	nothing_left
	run $H "$NET" gc --state "$STATE"
	[ "$output" = "removed 0 attachments left behind" ]
}

@test "a foreign firewall's drop policy on forward is diagnosed, with the hint" {
	$H nft add table ip filter
	$H nft "add chain ip filter FORWARD { type filter hook forward priority 0; policy drop; }"
	run $H "$NET" run --state "$STATE" --name d -q -- true
	[ "$status" -eq 0 ]
	[[ "$output" == *"table ip filter chain FORWARD (hook forward, policy drop)"* ]]
	[[ "$output" == *"hint: "* ]]
	$H nft delete table ip filter
	run $H "$NET" run --state "$STATE" --name d -q -- true
	[ "$output" = "" ]
	nothing_left
}

@test "demo: ping, the host's loopback, hairpin, the table, and nothing left" {
	run $H "$NET" demo
	[ "$status" -eq 0 ]
	[[ "$output" == *"client: ping 10.77.0.2 -> answered"* ]]
	[[ "$output" == *"host: GET http://127.0.0.1:8080/ -> hello from web"* ]]
	[[ "$output" == *"web: GET http://10.77.0.1:8080/ -> hello from web"* ]]
	[[ "$output" == *"table inet containerv {"* ]]
	[ "${lines[-1]}" = "left: links: lo; nft table inet containerv: none" ]
	[ -z "$(ls -d /tmp/cv-network-demo-* /tmp/cv-network-www-* 2>/dev/null)" ] || true
}

# rootless: as nobody, inside the test's host; the helper joins the
# user's own network namespace to it and forwards the port
rootless() {
	[ -e /dev/net/tun ] || skip "no /dev/net/tun"
	uplink # pasta copies the host's interface with the default route
	TUN_MODE=$(stat -c %a /dev/net/tun)
	chmod 0666 /dev/net/tun
	cp "$NET" "$T/cv-network"
	chmod 755 "$T/cv-network"
	$H setpriv --reuid 65534 --regid 65534 --clear-groups \
		env -i PATH=/usr/bin:/bin HOME=/ CV_TEST_RUN="$CV_TEST_RUN" \
		"$T/cv-network" run --via "$1" --name rl -p 8080:80 -- $BB httpd -f -p 80 -h "$WWW" \
		>"$T/rl.out" 2>&1 &
	echo $! >"$T/rl.pid"
	run fetch http://127.0.0.1:8080/
	cat "$T/rl.out"
	[ "$output" = "hello from a container" ]
	grep -qx "rootless: a network namespace of your own, joined to the host by $1" "$T/rl.out"
	# and outward: from the container, through the helper, to the world
	mkdir -p "$T/world-www"
	echo "hello from the world" >"$T/world-www/index.html"
	chmod -R a+rX "$T/world-www"
	$WORLD $BB httpd -f -p 192.0.2.2:80 -h "$T/world-www" &
	echo $! >"$T/world-httpd.pid"
	run fetch http://192.0.2.2/ rl
	[ "$output" = "hello from the world" ]
	stop rl
	nothing_left
}

@test "rootless with pasta: a published port reaches the container, and it reaches out" {
	command -v pasta >/dev/null || skip "no pasta (apt-get install passt)"
	rootless pasta
}

@test "rootless with slirp4netns: a published port reaches the container, and it reaches out" {
	command -v slirp4netns >/dev/null || skip "no slirp4netns"
	rootless slirp4netns
}
