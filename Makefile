# SPDX-License-Identifier: GPL-2.0
#
# ptlab: build the module, the tools and the selftests; install with DKMS;
# run the demo and the tests. The kbuild part is in Kbuild.
#
#   make                 module + ptctl + selftests + host tests
#   make run             set up, build, install, load and show a demo
#   make check           lint, host tests, kselftests on every kernel
#   make stress          the ioctl fuzzer alone, STRESS_SECONDS long, on KVER
#   make dkms-install    install through DKMS for KVERS (default: all)
#
# KVER/KDIR choose the kernel: the running one when its headers exist,
# otherwise the newest installed Debian headers.

TOP := $(abspath $(dir $(lastword $(MAKEFILE_LIST))))
VERSION := $(shell sed -n 's/^PACKAGE_VERSION="\(.*\)"/\1/p' $(TOP)/dkms.conf)
BUILD := $(TOP)/build

RUNNING := $(shell uname -r)
KVER ?= $(if $(wildcard /lib/modules/$(RUNNING)/build),$(RUNNING),$(shell \
	ls -d /lib/modules/*/build 2>/dev/null | cut -d/ -f4 | sort -V | tail -n 1))
KDIR ?= /lib/modules/$(KVER)/build
# Every installed kernel with headers, for dkms-install and check.
KVERS ?= $(notdir $(patsubst %/build,%,$(wildcard /lib/modules/*/build)))

.PHONY: all module clean-module tools selftests host-test deps lint \
	dkms-install dkms-remove run check stress bench clean

all: module tools selftests host-test

# Objects built for one kernel must not be linked for another.
module:
	@if [ -f $(TOP)/.kdir-built ] && [ "$$(cat $(TOP)/.kdir-built)" != "$(KDIR)" ]; then \
		$(MAKE) -s -C $(KDIR) M=$(TOP) clean; fi
	@echo "$(KDIR)" > $(TOP)/.kdir-built
	$(MAKE) -C $(KDIR) M=$(TOP) modules

clean-module:
	$(MAKE) -C $(KDIR) M=$(TOP) clean
	rm -f $(TOP)/.kdir-built

tools:
	$(MAKE) -C $(TOP)/tools O=$(BUILD)/tools

selftests:
	$(MAKE) -C $(TOP)/selftests/ptlab OUTPUT=$(BUILD)/selftests

host-test:
	$(MAKE) -C $(TOP)/tests/host O=$(BUILD)/host

deps:
	$(TOP)/scripts/deps

lint:
	$(TOP)/scripts/lint

# Stage only the module's sources, so DKMS never copies build output.
DKMS_SRC := /usr/src/ptlab-$(VERSION)
dkms-install:
	rm -rf $(DKMS_SRC)
	mkdir -p $(DKMS_SRC)
	cd $(TOP) && cp -r Kbuild Makefile dkms.conf LICENSE src uapi $(DKMS_SRC)/
	-dkms remove ptlab/$(VERSION) --all >/dev/null 2>&1
	dkms add ptlab/$(VERSION)
	set -e; for k in $(KVERS); do dkms install ptlab/$(VERSION) -k $$k; done

dkms-remove:
	-dkms remove ptlab/$(VERSION) --all
	rm -rf $(DKMS_SRC)

run:
	$(TOP)/scripts/run

check:
	$(TOP)/scripts/check

# The ioctl fuzzer for as long as asked; prints ioctls per second.
STRESS_SECONDS ?= 600
stress:
	$(TOP)/scripts/stress --kver "$(KVER)" --seconds "$(STRESS_SECONDS)"

# Figures, not pass/fail: host engine, ioctls in a VM, Linux's io-pgtable-arm.
bench:
	$(TOP)/scripts/bench

clean:
	rm -rf $(BUILD) $(TOP)/.kdir-built
	-$(MAKE) -C $(KDIR) M=$(TOP) clean
