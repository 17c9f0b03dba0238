# The test image, build/hypervisor/hypervisor-test.elf: the production image's objects with
# common/testhook_none.o swapped for the test hooks in tests/hypervisor/ (see its README).
# make bench and the lifecycle boot tests boot it (scripts/hvboot --image).
HVT_IMAGE := $(HV_OUT)/hypervisor-test.elf
HVT_NONE := $(HV_OUT)/hypervisor/common/testhook_none.o
HVT_C := $(wildcard tests/hypervisor/*.c)
HVT_ASM := $(wildcard tests/hypervisor/*.asm)
HVT_OBJ := $(filter-out $(HVT_NONE),$(HV_OBJ)) \
	$(patsubst %.c,$(HV_OUT)/%.o,$(HVT_C)) $(patsubst %.asm,$(HV_OUT)/%.o,$(HVT_ASM))

$(HVT_IMAGE): $(HVT_OBJ) hypervisor/arch/x86/hypervisor.ld
	@echo "  LD      $@"
	@ld $(HV_LDFLAGS) -o $@ $(HVT_OBJ)

# The production image holds no global symbol the test code defines, except the hooks.
defined_syms = nm -g --defined-only $(1) | awk 'NF == 3 {print $$3}' | sort -u
.PHONY: test-image-check
test-image-check: $(HV_OUT)/hypervisor.elf $(HVT_IMAGE)
	@leaked=$$(comm -23 <($(call defined_syms,$(filter $(HV_OUT)/tests/%,$(HVT_OBJ)))) \
	    <($(call defined_syms,$(HVT_NONE))) | comm -12 - <($(call defined_syms,$<))); \
	if [ -n "$$leaked" ]; then echo "test code in the production image:" $$leaked; exit 1; fi; \
	echo "test-image-check: the production image has none of tests/hypervisor/"

ALL += $(HVT_IMAGE)
CHECK += test-image-check
-include $(patsubst %.o,%.d,$(filter $(HV_OUT)/tests/%,$(HVT_OBJ)))
