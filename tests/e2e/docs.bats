#!/usr/bin/env bats
# The READMEs' output excerpts are what the binaries print.
#
# Each ``` block a README marks `<!-- output: checked by tests/e2e/docs.bats -->`
# is run, command by command, and what it prints now is compared with the
# README's text, once what legitimately differs (pids, times, sizes, the
# test's own directory) is made equal: tests/docs/excerpts.sh says how.  A
# README whose excerpt drifted fails here with a diff of it; to re-capture
# one, `sudo tests/docs/excerpts.sh run README LINE` prints what it shows now.
#
# The excerpts are this machine's (docs: DESIGN, "This machine"): hybrid
# cgroups, no AppArmor.  On another layout those that depend on it skip,
# saying why.

bats_require_minimum_version 1.5.0
load helpers

EXCERPTS=tests/docs/excerpts.sh
READMES="steps/common/README.md steps/01-namespaces/README.md steps/02-cgroups/README.md
	steps/03-rootfs/README.md steps/04-network/README.md steps/05-security/README.md runtime/README.md"

teardown() {
	[ -z "${DOCS_TMP:-}" ] || rm -rf "$DOCS_TMP"
}

# excerpts_match README - every marked excerpt of README is what runs print.
excerpts_match() {
	need_root
	[ -n "$(bash "$EXCERPTS" list "$1")" ] || { echo "no marked excerpt in $1"; return 1; }
	run bash "$EXCERPTS" check "$1"
	echo "$output"
	[ "$status" -eq 0 ]
	no_cgroups_left
	no_process cvtest-docs
}

need_hybrid() {
	[ "$(cgroup_layout)" = hybrid ] ||
		skip "the excerpts show a hybrid cgroup host, as this machine is; this one is $(cgroup_layout)"
}

need_no_apparmor() {
	[ "$(cat /sys/module/apparmor/parameters/enabled 2>/dev/null)" != Y ] ||
		skip "the excerpts show a host without AppArmor, as this machine is"
}

@test "every README block that shows a command is checked, or says why not" {
	local f left=""
	for f in $READMES; do
		left+=$(bash "$EXCERPTS" unmarked "$f")
	done
	[ -z "$left" ] || {
		echo "blocks with neither <!-- output: checked by tests/e2e/docs.bats --> nor <!-- output: not checked: WHY -->:"
		echo "$left"
		return 1
	}
}

@test "steps/common/README.md: the trace and the probes as they print" {
	excerpts_match steps/common/README.md
}

@test "steps/01-namespaces/README.md: every excerpt is what cv-namespaces prints" {
	excerpts_match steps/01-namespaces/README.md
}

@test "steps/02-cgroups/README.md: every excerpt is what cv-cgroups prints" {
	need_hybrid
	excerpts_match steps/02-cgroups/README.md
}

@test "steps/03-rootfs/README.md: every excerpt is what cv-rootfs prints" {
	need_hybrid
	excerpts_match steps/03-rootfs/README.md
}

@test "steps/04-network/README.md: every excerpt is what cv-network prints, in namespaces of its own" {
	excerpts_match steps/04-network/README.md
}

@test "steps/05-security/README.md: every excerpt is what cv-security prints" {
	need_no_apparmor
	excerpts_match steps/05-security/README.md
}

@test "runtime/README.md: every excerpt is what containerv prints" {
	excerpts_match runtime/README.md
}

@test "an excerpt edited to differ fails, with a diff naming its line" {
	need_root
	DOCS_TMP=$(test_tmpdir docs-edit)
	{
		echo 'Some text.'
		echo
		echo '<!-- output: checked by tests/e2e/docs.bats -->'
		echo '```'
		echo '$ bin/cv-namespaces run -q --uts --hostname docs-test -- sh -c '\''hostname; echo pid $$'\'''
		echo 'docs-test'
		echo 'pid 4242'
		echo '```'
	} >"$DOCS_TMP/README.md"
	run bash "$EXCERPTS" check "$DOCS_TMP/README.md"
	echo "$output"
	[ "$status" -eq 0 ]
	sed -i 's/^docs-test$/docs-tset/' "$DOCS_TMP/README.md"
	run bash "$EXCERPTS" check "$DOCS_TMP/README.md"
	echo "$output"
	[ "$status" -eq 1 ]
	[[ "$output" == *"README.md:4: the excerpt differs"* ]]
	[[ "$output" == *"# -docs-tset"* && "$output" == *"# +docs-test"* ]]
}
