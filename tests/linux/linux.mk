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

$(LX_INITRAMFS): $(LX_FETCHED) $(LX_OUT)/hvtest tests/linux/init tests/linux/mkinitramfs
	tests/linux/mkinitramfs $@ init=tests/linux/init bin/busybox=$(LX_OUT)/busybox \
	    bin/sh=@busybox bin/hvtest=$(LX_OUT)/hvtest

.PHONY: linux-fetch linux-tests
linux-fetch: $(LX_INITRAMFS)

linux-tests: all $(LX_INITRAMFS)
	tests/boot/run --cases tests/linux/cases
CHECK += linux-tests
