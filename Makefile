# SPDX-License-Identifier: GPL-2.0
# hvm: top-level build.  `make` builds the module, the runner and the selftests.
# KDIR: the running kernel's build dir when it exists, else the newest installed one.
KDIR ?= $(firstword $(wildcard /lib/modules/$(shell uname -r)/build) \
	$(lastword $(shell ls -d /lib/modules/*/build 2>/dev/null | sort -V)))

.PHONY: all module userspace selftests clean

all: module userspace selftests

# W=1 always; C=2 runs sparse on every file (make C=0 to skip it).
C ?= 2
module:
	$(MAKE) -C $(KDIR) M=$(CURDIR)/module W=1 C=$(C) modules

clean:
	$(MAKE) -C $(KDIR) M=$(CURDIR)/module clean
