/* blkio: block I/O figures of bench/block, the same static program in dom0 and in a Linux domU.
 *   blkio DEV OP BS SECONDS
 * OP is seqread, seqwrite, randread or randwrite; BS bytes a request; O_DIRECT, one request at a
 * time (what fio's psync engine does with iodepth 1). Prints ONE line:
 *   BLKIO OP bs=BS ops=N seconds=S MBps=X iops=Y        or        BLKIO FAIL what DEV: reason
 * Sequential requests walk the device from 0 and wrap; random ones take BS-aligned offsets from a
 * fixed xorshift sequence, so both sides of a comparison see the same offsets. Writes carry a
 * non-zero pattern and end with an fsync, inside the time measured. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

static uint64_t now_ns(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

static int fail(const char *what, const char *dev)
{
    printf("BLKIO FAIL %s %s: %s\n", what, dev, strerror(errno));
    return 1;
}

static int run(const char *dev, const char *op, long bs, double seconds)
{
    bool rnd = !strncmp(op, "rand", 4), wr = strstr(op, "write") != NULL;
    int fd = open(dev, (wr ? O_RDWR : O_RDONLY) | O_DIRECT);
    uint64_t x = 0x9e3779b97f4a7c15ull, ops = 0, t0, t;
    off_t size, blocks, pos = 0;
    void *buf;

    if (fd < 0)
        return fail("open", dev);
    size = lseek(fd, 0, SEEK_END);
    if (size < bs) {
        errno = EINVAL;
        return fail("size", dev);
    }
    blocks = size / bs;
    if (posix_memalign(&buf, 4096, (size_t)bs))
        return fail("memory", dev);
    memset(buf, 0x5a, (size_t)bs);
    t0 = now_ns();
    do {
        for (int i = 0; i < 16; i++, ops++) {
            off_t at;

            if (rnd) {
                x ^= x << 13;
                x ^= x >> 7;
                x ^= x << 17;
                at = (off_t)(x % (uint64_t)blocks) * bs;
            } else {
                at = pos * bs;
                pos = (pos + 1) % blocks;
            }
            if ((wr ? pwrite(fd, buf, (size_t)bs, at) : pread(fd, buf, (size_t)bs, at)) != bs)
                return fail(wr ? "write" : "read", dev);
        }
        t = now_ns() - t0;
    } while (t < seconds * 1e9);
    if (wr && fsync(fd))
        return fail("fsync", dev);
    t = now_ns() - t0;
    printf("BLKIO %s bs=%ld ops=%llu seconds=%.2f MBps=%.2f iops=%.0f\n", op, bs,
           (unsigned long long)ops, t / 1e9, (double)ops * bs / 1e6 / (t / 1e9), ops / (t / 1e9));
    close(fd);
    free(buf);
    return 0;
}

int main(int argc, char **argv)
{
    long bs = argc == 5 ? atol(argv[3]) : 0;
    double seconds = argc == 5 ? atof(argv[4]) : 0;

    if (argc != 5 || bs < 512 || bs % 512 || seconds <= 0 ||
        (strcmp(argv[2], "seqread") && strcmp(argv[2], "seqwrite") &&
         strcmp(argv[2], "randread") && strcmp(argv[2], "randwrite"))) {
        fprintf(stderr, "usage: blkio DEV seqread|seqwrite|randread|randwrite BS SECONDS "
                        "(BS a multiple of 512)\n");
        return 2;
    }
    return run(argv[1], argv[2], bs, seconds);
}
