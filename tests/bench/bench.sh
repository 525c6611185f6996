#!/bin/sh
# bench.sh BUILD BIN - `make bench`: containerv beside crun and runc on the
# same busybox bundle (the config `containerv spec` writes: five
# namespaces, the default mounts, masked paths, cgroups), timed by
# build/bench/bench (bench.c).  Prints a table and writes BUILD/bench.json.
# Nothing here is a test: timings depend on the machine.
set -eu
build=$1 bin=$2
n=${CV_BENCH_N:-50}
conc=${CV_BENCH_CONCURRENT:-100}
cv=$(realpath "$bin/containerv")
rootfs=$(realpath "$build/rootfs")
driver=$build/bench/bench
work=$(mktemp -d /tmp/cvbench-XXXXXX)
trap 'rm -rf "$work"' EXIT

runtimes="$cv"
for r in crun runc; do
	p=$(command -v "$r" || true)
	if [ -n "$p" ]; then runtimes="$runtimes $p"; else echo "bench: $r is not installed (make deps)" >&2; fi
done

# two bundles on the shared rootfs, read-only: /bin/true, and a sleep for run -d and exec
for b in true sleep; do
	mkdir "$work/$b"
	if [ $b = true ]; then "$cv" spec --bundle "$work/$b" -- /bin/true; else "$cv" spec --bundle "$work/$b" -- /bin/sleep 1000; fi
	# ociVersion 1.0.2: crun 1.8 refuses "1.2.0", and nothing here needs more
	jq --arg r "$rootfs" '.root.path = $r | .root.readonly = true | .ociVersion = "1.0.2"' \
		"$work/$b/config.json" >"$work/c" &&
		mv "$work/c" "$work/$b/config.json"
done

echo "# make bench: $n containers per case, one after another, runtimes interleaved A B C C B A"
echo "# crun 1.8 refuses a hybrid cgroup host: every runtime runs in a mount namespace whose"
echo "# /sys/fs/cgroup has the v1 hierarchies only (cgroup2 at unified/ unmounted)"
# shellcheck disable=SC2086
"$driver" -n "$n" --concurrent "$conc" --private-cgroups --bundle "$work/true" \
	--bundle-sleep "$work/sleep" --rootfs "$rootfs" $runtimes >"$work/shared.jsonl"
echo "# and containerv alone on the real (hybrid) layout; beside it containerv-ro, the same"
echo "# binary on a read-only mount, which it need not execute again sealed (runtime/core/seal.h)"
mkdir "$work/ro" && cp "$cv" "$work/ro/containerv-ro"
# shellcheck disable=SC2016
unshare -m --propagation private sh -c 'mount --bind "$1" "$1" && mount -o remount,bind,ro "$1" &&
	shift && exec "$@"' _ "$work/ro" \
	"$driver" -n "$n" --bundle "$work/true" --bundle-sleep "$work/sleep" --rootfs "$rootfs" \
	"$cv" "$work/ro/containerv-ro" | grep '"runtime": "containerv' | jq -c '.layout = "hybrid"' \
	>"$work/real.jsonl"

# leftovers after all of it: state, cgroups, processes
left=$({ ls -d /tmp/cvbench-root-* 2>/dev/null; find /sys/fs/cgroup -maxdepth 3 -name 'bench-*' 2>/dev/null;
	pgrep -f 'sleep 1000'; } || true)

# sizes: the binary, and each shared library it loads
sizes=$(for p in $runtimes; do
	libs=$(ldd "$p" 2>/dev/null | awk '/=> \// { print $3 }' | xargs -r stat -L -c %s | awk '{ s += $1 } END { print s + 0 }')
	printf '{"runtime": "%s", "binary_bytes": %s, "libraries_bytes": %s}\n' "$(basename "$p")" "$(stat -L -c %s "$p")" "$libs"
done)

jq -s --argjson n "$n" --arg left "$left" --argjson sizes "$(echo "$sizes" | jq -s .)" \
	'{n: $n, v1_only: [.[] | select(.layout == null)], containerv_hybrid: [.[] | select(.layout == "hybrid")],
	  sizes: $sizes, leftovers: ($left | split("\n") | map(select(. != "")))}' \
	"$work/shared.jsonl" "$work/real.jsonl" >"$build/bench.json"

jq -r '
  def f: . * 100 | round / 100 | tostring;
  def row(r): "\(r.runtime | .[0:12] | . + " " * (12 - length)) \(r.median_ms | f) ms (\(r.min_ms | f)-\(r.max_ms | f))" +
    (if r.failures > 0 then ", \(r.failures) failed" else "" end) +
    (if r.peak_rss_kb then ", peak RSS \(r.peak_rss_kb) KiB" else "" end);
  (.v1_only | map(select(.median_ms)) | group_by(.case)[] as $c |
    "\n\($c[0].case):", ($c[] | "  " + row(.)),
    ($c | map(select(.runtime == "containerv"))[0] as $cv |
     $c[] | select(.runtime != "containerv" and .runtime != "kernel-floor") |
     "  containerv/\(.runtime): \(($cv.median_ms / .median_ms) | f)")),
  "\nconcurrent (\(.v1_only | map(select(.total_ms))[0].case)):",
  (.v1_only[] | select(.total_ms) | "  \(.runtime): \(.total_ms) ms, \(.failures) failed"),
  "\ncontainerv on the real (hybrid) layout:",
  (.containerv_hybrid[] | select(.median_ms) | "  \(.runtime | . + " " * (14 - length)) \(.case): \(.median_ms | f) ms (\(.min_ms | f)-\(.max_ms | f))"),
  "\nsizes (binary + shared libraries):",
  (.sizes[] | "  \(.runtime): \(.binary_bytes) + \(.libraries_bytes) bytes"),
  "\nleftovers: \(if (.leftovers | length) == 0 then "none" else (.leftovers | join(", ")) end)"
' "$build/bench.json"
echo "# written: $build/bench.json"
