# SPDX-License-Identifier: GPL-2.0
# hvm: top-level build.  `make` builds the module, the runner and the selftests.
#   make check   the whole test: build warning-free, then the selftests in QEMU
#                test VMs (AMD-V under TCG), ends with "N passed, N failed"
#   make check-bochs  the same in the Bochs test VMs (VT-x and AMD-V)
#   make check-debug  the same with a debug kernel in the test VM (KASAN,
#                lockdep, kmemleak, KFENCE...), built from Debian's
#                linux-source and cached in build/debug-kernel: slow
#   make run     boot a test VM that loads hvm.ko and boots Linux with hvm-run:
#                the guest prints uname -a and its CPU count, powers off
#   make run-shell  the same guest with its shell on this terminal
#   make fuzz    the ioctl fuzzer's long run (>= 1,000,000 calls) in one test
#                VM: calls, errnos by count, time and host incidents
#   make bench   hvm against KVM on the same guest code in one test VM: a
#                table of medians and ratios, build/bench/bench.csv and .png
# See Documentation/testing.rst for the variables (CPUS, KVER, TEST_TIMEOUT...).
# KDIR: the running kernel's build dir when it exists, else the newest installed one.
KDIR ?= $(firstword $(wildcard /lib/modules/$(shell uname -r)/build) \
	$(lastword $(shell ls -d /lib/modules/*/build 2>/dev/null | sort -V)))

.PHONY: all module userspace selftests check check-bochs check-debug \
	debug-kernel run run-shell bench fuzz clean

all: module userspace selftests

# W=1 always; C=2 runs sparse on every file (make C=0 to skip it).
C ?= 2
module:
	$(MAKE) -C $(KDIR) M=$(CURDIR)/module W=1 C=$(C) modules

# userspace/ (hvm-run, the library, the demo guests) and selftests/ have their
# own Makefiles; a directory without one yet is skipped.
selftests: userspace
userspace selftests:
	@if [ -f $@/Makefile ]; then $(MAKE) -C $@; \
	else echo "$@/Makefile: not there yet, skipped"; fi

# The test harness lives in tools/testvm/; variables given to make reach it
# through the environment, e.g. `make check CPUS=EPYC TEST_TIMEOUT=60`.
check:
	@tools/testvm/check.sh

# The same in the Bochs test VMs only (VMX, and SVM with more features):
# `make check CPUS=bochs:MODEL` for one.  Slow: about 2 minutes a boot.
BOCHS_CPUS ?= bochs:corei7_skylake_x bochs:zambezi
check-bochs:
	@CPUS="$(BOCHS_CPUS)" tools/testvm/check.sh

# The debug kernel (Documentation/testing.rst, "The debug kernel"): hvm.ko
# and the selftests against a KASAN/lockdep/kmemleak/KFENCE kernel built from
# Debian's linux-source-6.1, booted in the QEMU SVM test VM (CPUS=EPYC);
# any report fails.  The kernel is built once (nice -n 19, about an hour on
# 2 cores) and reused until its config or source changes; `make
# debug-kernel` only builds it.  Not part of `make check`.
check-debug:
	@tools/testvm/debug-kernel.sh check

debug-kernel:
	@tools/testvm/debug-kernel.sh build

# The demo: RUN_DEMO=linux (default), shell (make run-shell) or hello
# (userspace/Makefile's print-hello-cmd); RUN_CMD or RUN_ARGS override it
# (see Documentation/testing.rst).
run:
	@tools/testvm/run.sh

run-shell:
	@RUN_DEMO=shell tools/testvm/run.sh

# The fuzzer's long run (Documentation/testing.rst): FUZZ_ARGS, FUZZ_CPUS...
fuzz:
	@tools/testvm/fuzz.sh

# The benchmark (Documentation/performance.rst): BENCH_ARGS, BENCH_CPU...
bench:
	@tools/testvm/bench.sh

# build/debug-kernel (make check-debug's kernel, long to build) stays:
# rm -rf build/debug-kernel to drop it.
clean:
	[ -z "$(KDIR)" ] || $(MAKE) -C $(KDIR) M=$(CURDIR)/module clean
	@for d in userspace selftests; do \
		[ ! -f $$d/Makefile ] || $(MAKE) -C $$d clean || exit 1; done
	[ ! -d build ] || find build -mindepth 1 -maxdepth 1 ! -name debug-kernel \
		-exec rm -rf {} +
