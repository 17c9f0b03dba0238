/*
 * tests/unit/xs_harness.c - see xs_harness.h.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "../../dom0-tools/xenstored/xsd_plat.h"
#include "xs_harness.h"
#include "pv-abi/xs_wire.h"

unsigned long xs_h_allocs, xs_h_live;
static unsigned long fail_at;
char xs_h_last_log[512];
static char last_error[32];

void xs_h_fail_after(unsigned long n)
{
    fail_at = n ? xs_h_allocs + n : 0;
}

void *xsd_plat_alloc(size_t size)
{
    void *p;

    xs_h_allocs++;
    if (fail_at && xs_h_allocs >= fail_at)
        return NULL;
    p = malloc(size ? size : 1);
    if (p)
        xs_h_live++;
    return p;
}

void xsd_plat_free(void *p)
{
    if (p)
        xs_h_live--;
    free(p);
}

void xsd_plat_log(const char *line)
{
    snprintf(xs_h_last_log, sizeof(xs_h_last_log), "%s", line);
    if (getenv("XS_H_VERBOSE"))
        fprintf(stderr, "log: %s\n", line);
}

struct xsd_daemon *xs_h_daemon(void)
{
    struct xsd_daemon *d = xsd_daemon_new(NULL);

    assert_non_null(d);
    return d;
}

struct xsd_conn *xs_h_conn(struct xsd_daemon *d, uint32_t domid, bool privileged)
{
    struct xsd_conn *c = xsd_conn_new(d, domid, privileged, NULL, NULL);

    assert_non_null(c);
    return c;
}

int xs_h_feed(struct xsd_conn *c, const void *bytes, size_t len, size_t chunk)
{
    const char *p = bytes;
    void *buf;
    size_t want;
    int rc;

    while (len) {
        want = xsd_conn_in_space(c, &buf);
        assert_true(want > 0);
        if (want > len)
            want = len;
        if (chunk && want > chunk)
            want = chunk;
        memcpy(buf, p, want);
        rc = xsd_conn_received(c, want);
        if (rc)
            return rc;
        p += want;
        len -= want;
    }
    return 0;
}

void xs_h_send(struct xsd_conn *c, uint32_t type, uint32_t tx, const char *payload, long len)
{
    static uint32_t req_id = 100;
    struct pv_xsd_sockmsg hdr;
    char *msg;
    size_t n = len < 0 ? strlen(payload) + 1 : (size_t)len;

    hdr.type = type;
    hdr.req_id = ++req_id;
    hdr.tx_id = tx;
    hdr.len = (uint32_t)n;
    msg = malloc(sizeof(hdr) + n);
    memcpy(msg, &hdr, sizeof(hdr));
    if (n)
        memcpy(msg + sizeof(hdr), payload, n);
    assert_int_equal(xs_h_feed(c, msg, sizeof(hdr) + n, 0), 0);
    free(msg);
}

bool xs_h_recv(struct xsd_conn *c, struct xs_reply *r)
{
    char raw[sizeof(struct pv_xsd_sockmsg) + 4200];
    struct pv_xsd_sockmsg hdr;
    const void *buf;
    size_t got = 0, n;

    n = xsd_conn_out_peek(c, &buf);
    if (!n)
        return false;
    while (got < sizeof(hdr) || got < sizeof(hdr) + ((struct pv_xsd_sockmsg *)raw)->len) {
        n = xsd_conn_out_peek(c, &buf);
        assert_true(n > 0);
        if (got < sizeof(hdr) && n > sizeof(hdr) - got)
            n = sizeof(hdr) - got;
        if (got >= sizeof(hdr) && n > sizeof(hdr) + ((struct pv_xsd_sockmsg *)raw)->len - got)
            n = sizeof(hdr) + ((struct pv_xsd_sockmsg *)raw)->len - got;
        assert_true(got + n <= sizeof(raw));
        memcpy(raw + got, buf, n);
        xsd_conn_out_done(c, n);
        got += n;
    }
    memcpy(&hdr, raw, sizeof(hdr));
    assert_true(hdr.len <= 4096);
    r->type = hdr.type;
    r->req_id = hdr.req_id;
    r->tx_id = hdr.tx_id;
    r->len = hdr.len;
    memcpy(r->body, raw + sizeof(hdr), hdr.len);
    r->body[hdr.len] = 0;
    return true;
}

void xs_h_req(struct xsd_conn *c, uint32_t type, uint32_t tx, const char *payload, long len,
              struct xs_reply *r)
{
    xs_h_send(c, type, tx, payload, len);
    assert_true(xs_h_recv(c, r));
    if (r->type == PV_XS_ERROR)
        snprintf(last_error, sizeof(last_error), "%.31s", r->body);
    else
        last_error[0] = 0;
}

const char *xs_h_last_error(void)
{
    return last_error;
}

void xs_h_expect(struct xsd_conn *c, uint32_t type, uint32_t tx, const char *payload, long len,
                 const char *want)
{
    struct xs_reply r;

    xs_h_req(c, type, tx, payload, len, &r);
    if (r.type == PV_XS_ERROR)
        fail_msg("request %u %s: error %s", type, payload, r.body);
    assert_int_equal(r.type, type);
    assert_int_equal(r.tx_id, tx);
    assert_string_equal(r.body, want);
}

void xs_h_expect_err(struct xsd_conn *c, uint32_t type, uint32_t tx, const char *payload, long len,
                     const char *err)
{
    struct xs_reply r;

    xs_h_req(c, type, tx, payload, len, &r);
    if (r.type != PV_XS_ERROR)
        fail_msg("request %u %s: wanted %s, got type %u \"%s\"", type, payload, err, r.type,
                 r.body);
    assert_string_equal(r.body, err);
    assert_int_equal(r.len, strlen(err) + 1);
}

void xs_h_write(struct xsd_conn *c, uint32_t tx, const char *path, const char *value)
{
    char buf[4096];
    size_t pl = strlen(path) + 1, vl = strlen(value);

    memcpy(buf, path, pl);
    memcpy(buf + pl, value, vl);
    xs_h_expect(c, PV_XS_WRITE, tx, buf, (long)(pl + vl), "OK");
}

char *xs_h_read(struct xsd_conn *c, uint32_t tx, const char *path)
{
    static struct xs_reply r;
    static char err[40];

    xs_h_req(c, PV_XS_READ, tx, path, -1, &r);
    if (r.type != PV_XS_ERROR)
        return r.body;
    snprintf(err, sizeof(err), "!%.30s", r.body);
    return err;
}

uint32_t xs_h_txn_start(struct xsd_conn *c)
{
    struct xs_reply r;

    xs_h_req(c, PV_XS_TRANSACTION_START, 0, "", 1, &r);
    assert_int_equal(r.type, PV_XS_TRANSACTION_START);
    assert_true(atoi(r.body) > 0);
    return (uint32_t)atoi(r.body);
}

void xs_h_introduce(struct xsd_conn *dom0, uint32_t domid)
{
    char buf[64];
    int n = snprintf(buf, sizeof(buf), "%u", domid) + 1;

    n += snprintf(buf + n, sizeof(buf) - n, "%u", 1000 + domid) + 1;
    n += snprintf(buf + n, sizeof(buf) - n, "%u", 7) + 1;
    xs_h_expect(dom0, PV_XS_INTRODUCE, 0, buf, n, "OK");
}

unsigned int xs_h_drain_events(struct xsd_conn *c)
{
    struct xs_reply r;
    unsigned int n = 0;

    while (xs_h_recv(c, &r)) {
        assert_int_equal(r.type, PV_XS_WATCH_EVENT);
        n++;
    }
    return n;
}

bool xs_h_event(struct xsd_conn *c, const char *path, const char *token)
{
    struct xs_reply r;
    size_t pl;

    if (!xs_h_recv(c, &r))
        return false;
    assert_int_equal(r.type, PV_XS_WATCH_EVENT);
    assert_int_equal(r.req_id, 0);
    assert_int_equal(r.tx_id, 0);
    pl = strlen(r.body) + 1;
    if (strcmp(r.body, path) || strcmp(r.body + pl, token))
        fail_msg("event %s %s, wanted %s %s", r.body, r.body + pl, path, token);
    assert_int_equal(r.len, pl + strlen(token) + 1);
    return true;
}

void xs_h_check_store(struct xsd_conn *dom0)
{
    xs_h_expect(dom0, PV_XS_CONTROL, 0, "check", -1, "OK");
}
