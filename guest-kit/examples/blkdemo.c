/* guest-kit example: a disk through blkfront (gk/blkfront.h). Opens the first vbd, writes a
 * pattern over several request sizes (one sector; one page; 11 pages, the most a direct request
 * holds; 12 pages and 256 pages, indirect when the backend offers it; a buffer that starts
 * mid-page; 4 MiB, several requests in flight), flushes, reads everything back into cleared
 * buffers and compares, and checks the refusals (beyond the disk, misaligned buffer).
 *
 * Every 512-byte sector written holds the line "BLKDEMO sector=%08lu pass=%02u\n" (32 bytes)
 * sixteen times, so dom0 can check the image itself (tests/system/scenarios, step_blk_demo).
 *
 * Command line: ring_order=N (ask for 2^N ring pages; default 4), indirect=0 (never use
 * indirect requests), reconnect (after the first round, wait for the backend to leave and come
 * back, then rewrite the page at sector 8 with pass=2 and read everything again).
 * Result: TEST blkdemo PASS|FAIL. */
#include "gk/blkfront.h"
#include "gk/test.h"
#include "gk/time.h"
#include "gk/xenstore.h"
#include "pv-abi/io_blkif.h"

#define WAIT_NS (180 * 1000000000ULL)
#define MAX_BYTES (4U << 20)

static uint8_t wbuf[MAX_BYTES + 4096] __attribute__((aligned(4096)));
static uint8_t rbuf[MAX_BYTES + 4096] __attribute__((aligned(4096)));

struct region {
    uint64_t sector;   /* 512-byte sectors */
    uint32_t bytes;
    uint32_t buf_off;  /* where in the buffer's first page it starts */
    const char *what;
};
static const struct region regions[] = {
    {0, 512, 0, "one sector"},
    {8, 4096, 0, "one page"},
    {64, 11 * 4096, 0, "11 pages (a full direct request)"},
    {256, 12 * 4096, 0, "12 pages (indirect if offered)"},
    {1024, 256 * 4096, 0, "256 pages"},
    {4096, 7680, 512, "15 sectors from mid-page"},
    {8192, MAX_BYTES, 0, "4 MiB"},
};
#define NR_REGIONS (sizeof(regions) / sizeof(regions[0]))

static void fill(uint8_t *buf, uint64_t sector, uint32_t bytes, unsigned int pass)
{
    for (uint32_t off = 0; off < bytes; off += 512) {
        char line[33];

        lib_snprintf(line, sizeof(line), "BLKDEMO sector=%08lu pass=%02u\n",
                     (unsigned long)(sector + off / 512), pass);
        for (unsigned int i = 0; i < 16; i++)
            memcpy(buf + off + i * 32, line, 32);
    }
}

/* Read region r back and compare with pass's pattern; log the first difference. */
static bool check_region(struct gk_blkfront *b, const struct region *r, unsigned int pass)
{
    long rc;

    fill(wbuf + r->buf_off, r->sector, r->bytes, pass);
    memset(rbuf, 0xee, r->bytes + r->buf_off);
    rc = gk_blkfront_read(b, r->sector, rbuf + r->buf_off, r->bytes);
    if (rc) {
        GK_FAIL("read %s at sector %lu: %ld", r->what, (unsigned long)r->sector, rc);
        return false;
    }
    for (uint32_t i = 0; i < r->bytes; i++)
        if (rbuf[r->buf_off + i] != wbuf[r->buf_off + i]) {
            GK_FAIL("%s at sector %lu: byte %u differs (%#x, wrote %#x)", r->what,
                    (unsigned long)r->sector, i, rbuf[r->buf_off + i], wbuf[r->buf_off + i]);
            return false;
        }
    return true;
}

static bool write_region(struct gk_blkfront *b, const struct region *r, unsigned int pass)
{
    long rc;

    fill(wbuf + r->buf_off, r->sector, r->bytes, pass);
    rc = gk_blkfront_write(b, r->sector, wbuf + r->buf_off, r->bytes);
    if (rc)
        GK_FAIL("write %s at sector %lu: %ld", r->what, (unsigned long)r->sector, rc);
    return rc == 0;
}

static void show(struct gk_blkfront *b, const char *when)
{
    const struct gk_blkfront_info *in = gk_blkfront_info(b);
    const struct gk_blkfront_stats *st = gk_blkfront_stats(b);

    gk_test_log("blkdemo: %s: vbd %s of domain %u: %lu sectors of %u bytes, info %#x, ring %u "
                "page(s) (%u slots), flush %s, barrier %s, indirect %u segments", when, in->devid,
                in->backend_id, (unsigned long)in->sectors, in->sector_size, in->info,
                1U << in->ring_order, in->ring_slots, in->flush ? "yes" : "no",
                in->barrier ? "yes" : "no", in->max_indirect_segs);
    gk_test_log("blkdemo: %s: %lu requests (%lu indirect), at most %lu in flight, %lu errors, "
                "%lu bogus responses, %lu leaked grants, %lu connects", when, st->requests,
                st->indirect, st->max_inflight, st->errors, st->bogus_responses,
                st->leaked_grants, st->connects);
}

GK_TEST(blkdemo)
{
    struct gk_blkfront_opts opts = {.max_ring_order = 4};
    struct gk_blkfront *b = NULL;
    const struct gk_blkfront_info *in;
    char arg[16];
    uint64_t disk_sectors;
    long rc;

    if (gk_cmdline_get("ring_order", arg, sizeof(arg)))
        opts.max_ring_order = (unsigned int)(arg[0] - '0') <= 9 ? (unsigned int)(arg[0] - '0') : 0;
    opts.no_indirect = gk_cmdline_get("indirect", arg, sizeof(arg)) && arg[0] == '0';
    GK_ASSERT_EQ(gk_shared_info_map(), 0);
    rc = gk_xs_init();
    GK_ASSERT_EQ(rc, 0);
    rc = gk_blkfront_open(NULL, &opts, &b);
    if (rc) {
        GK_FAIL("gk_blkfront_open: %ld (xenstore: %s)", rc, gk_xs_error());
        return;
    }
    show(b, "connected");
    in = gk_blkfront_info(b);
    disk_sectors = in->sectors * in->sector_size / 512;
    GK_ASSERT(disk_sectors >= 8192 + MAX_BYTES / 512);
    GK_EXPECT(!(in->info & PV_VDISK_READONLY));

    /* Round 1: write every region, flush, read back. */
    for (unsigned int i = 0; i < NR_REGIONS; i++)
        if (!write_region(b, &regions[i], 1))
            return;
    rc = gk_blkfront_flush(b);
    GK_EXPECT(rc == 0 || (rc == -PV_EOPNOTSUPP && !in->flush && !in->barrier));
    for (unsigned int i = 0; i < NR_REGIONS; i++)
        check_region(b, &regions[i], 1);
    /* Regions 3 and 4 read at once (a gap between them read too): a split unlike the writes'. */
    {
        uint32_t gap = (uint32_t)(256 - 64) * 512 - 11 * 4096, len = 11 * 4096 + gap + 12 * 4096;
        long r2 = gk_blkfront_read(b, 64, rbuf, len);

        GK_EXPECT_EQ(r2, 0);
        fill(wbuf, 64, 11 * 4096, 1);
        GK_EXPECT(!memcmp(rbuf, wbuf, 11 * 4096));
        fill(wbuf, 256, 12 * 4096, 1);
        GK_EXPECT(!memcmp(rbuf + 11 * 4096 + gap, wbuf, 12 * 4096));
    }
    gk_test_log("blkdemo: round 1: %u regions written, flushed, read back and compared",
                (unsigned int)NR_REGIONS);
    if (in->max_indirect_segs)
        GK_EXPECT(gk_blkfront_stats(b)->indirect > 0);
    else
        GK_EXPECT_EQ(gk_blkfront_stats(b)->indirect, 0);
    GK_EXPECT(gk_blkfront_stats(b)->max_inflight > 1); /* the 4 MiB ran in parallel */

    /* Refusals. */
    GK_EXPECT_EQ(gk_blkfront_read(b, disk_sectors, rbuf, 512), -PV_EINVAL);
    GK_EXPECT_EQ(gk_blkfront_read(b, disk_sectors - 1, rbuf, 1024), -PV_EINVAL);
    GK_EXPECT_EQ(gk_blkfront_read(b, 0, rbuf + 100, 512), -PV_EINVAL);
    GK_EXPECT_EQ(gk_blkfront_write(b, 0, wbuf, 100), -PV_EINVAL);
    GK_EXPECT_EQ(gk_blkfront_read(b, ~0ULL >> 8, rbuf, 512), -PV_EINVAL);
    GK_EXPECT_EQ(gk_blkfront_stats(b)->bogus_responses, 0);

    if (gk_cmdline_get("reconnect", arg, sizeof(arg))) {
        uint64_t end = gk_time_now() + WAIT_NS;

        gk_test_log("blkdemo: waiting for the backend to leave");
        while (!gk_blkfront_backend_left(b) && gk_time_now() < end)
            gk_sleep_ns(100 * GK_NS_PER_MS);
        GK_ASSERT(!gk_blkfront_connected(b));
        GK_EXPECT_EQ(gk_blkfront_read(b, 0, rbuf, 512), -PV_ENOTCONN);
        gk_test_log("blkdemo: the backend left; reconnecting");
        rc = gk_blkfront_reconnect(b, gk_time_now() + WAIT_NS);
        GK_ASSERT_EQ(rc, 0);
        show(b, "reconnected");
        GK_EXPECT_EQ(gk_blkfront_stats(b)->connects, 2);
        write_region(b, &regions[1], 2);
        GK_EXPECT_EQ(gk_blkfront_flush(b), 0);
        for (unsigned int i = 0; i < NR_REGIONS; i++)
            check_region(b, &regions[i], i == 1 ? 2 : 1);
        gk_test_log("blkdemo: round 2: read back after the reconnection");
    }
    show(b, "done");
    GK_EXPECT_EQ(gk_blkfront_stats(b)->leaked_grants, 0);
    GK_EXPECT_EQ(gk_blkfront_close(b), 0);
}
