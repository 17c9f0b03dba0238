/*
 * Boot test "xs_client": a domain built with "xenstore" (docs/boot.md) talks to dom0's xenstored
 * over its store ring through guest-kit's xenstore client (gk/xenstore.h), as a Linux domU's
 * xenbus would (docs/xenstore.md). Its start_info names the store page and a port unbound
 * towards dom0, and grant ref 1 of its table gives dom0 the page. It waits (up to 20 minutes:
 * dom0 boots first, and the host scenario introduces it after its dom0 steps, which took over 5
 * minutes on a loaded machine) for a reply, so dom0 must introduce it; then it reads a node dom0 wrote for
 * it (relative path), writes data/hello, reads it back, lists data/, commits a transaction,
 * sees its watch fire, reads a missing node (ENOENT), and is refused nodes outside its home
 * (EACCES, the daemon's name kept). The result line is TEST xs_client PASS|FAIL.
 */
#include "bt.h"
#include "gk/time.h"
#include "gk/xenstore.h"

#define FIRST_WAIT_NS (1200 * 1000000000ULL)

GK_TEST(xs_client)
{
    const struct pv_start_info *si = gk_start_info;
    char r[256], path[GK_XS_WATCH_PATH_MAX];
    uint32_t tx = 0;
    uint64_t v = 0;

    GK_EXPECT(si->store_mfn != 0);
    GK_EXPECT(si->store_evtchn != 0);
    GK_ASSERT(gk_xs_init() == 0);
    gk_test_log("xs_client: store port %u, waiting to be introduced", si->store_evtchn);
    gk_xs_set_timeout(FIRST_WAIT_NS);
    GK_EXPECT_EQ(gk_xs_read(GK_XS_NO_TX, "from-dom0", r, sizeof(r)), 10);
    gk_xs_set_timeout(0);
    gk_test_log("xs_client: dom0 wrote \"%s\"", r);
    GK_EXPECT(!lib_strcmp(r, "hello-domU"));
    GK_EXPECT_EQ(gk_xs_read(GK_XS_NO_TX, "from-dom0", r, 5), -PV_E2BIG);
    GK_EXPECT_EQ(gk_xs_write(GK_XS_NO_TX, "data/hello", "from-domU"), 0);
    GK_EXPECT_EQ(gk_xs_read(GK_XS_NO_TX, "data/hello", r, sizeof(r)), 9);
    GK_EXPECT(!lib_strcmp(r, "from-domU"));
    /* A watch fires once at registration, then for a change below it. */
    GK_EXPECT_EQ(gk_xs_watch("data", "tok1"), 0);
    GK_EXPECT_EQ(gk_xs_watch_wait("tok1", gk_time_now() + GK_XS_TIMEOUT_NS, path, sizeof(path),
                                  NULL, 0), 0);
    GK_EXPECT_EQ(gk_xs_transaction_start(&tx), 0);
    GK_EXPECT(tx != 0);
    GK_EXPECT_EQ(gk_xs_printf(tx, "data/n", "%u", 42U), 0);
    GK_EXPECT_EQ(gk_xs_transaction_end(tx, true), 0);
    GK_EXPECT_EQ(gk_xs_watch_wait("tok1", gk_time_now() + GK_XS_TIMEOUT_NS, path, sizeof(path),
                                  NULL, 0), 0);
    gk_test_log("xs_client: watch fired for %s", path);
    GK_EXPECT(!lib_strcmp(path, "data/n")); /* relative, as it was watched */
    GK_EXPECT_EQ(gk_xs_read_u64(GK_XS_NO_TX, "data/n", &v), 0);
    GK_EXPECT_EQ(v, 42);
    GK_EXPECT_EQ(gk_xs_directory(GK_XS_NO_TX, "data", r, sizeof(r)), 2);
    GK_EXPECT_EQ(gk_xs_unwatch("data", "tok1"), 0);
    GK_EXPECT_EQ(gk_xs_read(GK_XS_NO_TX, "data/none", r, sizeof(r)), -PV_ENOENT);
    GK_EXPECT(!lib_strcmp(gk_xs_error(), "ENOENT"));
    GK_EXPECT_EQ(gk_xs_write(GK_XS_NO_TX, "/local/domain/0/stolen", "x"), -PV_EACCES);
    GK_EXPECT(!lib_strcmp(gk_xs_error(), "EACCES"));
    GK_EXPECT_EQ(gk_xs_read(GK_XS_NO_TX, "/local/domain/0/name", r, sizeof(r)), -PV_EACCES);
    GK_EXPECT(gk_xs_ready());
}
