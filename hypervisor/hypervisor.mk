# Build of the hypervisor image: every .c and .asm under hypervisor/, the freestanding library
# (lib/lib.mk) and the builder's shared library (libpvbuild/pvbuild.mk) go into
# build/hypervisor/hypervisor.elf.
# (tests/hypervisor/test-image.mk links the test image from the same objects.)
HV_OUT := $(B)/hypervisor
HV_CFLAGS := -std=gnu11 -ffreestanding -fno-builtin -nostdlib -mno-red-zone -fpie -mcmodel=small \
	-mno-sse -mno-mmx -mno-sse2 -mno-80387 -fno-stack-protector -fno-asynchronous-unwind-tables \
	-fno-strict-aliasing -fno-common -O2 -g $(HV_WARN) -Ihypervisor/include -Ihypervisor/mm/inline -I. -MMD -MP
HV_C := $(shell find hypervisor -name '*.c' -not -name 'asm-offsets.c')
HV_ASM := $(shell find hypervisor -name '*.asm')
HV_OBJ := $(patsubst %.c,$(HV_OUT)/%.o,$(HV_C) $(PVBUILD_SRCS) $(LIB_SRCS) $(LIB_MEM_SRCS)) \
	$(patsubst %.asm,$(HV_OUT)/%.o,$(HV_ASM))
HV_OFFSETS := $(HV_OUT)/asm-offsets.inc

$(HV_OUT)/%.o: %.c
	@mkdir -p $(dir $@)
	@echo "  CC      $<"
	@$(CC) $(HV_CFLAGS) -c $< -o $@

$(HV_OUT)/lib/mem.o: HV_CFLAGS += $(LIB_MEM_CFLAGS)

$(HV_OUT)/%.o: %.asm $(HV_OFFSETS)
	@mkdir -p $(dir $@)
	@echo "  NASM    $<"
	@$(NASM) -f elf64 -I$(HV_OUT)/ -o $@ $<

# Structure offsets for the nasm stubs, generated from C (see asm-offsets.c).
$(HV_OFFSETS): hypervisor/arch/x86/asm-offsets.c $(wildcard hypervisor/include/*.h hypervisor/include/x86/*.h)
	@mkdir -p $(dir $@)
	$(CC) $(HV_CFLAGS) -S $< -o $(HV_OUT)/asm-offsets.s
	{ echo "; generated from hypervisor/arch/x86/asm-offsets.c -- do not edit"; \
	  sed -n 's/.*@@OFFSET \([A-Za-z0-9_]*\) \$$\{0,1\}\(-\{0,1\}[0-9]*\).*/%define \1 \2/p' $(HV_OUT)/asm-offsets.s; } > $@

HV_LDFLAGS := -nostdlib -static -no-pie -z max-page-size=0x1000 -z noexecstack \
	-T hypervisor/arch/x86/hypervisor.ld

$(HV_OUT)/hypervisor.elf: $(HV_OBJ) hypervisor/arch/x86/hypervisor.ld
	@echo "  LD      $@"
	@ld $(HV_LDFLAGS) -o $@ $(HV_OBJ)

ALL += $(HV_OUT)/hypervisor.elf
-include $(HV_OBJ:.o=.d)

# The layers (README.md): no include or call crosses them the wrong way; the check's own
# self-test shows it can fail.
.PHONY: layer-check
layer-check: $(HV_OUT)/hypervisor.elf
	scripts/check-layers --objroot $(HV_OUT) --shared libpvbuild $(HV_OBJ)
	tests/layers/run
CHECK += layer-check

# The trusted core's budgets (STYLE.md): figures printed on every run; the check fails on a
# function over 50 lines without a written reason, and its self-test shows that it does.
# libpvbuild/ is in the trusted image, so it counts (its headers too, see scripts/hv-budget).
.PHONY: budget-check
budget-check:
	@scripts/hv-budget --check $(HV_C) $(PVBUILD_SRCS) $(HV_ASM)
	@d=$$(mktemp -d) && { echo 'int f(int x)'; echo '{'; for i in $$(seq 60); do echo "    x += $$i;"; done; \
	  echo '    return x;'; echo '}'; } > $$d/long.c && \
	  if scripts/hv-budget --check $(HV_C) $(PVBUILD_SRCS) $(HV_ASM) $$d/long.c > $$d/out; then \
	    echo 'budget-check self-test: a 61-line function passed'; rm -rf $$d; exit 1; fi; \
	  grep -q 'no written reason' $$d/out && rm -rf $$d && echo 'budget-check self-test: a long function fails'
CHECK += budget-check
