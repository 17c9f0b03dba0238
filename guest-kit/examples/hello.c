/*
 * guest-kit example: greet with the domain command line and a few start_info facts, then power
 * off. With the word "listen" on its command line it stays and reads its console: a line
 * "poweroff", "reboot" or "crash" ends the domain with that shutdown reason, so a toolstack's
 * on_poweroff / on_reboot / on_crash actions can be tried on demand (tests/system's toolstack
 * scenario); any other line is answered with its length. It listens for at most an hour.
 */
#include "gk/console.h"
#include "gk/events.h"
#include "gk/kit.h"
#include "gk/time.h"
#include "pv-abi/console_io.h"
#include "pv-abi/sched_op.h"

#define LISTEN_NS (3600 * 1000000000ULL)
#define POLL_NS (50 * GK_NS_PER_MS)

/* The next input byte from the console ring, or -1 once the deadline has passed. */
static int next_byte(struct pv_xencons_interface *ring, uint64_t deadline)
{
    for (;;) {
        uint32_t cons = ring->in_cons;

        if (__atomic_load_n(&ring->in_prod, __ATOMIC_ACQUIRE) != cons) {
            char c = ring->in[PV_MASK_XENCONS_IDX(cons, ring->in)];

            __atomic_store_n(&ring->in_cons, cons + 1, __ATOMIC_RELEASE);
            return (unsigned char)c;
        }
        if (gk_time_now() > deadline)
            return -1;
        gk_sleep_ns(POLL_NS);
    }
}

/* Up to 2 s for the console backend to take what was written (a crash replays nothing). */
static void drain(struct pv_xencons_interface *ring)
{
    uint64_t until = gk_time_now() + 2000 * GK_NS_PER_MS;

    while (__atomic_load_n(&ring->out_cons, __ATOMIC_ACQUIRE) != ring->out_prod &&
           gk_time_now() < until)
        gk_sleep_ns(POLL_NS);
}

static void listen(void)
{
    static const struct {
        const char *word;
        unsigned reason;
    } ends[] = {{"poweroff", PV_SHUTDOWN_poweroff},
                {"reboot", PV_SHUTDOWN_reboot},
                {"crash", PV_SHUTDOWN_crash}};
    struct pv_xencons_interface *ring = gk_console_ring();
    uint64_t deadline;
    char line[64];
    unsigned n = 0, i;
    int c;

    if (!ring || gk_shared_info_map()) {
        gk_printf("hello: no console ring or clock to listen with\n");
        return;
    }
    deadline = gk_time_now() + LISTEN_NS;
    gk_printf("hello: listening (poweroff, reboot, crash)\n");
    while ((c = next_byte(ring, deadline)) >= 0) {
        if (c != '\r' && c != '\n') {
            if (n + 1 < sizeof(line))
                line[n++] = (char)c;
            continue;
        }
        if (!n)
            continue;
        line[n] = '\0';
        for (i = 0; i < sizeof(ends) / sizeof(ends[0]); i++) {
            if (lib_strcmp(line, ends[i].word))
                continue;
            gk_printf("hello: %s on request\n", line);
            drain(ring);
            gk_shutdown(ends[i].reason);
        }
        gk_printf("hello: '%s' (%u bytes) is not poweroff, reboot or crash\n", line, n);
        n = 0;
    }
    gk_printf("hello: nothing asked for an hour\n");
}

void gk_main(void)
{
    const struct pv_start_info *si = gk_start_info;
    uint64_t first, end;

    gk_mm_range(&first, &end);
    gk_printf("Hello from guest-kit! Command line: \"%s\"\n", si->cmd_line);
    gk_printf("guest-kit: %.32s, %lu pages, %s\n", si->magic, si->nr_pages,
              gk_is_initdomain() ? "initial domain" : "domU");
    gk_printf("guest-kit: pt_base %#lx (%lu frames), mfn_list %#lx, start_info %p\n", si->pt_base,
              si->nr_pt_frames, si->mfn_list, (const void *)si);
    gk_printf("guest-kit: console %s, free pages %lu (pfn %lu..%lu)\n",
              gk_console_mode() == GK_CONSOLE_IO ? "console_io" : "ring", gk_pages_free(), first,
              end - 1);
    if (gk_cmdline_get("listen", NULL, 0))
        listen();
}
