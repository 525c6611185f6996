#!/usr/bin/env bats
# budget.bats - tests/style/budget.sh finds what it is there to find: a
# demo, a module or a function too long, comments too few, and says which.
# Each test changes a copy of the tree, never the tree itself.

load helpers

setup() {
	copy=$(test_tmpdir budget)
	tree=$copy/tree
	mkdir -p "$tree"
	git ls-files -z steps runtime | tar -c --null -T - -f - | tar -x -C "$tree"
}

teardown() {
	rm -rf "$copy"
}

@test "this tree is within its budgets" {
	run sh tests/style/budget.sh "$tree"
	[ "$status" -eq 0 ]
	[[ "$output" == *"ok 1 - steps/01-namespaces: within its budget"* ]]
	[[ "$output" == *"ok 4 - steps/04-network: within its budget"* ]]
	[[ "$output" == *"ok 7 - runtime: within its budget"* ]]
}

@test "a demo over 300 lines, a module over 400, a file over 700: each named" {
	yes 'int x_demo;' | head -300 >>"$tree/steps/01-namespaces/demo.c"
	yes 'int x_mod;' | head -400 >>"$tree/steps/03-rootfs/overlay.c"
	yes 'int x_rt;' | head -700 >>"$tree/runtime/core/stop.c"
	run sh tests/style/budget.sh "$tree"
	[ "$status" -ne 0 ]
	[[ "$output" == *"not ok 1 - steps/01-namespaces"* ]]
	[[ "$output" == *"steps/01-namespaces/demo.c: "*" lines (at most 300)"* ]]
	[[ "$output" == *"steps/03-rootfs/overlay.c: "*" lines (at most 400)"* ]]
	[[ "$output" == *"runtime/core/stop.c: "*" lines (at most 700)"* ]]
	[[ "$output" == *"ok 2 - steps/02-cgroups: within its budget"* ]]
}

@test "a function over 60 lines fails, unless the comment above says why it is long" {
	f="$tree/steps/05-security/security.c"
	{
		printf '\nint x_long(void);\nint x_long(void)\n{\n\tint n = 0;\n'
		yes '	n++;' | head -60
		printf '\treturn n;\n}\n'
	} >>"$f"
	run sh tests/style/budget.sh "$tree"
	[ "$status" -ne 0 ]
	[[ "$output" == *"security.c:"*": x_long() is 65 lines (at most 60"* ]]
	sed -i 's/^int x_long(void)$/\/* Long because it counts by hand. *\/\n&/' "$f"
	run sh tests/style/budget.sh "$tree"
	[[ "$output" != *"x_long()"* ]]
}

@test "too few comments: the room fails with its ratio; demo files are not counted" {
	# strip every comment line of step 02's modules: far under 25 per 100
	for f in "$tree"/steps/02-cgroups/*.c; do
		case "${f##*/}" in demo*) continue ;; esac
		sed -i '/^[ \t]*\/\?\*/d' "$f"
	done
	run sh tests/style/budget.sh "$tree"
	[[ "$output" == *"not ok 2 - steps/02-cgroups"*"comments: "*" per 100 code lines (at least 25)"* ]]
	# comments added to a demo file do not lift a room that lacks them
	yes '/* words */' | head -3000 >>"$tree/steps/02-cgroups/demo_print.c"
	run sh tests/style/budget.sh "$tree"
	[[ "$output" == *"not ok 2 - steps/02-cgroups"*"comments: "* ]]
}
