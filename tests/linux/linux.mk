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
    failover net_failover virtio_net xen-blkfront crc16 mbcache jbd2 crc32c_generic ext4 xen-netfront
$(LX_INITRAMFS): $(LX_FETCHED) $(LX_OUT)/hvtest tests/linux/init tests/linux/mkinitramfs \
    host/rootfs/udhcpc.script
	tests/linux/mkinitramfs $@ init=tests/linux/init bin/busybox=$(LX_OUT)/busybox \
	    bin/sh=@busybox bin/hvtest=$(LX_OUT)/hvtest etc/udhcpc.script=host/rootfs/udhcpc.script \
	    $(foreach m,$(LX_MODULES),lib/modules/$(m).ko=$(LX_OUT)/modules/$(m).ko)

# The virtio disk of linux_dom0_virtio: 4 MiB of a pattern (its md5sum goes on dom0's command line).
$(LX_OUT)/virtio-disk.img:
	python3 -c 'import sys; sys.stdout.buffer.write(bytes((i * 7 + (i >> 12)) & 255 for i in range(4 << 20)))' > $@

# dom0's xenstore test (hvtest=xenstore): the same plus the Xen device modules, our xenstored and
# libxenstore, xen-init-dom0, and Debian's xenstore-utils with the libraries they load, taken
# from the build machine (scripts/install-deps installs xenstore-utils).
LX_XS_INITRAMFS := $(LX_OUT)/initramfs-xs.cpio.gz
LX_XS_TOOLS := read write ls rm watch list exists chmod
LX_XS_LIBS := libc.so.6 libxenstore.so.4 libxentoolcore.so.1
LX_XS_MODULES := xenfs xen-evtchn xen-gntdev xen-privcmd
$(LX_XS_INITRAMFS): $(LX_INITRAMFS) $(B)/bin/xenstored $(B)/lib/libxenstore.so.4 $(B)/bin/xs-domain \
		tests/linux/xenstore-dom0 dom0-tools/scripts/xen-init-dom0
	tests/linux/mkinitramfs $@ init=tests/linux/init bin/busybox=$(LX_OUT)/busybox \
	    bin/sh=@busybox bin/hvtest=$(LX_OUT)/hvtest bin/xenstore-dom0=tests/linux/xenstore-dom0 \
	    $(foreach m,$(LX_XS_MODULES),lib/modules/xen/$(m).ko=$(LX_OUT)/modules/$(m).ko) \
	    usr/local/sbin/xenstored=$(B)/bin/xenstored usr/local/sbin/xs-domain=$(B)/bin/xs-domain \
	    usr/local/sbin/xen-init-dom0=dom0-tools/scripts/xen-init-dom0 \
	    usr/local/lib/libxenstore.so.4=$(B)/lib/libxenstore.so.4 \
	    usr/bin/xenstore=/usr/bin/xenstore $(foreach t,$(LX_XS_TOOLS),usr/bin/xenstore-$(t)=@xenstore) \
	    lib64/ld-linux-x86-64.so.2=/lib64/ld-linux-x86-64.so.2 \
	    $(foreach l,$(LX_XS_LIBS),lib/x86_64-linux-gnu/$(l)=/lib/x86_64-linux-gnu/$(l))

.PHONY: linux-fetch linux-tests
linux-fetch: $(LX_INITRAMFS) $(LX_OUT)/virtio-disk.img

linux-tests: all $(LX_INITRAMFS) $(LX_OUT)/virtio-disk.img $(LX_XS_INITRAMFS)
	tests/boot/run --cases tests/linux/cases
CHECK += linux-tests
