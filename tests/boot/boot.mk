# Boot tests: guests under QEMU, see tests/boot/run and tests/boot/cases.
.PHONY: boot-tests
boot-tests: all
	tests/boot/run
CHECK += boot-tests
