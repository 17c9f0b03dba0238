# Linux guest tests: Debian's stock kernel as a boot-time domain with a busybox initramfs
# (tests/linux/README.md). The kernel and busybox are fetched into $(B)/linux by
# scripts/fetch-linux (apt-get download, never installed); `make all` does not fetch them.
LX_OUT := $(B)/linux
LX_FETCHED := $(LX_OUT)/VERSION
LX_INITRAMFS := $(LX_OUT)/initramfs.cpio.gz

$(LX_FETCHED): scripts/fetch-linux scripts/bzimage-extract
	scripts/fetch-linux $(LX_OUT)

# The test helper: a static Linux program built with the host's compiler.
$(LX_OUT)/hvtest: tests/linux/hvtest.c
	@mkdir -p $(@D)
	$(CC) -static -O2 -pthread $(WARN) -o $@ $<

LX_MODULES := virtio_ring virtio virtio_pci_legacy_dev virtio_pci_modern_dev virtio_pci virtio_blk \
    failover net_failover virtio_net
$(LX_INITRAMFS): $(LX_FETCHED) $(LX_OUT)/hvtest tests/linux/init tests/linux/mkinitramfs
	tests/linux/mkinitramfs $@ init=tests/linux/init bin/busybox=$(LX_OUT)/busybox \
	    bin/sh=@busybox bin/hvtest=$(LX_OUT)/hvtest \
	    $(foreach m,$(LX_MODULES),lib/modules/$(m).ko=$(LX_OUT)/modules/$(m).ko)

# The virtio disk of linux_dom0_virtio: 4 MiB of a pattern (its md5sum goes on dom0's command line).
$(LX_OUT)/virtio-disk.img:
	python3 -c 'import sys; sys.stdout.buffer.write(bytes((i * 7 + (i >> 12)) & 255 for i in range(4 << 20)))' > $@

.PHONY: linux-fetch linux-tests
linux-fetch: $(LX_INITRAMFS) $(LX_OUT)/virtio-disk.img

linux-tests: all $(LX_INITRAMFS) $(LX_OUT)/virtio-disk.img
	tests/boot/run --cases tests/linux/cases
CHECK += linux-tests
