# guest-kit/lwip: lwIP (Debian's source package lwip, fetched by scripts/fetch-lwip into
# $(B)/lwip, never committed) built freestanding for guest-kit guests as $(B)/guest-kit/liblwip.a,
# with the port in this folder, and the example guest netdemo that uses it. `make all` does not
# fetch lwIP; building netdemo (guest-kit-check, the system tests) does.
LWIP_OUT := $(B)/lwip
LWIP_FETCHED := $(LWIP_OUT)/VERSION
LWIP_SRC := $(LWIP_OUT)/src/src
LWIP_LIB := $(GK_OUT)/liblwip.a
# The core with IPv4 (ARP, DHCP, ICMP, UDP, TCP), Ethernet, and the HTTP server.
LWIP_FILES := core/init.c core/def.c core/inet_chksum.c core/ip.c core/mem.c core/memp.c \
    core/netif.c core/pbuf.c core/raw.c core/stats.c core/sys.c core/tcp.c core/tcp_in.c \
    core/tcp_out.c core/timeouts.c core/udp.c core/ipv4/autoip.c core/ipv4/dhcp.c \
    core/ipv4/etharp.c core/ipv4/icmp.c core/ipv4/igmp.c core/ipv4/ip4.c core/ipv4/ip4_addr.c \
    core/ipv4/ip4_frag.c netif/ethernet.c apps/http/httpd.c apps/http/fs.c
LWIP_PORT := guest-kit/lwip/port.c guest-kit/lwip/netif.c
# No host headers: the compiler's own (stddef.h, stdint.h, limits.h...) and the port's libc/.
LWIP_INC := -nostdinc -isystem $(shell $(CC) -print-file-name=include) -Iguest-kit/lwip/libc \
    -Iguest-kit/lwip -I$(LWIP_SRC)/include
# lwIP's own sources: the kit's flags without -Werror (third-party code, not changed here).
LWIP_CFLAGS := $(filter-out -Werror -Wmissing-prototypes -Wshadow,$(GK_CFLAGS)) $(LWIP_INC)
LWIP_OBJS := $(patsubst %.c,$(GK_OUT)/obj/lwip/%.o,$(LWIP_FILES)) \
    $(patsubst %.c,$(GK_OUT)/obj/%.o,$(LWIP_PORT))

$(LWIP_FETCHED): scripts/fetch-lwip
	scripts/fetch-lwip $(LWIP_OUT)

$(addprefix $(LWIP_SRC)/,$(LWIP_FILES)): $(LWIP_FETCHED)

$(GK_OUT)/obj/lwip/%.o: $(LWIP_SRC)/%.c guest-kit/lwip/lwipopts.h guest-kit/lwip/arch/cc.h \
    $(LWIP_FETCHED)
	@mkdir -p $(@D)
	$(CC) $(LWIP_CFLAGS) -c -o $@ $<

$(GK_OUT)/obj/guest-kit/lwip/%.o: guest-kit/lwip/%.c $(LWIP_FETCHED)
	@mkdir -p $(@D)
	$(CC) $(GK_CFLAGS) $(LWIP_INC) -c -o $@ $<

$(GK_OUT)/obj/guest-kit/examples/netdemo.o: guest-kit/examples/netdemo.c $(LWIP_FETCHED)
	@mkdir -p $(@D)
	$(CC) $(GK_CFLAGS) $(LWIP_INC) -c -o $@ $<

$(LWIP_LIB): $(LWIP_OBJS)
	@rm -f $@
	$(AR) rcs $@ $^

# Not in ALL (it needs the fetch): built by guest-kit-check and the system tests.
$(B)/guests/netdemo.elf: $(GK_OUT)/obj/guest-kit/examples/netdemo.o $(LWIP_LIB) $(GK_LIB) \
    guest-kit/guest.lds
	@mkdir -p $(@D)
	$(LD) $(GK_LDFLAGS) -o $@ $< $(LWIP_LIB) $(GK_LIB)
