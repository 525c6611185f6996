# containerv - one explicit Makefile.  `make help` lists the targets.
#
# Objects go under $(BUILD), binaries under $(BIN).  `make coverage`
# rebuilds everything instrumented under build/cov with the same rules.

VERSION   := 0.1.0
PREFIX    ?= /usr/local
DESTDIR   ?=
BUILD     ?= build
BIN       ?= bin
CC        ?= gcc
CFLAGS    ?= -O2 -g
WARNINGS  := -Wall -Wextra -Werror -Wshadow -Wstrict-prototypes -Wmissing-prototypes -Wformat=2
CPPFLAGS  += -D_GNU_SOURCE -I. -Iinclude -Isteps -Itests -I/usr/include/libnl3 -DCV_VERSION='"$(VERSION)"'
ALL_CFLAGS = $(CFLAGS) $(WARNINGS) $(CPPFLAGS)

# `make check SANITIZE=address,undefined`: everything rebuilt under
# build/san with those sanitizers; any report fails the test that saw it
# (tests/run.sh sets the sanitizers' options).  The VM tier is left out.
SANITIZE ?=
ifneq ($(SANITIZE),)
override BUILD   := build/san
override BIN     := build/san/bin
override CFLAGS  := -O1 -g -fno-omit-frame-pointer -fsanitize=$(SANITIZE) -fno-sanitize-recover=all
override LDFLAGS += -fsanitize=$(SANITIZE)
export CV_SANITIZE := $(SANITIZE)
endif

# Debian packages the build, the demos and the tests need.
DEB_PACKAGES := gcc make libc6-dev pkg-config libcap-dev libjansson-dev libarchive-dev \
                libseccomp-dev libapparmor-dev libnl-route-3-dev libnftables-dev \
                nftables passt slirp4netns socat \
                libcmocka-dev lcov \
                clang-format busybox-static bats uidmap util-linux procps iproute2 tar attr jq \
                podman conmon crun runc containerd docker.io qemu-system-x86 apparmor \
                clang libclang-rt-14-dev valgrind strace

# The steps, in reading order; each is a library the runtime links and a demo.
STEPS  := common 01-namespaces 02-cgroups 03-rootfs 04-network 05-security
common_SRCS        := err.c trace.c probe.c file.c args.c child.c fdpass.c
01-namespaces_SRCS := namespaces.c idmap.c spawn.c
01-namespaces_LIBS := -lcap
02-cgroups_SRCS    := layout.c parse.c limits.c cgroup.c set.c procs.c ops.c v1.c v2.c devices.c \
                      counters.c stats.c
02-cgroups_LIBS    := -ljansson
03-rootfs_SRCS     := resolve.c mounts.c apply.c copyup.c devnodes.c overlay.c rootfs.c layer.c
03-rootfs_LIBS     := -larchive
04-network_SRCS    := addr.c ipam.c ports.c dns.c netlink.c link.c nft.c rootless.c rootless_cmd.c record.c network.c manage.c
04-network_LIBS    := -lnl-route-3 -lnl-3 -lnftables -ljansson
05-security_SRCS   := caps.c identity.c seccomp.c profile.c profile_docker.c default_profile.c landlock.c \
                      seccomp_names.c seccomp_load.c apparmor.c policy.c security.c show.c listen.c
05-security_LIBS   := -lseccomp -lcap -ljansson -lapparmor
# Each demo, and the steps it links (its own first, then those it uses);
# its files, in its step's directory: demo.c (main and the command table),
# and beside it the options and the printing (<demo>_DEMO).
DEMOS  := namespaces cgroups rootfs network security
namespaces_STEPS := 01-namespaces common
namespaces_DEMO  := demo_opts.c demo_print.c
cgroups_STEPS    := 02-cgroups 01-namespaces common
cgroups_DEMO     := demo_opts.c demo_print.c
rootfs_STEPS     := 03-rootfs 02-cgroups 01-namespaces common
rootfs_DEMO      := demo_opts.c demo_run.c demo_breakout.c
network_STEPS    := 04-network 01-namespaces common
network_DEMO     := demo_run.c demo_tour.c
security_STEPS   := 05-security common
security_DEMO    := demo_options.c demo_run.c

# The runtime, in rooms (runtime/README.md), arrows only downward: the front
# ends (cli/, api/) -> core/ -> spec/ -> the steps.  spec/ and core/ are one
# library every front end links; each front end adds its own files.
RUNTIME_SPEC := json.c spec.c process.c linux.c resources.c defaults.c
RUNTIME_CORE := state.c hooks.c console.c init.c execve.c prepare.c create.c lifecycle.c join.c \
                manage.c events.c fault.c seal.c stop.c
RUNTIME_SRCS := $(addprefix spec/,$(RUNTIME_SPEC)) $(addprefix core/,$(RUNTIME_CORE))
RUNTIME_LIB  := $(BUILD)/lib/libcv-runtime.a
RUNTIME_OBJS  = $(patsubst %.c,$(BUILD)/obj/runtime/%.o,$(RUNTIME_SRCS))
CLI_SRCS     := main.c lifecycle.c running.c
CLI_OBJS      = $(patsubst %.c,$(BUILD)/obj/runtime/cli/%.o,$(CLI_SRCS))

API_SRCS   := runtime/api/api.c runtime/api/config.c runtime/api/run.c runtime/api/net.c
LIB_SRCS    = $(foreach s,$(STEPS),$(addprefix steps/$(s)/,$($(s)_SRCS))) \
              $(addprefix runtime/,$(RUNTIME_SRCS)) $(API_SRCS)
API_A      := $(BUILD)/lib/libcontainerv.a
API_SO     := $(BUILD)/lib/libcontainerv.so
API_PC     := $(BUILD)/pkgconfig/containerv.pc
API_LIBS   := -ljansson -lseccomp -lcap -larchive -lapparmor -lnl-route-3 -lnl-3 -lnftables

step_lib  = $(BUILD)/lib/libcv-$(1).a
step_objs = $(patsubst %.c,$(BUILD)/obj/steps/$(1)/%.o,$($(1)_SRCS))
LIBS_ALL  = $(foreach s,$(STEPS),$($(s)_LIBS))
STEP_LIBS = $(RUNTIME_LIB) $(foreach s,$(call reverse,$(STEPS)),$(call step_lib,$(s)))
reverse   = $(if $(1),$(call reverse,$(wordlist 2,$(words $(1)),$(1))) $(firstword $(1)))

DEMO_BINS := $(foreach d,$(DEMOS),$(BIN)/cv-$(d))

UNIT_TESTS := $(patsubst tests/unit/%.c,$(BUILD)/tests/unit/%,$(wildcard tests/unit/test_*.c))
PRIV_TESTS := $(patsubst tests/priv/%.c,$(BUILD)/tests/priv/%,$(wildcard tests/priv/test_*.c))
PROBE      := $(BUILD)/tests/probe
LOAD       := $(BUILD)/tests/load
CONSOCK    := $(BUILD)/tests/consock
ATTACK     := $(BUILD)/tests/attack
ROOTFS     := $(BUILD)/rootfs
VM         := $(BUILD)/vm
VM_INITRD  := $(VM)/initramfs.cpio.gz
FORMAT_SRCS = $(shell git ls-files --cached --others --exclude-standard '*.c' '*.h' 2>/dev/null || find steps tests -name '*.[ch]')

.SECONDARY:
.PHONY: all deps demo check test coverage install clean format format-check rootfs vm bench \
        fuzz fuzz-bins help
.DEFAULT_GOAL := all

all: $(DEMO_BINS) $(BIN)/containerv $(API_A) $(API_SO) $(API_PC)

help:
	@echo "make            build every binary into $(BIN)/ (the same as 'make all')"
	@echo "make all        the demos, bin/containerv, libcontainerv (.a, .so, containerv.pc)"
	@echo "make deps       install the Debian packages needed (as root)"
	@echo "make rootfs     the busybox root filesystem the demos and tests use ($(ROOTFS))"
	@echo "make demo       deps + build + busybox rootfs + a short run of each step's demo"
	@echo "make check      deps + build + every test tier; ends with 'N passed, N failed'"
	@echo "make test       build and run every test tier, without deps (coverage runs it)"
	@echo "make coverage   line coverage of steps/ (HTML in build/coverage/)"
	@echo "make vm         Debian's kernel and an initramfs of the tests, for the VM tier of check"
	@echo "make bench      start-up times beside crun and runc (a table, and build/bench.json)"
	@echo "make fuzz       libFuzzer on the parsers, FUZZ_TIME=$(FUZZ_TIME) seconds each (clang)"
	@echo "make fuzz-bins  only build the fuzz targets; give BUILD= CC=clang CFLAGS= as fuzz does"
	@echo "make install    PREFIX=$(PREFIX) DESTDIR=$(DESTDIR)"
	@echo "make format     clang-format every source file"
	@echo "make format-check  the files clang-format would change (fails if any)"
	@echo "make clean      remove build/ and bin/"
	@echo "make help       this list"

# --- building ----------------------------------------------------------------

$(BUILD)/obj/%.o: %.c
	@mkdir -p $(@D)
	$(CC) $(ALL_CFLAGS) -MMD -MP -c -o $@ $<

define step_rules
$(call step_lib,$(1)): $(call step_objs,$(1))
	@mkdir -p $$(@D)
	rm -f $$@ && $(AR) rcs $$@ $$^
endef
$(foreach s,$(STEPS),$(eval $(call step_rules,$(s))))

define demo_rules
$(BIN)/cv-$(1): $(patsubst %.c,$(BUILD)/obj/steps/$(firstword $($(1)_STEPS))/%.o,demo.c $($(1)_DEMO)) \
		$(foreach s,$($(1)_STEPS),$(call step_lib,$(s)))
	@mkdir -p $$(@D)
	$(CC) $(CFLAGS) $(LDFLAGS) -o $$@ $$^ $(foreach s,$($(1)_STEPS),$($(s)_LIBS))
endef
$(foreach d,$(DEMOS),$(eval $(call demo_rules,$(d))))

$(RUNTIME_LIB): $(RUNTIME_OBJS)
	@mkdir -p $(@D)
	rm -f $@ && $(AR) rcs $@ $^

$(BIN)/containerv: $(CLI_OBJS) $(STEP_LIBS)
	@mkdir -p $(@D)
	$(CC) $(CFLAGS) $(LDFLAGS) -o $@ $^ $(LIBS_ALL)

# The same runtime, with fault.c built to die at CV_FAULT's point (runtime/core/fault.h):
# a test instrument only.  Its cv_fault() comes first, so the library's is not linked.
FAULTS := $(BUILD)/tests/containerv-faults
$(BUILD)/obj/tests/fault-on.o: runtime/core/fault.c
	@mkdir -p $(@D)
	$(CC) $(ALL_CFLAGS) -DCV_FAULTS -MMD -MP -c -o $@ $<
$(FAULTS): $(CLI_OBJS) $(BUILD)/obj/tests/fault-on.o $(STEP_LIBS)
	@mkdir -p $(@D)
	$(CC) $(CFLAGS) $(LDFLAGS) -o $@ $^ $(LIBS_ALL)

# libcontainerv.a: one relocatable object, every symbol but containerv_* made local
$(API_A): $(patsubst %.c,$(BUILD)/obj/%.o,$(LIB_SRCS))
	@mkdir -p $(@D)
	$(LD) -r -o $(BUILD)/obj/containerv-all.o $^
	objcopy -w --keep-global-symbol='containerv_*' $(BUILD)/obj/containerv-all.o
	rm -f $@ && $(AR) rcs $@ $(BUILD)/obj/containerv-all.o

# libcontainerv.so: position-independent objects, a version script for the exports
$(BUILD)/pic/%.o: %.c
	@mkdir -p $(@D)
	$(CC) $(ALL_CFLAGS) -fPIC -MMD -MP -c -o $@ $<

$(API_SO): $(patsubst %.c,$(BUILD)/pic/%.o,$(LIB_SRCS)) runtime/api/containerv.map
	@mkdir -p $(@D)
	$(CC) $(CFLAGS) $(LDFLAGS) -shared -Wl,-soname,libcontainerv.so.0 \
	  -Wl,--version-script=runtime/api/containerv.map -o $@.0 $(filter %.o,$^) $(LIBS_ALL)
	ln -sf libcontainerv.so.0 $@

# containerv.pc for this build tree (make install writes one for PREFIX)
define pc_text
prefix=$(1)\nincludedir=$(2)\nlibdir=$(3)\n\nName: containerv\nDescription: containers from C: namespaces, cgroups, a root filesystem, security\nVersion: $(VERSION)\nCflags: -I$${includedir}\nLibs: -L$${libdir} -lcontainerv\nLibs.private: $(API_LIBS)\n
endef
$(API_PC): Makefile
	@mkdir -p $(@D)
	printf '$(call pc_text,$(abspath $(BUILD)),$(abspath include),$(abspath $(BUILD)/lib))' >$@

$(BUILD)/tests/priv/test_api: $(BUILD)/obj/tests/priv/test_api.o $(BUILD)/obj/tests/lib/tap.o $(API_A)
	@mkdir -p $(@D)
	$(CC) $(CFLAGS) $(LDFLAGS) -o $@ $^ $(LIBS_ALL)

$(BUILD)/tests/unit/%: $(BUILD)/obj/tests/unit/%.o $(STEP_LIBS)
	@mkdir -p $(@D)
	$(CC) $(CFLAGS) $(LDFLAGS) -o $@ $< $(STEP_LIBS) $(LIBS_ALL) -lcmocka

$(BUILD)/tests/priv/%: $(BUILD)/obj/tests/priv/%.o $(BUILD)/obj/tests/lib/tap.o \
		$(BUILD)/obj/tests/lib/cgtest.o $(STEP_LIBS)
	@mkdir -p $(@D)
	$(CC) $(CFLAGS) $(LDFLAGS) -o $@ $^ $(LIBS_ALL)

# The probe runs inside containers, which may have no libc: link it statically.
# It is a test instrument, not a subject: never built for coverage.
$(PROBE): tests/probe/probe.c
	@mkdir -p $(@D)
	$(CC) -O2 -g $(WARNINGS) $(CPPFLAGS) -static -o $@ $<

$(LOAD): tests/probe/load.c
	@mkdir -p $(@D)
	$(CC) -O2 -g $(WARNINGS) $(CPPFLAGS) -static -o $@ $<

# A hostile container's program, for the escape tests: static, as the probe.
$(ATTACK): tests/probe/attack.c
	@mkdir -p $(@D)
	$(CC) -O2 -g $(WARNINGS) $(CPPFLAGS) -static -o $@ $<

$(CONSOCK): tests/probe/consock.c
	@mkdir -p $(@D)
	$(CC) -O2 -g $(WARNINGS) $(CPPFLAGS) -o $@ $<

# The second kernel (tests/vm): Debian's, unpacked once; an initramfs of
# the binaries and the tests, remade when they change.
vm: $(VM_INITRD)
$(VM)/release: tests/vm/kernel.sh
	@mkdir -p $(@D)
	sh tests/vm/kernel.sh $(VM)/kernel >$@.tmp && mv $@.tmp $@
$(VM_INITRD): $(VM)/release tests/vm/mkinitramfs.sh tests/vm/init tests/vm/suite.sh \
		$(DEMO_BINS) $(BIN)/containerv $(TEST_BINS) $(wildcard tests/e2e/*.bats) tests/e2e/helpers.bash
	sh tests/vm/mkinitramfs.sh $(VM)/kernel $$(cat $(VM)/release) $(BUILD) $(BIN) $@

# Timing, never a test: containerv beside crun and runc (tests/bench).
BENCH := $(BUILD)/bench/bench
$(BENCH): tests/bench/bench.c
	@mkdir -p $(@D)
	$(CC) -O2 -g $(WARNINGS) $(CPPFLAGS) -o $@ $<
bench: deps
	@$(MAKE) --no-print-directory all rootfs $(BENCH)
	@sh tests/bench/bench.sh $(BUILD) $(BIN)

# Fuzzing (tests/fuzz): libFuzzer targets for the parsers, built with clang
# under build/fuzz with ASan and UBSan; each runs FUZZ_TIME seconds.
FUZZ_TIME    ?= 60
FUZZ_TARGETS := spec seccomp idmap limits
FUZZ_CFLAGS  := -O1 -g -fsanitize=fuzzer-no-link,address,undefined -fno-sanitize-recover=all
fuzz: deps
	@$(MAKE) --no-print-directory BUILD=build/fuzz CC=clang CFLAGS="$(FUZZ_CFLAGS)" fuzz-bins
	@sh tests/fuzz/run.sh build/fuzz $(FUZZ_TIME) $(FUZZ_TARGETS)
fuzz-bins: $(foreach t,$(FUZZ_TARGETS),$(BUILD)/bin/fuzz_$(t))
$(BUILD)/bin/fuzz_%: $(BUILD)/obj/tests/fuzz/fuzz_%.o $(STEP_LIBS)
	@mkdir -p $(@D)
	$(CC) $(CFLAGS) -fsanitize=fuzzer -o $@ $< $(STEP_LIBS) $(LIBS_ALL)

rootfs: $(ROOTFS)/bin/busybox
$(ROOTFS)/bin/busybox: tests/rootfs/mkrootfs.sh $(PROBE) $(LOAD)
	sh tests/rootfs/mkrootfs.sh $(ROOTFS) $(PROBE) $(LOAD)

-include $(shell find $(BUILD)/obj $(BUILD)/pic -name '*.d' 2>/dev/null)

# --- using -------------------------------------------------------------------

# containerd and docker.io are installed for the tests, which start daemons
# of their own: their services are not started (a policy-rc.d that says
# 101, "not allowed", while apt runs, unless the machine has one already).
deps:
	@missing=""; for p in $(DEB_PACKAGES); do \
	  dpkg-query -W -f='$${Status}\n' $$p 2>/dev/null | grep -q '^install ok installed' \
	    || missing="$$missing $$p"; done; \
	if [ -z "$$missing" ]; then echo "deps: nothing to install"; \
	elif [ "$$(id -u)" != 0 ]; then echo "deps: missing:$$missing (run 'sudo make deps')"; exit 1; \
	else echo "deps: installing$$missing"; \
	  policy=""; if [ ! -e /usr/sbin/policy-rc.d ]; then policy=/usr/sbin/policy-rc.d; \
	    printf '#!/bin/sh\nexit 101\n' >$$policy && chmod 755 $$policy; fi; \
	  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq \
	    --no-install-recommends $$missing >/dev/null; rc=$$?; \
	  if [ -n "$$policy" ]; then rm -f $$policy; fi; \
	  [ $$rc -eq 0 ] && echo "deps: done"; fi

# The compiler's lines go to a log: a learner sees the demos, or the errors.
demo: deps
	@mkdir -p $(BUILD)
	@echo "building (the compiler's output: $(BUILD)/demo-build.log) ..."
	@$(MAKE) --no-print-directory all rootfs >$(BUILD)/demo-build.log 2>&1 || { \
	  grep -E -A3 'error|Error|warning' $(BUILD)/demo-build.log | head -40; \
	  echo "make demo: the build failed; all of its output is in $(BUILD)/demo-build.log"; \
	  exit 1; }
	@sh tests/demo.sh $(BIN) $(ROOTFS)

TEST_BINS = $(UNIT_TESTS) $(PRIV_TESTS) $(PROBE) $(LOAD) $(CONSOCK) $(ATTACK) $(FAULTS) $(ROOTFS)/bin/busybox \
            $(DEMO_BINS) $(BIN)/containerv

check: deps
	@$(MAKE) --no-print-directory all $(TEST_BINS) $(if $(SANITIZE),,vm)
	@CV_LDFLAGS="$(LDFLAGS)" sh tests/run.sh $(BUILD) $(BIN)

# Build and run the tests without deps (used by coverage).
test: all $(TEST_BINS)
	@CV_LDFLAGS="$(LDFLAGS)" sh tests/run.sh $(BUILD) $(BIN)

# Counts go under GCOV_PREFIX: in /tmp on the host, and in the rootfs's own
# /tmp for code that runs after pivot_root; coverage.sh merges the two.
COV_PREFIX := /tmp/cv-coverage
coverage: deps
	@rm -rf build/cov build/coverage $(COV_PREFIX) $(ROOTFS)$(COV_PREFIX)
	@# umask 0: processes running as other uids (inside user namespaces,
	@# or as nobody) must be able to add to the .gcda files too.
	@umask 0 && GCOV_PREFIX=$(COV_PREFIX) CV_ROOTFS=$(ROOTFS) $(MAKE) --no-print-directory BUILD=build/cov \
	  BIN=build/cov/bin ROOTFS=$(ROOTFS) CFLAGS="-O0 -g --coverage" LDFLAGS=--coverage test || true
	@sh tests/coverage.sh build/cov build/coverage $(COV_PREFIX) $(ROOTFS)$(COV_PREFIX)

install: all
	install -d $(DESTDIR)$(PREFIX)/bin $(DESTDIR)$(PREFIX)/share/doc/containerv \
	  $(DESTDIR)$(PREFIX)/include $(DESTDIR)$(PREFIX)/lib/pkgconfig
	install -m 755 $(DEMO_BINS) $(BIN)/containerv $(DESTDIR)$(PREFIX)/bin/
	install -m 644 include/containerv.h $(DESTDIR)$(PREFIX)/include/
	install -m 644 $(API_A) $(DESTDIR)$(PREFIX)/lib/
	install -m 755 $(API_SO).0 $(DESTDIR)$(PREFIX)/lib/
	ln -sf libcontainerv.so.0 $(DESTDIR)$(PREFIX)/lib/libcontainerv.so
	printf '$(call pc_text,$(PREFIX),$${prefix}/include,$${prefix}/lib)' \
	  >$(DESTDIR)$(PREFIX)/lib/pkgconfig/containerv.pc
	install -m 644 docs/api.md $(DESTDIR)$(PREFIX)/share/doc/containerv/
	install -m 644 README.md $(DESTDIR)$(PREFIX)/share/doc/containerv/
	install -m 644 runtime/README.md $(DESTDIR)$(PREFIX)/share/doc/containerv/runtime.md
	for s in $(filter-out common,$(STEPS)); do \
	  install -m 644 steps/$$s/README.md $(DESTDIR)$(PREFIX)/share/doc/containerv/$$s.md; done

format:
	clang-format -i $(FORMAT_SRCS)

format-check:
	@clang-format --dry-run -Werror $(FORMAT_SRCS)

clean:
	rm -rf build bin
