# Makefile - scx_cland's only entry point.
#
#   make          build build/scx_cland (BPF backend + libcland + policies + daemon)
#                 and build/cland-sim (the policies on simulated CPUs, sim/README.md)
#   make run      run scx_cland for real (sched_ext kernel, root), else a VM demo
#   make check    every test: unit and simulator tests on the host, then the VM suites
#   make bench    EEVDF vs each policy (and BENCH_EXTRA=path,...) in the VM, interleaved;
#                 report in build/bench/ (bench/README.md; BENCH_ARGS for bench/run.sh)
#   make install  PREFIX=/usr/local DESTDIR=: scx_cland, cland-sim, libcland (headers,
#                 libcland.a, cland.pc), scx_cland.service, scx_cland(8); make uninstall
#   make deps     install the Debian packages needed (run by the targets above; the
#                 simulator and the unit tests only check theirs, deps-host: offline)
#   V=1           show the full commands
#
# Chain: bpf/cland.bpf.c -> cland.bpf.o -> cland.skel.h -> scx_cland.

BUILD	:= build
CLANG	?= clang-19
BPFTOOL ?= bpftool
# make defines CC (cc), so `CC ?= gcc` would never apply: only the default is replaced.
ifeq ($(origin CC),default)
CC	:= gcc
endif
LIBBPF	:= $(BUILD)/libbpf
VERSION := 0.1.0

# The kernel whose BTF makes vmlinux.h (CO-RE adapts the object to others).
VMLINUX_KERNEL ?= 7.2

CFLAGS	?= -O2 -g
CFLAGS	+= -std=gnu11 -Wall -Wextra -Werror -Wno-unused-parameter -DCLAND_VERSION='"$(VERSION)"'
INCLUDES := -I$(BUILD) -I$(LIBBPF)/include -Ibpf -Ilib -Isrc
BPF_CFLAGS := -g -O2 -target bpf -mcpu=v3 -D__TARGET_ARCH_x86 -Wall -Wno-missing-declarations \
	-Wno-unused-function

LIB_SRCS	:= lib/bpf_backend.c lib/loop.c lib/stats.c lib/heap.c lib/trace.c lib/plugin.c
POLICY_SRCS	:= $(wildcard policies/*.c)
# The daemon; what watches it (stats, monitor, /metrics, recording) in src/ too, all
# but collect.c/observe.c/main.c (the live backend) also built into the unit tests;
# sockserv.c: the UNIX-socket server under the stats server and the control socket.
WATCH_SRCS	:= src/stats.c src/sockserv.c src/stats_server.c src/stats_client.c src/monitor.c \
		   src/metrics.c src/record.c
# Rules, profiles, the swappable policy and the control socket (all but manage.c
# in the unit tests too; rules.c and verdict.c in the simulator).
RULES_SRCS	:= src/rules.c src/verdict.c src/cgroups.c src/profiles.c src/runner.c \
		   src/control.c src/ctl.c
DAEMON_SRCS	:= src/main.c src/options.c src/collect.c src/observe.c src/manage.c $(WATCH_SRCS) \
		   $(RULES_SRCS)
# libm: every policy may use it (lib/policy.h), wherever it is linked.
DAEMON_LIBS	:= -lelf -lz -ljson-c -lmicrohttpd -lm -ldl
OBJS		:= $(patsubst %.c,$(BUILD)/obj/%.o,$(LIB_SRCS) $(POLICY_SRCS) $(DAEMON_SRCS))

# Host unit tests: each tests/unit/test_X.c with the policy-side sources and
# the policy tests' shared fixture.
UNIT_TESTS	:= $(patsubst tests/unit/%.c,$(BUILD)/tests/%,$(wildcard tests/unit/test_*.c))
UNIT_DEPS	:= lib/heap.c lib/stats.c lib/trace.c lib/plugin.c $(POLICY_SRCS) src/options.c \
		   $(WATCH_SRCS) $(RULES_SRCS) tests/unit/fixture.c

# What the host tools share (common/): gnuplot for cland-sim --plot and the bench report.
COMMON_SRCS	:= common/gnuplot.c
COMMON_HDRS	:= $(wildcard common/*.h)

# The simulator: sim/ drives the same policies through a simulated backend (no libbpf).
SIM_DEPS	:= $(filter-out sim/main.c,$(wildcard sim/*.c)) lib/heap.c lib/trace.c lib/plugin.c \
		   src/rules.c src/verdict.c $(POLICY_SRCS) $(COMMON_SRCS)
SIM_HDRS	:= $(wildcard sim/*.h lib/*.h policies/*.h bpf/*.h) src/options.h src/rules.h src/verdict.h \
		   $(COMMON_HDRS)
SIM_LIBS	:= -ljson-c -lm -ldl
SIM_TESTS	:= $(patsubst tests/sim/%.c,$(BUILD)/tests/sim/%,$(wildcard tests/sim/test_*.c))
# What the simulator tests share: cland-sim's command line run in process.
SIM_TEST_DEPS	:= tests/sim/cli_run.c tests/sim/cli_run.h

# The bench report tool (host) and its tests; bench/tools/ are built static for
# the VM by bench/tools/build.sh (from bench/run.sh, ab/ab.sh, prof/prof.sh).
BENCH_REPORT	:= $(BUILD)/bench/cland-bench-report
BENCH_LIB	:= $(filter-out bench/report_main.c,$(wildcard bench/*.c)) $(COMMON_SRCS)
BENCH_HDRS	:= $(wildcard bench/*.h) $(COMMON_HDRS)
BENCH_TESTS	:= $(patsubst tests/bench/%.c,$(BUILD)/tests/bench/%,$(wildcard tests/bench/test_*.c))

ifeq ($(V),1)
Q =
msg =
else
Q = @
msg = @printf '  %-8s %s\n' "$(1)" "$(2)";
endif

.PHONY: all deps deps-host vm-chaos run check unit sim-unit bench-unit bench vm-check clean format format-check \
	install uninstall plugins
.DELETE_ON_ERROR:

all: $(BUILD)/scx_cland $(BUILD)/cland-sim

deps:
	$(Q)scripts/deps.sh

# What the simulator and the unit tests need (no libbpf, no vmlinux.h, no network).
deps-host:
	$(Q)scripts/deps.sh --host

$(LIBBPF)/lib/libbpf.a: scripts/build-libbpf.sh | deps
	$(call msg,LIBBPF,$@)
	$(Q)scripts/build-libbpf.sh $(LIBBPF)

# From the running kernel's BTF when it has sched_ext, else from the pinned (or
# fetched) $(VMLINUX_KERNEL) kernel's image (scripts/vmlinux-h.sh).
$(BUILD)/vmlinux.h: scripts/vmlinux-h.sh | deps
	$(call msg,VMLINUX,$@)
	$(Q)scripts/vmlinux-h.sh --auto $(VMLINUX_KERNEL) $@

$(BUILD)/cland.bpf.o: bpf/cland.bpf.c $(wildcard bpf/*.h) $(BUILD)/vmlinux.h \
		      $(LIBBPF)/lib/libbpf.a
	$(call msg,BPF,$@)
	$(Q)$(CLANG) $(BPF_CFLAGS) -I$(BUILD) -I$(LIBBPF)/include -Ibpf -c $< -o $@

$(BUILD)/cland.skel.h: $(BUILD)/cland.bpf.o
	$(call msg,GEN-SKEL,$@)
	$(Q)$(BPFTOOL) gen skeleton $< name cland_bpf > $@

$(BUILD)/obj/%.o: %.c $(wildcard lib/*.h src/*.h policies/*.h bpf/*.h) $(BUILD)/cland.skel.h
	$(call msg,CC,$@)
	$(Q)mkdir -p $(@D)
	$(Q)$(CC) $(CFLAGS) $(INCLUDES) -c $< -o $@

$(BUILD)/scx_cland: $(OBJS) $(LIBBPF)/lib/libbpf.a
	$(call msg,LINK,$@)
	$(Q)$(CC) $(CFLAGS) $^ $(DAEMON_LIBS) -o $@

$(BUILD)/tests/%: tests/unit/%.c $(UNIT_DEPS) $(wildcard lib/*.h src/*.h policies/*.h tests/unit/*.h bpf/*.h tests/policies/*.c) | deps-host
	$(call msg,CC,$@)
	$(Q)mkdir -p $(@D)
	$(Q)$(CC) $(CFLAGS) -Ilib -Ibpf -Isrc -Ipolicies -DREPO='"$(CURDIR)"' $< $(UNIT_DEPS) \
		-ljson-c -lmicrohttpd -lcmocka -lm -ldl -o $@

unit: $(UNIT_TESTS)

$(BUILD)/cland-sim: sim/main.c $(SIM_DEPS) $(SIM_HDRS) | deps-host
	$(call msg,LINK,$@)
	$(Q)mkdir -p $(@D)
	$(Q)$(CC) $(CFLAGS) -Isim -Ilib -Ibpf -Isrc -Icommon sim/main.c $(SIM_DEPS) $(SIM_LIBS) -o $@

# Simulator tests: each tests/sim/test_X.c with the simulator's sources.
$(BUILD)/tests/sim/%: tests/sim/%.c $(SIM_DEPS) $(SIM_HDRS) $(SIM_TEST_DEPS) | deps-host
	$(call msg,CC,$@)
	$(Q)mkdir -p $(@D)
	$(Q)$(CC) $(CFLAGS) -Isim -Ilib -Ibpf -Isrc -Icommon -DREPO='"$(CURDIR)"' $< tests/sim/cli_run.c \
		$(SIM_DEPS) $(SIM_LIBS) \
		-lcmocka -o $@

sim-unit: $(BUILD)/cland-sim $(SIM_TESTS)

$(BENCH_REPORT): bench/report_main.c $(BENCH_LIB) $(BENCH_HDRS) | deps
	$(call msg,LINK,$@)
	$(Q)mkdir -p $(@D)
	$(Q)$(CC) $(CFLAGS) -Ibench -Icommon bench/report_main.c $(BENCH_LIB) -ljson-c -lm -o $@

# Bench harness tests: parsers and report on recorded samples (tests/bench/samples),
# bench/run.sh refusing bad input.
$(BUILD)/tests/bench/%: tests/bench/%.c $(BENCH_LIB) $(BENCH_HDRS) | deps
	$(call msg,CC,$@)
	$(Q)mkdir -p $(@D)
	$(Q)$(CC) $(CFLAGS) -Ibench -Icommon -DSAMPLES='"$(CURDIR)/tests/bench/samples"' -DREPO='"$(CURDIR)"' $< $(BENCH_LIB) \
		-ljson-c -lcmocka -lm -o $@

bench-unit: $(BENCH_REPORT) $(BENCH_TESTS)

# The test policies (tests/policies/): plug-ins, never installed nor registered; the VM
# runs them under load (make vm-chaos, tests/vm/chaos.sh).
TEST_PLUGINS	:= $(patsubst tests/policies/%.c,$(BUILD)/tests/plugins/%.so,$(wildcard tests/policies/*.c))

$(BUILD)/tests/plugins/%.so: tests/policies/%.c lib/policy.h bpf/intf.h | deps-host
	$(call msg,CC,$@)
	$(Q)mkdir -p $(@D)
	$(Q)$(CC) $(CFLAGS) -shared -fPIC -Ilib -Ibpf $< -o $@

vm-chaos: $(BUILD)/scx_cland $(TEST_PLUGINS)
	$(Q)CLAND_VM_ADD="$(foreach p,$(TEST_PLUGINS),$(p)=/lib/cland/$(notdir $(p)))" \
		tests/vm/run.sh --kernel 7.2 --script tests/vm/chaos.sh --timeout 900 $(CHECK_ARGS)

# All tests; prints "N passed, N failed" last and fails if any failed.
check: format-check $(BUILD)/scx_cland unit sim-unit bench-unit $(TEST_PLUGINS)
	$(Q)scripts/check.sh $(UNIT_TESTS) $(SIM_TESTS) $(BENCH_TESTS)

# Benchmarks (not tests: never fail on a number), in the VM; ~20 min.
bench: $(BUILD)/scx_cland $(BENCH_REPORT)
	$(Q)bench/run.sh $(BENCH_ARGS)

# Only the VM suites (CHECK_ARGS are passed to tests/vm/run.sh).
vm-check: $(BUILD)/scx_cland
	$(Q)tests/vm/run.sh --suite full $(CHECK_ARGS)

# libcland.a for programs and plug-ins built elsewhere: libcland, the built-in policies
# and libbpf (not packaged new enough in Debian bookworm), position-independent.
LIBCLAND	:= $(BUILD)/libcland.a
LIBCLAND_OBJS	:= $(patsubst %.c,$(BUILD)/obj-pic/%.o,$(LIB_SRCS) $(POLICY_SRCS))
PUBLIC_HDRS	:= lib/cland.h lib/policy.h lib/heap.h bpf/intf.h

$(BUILD)/obj-pic/%.o: %.c $(wildcard lib/*.h policies/*.h bpf/*.h) $(BUILD)/cland.skel.h
	$(call msg,CC,$@)
	$(Q)mkdir -p $(@D)
	$(Q)$(CC) $(CFLAGS) -fPIC $(INCLUDES) -c $< -o $@

$(LIBCLAND): $(LIBCLAND_OBJS) $(LIBBPF)/lib/libbpf.a
	$(call msg,AR,$@)
	$(Q)rm -f $@
	$(Q){ echo "CREATE $@"; echo "ADDLIB $(LIBBPF)/lib/libbpf.a"; \
	  for o in $(LIBCLAND_OBJS); do echo "ADDMOD $$o"; done; echo SAVE; echo END; } | ar -M

# The example plug-in (docs/examples/mypolicy.c), for the VM tests.
$(BUILD)/plugins/mypolicy.so: docs/examples/mypolicy.c lib/policy.h bpf/intf.h
	$(call msg,CC,$@)
	$(Q)mkdir -p $(@D)
	$(Q)$(CC) $(CFLAGS) -shared -fPIC -Ilib -Ibpf $< -o $@

plugins: $(BUILD)/plugins/mypolicy.so

# make install [PREFIX=/usr/local] [DESTDIR=]: the daemon, the simulator, libcland
# (headers, libcland.a, cland.pc), the systemd unit and its defaults, the man page,
# the examples. make uninstall removes them (and /etc/default/scx_cland if unchanged).
PREFIX		?= /usr/local
BINDIR		?= $(PREFIX)/bin
LIBDIR		?= $(PREFIX)/lib
INCLUDEDIR	?= $(PREFIX)/include
DATADIR		?= $(PREFIX)/share
MANDIR		?= $(DATADIR)/man
PKGCONFIGDIR	?= $(LIBDIR)/pkgconfig
UNITDIR		?= $(PREFIX)/lib/systemd/system
SYSCONFDIR	?= /etc
EXAMPLEDIR	?= $(DATADIR)/scx_cland/examples
INSTALL		?= install
D		 = $(DESTDIR)

install: $(BUILD)/scx_cland $(BUILD)/cland-sim $(LIBCLAND)
	$(call msg,INSTALL,$(D)$(PREFIX))
	$(Q)$(INSTALL) -d $(D)$(BINDIR) $(D)$(LIBDIR) $(D)$(INCLUDEDIR)/cland $(D)$(PKGCONFIGDIR) \
		$(D)$(MANDIR)/man8 $(D)$(UNITDIR) $(D)$(SYSCONFDIR)/default $(D)$(EXAMPLEDIR)
	$(Q)$(INSTALL) -m 755 $(BUILD)/scx_cland $(BUILD)/cland-sim $(D)$(BINDIR)/
	$(Q)$(INSTALL) -m 644 $(LIBCLAND) $(D)$(LIBDIR)/
	$(Q)$(INSTALL) -m 644 $(PUBLIC_HDRS) $(D)$(INCLUDEDIR)/cland/
	$(Q)sed -e 's|@PREFIX@|$(PREFIX)|; s|@LIBDIR@|$(LIBDIR)|; s|@INCLUDEDIR@|$(INCLUDEDIR)|' \
		-e 's|@VERSION@|$(VERSION)|' dist/cland.pc.in >$(D)$(PKGCONFIGDIR)/cland.pc
	$(Q)sed -e 's|@BINDIR@|$(BINDIR)|; s|@SYSCONFDIR@|$(SYSCONFDIR)|' dist/scx_cland.service.in \
		>$(D)$(UNITDIR)/scx_cland.service
	$(Q)[ -e $(D)$(SYSCONFDIR)/default/scx_cland ] || \
		$(INSTALL) -m 644 dist/scx_cland.default $(D)$(SYSCONFDIR)/default/scx_cland
	$(Q)$(INSTALL) -m 644 dist/scx_cland.8 $(D)$(MANDIR)/man8/
	$(Q)$(INSTALL) -m 644 docs/examples/mypolicy.c docs/examples/rules.json $(D)$(EXAMPLEDIR)/

uninstall:
	$(call msg,UNINSTALL,$(D)$(PREFIX))
	$(Q)rm -f $(D)$(BINDIR)/scx_cland $(D)$(BINDIR)/cland-sim $(D)$(LIBDIR)/libcland.a \
		$(addprefix $(D)$(INCLUDEDIR)/cland/,$(notdir $(PUBLIC_HDRS))) \
		$(D)$(PKGCONFIGDIR)/cland.pc $(D)$(UNITDIR)/scx_cland.service \
		$(D)$(MANDIR)/man8/scx_cland.8 $(D)$(EXAMPLEDIR)/mypolicy.c $(D)$(EXAMPLEDIR)/rules.json
	$(Q)! cmp -s dist/scx_cland.default $(D)$(SYSCONFDIR)/default/scx_cland || \
		rm -f $(D)$(SYSCONFDIR)/default/scx_cland
	$(Q)rmdir $(D)$(INCLUDEDIR)/cland $(D)$(EXAMPLEDIR) $(D)$(DATADIR)/scx_cland 2>/dev/null || true

run: $(BUILD)/scx_cland
	$(Q)scripts/run.sh $(RUN_ARGS)

C_FILES = $(shell git ls-files '*.c' '*.h' 2>/dev/null)

# Kernel style (.clang-format): `make format` applies it, `make check` checks it.
format:
	$(Q)clang-format -i $(C_FILES)

format-check:
	$(call msg,FORMAT,$(words $(C_FILES)) files)
	$(Q)clang-format --dry-run -Werror $(C_FILES)

clean:
	$(Q)rm -rf $(BUILD)/obj $(BUILD)/obj-pic $(BUILD)/libcland.a $(BUILD)/plugins $(BUILD)/tests $(BUILD)/bench $(BUILD)/scx_cland $(BUILD)/cland.* $(BUILD)/vm/*.cpio*
