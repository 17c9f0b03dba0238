/*
 * guest-kit: the xenstore client (gk/xenstore.h): the ring protocol of pv-abi/io_xenstore.h and
 * the messages of pv-abi/xs_wire.h, one request at a time, watch events queued.
 */
#include "gk/xenstore.h"
#include "gk/kit.h"
#include "gk/time.h"
#include "pv-abi/io_xenstore.h"
#include "pv-abi/xs_wire.h"

static struct pv_xenstore_domain_interface *ring;
static uint32_t port;
static bool broken;
static uint32_t next_req_id = 1;
static uint64_t timeout_ns = GK_XS_TIMEOUT_NS;
static char err_name[16];
static uint32_t wake_port, wake_seen; /* gk_xs_watch_wait_or's second port, while it waits */

/* The message being read (payload and a NUL). */
static struct pv_xsd_sockmsg msg_hdr;
static char msg[PV_XENSTORE_PAYLOAD_MAX + 1];

struct watch_event {
    char path[GK_XS_WATCH_PATH_MAX];
    char token[GK_XS_WATCH_TOKEN_MAX];
};
static struct watch_event queue[GK_XS_WATCH_QUEUE];
static unsigned int queue_head, queue_len;
static unsigned long dropped;

static uint32_t load(const uint32_t *p)
{
    return __atomic_load_n(p, __ATOMIC_ACQUIRE);
}

long gk_xs_init(void)
{
    const struct pv_start_info *si = gk_start_info;
    uint64_t pfn;

    if (ring)
        return 0;
    if (!si->store_mfn || !si->store_evtchn || si->store_evtchn >= GK_MAX_PORTS)
        return -PV_ENODEV;
    if (!gk_shared_info()) {
        long rc = gk_shared_info_map();
        if (rc)
            return rc;
    }
    /* The store page is in the start-of-day region, so in the 1:1 mapping. */
    pfn = gk_mfn_to_pfn(si->store_mfn);
    if (pfn >= gk_direct_pages())
        return -PV_ENODEV;
    port = si->store_evtchn;
    ring = gk_pfn_to_virt(pfn);
    return 0;
}

long gk_xs_resume(void)
{
    ring = NULL;
    broken = false;
    queue_head = queue_len = 0;
    return gk_xs_init();
}

bool gk_xs_ready(void)
{
    return ring && !broken;
}

void gk_xs_set_timeout(uint64_t ns)
{
    timeout_ns = ns ? ns : GK_XS_TIMEOUT_NS;
}

const char *gk_xs_error(void)
{
    return err_name;
}

unsigned long gk_xs_watch_dropped(void)
{
    return dropped;
}

static void set_broken(const char *why)
{
    if (!broken)
        gk_printf("guest-kit: xenstore ring unusable (%s); xenstore calls fail from now on\n", why);
    broken = true;
}

/* Sleep until the store port fires (seen: its count before the ring was looked at), at most one
 * poll period, or the deadline. false once the deadline has passed, or (wakeable: no byte of a
 * message read yet) once an event came on wake_port. */
static bool wait_ring(uint32_t seen, uint64_t deadline, bool wakeable)
{
    uint64_t now = gk_time_now(), until = now + GK_XS_POLL_NS;
    uint32_t wp = wakeable ? wake_port : 0;

    if (now >= deadline || (wp && gk_event_counts[wp] != wake_seen))
        return false;
    gk_wait_event2_until(port, seen, wp, wake_seen, until < deadline ? until : deadline);
    return true;
}

/* Copy len bytes into the request queue. */
static long put(const void *data, uint32_t len, uint64_t deadline)
{
    const char *p = data;

    while (len) {
        uint32_t seen = gk_event_counts[port];
        uint32_t prod = ring->req_prod, used = prod - load(&ring->req_cons), room;

        if (used > PV_XENSTORE_RING_SIZE) {
            set_broken("request indexes impossible");
            return -PV_EIO;
        }
        room = PV_XENSTORE_RING_SIZE - used;
        if (!room) {
            if (!wait_ring(seen, deadline, false))
                return -PV_ETIMEDOUT;
            continue;
        }
        for (; room && len; room--, len--, prod++)
            ring->req[PV_MASK_XENSTORE_IDX(prod)] = *p++;
        __atomic_store_n(&ring->req_prod, prod, __ATOMIC_RELEASE);
        gk_event_send(port);
    }
    return 0;
}

/* Copy len bytes out of the response queue; *got counts what was taken. */
static long get(void *data, uint32_t len, uint64_t deadline, uint32_t *got)
{
    char *p = data;

    while (len) {
        uint32_t seen = gk_event_counts[port];
        uint32_t cons = ring->rsp_cons, avail = load(&ring->rsp_prod) - cons;

        if (avail > PV_XENSTORE_RING_SIZE) {
            set_broken("response indexes impossible");
            return -PV_EIO;
        }
        if (!avail) {
            if (!wait_ring(seen, deadline, *got == 0))
                return -PV_ETIMEDOUT;
            continue;
        }
        for (; avail && len; avail--, len--, cons++, (*got)++)
            *p++ = ring->rsp[PV_MASK_XENSTORE_IDX(cons)];
        __atomic_thread_fence(__ATOMIC_SEQ_CST);
        __atomic_store_n(&ring->rsp_cons, cons, __ATOMIC_RELEASE);
        gk_event_send(port);
    }
    return 0;
}

/* Read one whole message into msg_hdr/msg. A timeout before its first byte leaves the stream
 * intact; one in the middle breaks it (the next byte would be taken for a header). */
static long read_msg(uint64_t deadline)
{
    uint32_t got = 0;
    long rc = get(&msg_hdr, sizeof(msg_hdr), deadline, &got);

    if (rc == -PV_ETIMEDOUT && got == 0)
        return rc;
    if (!rc && !gk_xs_header_ok(msg_hdr.type, msg_hdr.len))
        rc = -PV_EBADMSG;
    if (!rc)
        rc = get(msg, msg_hdr.len, deadline, &got);
    if (rc) {
        set_broken(rc == -PV_EBADMSG ? "bad message header" : "message cut short");
        return -PV_EIO;
    }
    msg[msg_hdr.len] = 0;
    return 0;
}

static void queue_event(void)
{
    const char *path, *token;
    struct watch_event *e;

    if (!gk_xs_split_event(msg, msg_hdr.len, &path, &token) ||
        lib_strlen(path) >= GK_XS_WATCH_PATH_MAX || lib_strlen(token) >= GK_XS_WATCH_TOKEN_MAX ||
        queue_len == GK_XS_WATCH_QUEUE) {
        dropped++;
        return;
    }
    e = &queue[(queue_head + queue_len++) % GK_XS_WATCH_QUEUE];
    lib_strlcpy(e->path, path, sizeof(e->path));
    lib_strlcpy(e->token, token, sizeof(e->token));
}

/* One request made of nparts strings (each sent with its NUL if nul[i]); the reply's payload in
 * msg (msg_hdr.len bytes, NUL added). Returns 0 or an error (the daemon's, mapped). */
static long request(uint32_t type, uint32_t tx, const char *const *parts, const bool *nul,
                    unsigned int nparts)
{
    struct pv_xsd_sockmsg m = {.type = type, .tx_id = tx};
    uint64_t deadline;
    uint32_t len = 0;
    long rc;

    err_name[0] = 0;
    if (!ring)
        return -PV_ENODEV;
    if (broken)
        return -PV_EIO;
    for (unsigned int i = 0; i < nparts; i++)
        len += lib_strnlen(parts[i], PV_XENSTORE_PAYLOAD_MAX + 1) + nul[i];
    if (len > PV_XENSTORE_PAYLOAD_MAX)
        return -PV_E2BIG;
    m.len = len;
    m.req_id = next_req_id++;
    deadline = gk_time_now() + timeout_ns;
    rc = put(&m, sizeof(m), deadline);
    for (unsigned int i = 0; !rc && i < nparts; i++)
        rc = put(parts[i], lib_strlen(parts[i]) + nul[i], deadline);
    if (rc) {
        /* A request cut short would be taken with the next one: the stream is lost. */
        set_broken("request cut short");
        return rc == -PV_ETIMEDOUT ? rc : -PV_EIO;
    }
    for (;;) {
        rc = read_msg(deadline);
        if (rc)
            return rc;
        if (msg_hdr.type == PV_XS_WATCH_EVENT) {
            queue_event();
            continue;
        }
        if (msg_hdr.req_id != m.req_id)
            continue; /* the late reply of a request that timed out */
        if (msg_hdr.type == PV_XS_ERROR) {
            lib_strlcpy(err_name, msg, sizeof(err_name));
            return gk_xs_errno(msg, msg_hdr.len);
        }
        if (msg_hdr.type != type)
            return -PV_EBADMSG;
        return 0;
    }
}

static long request1(uint32_t type, uint32_t tx, const char *path)
{
    const char *parts[] = {path};
    const bool nul[] = {true};

    return request(type, tx, parts, nul, 1);
}

long gk_xs_read(uint32_t tx, const char *path, char *buf, size_t size)
{
    long rc = request1(PV_XS_READ, tx, path);

    if (rc)
        return rc;
    if (size == 0 || msg_hdr.len > size - 1)
        return -PV_E2BIG;
    memcpy(buf, msg, msg_hdr.len);
    buf[msg_hdr.len] = 0;
    /* A value with a NUL inside is cut there: callers treat values as strings. */
    return (long)lib_strnlen(buf, msg_hdr.len);
}

long gk_xs_read_u64(uint32_t tx, const char *path, uint64_t *value)
{
    char buf[32], *p = buf;
    uint64_t v = 0, base = 10;
    long rc = gk_xs_read(tx, path, buf, sizeof(buf));

    if (rc < 0)
        return rc;
    if (p[0] == '0' && (p[1] == 'x' || p[1] == 'X') && p[2]) {
        base = 16;
        p += 2;
    }
    if (!*p)
        return -PV_EINVAL;
    for (; *p; p++) {
        uint64_t d;

        if (*p >= '0' && *p <= '9')
            d = (uint64_t)(*p - '0');
        else if (base == 16 && *p >= 'a' && *p <= 'f')
            d = (uint64_t)(*p - 'a' + 10);
        else if (base == 16 && *p >= 'A' && *p <= 'F')
            d = (uint64_t)(*p - 'A' + 10);
        else
            return -PV_EINVAL;
        if (v > (~0ULL - d) / base)
            return -PV_ERANGE;
        v = v * base + d;
    }
    *value = v;
    return 0;
}

long gk_xs_write(uint32_t tx, const char *path, const char *value)
{
    const char *parts[] = {path, value};
    const bool nul[] = {true, false};

    return request(PV_XS_WRITE, tx, parts, nul, 2);
}

long gk_xs_printf(uint32_t tx, const char *path, const char *fmt, ...)
{
    char buf[257];
    va_list ap;
    int n;

    va_start(ap, fmt);
    n = lib_vsnprintf(buf, sizeof(buf), fmt, ap);
    va_end(ap);
    if (n < 0 || (size_t)n >= sizeof(buf))
        return -PV_E2BIG;
    return gk_xs_write(tx, path, buf);
}

long gk_xs_mkdir(uint32_t tx, const char *path)
{
    return request1(PV_XS_MKDIR, tx, path);
}

long gk_xs_rm(uint32_t tx, const char *path)
{
    return request1(PV_XS_RM, tx, path);
}

long gk_xs_directory(uint32_t tx, const char *path, char *buf, size_t size)
{
    long rc = request1(PV_XS_DIRECTORY, tx, path), n;

    if (rc)
        return rc;
    n = gk_xs_count_strings(msg, msg_hdr.len);
    if (n < 0)
        return -PV_EBADMSG;
    if (msg_hdr.len > size)
        return -PV_E2BIG;
    memcpy(buf, msg, msg_hdr.len);
    return n;
}

const char *gk_xs_dir_next(const char *buf, long count, const char *cur)
{
    if (count <= 0)
        return NULL;
    if (!cur)
        return buf;
    /* Walk from the start so that a cur outside the list cannot lead us astray. */
    for (const char *p = buf; count > 0; count--) {
        const char *next = p + lib_strlen(p) + 1;

        if (p == cur)
            return count > 1 ? next : NULL;
        p = next;
    }
    return NULL;
}

long gk_xs_transaction_start(uint32_t *tx)
{
    const char *parts[] = {""};
    const bool nul[] = {true};
    uint64_t id = 0;
    long rc = request(PV_XS_TRANSACTION_START, GK_XS_NO_TX, parts, nul, 1);

    if (rc)
        return rc;
    if (msg_hdr.len == 0 || msg_hdr.len > 11)
        return -PV_EBADMSG;
    for (uint32_t i = 0; i < msg_hdr.len && msg[i]; i++) {
        if (msg[i] < '0' || msg[i] > '9')
            return -PV_EBADMSG;
        id = id * 10 + (uint64_t)(msg[i] - '0');
    }
    if (id == 0 || id > 0xffffffffULL)
        return -PV_EBADMSG;
    *tx = (uint32_t)id;
    return 0;
}

long gk_xs_transaction_end(uint32_t tx, bool commit)
{
    return request1(PV_XS_TRANSACTION_END, tx, commit ? "T" : "F");
}

static long watch_op(uint32_t type, const char *path, const char *token)
{
    const char *parts[] = {path, token};
    const bool nul[] = {true, true};

    if (lib_strnlen(path, GK_XS_WATCH_PATH_MAX) >= GK_XS_WATCH_PATH_MAX ||
        lib_strnlen(token, GK_XS_WATCH_TOKEN_MAX) >= GK_XS_WATCH_TOKEN_MAX)
        return -PV_ENAMETOOLONG;
    return request(type, GK_XS_NO_TX, parts, nul, 2);
}

long gk_xs_watch(const char *path, const char *token)
{
    return watch_op(PV_XS_WATCH, path, token);
}

long gk_xs_unwatch(const char *path, const char *token)
{
    return watch_op(PV_XS_UNWATCH, path, token);
}

/* Take the first queued event of token, if any. */
static bool take_event(const char *token, char *path, size_t path_size, char *tok, size_t tok_size)
{
    for (unsigned int i = 0; i < queue_len; i++) {
        struct watch_event *e = &queue[(queue_head + i) % GK_XS_WATCH_QUEUE];

        if (token && lib_strcmp(e->token, token))
            continue;
        if (path && path_size)
            lib_strlcpy(path, e->path, path_size);
        if (tok && tok_size)
            lib_strlcpy(tok, e->token, tok_size);
        /* Close the gap, keeping the order of the others. */
        for (unsigned int j = i; j + 1 < queue_len; j++)
            queue[(queue_head + j) % GK_XS_WATCH_QUEUE] =
                queue[(queue_head + j + 1) % GK_XS_WATCH_QUEUE];
        queue_len--;
        return true;
    }
    return false;
}

long gk_xs_watch_wait(const char *token, uint64_t deadline, char *path, size_t path_size,
                      char *tok, size_t tok_size)
{
    if (!ring)
        return -PV_ENODEV;
    if (!deadline)
        deadline = gk_time_now() + GK_XS_POLL_NS;
    for (;;) {
        long rc;

        if (take_event(token, path, path_size, tok, tok_size))
            return 0;
        if (broken)
            return -PV_EIO;
        rc = read_msg(deadline);
        if (rc)
            return rc;
        if (msg_hdr.type == PV_XS_WATCH_EVENT)
            queue_event();
        /* Anything else is a late reply to a request that timed out: dropped. */
    }
}

long gk_xs_watch_wait_or(uint32_t port2, uint32_t seen2, const char *token, uint64_t deadline,
                         char *path, size_t path_size, char *tok, size_t tok_size)
{
    long rc;

    if (port2 >= GK_MAX_PORTS)
        port2 = 0;
    wake_port = port2, wake_seen = seen2;
    rc = gk_xs_watch_wait(token, deadline, path, path_size, tok, tok_size);
    wake_port = 0;
    return rc == -PV_ETIMEDOUT && port2 && gk_event_counts[port2] != seen2 ? -PV_EINTR : rc;
}

void gk_xs_watch_flush(const char *token)
{
    while (take_event(token, NULL, 0, NULL, 0))
        ;
}
