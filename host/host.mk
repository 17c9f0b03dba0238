# The host (host/README.md): the dom0 root file system (scripts/mkdom0-rootfs), `make run`'s
# host (scripts/hvhost), the system tests (tests/system/) and the host benchmark (bench/host).
DOM0_OUT := $(B)/dom0

# The script keeps its own stamp of every input (Debian package list, kernel version, init files,
# dom0-tools binaries) and returns at once when nothing changed.
.PHONY: dom0-rootfs xen-fetch system-tests bench-host bench-block bench-migrate
# The example configurations' kernels come from build/guests/ and build/linux/ (with the
# initramfs of tests/linux), so those are built first.
dom0-rootfs: $(LX_FETCHED) $(LX_INITRAMFS) $(B)/guests/netdemo.elf $(B)/bin/xenstored $(B)/lib/libxenstore.so.4 \
    $(B)/bin/xs-domain $(B)/bin/hvconsoled
	scripts/mkdom0-rootfs $(DOM0_OUT)

xen-fetch:
	scripts/fetch-xen

system-tests: all dom0-rootfs $(XEN_VERIFY) $(LX_OUT)/hvtest
	tests/system/run
CHECK += system-tests

bench-host: all dom0-rootfs xen-fetch
	bench/host
BENCH += bench-host

# Guests' disks: a Linux domU on xvda next to dom0 on the same raw image (bench/block), on ours
# and on Debian's Xen 4.17 (xen-fetch: its image, xl and hotplug scripts) in the same run.
# blkio (bench/blkio.c) runs in dom0 and in the domU: static, built with the host's compiler.
$(B)/bench/blkio: bench/blkio.c
	@mkdir -p $(@D)
	$(CC) -static -O2 $(WARN) -o $@ $<

bench-block: all dom0-rootfs xen-fetch $(B)/bench/blkio
	bench/block
BENCH += bench-block

# Guests' networks: iperf3 (Debian's, fetched by bench/net) in two Linux domUs and dom0, on ours
# and on Xen 4.17 in the same run.
.PHONY: bench-net
bench-net: all dom0-rootfs xen-fetch
	bench/net
BENCH += bench-net

# Live migration: an idle and a dirtying guest-kit guest to the same host over ssh (bench/migrate).
bench-migrate: all dom0-rootfs
	bench/migrate
BENCH += bench-migrate

# A Linux domU live-migrated between two hosts (shared disk, bridged segment, HTTP clients on both).
.PHONY: bench-migrate-hosts
bench-migrate-hosts: all dom0-rootfs
	bench/migrate-hosts
BENCH += bench-migrate-hosts

# The downtime phase by phase: savedemo and a Linux domU moved between two hosts, 3 runs each,
# best and median (not in `make bench`: 15-30 minutes under TCG; docs/benchmarks.md).
.PHONY: bench-migrate-downtime
bench-migrate-downtime: all dom0-rootfs
	bench/migrate-downtime
