# Boot tests: guests under QEMU, see tests/boot/run, tests/boot/cases and tests/boot/README.md.
#
# Each tests/boot/guests/<name>.c (except the helpers bt.c and bt_mmu.c) is one test guest,
# linked with the helpers and the guest kit into build/tests/boot/guests/<name>.elf. The
# refused-module cases also need a few images that are not Xen PV kernels, made here.
BT_OUT := $(B)/tests/boot
BT_HELPERS := tests/boot/guests/bt.c tests/boot/guests/bt_mmu.c
BT_HELPER_OBJS := $(patsubst tests/boot/guests/%.c,$(BT_OUT)/obj/%.o,$(BT_HELPERS))
BT_GUEST_SRCS := $(filter-out $(BT_HELPERS),$(wildcard tests/boot/guests/*.c))
BT_GUESTS := $(patsubst tests/boot/guests/%.c,$(BT_OUT)/guests/%.elf,$(BT_GUEST_SRCS))
BT_CFLAGS := $(GK_CFLAGS) -Itests/boot/guests
BT_BAD_IMAGES := $(BT_OUT)/images/notxen.elf $(BT_OUT)/images/truncated.elf \
    $(BT_OUT)/images/text.elf $(BT_OUT)/images/initrd.bin

$(BT_OUT)/obj/%.o: tests/boot/guests/%.c tests/boot/guests/bt.h tests/boot/guests/bt_mmu.h
	@mkdir -p $(@D)
	$(CC) $(BT_CFLAGS) -c -o $@ $<

$(BT_OUT)/guests/%.elf: $(BT_OUT)/obj/%.o $(BT_HELPER_OBJS) $(GK_LIB) guest-kit/guest.lds
	@mkdir -p $(@D)
	$(LD) $(GK_LDFLAGS) -o $@ $< $(BT_HELPER_OBJS) $(GK_LIB)

# Guests that may be the initial domain (pirq, domctl, msi): dom0's image must lie in the host's RAM,
# where pfn 0 (the kit's usual place) is not; these are linked 1 MiB up, the layout otherwise the
# kit's.
$(BT_OUT)/dom0.lds: guest-kit/guest.lds
	@mkdir -p $(@D)
	sed 's/^    \. = VIRT_BASE;$$/    . = VIRT_BASE + 0x100000;/' $< > $@
	grep -q 'VIRT_BASE + 0x100000' $@

BT_DOM0_GUESTS := $(BT_OUT)/guests/pirq.elf $(BT_OUT)/guests/domctl.elf $(BT_OUT)/guests/migrate.elf \
                  $(BT_OUT)/guests/tuning.elf $(BT_OUT)/guests/foreign.elf \
                  $(BT_OUT)/guests/domctl_life.elf $(BT_OUT)/guests/domctl_build.elf \
                  $(BT_OUT)/guests/ioperm.elf $(BT_OUT)/guests/msi.elf \
                  $(BT_OUT)/guests/tlb_stale_foreign.elf
$(BT_DOM0_GUESTS): $(BT_OUT)/guests/%.elf: $(BT_OUT)/obj/%.o $(BT_HELPER_OBJS) $(GK_LIB) $(BT_OUT)/dom0.lds
	@mkdir -p $(@D)
	$(LD) $(subst guest-kit/guest.lds,$(BT_OUT)/dom0.lds,$(GK_LDFLAGS)) -o $@ $< $(BT_HELPER_OBJS) $(GK_LIB)

# An ordinary Linux executable: an x86-64 ELF without Xen notes.
$(BT_OUT)/images/notxen.elf:
	@mkdir -p $(@D)
	cp /bin/true $@

# A Xen PV kernel cut short: the headers are there, the segments are not.
$(BT_OUT)/images/truncated.elf: $(B)/guests/hello.elf
	@mkdir -p $(@D)
	head -c 2000 $< > $@

# Not an ELF at all.
$(BT_OUT)/images/text.elf:
	@mkdir -p $(@D)
	printf 'This is a text file, not a kernel.\n' > $@

# The ramdisk of the initrd cases: 12345 bytes (not a whole page) of a pattern initrd.c checks.
$(BT_OUT)/images/initrd.bin:
	@mkdir -p $(@D)
	python3 -c 'import sys; sys.stdout.buffer.write(bytes((i * 131 + (i >> 8)) & 255 for i in range(12345)))' > $@

ALL += $(BT_GUESTS) $(BT_BAD_IMAGES)

.PHONY: boot-tests
boot-tests: all $(B)/hypervisor.iso
	tests/boot/run
CHECK += boot-tests

-include $(wildcard $(BT_OUT)/obj/*.d)
