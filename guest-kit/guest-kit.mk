# guest-kit: build/guest-kit/libguestkit.a (the kit and the freestanding library lib/) and the
# example guests in build/guests/.
#
# Building a guest from anywhere in the tree (e.g. tests/boot/boot.mk):
#     $(eval $(call gk_guest,NAME,path/to/a.c path/to/b.c))
# links build/guests/NAME.elf from those sources and the kit, and adds it to ALL.
GK_OUT := $(B)/guest-kit
GK_LIB := $(GK_OUT)/libguestkit.a
GK_CFLAGS := -std=gnu11 -O2 -g -ffreestanding -fno-builtin -nostdlib -mcmodel=kernel \
    -mno-red-zone -fno-pic -fno-pie -fno-stack-protector -fno-asynchronous-unwind-tables \
    -fno-tree-loop-distribute-patterns -mno-sse -mno-mmx -mno-sse2 -mno-avx -mno-80387 \
    $(WARN) -I. -Iguest-kit/include -MMD -MP
GK_LDFLAGS := -m elf_x86_64 -nostdlib -static -T guest-kit/guest.lds -z max-page-size=4096 \
    -z noexecstack --build-id=none -u _start

GK_LIB_OBJS := $(patsubst %.c,$(GK_OUT)/obj/%.o,$(wildcard guest-kit/lib/*.c)) \
    $(patsubst %.c,$(GK_OUT)/obj/%.o,$(LIB_SRCS) $(LIB_MEM_SRCS)) \
    $(GK_OUT)/obj/guest-kit/arch/head.o $(GK_OUT)/obj/guest-kit/arch/entry.o

# Constants and offsets for nasm, generated from the C headers.
$(GK_OUT)/asm_defs.inc: guest-kit/arch/asm_defs.c
	@mkdir -p $(@D)
	$(CC) $(GK_CFLAGS) -S -o $(GK_OUT)/asm_defs.s $<
	{ echo '; generated from guest-kit/arch/asm_defs.c - do not edit'; \
	  sed -n 's/.*->\([A-Za-z0-9_]*\) \(-\{0,1\}[0-9][0-9]*\).*/%define \1 \2/p' \
	    $(GK_OUT)/asm_defs.s; } > $@

$(GK_OUT)/obj/%.o: %.c
	@mkdir -p $(@D)
	$(CC) $(GK_CFLAGS) -c -o $@ $<

$(GK_OUT)/obj/lib/mem.o: GK_CFLAGS += $(LIB_MEM_CFLAGS)

$(GK_OUT)/obj/guest-kit/arch/%.o: guest-kit/arch/%.asm $(GK_OUT)/asm_defs.inc
	@mkdir -p $(@D)
	$(NASM) -f elf64 -g -I$(GK_OUT)/ -o $@ $<

$(GK_LIB): $(GK_LIB_OBJS)
	@rm -f $@
	$(AR) rcs $@ $^

define gk_guest
$(B)/guests/$(1).elf: $(patsubst %.c,$(GK_OUT)/obj/%.o,$(2)) $(GK_LIB) guest-kit/guest.lds
	@mkdir -p $$(@D)
	$(LD) $(GK_LDFLAGS) -o $$@ $(patsubst %.c,$(GK_OUT)/obj/%.o,$(2)) $(GK_LIB)
ALL += $(B)/guests/$(1).elf
endef

$(eval $(call gk_guest,hello,guest-kit/examples/hello.c))
$(eval $(call gk_guest,gk-selftest,guest-kit/examples/selftest.c))
$(eval $(call gk_guest,mmdemo,guest-kit/examples/mmdemo.c))
$(eval $(call gk_guest,blkdemo,guest-kit/examples/blkdemo.c))
$(eval $(call gk_guest,savedemo,guest-kit/examples/savedemo.c))
$(eval $(call gk_guest,badfront,guest-kit/examples/badfront.c))

ALL += $(GK_LIB)

include guest-kit/lwip/lwip.mk

.PHONY: guest-kit-check
guest-kit-check: $(B)/guests/hello.elf $(B)/guests/gk-selftest.elf $(B)/guests/mmdemo.elf \
    $(B)/guests/blkdemo.elf $(B)/guests/netdemo.elf $(B)/guests/savedemo.elf $(B)/guests/badfront.elf
	guest-kit/check-image.py $(B)/guests/hello.elf $(B)/guests/gk-selftest.elf \
	    $(B)/guests/mmdemo.elf $(B)/guests/blkdemo.elf $(B)/guests/netdemo.elf \
	    $(B)/guests/savedemo.elf $(B)/guests/badfront.elf
CHECK += guest-kit-check

-include $(shell find $(GK_OUT) -name '*.d' 2>/dev/null)
