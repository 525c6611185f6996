#!/usr/bin/env bats
# The C API as a program outside the project uses it: the example of
# docs/api.md, compiled from the document itself against the built
# library (shared, through pkg-config, and static), run on the busybox
# rootfs; what the container wrote is checked, and that nothing is left.

bats_require_minimum_version 1.5.0
load helpers

CV_BUILD=${CV_BUILD:-build}

setup() {
	need_root
	T=$(test_tmpdir api)
	mkdir "$T/state"
	export PKG_CONFIG_PATH="$(realpath "$CV_BUILD/pkgconfig")"
	# the example, exactly as docs/api.md shows it
	awk '/^## Example/ { on = 1 } on && /^```c$/ { code = 1; next } code && /^```$/ { exit } code' \
		docs/api.md >"$T/example.c"
	grep -q containerv_create "$T/example.c"
}

teardown() {
	rm -rf "$T"
	no_cgroups_left ${id:-} # the example's container: /containerv/ID, its id made by the library
	rootfs_untouched
}

# run_example BINARY - in $T with an input file; the state root must end empty.
run_example() {
	echo "hello from the host" >"$T/input.txt"
	run --separate-stderr sh -c "cd '$T' && LD_LIBRARY_PATH='$(realpath "$CV_BUILD/lib")' ./$1 '$(realpath "$ROOTFS")' '$T/state'"
	[ "$status" -eq 0 ] || { echo "$stderr"; return 1; }
	[[ "$output" =~ ^container\ (cv-[0-9a-f]{12}):\ pid\ [0-9]+\ exited\ with\ 0$ ]]
	id=${BASH_REMATCH[1]}
	[ "$(cat "$T/output.txt")" = "$id: HELLO FROM THE HOST" ] # its hostname is its id
	[ -z "$(ls -A "$T/state")" ]                             # destroyed: no state left
}

@test "the example of docs/api.md, linked with the shared library through pkg-config" {
	[ "$(pkg-config --modversion containerv)" = 0.1.0 ]
	cc -Wall -Werror ${CV_LDFLAGS:-} -o "$T/example" "$T/example.c" $(pkg-config --cflags --libs containerv)
	run_example example
	# a daemon may run with its standard input closed: the library copes
	run sh -c "cd '$T' && LD_LIBRARY_PATH='$(realpath "$CV_BUILD/lib")' ./example '$(realpath "$ROOTFS")' '$T/state' <&-"
	[ "$status" -eq 0 ] && [[ "$output" == *"exited with 0" ]]
	# it found libcontainerv.so.0, the library built here
	LD_LIBRARY_PATH="$(realpath "$CV_BUILD/lib")" ldd "$T/example" | grep -q "libcontainerv.so.0 => $(realpath "$CV_BUILD/lib")"
}

@test "the same example, linked with libcontainerv.a" {
	cc -Wall -Werror ${CV_LDFLAGS:-} -o "$T/example-static" "$T/example.c" $(pkg-config --cflags containerv) \
		"$CV_BUILD/lib/libcontainerv.a" $(pkg-config --static --libs containerv | sed 's/-lcontainerv//')
	! ldd "$T/example-static" | grep -q libcontainerv
	run_example example-static
}

@test "only containerv_* is exported, from the .so and the .a alike" {
	run sh -c "nm -D --defined-only '$CV_BUILD/lib/libcontainerv.so.0' | awk '{print \$3}' | grep -v '^containerv_' | grep -v '^CONTAINERV_0$'"
	[ -z "$output" ]
	run sh -c "nm -g --defined-only '$CV_BUILD/lib/libcontainerv.a' | awk 'NF == 3 {print \$3}' | grep -v '^containerv_' | grep -v '^CONTAINERV_0$'"
	[ -z "$output" ]
	for f in create spawn kill wait upload download id destroy error options_new options_set_caps \
		options_set_policy options_set_mounts options_set_cgroup_limits policy_new policy_add_paths; do
		nm -D --defined-only "$CV_BUILD/lib/libcontainerv.so.0" | grep -q " containerv_$f@@CONTAINERV_0$" ||
			{ echo "containerv_$f missing"; return 1; }
	done
}

@test "a program with a mistake in it gets the error by name, and nothing is left" {
	cat >"$T/bad.c" <<-'C'
		#include <containerv.h>
		#include <stdio.h>
		int main(int argc, char **argv)
		{
			struct containerv_options *o = containerv_options_new();
			struct containerv_container *c;
			containerv_options_set_root(o, argv[2]);
			containerv_options_set_cgroup_limits(o, "a lot", NULL, NULL);
			int r = containerv_create(argv[1], o, &c);
			printf("%d %s\n", r, containerv_error());
			containerv_options_set_cgroup_limits(o, NULL, NULL, NULL);
			r = containerv_create("/no/such/rootfs", o, &c);
			printf("%d %s\n", r, containerv_error());
			containerv_options_delete(o);
			return 0;
		}
	C
	cc -Wall -Werror ${CV_LDFLAGS:-} -o "$T/bad" "$T/bad.c" $(pkg-config --cflags --libs containerv)
	run env LD_LIBRARY_PATH="$(realpath "$CV_BUILD/lib")" "$T/bad" "$(realpath "$ROOTFS")" "$T/state"
	[[ "${lines[0]}" == "-22 containerv_options_set_cgroup_limits: memory_max"*"a lot"* ]]
	[[ "$output" == *"-2 containerv_create: the root filesystem \`/no/such/rootfs\`: No such file or directory"* ]]
	[ -z "$(ls -A "$T/state")" ]
}
