# libpvbuild/: the PV domain builder's shared library (libpvbuild/README.md). No build of its own:
# the hypervisor (hypervisor/hypervisor.mk: part of the trusted image and its budget) and dom0's
# libhv (dom0-tools/dom0-tools.mk) compile these sources with their own flags.
PVBUILD_SRCS := $(wildcard libpvbuild/*.c)
PVBUILD_HDRS := $(wildcard libpvbuild/*.h)
