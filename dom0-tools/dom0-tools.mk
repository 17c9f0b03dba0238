# dom0-tools: xenstored (build/bin/xenstored, its Linux build) and libxenstore
# (build/lib/libxenstore.so.4). See dom0-tools/README.md; tests in tests/xenstore/.
XSD_DIR := dom0-tools/xenstored
XSL_DIR := dom0-tools/libxenstore
D0_OUT := $(B)/dom0-tools
# The core must build freestanding (it will run in dom0 on guest-kit); pv-abi comes in with
# -iquote so that its errno.h never shadows the C library's.
XSD_CORE_SRCS := $(wildcard $(XSD_DIR)/*.c)
XSD_LINUX_SRCS := $(wildcard $(XSD_DIR)/linux/*.c)
XSD_CORE_CFLAGS := -std=gnu11 -O2 -g $(WARN) -ffreestanding -iquote . -MMD -MP
XSD_LINUX_CFLAGS := -std=gnu11 -O2 -g $(WARN) -iquote . -MMD -MP
XSL_SRCS := $(wildcard $(XSL_DIR)/*.c)
XSL_CFLAGS := -std=gnu11 -O2 -g $(WARN) -fPIC -fvisibility=default -iquote . -MMD -MP
XSD_CORE_OBJS := $(patsubst $(XSD_DIR)/%.c,$(D0_OUT)/xenstored/%.o,$(XSD_CORE_SRCS))
XSD_LIB_OBJS := $(patsubst lib/%.c,$(D0_OUT)/lib/%.o,$(LIB_SRCS))
XSD_LINUX_OBJS := $(patsubst $(XSD_DIR)/linux/%.c,$(D0_OUT)/xenstored/linux/%.o,$(XSD_LINUX_SRCS))
XSL_OBJS := $(patsubst $(XSL_DIR)/%.c,$(D0_OUT)/libxenstore/%.o,$(XSL_SRCS))

$(D0_OUT)/xenstored/%.o: $(XSD_DIR)/%.c
	@mkdir -p $(@D)
	$(CC) $(XSD_CORE_CFLAGS) -c $< -o $@

# The freestanding library's string and format functions, with the core's flags (the core's
# mem* come from its platform: the C library here, guest-kit in dom0).
$(D0_OUT)/lib/%.o: lib/%.c
	@mkdir -p $(@D)
	$(CC) $(XSD_CORE_CFLAGS) -c $< -o $@

$(D0_OUT)/xenstored/linux/%.o: $(XSD_DIR)/linux/%.c
	@mkdir -p $(@D)
	$(CC) $(XSD_LINUX_CFLAGS) -c $< -o $@

$(D0_OUT)/libxenstore/%.o: $(XSL_DIR)/%.c
	@mkdir -p $(@D)
	$(CC) $(XSL_CFLAGS) -c $< -o $@

# The core linked alone (with lib/): it may need nothing but the platform calls and four mem*
# functions.
$(D0_OUT)/xenstored-core.o: $(XSD_CORE_OBJS) $(XSD_LIB_OBJS)
	$(LD) -r -o $@ $^
	@bad=$$(nm -u $@ | awk '{print $$2}' | grep -vxE 'mem(cpy|move|set|cmp)|xsd_plat_(alloc|free|log)'); \
	if [ -n "$$bad" ]; then echo "xenstored core needs symbols it may not use: $$bad"; rm -f $@; exit 1; fi

# The Linux program asks the hypervisor about domains through libhv's privcmd layer (priv.c).
$(B)/bin/xenstored: $(D0_OUT)/xenstored-core.o $(XSD_LINUX_OBJS) $(B)/lib/libhv.a
	@mkdir -p $(@D)
	$(CC) -o $@ $^

$(B)/lib/libxenstore.so.4: $(XSL_OBJS) $(XSL_DIR)/libxenstore.map
	@mkdir -p $(@D)
	$(CC) -shared -o $@ $(XSL_OBJS) -Wl,-soname,libxenstore.so.4 \
	    -Wl,--version-script=$(XSL_DIR)/libxenstore.map -Wl,-z,defs -lpthread
	ln -sf libxenstore.so.4 $(B)/lib/libxenstore.so

# xs-domain: INTRODUCE, RELEASE, IS_DOMAIN_INTRODUCED from dom0's shell (our library).
$(B)/bin/xs-domain: dom0-tools/tools/xs-domain.c $(XSL_DIR)/include/xenstore.h $(B)/lib/libxenstore.so.4
	@mkdir -p $(@D)
	$(CC) -std=gnu11 -O2 -g $(WARN) -I$(XSL_DIR)/include -o $@ $< -L$(B)/lib -lxenstore

-include $(XSD_CORE_OBJS:.o=.d) $(XSD_LIB_OBJS:.o=.d) $(XSD_LINUX_OBJS:.o=.d) $(XSL_OBJS:.o=.d)

ALL += $(B)/bin/xenstored $(B)/lib/libxenstore.so.4 $(B)/bin/xs-domain

# make xenstore-check: tests/xenstore/run.sh against the daemon and library built above.
XST_OUT := $(B)/tests/xenstore
XST_CFLAGS := -std=gnu11 -O1 -g $(WARN)

$(XST_OUT)/api_client_deb: tests/xenstore/api_client.c
	@mkdir -p $(@D)
	$(CC) $(XST_CFLAGS) -o $@ $< -lxenstore -lpthread

$(XST_OUT)/api_client_ours: tests/xenstore/api_client.c $(XSL_DIR)/include/xenstore.h \
    $(XSL_DIR)/include/xenstore_lib.h $(B)/lib/libxenstore.so.4
	@mkdir -p $(@D)
	$(CC) $(XST_CFLAGS) -I$(XSL_DIR)/include -o $@ $< -L$(B)/lib -lxenstore -lpthread

$(XST_OUT)/hostile: tests/xenstore/hostile.c
	@mkdir -p $(@D)
	$(CC) $(XST_CFLAGS) -o $@ $<

# xenstored's /dev/xen ioctls against libxen-dev's copies of Linux's uapi headers.
$(XST_OUT)/xendev_ioctl_check: tests/xenstore/xendev_ioctl_check.c $(XSD_DIR)/linux/xendev_ioctl.h
	@mkdir -p $(@D)
	$(CC) $(XST_CFLAGS) -iquote . -o $@ $<

.PHONY: xenstore-check
xenstore-check: $(B)/bin/xenstored $(B)/lib/libxenstore.so.4 $(XST_OUT)/api_client_deb \
    $(XST_OUT)/api_client_ours $(XST_OUT)/hostile $(XST_OUT)/xendev_ioctl_check
	$(XST_OUT)/xendev_ioctl_check
	tests/xenstore/run.sh $(B)

CHECK += xenstore-check

# libhv (dom0-tools/libhv/): the privileged interface, the domain builder and the toolstack's
# operations, one static library that hvctl, the console daemon and the tests link with
# $(LIBHV_LDLIBS). Every .c in the folder is part of it, with the builder's shared library
# (libpvbuild/, the same sources the hypervisor's builder compiles) and lib/'s string functions.
LIBHV_DIR := dom0-tools/libhv
LIBHV_SRCS := $(wildcard $(LIBHV_DIR)/*.c)
LIBHV_CFLAGS := -std=gnu11 -O2 -g $(WARN) -iquote . -MMD -MP
LIBHV_OBJS := $(patsubst $(LIBHV_DIR)/%.c,$(D0_OUT)/libhv/%.o,$(LIBHV_SRCS)) \
    $(patsubst libpvbuild/%.c,$(D0_OUT)/libhv/pvbuild/%.o,$(PVBUILD_SRCS)) \
    $(D0_OUT)/libhv/lib/string.o
LIBHV := $(B)/lib/libhv.a
LIBHV_LDLIBS := -lz -llzma

$(D0_OUT)/libhv/%.o: $(LIBHV_DIR)/%.c
	@mkdir -p $(@D)
	$(CC) $(LIBHV_CFLAGS) -c $< -o $@

$(D0_OUT)/libhv/pvbuild/%.o: libpvbuild/%.c
	@mkdir -p $(@D)
	$(CC) $(LIBHV_CFLAGS) -c $< -o $@

$(D0_OUT)/libhv/lib/%.o: lib/%.c
	@mkdir -p $(@D)
	$(CC) $(LIBHV_CFLAGS) -c $< -o $@

$(LIBHV): $(LIBHV_OBJS)
	@mkdir -p $(@D)
	rm -f $@
	$(AR) rcs $@ $^

-include $(LIBHV_OBJS:.o=.d)

ALL += $(LIBHV)

# hvctl (dom0-tools/hvctl/): the operator's command, a front end of libhv's operations.
HVCTL_SRCS := $(wildcard dom0-tools/hvctl/*.c)
HVCTL_OBJS := $(patsubst dom0-tools/hvctl/%.c,$(D0_OUT)/hvctl/%.o,$(HVCTL_SRCS))

$(D0_OUT)/hvctl/%.o: dom0-tools/hvctl/%.c
	@mkdir -p $(@D)
	$(CC) $(LIBHV_CFLAGS) -c $< -o $@

$(B)/bin/hvctl: $(HVCTL_OBJS) $(LIBHV) $(B)/lib/libxenstore.so.4
	@mkdir -p $(@D)
	$(CC) -o $@ $(HVCTL_OBJS) $(LIBHV) -L$(B)/lib -lxenstore $(LIBHV_LDLIBS)

-include $(HVCTL_OBJS:.o=.d)

ALL += $(B)/bin/hvctl

# make hvctl-check: the toolstack's tests that need more than the unit tier gives (our
# libxenstore and a running build/bin/xenstored on a private socket): tests/hvctl/.
HVT_OUT := $(B)/tests/hvctl
HVT_CFLAGS := -std=gnu11 -O1 -g $(WARN) -fsanitize=address,undefined -fno-sanitize-recover=all \
	-iquote .

$(HVT_OUT)/test_hv_xsl: tests/hvctl/test_hv_xsl.c tests/hvctl/xsd_harness.c $(LIBHV) \
    $(B)/lib/libxenstore.so.4 $(wildcard $(LIBHV_DIR)/*.h tests/hvctl/*.h)
	@mkdir -p $(@D)
	$(CC) $(HVT_CFLAGS) -o $@ $(filter %.c,$^) $(LIBHV) -L$(B)/lib -lxenstore \
	    -Wl,-rpath,$(abspath $(B)/lib) $(LIBHV_LDLIBS) -lcmocka

# Live migration's round logic, page checksums and socket transport (no hypervisor needed; the
# transport's objects bring the library's xenstore calls along, unused).
$(HVT_OUT)/test_hv_migrate: tests/hvctl/test_hv_migrate.c $(LIBHV) $(B)/lib/libxenstore.so.4 \
    $(wildcard $(LIBHV_DIR)/*.h)
	@mkdir -p $(@D)
	$(CC) $(HVT_CFLAGS) -o $@ $(filter %.c,$^) $(LIBHV) -L$(B)/lib -lxenstore \
	    -Wl,-rpath,$(abspath $(B)/lib) $(LIBHV_LDLIBS) -lcmocka

# The operations, the suspend's two ways and the monitor with a stand-in hypervisor (fake_priv.c
# replaces priv and build): the real sources, not the library.
HVT_OPS_SRCS := tests/hvctl/test_hv_ops.c tests/hvctl/fake_priv.c tests/hvctl/xsd_harness.c \
	$(addprefix $(LIBHV_DIR)/,ops.c ops_query.c ops_json.c ops_tune.c monitor.c xsl.c cfg.c cfg_syntax.c \
	cfg_dev.c dev.c dev_hotplug.c blk.c blk_snap.c vif.c net.c net_up.c run.c ops_save.c save_dom.c \
	save_read.c save_write.c stream.c stream_rec.c stream_pv.c stream_sum.c ops_clone.c)

$(HVT_OUT)/test_hv_ops: $(HVT_OPS_SRCS) $(B)/lib/libxenstore.so.4 \
    $(wildcard $(LIBHV_DIR)/*.h tests/hvctl/*.h)
	@mkdir -p $(@D)
	$(CC) $(HVT_CFLAGS) -o $@ $(HVT_OPS_SRCS) -L$(B)/lib -lxenstore \
	    -Wl,-rpath,$(abspath $(B)/lib) -lcmocka

# hvctl's own sources over the stand-in hypervisor (with the sanitizers), for cli.sh's checks of
# the verbs past their argument parsing.
HVT_FAKE_SRCS := $(wildcard dom0-tools/hvctl/*.c) tests/hvctl/fake_priv.c \
	$(addprefix $(LIBHV_DIR)/,ops.c ops_query.c ops_json.c ops_tune.c monitor.c xsl.c cfg.c cfg_syntax.c \
	cfg_dev.c dev.c dev_hotplug.c blk.c blk_snap.c vif.c ops_clone.c console_client.c net.c net_up.c \
	run.c ops_save.c save_dom.c save_read.c save_write.c stream.c stream_rec.c stream_pv.c \
	stream_sum.c migrate.c migrate_plan.c migrate_tcp.c)

$(HVT_OUT)/hvctl-fake: $(HVT_FAKE_SRCS) $(B)/lib/libxenstore.so.4 \
    $(wildcard $(LIBHV_DIR)/*.h tests/hvctl/*.h dom0-tools/hvctl/*.h)
	@mkdir -p $(@D)
	$(CC) $(HVT_CFLAGS) -o $@ $(HVT_FAKE_SRCS) -L$(B)/lib -lxenstore \
	    -Wl,-rpath,$(abspath $(B)/lib)

# The device layer and block devices, with a fake backend driver and hotplug scripts, and
# create/destroy with disks over the stand-in hypervisor. tests/hvctl/net.sh: the named networks
# for real in throw-away network namespaces (root; busybox's udhcpc as the guest's DHCP client).
HVT_DEV_SRCS := tests/hvctl/test_hv_dev.c tests/hvctl/dev_harness.c $(filter-out tests/hvctl/test_hv_ops.c,$(HVT_OPS_SRCS))

$(HVT_OUT)/test_hv_dev: $(HVT_DEV_SRCS) $(B)/lib/libxenstore.so.4 \
    $(wildcard $(LIBHV_DIR)/*.h tests/hvctl/*.h)
	@mkdir -p $(@D)
	$(CC) $(HVT_CFLAGS) -o $@ $(HVT_DEV_SRCS) -L$(B)/lib -lxenstore \
	    -Wl,-rpath,$(abspath $(B)/lib) -lcmocka

# vifs (vif.c) over the device layer with a fake xen-netback, in a network namespace of its own
# with a bridge testbr0 (root).
HVT_VIF_SRCS := tests/hvctl/test_hv_vif.c tests/hvctl/xsd_harness.c tests/hvctl/dev_harness.c \
	$(addprefix $(LIBHV_DIR)/,vif.c net.c net_up.c run.c cfg.c cfg_syntax.c cfg_dev.c dev.c \
	dev_hotplug.c priv.c)

$(HVT_OUT)/test_hv_vif: $(HVT_VIF_SRCS) $(B)/lib/libxenstore.so.4 \
    $(wildcard $(LIBHV_DIR)/*.h tests/hvctl/*.h)
	@mkdir -p $(@D)
	$(CC) $(HVT_CFLAGS) -o $@ $(HVT_VIF_SRCS) -L$(B)/lib -lxenstore \
	    -Wl,-rpath,$(abspath $(B)/lib) -lcmocka

.PHONY: hvctl-check
hvctl-check: $(HVT_OUT)/test_hv_xsl $(HVT_OUT)/test_hv_migrate $(HVT_OUT)/test_hv_ops $(HVT_OUT)/test_hv_dev \
    $(HVT_OUT)/test_hv_vif $(HVT_OUT)/hvctl-fake $(B)/bin/xenstored $(B)/bin/hvctl $(LX_FETCHED)
	$(HVT_OUT)/test_hv_xsl
	$(HVT_OUT)/test_hv_migrate
	$(HVT_OUT)/test_hv_ops
	$(HVT_OUT)/test_hv_dev
	tests/hvctl/cli.sh $(B)/bin/hvctl $(HVT_OUT)/hvctl-fake $(B)/bin/xenstored
	unshare -n -m --propagation private sh -c 'mount -t sysfs sysfs /sys && \
	    ip link add testbr0 type bridge && exec $(HVT_OUT)/test_hv_vif'
	tests/hvctl/net.sh $(B)/bin/hvctl $(LX_OUT)/busybox
	tests/hvctl/vif-bridge.sh $(LX_OUT)/busybox

CHECK += hvctl-check

# hvconsoled: the console daemon (dom0-tools/consoled/), our xenconsoled.
HVC_DIR := dom0-tools/consoled
HVC_SRCS := $(wildcard $(HVC_DIR)/*.c)
HVC_OBJS := $(patsubst $(HVC_DIR)/%.c,$(D0_OUT)/consoled/%.o,$(HVC_SRCS))

$(D0_OUT)/consoled/%.o: $(HVC_DIR)/%.c
	@mkdir -p $(@D)
	$(CC) $(LIBHV_CFLAGS) -I$(XSL_DIR)/include -c $< -o $@

$(B)/bin/hvconsoled: $(HVC_OBJS) $(LIBHV) $(B)/lib/libxenstore.so.4
	@mkdir -p $(@D)
	$(CC) -o $@ $(HVC_OBJS) $(LIBHV) -L$(B)/lib -lxenstore $(LIBHV_LDLIBS)

-include $(HVC_OBJS:.o=.d)

ALL += $(B)/bin/hvconsoled

# hv-build-test: create, build (hv_build), run and destroy one domain from dom0's shell.
$(B)/bin/hv-build-test: dom0-tools/tools/hv-build-test.c $(LIBHV)
	@mkdir -p $(@D)
	$(CC) $(filter-out -MMD -MP,$(LIBHV_CFLAGS)) -o $@ $< $(LIBHV) $(LIBHV_LDLIBS)

ALL += $(B)/bin/hv-build-test

# The builder's unit test reads Debian's bzImage and vmlinux and a guest-kit guest.
$(UNIT_OUT)/test_hv_build: $(LX_FETCHED) $(B)/guests/hello.elf

# make stream-check: a whole save file from libhv's save loop (tests/unit/test_hv_save's fake
# domain) checked by Xen 4.17's verify-stream-v2 (Debian's xen-utils-4.17, unpacked by
# scripts/fetch-xen --tools), which must also refuse broken copies: tests/stream/run.sh.
XEN_VERIFY := $(B)/xen/xl/usr/lib/xen-4.17/bin/verify-stream-v2

$(XEN_VERIFY):
	scripts/fetch-xen --tools

.PHONY: stream-check
stream-check: $(UNIT_OUT)/test_hv_save $(XEN_VERIFY)
	tests/stream/run.sh $(B)

CHECK += stream-check
