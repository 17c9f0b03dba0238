# pv-abi: public ABI headers. Nothing to build; `make check` runs the header self-check:
# every header must compile on its own as strict C99 with all warnings as errors (the one-line
# translation unit only keeps -pedantic from rejecting an empty file).
PV_ABI_HEADERS := $(wildcard pv-abi/*.h)
PV_ABI_STAMPS := $(patsubst pv-abi/%.h,$(B)/pv-abi/%.h.ok,$(PV_ABI_HEADERS))

$(B)/pv-abi/%.h.ok: pv-abi/%.h
	@mkdir -p $(@D)
	printf 'typedef int pv_abi_header_check;\n' | \
	    $(CC) -std=c99 -pedantic $(WARN) -fsyntax-only -include $< -x c -
	@touch $@

.PHONY: pv-abi-check
pv-abi-check: $(PV_ABI_STAMPS)

ALL += $(PV_ABI_STAMPS)
CHECK += pv-abi-check
