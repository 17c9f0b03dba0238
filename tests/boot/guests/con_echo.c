/*
 * Boot test guest "con_echo": reads its console ring's input (in[], the backend's side being
 * dom0's hvconsoled when built with "dom0console", docs/boot.md) and answers each line with a
 * computed one, "con_echo: <LINE IN UPPER CASE> (<n> bytes)", so a test can tell the answer
 * from an echo. The line "quit" ends it with TEST con_echo PASS (FAIL if no line came before);
 * "crash" ends it with SHUTDOWN_crash (the console daemon must keep serving the others). It
 * waits up to 10 minutes for input. tests/system (scenario host, under the hypervisor).
 */
#include "bt.h"
#include "gk/console.h"
#include "gk/time.h"
#include "pv-abi/console_io.h"
#include "pv-abi/sched_op.h"

#define WAIT_NS (600 * 1000000000ULL)
#define POLL_NS (20 * 1000000ULL)

static struct pv_xencons_interface *ring;

/* The next input byte, or -1 when none came before the deadline. */
static int next_byte(uint64_t deadline)
{
    for (;;) {
        uint32_t cons = ring->in_cons;
        uint32_t prod = __atomic_load_n(&ring->in_prod, __ATOMIC_ACQUIRE);

        if (prod != cons) {
            char c = ring->in[PV_MASK_XENCONS_IDX(cons, ring->in)];

            __atomic_store_n(&ring->in_cons, cons + 1, __ATOMIC_RELEASE);
            return (unsigned char)c;
        }
        if (gk_time_now() > deadline)
            return -1;
        gk_sleep_ns(POLL_NS);
    }
}

/* One line (without its end), NUL-terminated; false at the deadline. */
static bool read_line(char *line, unsigned max, uint64_t deadline)
{
    unsigned n = 0;
    int c;

    while ((c = next_byte(deadline)) >= 0) {
        if (c == '\r' || c == '\n') {
            if (n == 0)
                continue;
            line[n] = '\0';
            return true;
        }
        if (n + 1 < max)
            line[n++] = (char)c;
    }
    return false;
}

static void crash(void)
{
    struct pv_sched_shutdown s = {.reason = PV_SHUTDOWN_crash};

    uint64_t until;

    gk_test_log("con_echo: crashing on request");
    /* Up to 2 s for the backend to take that line (a crash replays nothing). */
    for (until = gk_time_now() + 2000000000ULL; gk_time_now() < until;) {
        if (__atomic_load_n(&ring->out_cons, __ATOMIC_ACQUIRE) == ring->out_prod)
            break;
        gk_sleep_ns(POLL_NS);
    }
    gk_hypercall_sched_op(PV_SCHEDOP_shutdown, &s);
}

GK_TEST(con_echo)
{
    uint64_t deadline;
    unsigned lines = 0;
    char line[128];

    GK_EXPECT_EQ(gk_shared_info_map(), 0); /* the clock */
    ring = gk_console_ring();
    GK_EXPECT(ring != NULL);
    if (gk_test_failed())
        return;
    deadline = gk_time_now() + WAIT_NS;
    gk_test_log("con_echo: ready for input");
    while (read_line(line, sizeof(line), deadline)) {
        unsigned n = 0;

        if (!lib_strcmp(line, "quit"))
            break;
        if (!lib_strcmp(line, "crash"))
            crash();
        for (; line[n]; n++)
            if (line[n] >= 'a' && line[n] <= 'z')
                line[n] = (char)(line[n] - 'a' + 'A');
        gk_test_log("con_echo: %s (%u bytes)", line, n);
        lines++;
    }
    GK_EXPECT(lines > 0);
}
