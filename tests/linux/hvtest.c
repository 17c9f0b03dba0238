/* hvtest: the user-space work of the Linux guest tests (tests/linux/init runs it), built static.
 *   hvtest check cpus=N hosttime=UNIX-SECONDS   every check, then ONE line: "HVTEST PASS ..." or
 *                                               "HVTEST FAIL <first failure>"
 *   hvtest gntalloc                             dom0 only: "GNTALLOC PASS|FAIL ..." (run_gntalloc)
 *   hvtest bench                                micro-benchmarks, one "HVBENCH name value unit" each
 *   hvtest child                                exits with status 7 (the exec target of check)
 * Each check drives a part of the PV port for real: fork/exec/exit build and tear down address
 * spaces (pins, NEW_BASEPTR), mmap/munmap and page faults (mmu_update, #PF bounces, flushes),
 * two threads on two vCPUs (TLB-flush IPIs), sleeps (single-shot timers), and /proc shows the
 * timer and IPI event channels counting. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <sched.h>
#include <signal.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define FORKS 300
#define MMAPS 200
#define MMAP_PAGES 32
#define THREAD_ROUNDS 200
#define PAGE 4096

static char failure[256];
static char summary[512];

static void fail(const char *fmt, ...)
{
    va_list ap;

    if (failure[0])
        return;
    va_start(ap, fmt);
    vsnprintf(failure, sizeof(failure), fmt, ap);
    va_end(ap);
}

static void note(const char *fmt, ...)
{
    size_t n = strlen(summary);
    va_list ap;

    va_start(ap, fmt);
    vsnprintf(summary + n, sizeof(summary) - n, fmt, ap);
    va_end(ap);
}

static uint64_t now_ns(clockid_t clock)
{
    struct timespec ts;

    clock_gettime(clock, &ts);
    return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

static long minor_faults(void)
{
    struct rusage ru;

    getrusage(RUSAGE_SELF, &ru);
    return ru.ru_minflt;
}

/* ---- fork, exec, exit ---- */

static int spawn_child(const char *self)
{
    int status;
    pid_t pid = fork();

    if (pid == 0) {
        execl(self, "hvtest", "child", (char *)NULL);
        _exit(99);
    }
    if (pid < 0 || waitpid(pid, &status, 0) != pid)
        return -1;
    return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

static void check_fork_exec(const char *self)
{
    for (int i = 0; i < FORKS; i++) {
        int rc = spawn_child(self);

        if (rc != 7) {
            fail("fork/exec %d: child status %d", i, rc);
            return;
        }
    }
    note(" forks=%d", FORKS);
}

/* ---- mmap, page faults, munmap ---- */

static int touch_region(int round)
{
    uint8_t *p = mmap(NULL, MMAP_PAGES * PAGE, PROT_READ | PROT_WRITE,
                      MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

    if (p == MAP_FAILED)
        return -1;
    for (int i = 0; i < MMAP_PAGES; i++)
        p[i * PAGE + (round % PAGE)] = (uint8_t)(i + round);
    for (int i = 0; i < MMAP_PAGES; i++)
        if (p[i * PAGE + (round % PAGE)] != (uint8_t)(i + round) || p[i * PAGE + 1 + (round % 7)])
            return -2;
    return munmap(p, MMAP_PAGES * PAGE);
}

/* A child touching memory it unmapped must die of SIGSEGV. */
static int segv_after_munmap(void)
{
    int status;
    pid_t pid = fork();

    if (pid == 0) {
        volatile uint8_t *p = mmap(NULL, PAGE, PROT_READ | PROT_WRITE,
                                   MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
        p[0] = 1;
        munmap((void *)p, PAGE);
        p[0] = 2;
        _exit(0);
    }
    if (pid < 0 || waitpid(pid, &status, 0) != pid)
        return 0;
    return WIFSIGNALED(status) && WTERMSIG(status) == SIGSEGV;
}

static void check_mmap(void)
{
    long faults = minor_faults();

    for (int i = 0; i < MMAPS; i++) {
        int rc = touch_region(i);

        if (rc) {
            fail("mmap round %d: %s", i, rc == -2 ? "content wrong" : strerror(errno));
            return;
        }
    }
    faults = minor_faults() - faults;
    if (faults < MMAPS * MMAP_PAGES)
        fail("mmap: %ld minor faults for %d fresh pages", faults, MMAPS * MMAP_PAGES);
    if (!segv_after_munmap())
        fail("a write to unmapped memory did not end in SIGSEGV");
    note(" mmaps=%d faults=%ld", MMAPS, faults);
}

/* ---- two threads, one per vCPU: the munmaps flush the other vCPU's TLB through IPIs ---- */

struct worker {
    pthread_t thread;
    int cpu;
    unsigned cpus_seen; /* bit per CPU the thread ran on */
    int error;
};

static void *work(void *arg)
{
    struct worker *w = arg;
    cpu_set_t set;

    CPU_ZERO(&set);
    CPU_SET(w->cpu, &set);
    if (sched_setaffinity(0, sizeof(set), &set))
        w->error = errno;
    for (int i = 0; i < THREAD_ROUNDS && !w->error; i++) {
        int cpu = sched_getcpu();

        if (cpu >= 0 && cpu < 32)
            w->cpus_seen |= 1u << cpu;
        if (touch_region(i))
            w->error = EFAULT;
    }
    return NULL;
}

static void check_threads(int cpus)
{
    struct worker w[2] = {{.cpu = 0}, {.cpu = cpus > 1 ? 1 : 0}};

    for (int i = 0; i < 2; i++)
        if (pthread_create(&w[i].thread, NULL, work, &w[i]))
            fail("pthread_create failed");
    for (int i = 0; i < 2; i++)
        pthread_join(w[i].thread, NULL);
    for (int i = 0; i < 2; i++) {
        if (w[i].error)
            fail("thread %d: %s", i, strerror(w[i].error));
        else if (w[i].cpus_seen != 1u << w[i].cpu)
            fail("thread %d pinned to cpu %d ran on cpus %#x", i, w[i].cpu, w[i].cpus_seen);
    }
    note(" threads-on-cpus=%d,%d", w[0].cpu, w[1].cpu);
}

/* ---- /proc/interrupts: the timer VIRQ and the IPIs are event channels that count ---- */

/* Sum of the per-CPU counts on the lines naming both words. */
static long irq_count(const char *word1, const char *word2)
{
    char line[1024];
    long sum = 0;
    FILE *f = fopen("/proc/interrupts", "r");

    if (!f)
        return -1;
    while (fgets(line, sizeof(line), f)) {
        char *p = strchr(line, ':');

        if (!p || !strstr(line, word1) || !strstr(line, word2))
            continue;
        for (char *end;; p = end) {
            long v = strtol(p + 1, &end, 10);

            if (end == p + 1)
                break;
            sum += v;
        }
    }
    fclose(f);
    return sum;
}

/* ---- sleep: 5 x 100 ms, never early, not far late ---- */

static void check_sleep(void)
{
    long timer0 = irq_count("-virq", "timer");
    uint64_t worst = 0;

    for (int i = 0; i < 5; i++) {
        struct timespec ts = {0, 100 * 1000 * 1000};
        uint64_t t0 = now_ns(CLOCK_MONOTONIC), slept;

        nanosleep(&ts, NULL);
        slept = now_ns(CLOCK_MONOTONIC) - t0;
        if (slept < 100000000ull)
            fail("sleep of 100 ms woke after %llu ns", (unsigned long long)slept);
        worst = slept > worst ? slept : worst;
    }
    if (worst > 2000000000ull)
        fail("sleep of 100 ms took %llu ms", (unsigned long long)(worst / 1000000));
    if (irq_count("-virq", "timer") <= timer0)
        fail("the timer VIRQ did not count during the sleeps (%ld)", timer0);
    note(" sleep-worst=%llums", (unsigned long long)(worst / 1000000));
}

static void check_interrupts(int cpus)
{
    long timer = irq_count("-virq", "timer");
    long ipi = irq_count("-ipi", "callfunc") + irq_count("-ipi", "resched");

    if (timer <= 0)
        fail("/proc/interrupts shows no timer VIRQ");
    if (cpus > 1 && ipi <= 0)
        fail("/proc/interrupts shows no IPIs with %d CPUs", cpus);
    note(" timer-irqs=%ld ipis=%ld", timer, ipi);
}

static void check_cpuinfo(int cpus)
{
    char line[512];
    int n = 0;
    FILE *f = fopen("/proc/cpuinfo", "r");

    if (!f) {
        fail("no /proc/cpuinfo");
        return;
    }
    while (fgets(line, sizeof(line), f))
        n += strncmp(line, "processor", 9) == 0;
    fclose(f);
    if (n != cpus)
        fail("/proc/cpuinfo lists %d processors, expected %d", n, cpus);
    note(" cpus=%d", n);
}

/* The guest's wall clock is the hypervisor's (shared_info wc_* + system time), which is the
 * machine's RTC: it must agree with the host's clock when the test started, give or take the
 * boot. */
static void check_wallclock(long hosttime)
{
    long delta = (long)time(NULL) - hosttime;

    if (delta < -2 || delta > 900)
        fail("wall clock %ld s away from the host's at start", delta);
    note(" wallclock-delta=%lds", delta);
}

static long arg_value(int argc, char **argv, const char *key)
{
    size_t n = strlen(key);

    for (int i = 2; i < argc; i++)
        if (!strncmp(argv[i], key, n) && argv[i][n] == '=')
            return strtol(argv[i] + n + 1, NULL, 10);
    return -1;
}

static int run_checks(int argc, char **argv)
{
    int cpus = (int)arg_value(argc, argv, "cpus");
    long hosttime = arg_value(argc, argv, "hosttime");

    if (cpus < 1 || hosttime < 0)
        fail("usage: hvtest check cpus=N hosttime=SECONDS");
    if (!failure[0]) {
        check_cpuinfo(cpus);
        check_fork_exec("/proc/self/exe");
        check_mmap();
        check_threads(cpus);
        check_sleep();
        check_interrupts(cpus);
        check_wallclock(hosttime);
    }
    if (failure[0])
        printf("HVTEST FAIL %s\n", failure);
    else
        printf("HVTEST PASS%s\n", summary);
    fflush(stdout);
    return failure[0] != 0;
}

/* ---- benchmarks ---- */

static void bench_syscall(void)
{
    const int n = 200000;
    uint64_t t0 = now_ns(CLOCK_MONOTONIC);

    for (int i = 0; i < n; i++)
        getppid();
    printf("HVBENCH null_syscall %.0f ns\n", (double)(now_ns(CLOCK_MONOTONIC) - t0) / n);
}

static void bench_fork(void)
{
    const int n = 300;
    uint64_t t0 = now_ns(CLOCK_MONOTONIC);

    for (int i = 0; i < n; i++) {
        pid_t pid = fork();

        if (pid == 0)
            _exit(0);
        waitpid(pid, NULL, 0);
    }
    printf("HVBENCH fork_exit %.1f us\n", (double)(now_ns(CLOCK_MONOTONIC) - t0) / n / 1000);
}

static void bench_fault(void)
{
    const int pages = 4096;
    uint8_t *p = mmap(NULL, (size_t)pages * PAGE, PROT_READ | PROT_WRITE,
                      MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    uint64_t t0 = now_ns(CLOCK_MONOTONIC);

    for (int i = 0; i < pages; i++)
        p[(size_t)i * PAGE] = 1;
    printf("HVBENCH page_fault %.2f us\n", (double)(now_ns(CLOCK_MONOTONIC) - t0) / pages / 1000);
    munmap(p, (size_t)pages * PAGE);
}

/* Two processes bounce a byte over two pipes: one round trip is two context switches. */
static void bench_pipe(void)
{
    const int n = 5000;
    int ab[2], ba[2];
    char c = 0;
    uint64_t t0;
    pid_t pid;

    if (pipe(ab) || pipe(ba))
        return;
    pid = fork();
    if (pid == 0) {
        close(ab[1]); /* the parent's close of its write end is then the child's EOF */
        while (read(ab[0], &c, 1) == 1 && write(ba[1], &c, 1) == 1)
            ;
        _exit(0);
    }
    close(ab[0]);
    close(ba[1]);
    t0 = now_ns(CLOCK_MONOTONIC);
    for (int i = 0; i < n; i++)
        if (write(ab[1], &c, 1) != 1 || read(ba[0], &c, 1) != 1)
            break;
    printf("HVBENCH pipe_round_trip %.1f us\n", (double)(now_ns(CLOCK_MONOTONIC) - t0) / n / 1000);
    close(ab[1]);
    waitpid(pid, NULL, 0);
    close(ba[0]);
}

/* ---- gntalloc and gntdev in dom0 (hvtest gntalloc) ---- */

/* The layouts of Linux's uapi xen/gntalloc.h and xen/gntdev.h, for one reference each. */
struct ga_alloc {
    uint16_t domid, flags; /* flags: 1 writable */
    uint32_t count;
    uint64_t index; /* OUT: mmap offset */
    uint32_t gref;  /* OUT */
};
struct ga_dealloc {
    uint64_t index;
    uint32_t count;
};
struct gd_map {
    uint32_t count, pad;
    uint64_t index; /* OUT: mmap offset */
    uint32_t domid, ref;
};
struct gd_unmap {
    uint64_t index;
    uint32_t count, pad;
};
#define GA_ALLOC _IOC(_IOC_NONE, 'G', 5, sizeof(struct ga_alloc))
#define GA_DEALLOC _IOC(_IOC_NONE, 'G', 6, sizeof(struct ga_dealloc))
#define GD_MAP _IOC(_IOC_NONE, 'G', 0, sizeof(struct gd_map))
#define GD_UNMAP _IOC(_IOC_NONE, 'G', 1, sizeof(struct gd_unmap))

/* A page of dom0's granted (writable) to domid by gntalloc, mapped at *page; its reference. */
static int ga_grant(int fa, uint16_t domid, uint64_t *index, char **page)
{
    struct ga_alloc a = {.domid = domid, .flags = 1, .count = 1};

    if (ioctl(fa, GA_ALLOC, &a))
        return -1;
    *index = a.index;
    *page = mmap(NULL, PAGE, PROT_READ | PROT_WRITE, MAP_SHARED, fa, (off_t)a.index);
    return *page == MAP_FAILED ? -1 : (int)a.gref;
}

/* dom0's reference ref mapped through gntdev (the grant map hypercall runs at the mmap). */
static char *gd_map(int fd, uint32_t ref, uint64_t *index)
{
    struct gd_map m = {.count = 1, .ref = ref};

    if (ioctl(fd, GD_MAP, &m))
        return MAP_FAILED;
    *index = m.index;
    return mmap(NULL, PAGE, PROT_READ | PROT_WRITE, MAP_SHARED, fd, (off_t)m.index);
}

/* dom0 grants itself a page with gntalloc and maps it back with gntdev: both see one page, each
 * other's writes; a page it granted to domain 1 does not map for dom0; all is released. */
static int run_gntalloc(void)
{
    int fa = open("/dev/xen/gntalloc", O_RDWR), fd = open("/dev/xen/gntdev", O_RDWR), ref, other;
    uint64_t ia, ib, im, in;
    char *a, *b, *m;

    if (fa < 0 || fd < 0)
        fail("open /dev/xen/gntalloc, gntdev: %s", strerror(errno));
    else if ((ref = ga_grant(fa, 0, &ia, &a)) < 0 || (other = ga_grant(fa, 1, &ib, &b)) < 0)
        fail("gntalloc: %s", strerror(errno));
    else if (memset(a, 0x5a, PAGE), strcpy(a, "granted by dom0"),
             (m = gd_map(fd, (uint32_t)ref, &im)) == MAP_FAILED)
        fail("gntdev map of dom0's gref %d: %s", ref, strerror(errno));
    else if (memcmp(m, a, PAGE))
        fail("gref %d through gntdev differs from the granted page", ref);
    else if (strcpy(m + 100, "written through the grant"), strcmp(a + 100, m + 100))
        fail("a write through the grant mapping is not in the granted page");
    else if (gd_map(fd, (uint32_t)other, &in) != MAP_FAILED)
        fail("gref %d, granted to domain 1, mapped by dom0", other);
    else if (munmap(m, PAGE) || ioctl(fd, GD_UNMAP, &(struct gd_unmap){.index = im, .count = 1}) ||
             munmap(a, PAGE) || munmap(b, PAGE) ||
             ioctl(fa, GA_DEALLOC, &(struct ga_dealloc){.index = ia, .count = 1}) ||
             ioctl(fa, GA_DEALLOC, &(struct ga_dealloc){.index = ib, .count = 1}))
        fail("release: %s", strerror(errno));
    else
        note("grefs %d %d", ref, other);
    printf("GNTALLOC %s %s\n", failure[0] ? "FAIL" : "PASS", failure[0] ? failure : summary);
    return failure[0] ? 1 : 0;
}

int main(int argc, char **argv)
{
    setvbuf(stdout, NULL, _IOLBF, 0);
    if (argc >= 2 && !strcmp(argv[1], "child"))
        return 7;
    if (argc >= 2 && !strcmp(argv[1], "check"))
        return run_checks(argc, argv);
    if (argc >= 2 && !strcmp(argv[1], "gntalloc"))
        return run_gntalloc();
    if (argc >= 2 && !strcmp(argv[1], "bench")) {
        bench_syscall();
        bench_fork();
        bench_fault();
        bench_pipe();
        return 0;
    }
    fprintf(stderr, "usage: hvtest check cpus=N hosttime=SECONDS | gntalloc | bench | child\n");
    return 2;
}
