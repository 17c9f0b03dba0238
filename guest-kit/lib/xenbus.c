/*
 * guest-kit: a frontend's device in xenstore (gk/xenbus.h): the backend's path, id and state
 * (watched), the frontend's state switched under the rules of lib/xenbus_state.c.
 */
#include "gk/xenbus.h"
#include "gk/gnttab.h"
#include "gk/kit.h"
#include "gk/time.h"
#include "gk/xenstore.h"
#include "pv-abi/io_xenstore.h"

#define DOMID_FIRST_RESERVED 0x7ff0U

static unsigned int next_token;

long gk_xenbus_path(struct gk_xenbus_dev *d, bool backend, const char *key, char *buf,
                    unsigned int size)
{
    int n = lib_snprintf(buf, size, "%s/%s", backend ? d->backend : d->node, key);

    return n < 0 || (unsigned int)n >= size ? -PV_E2BIG : 0;
}

long gk_xenbus_read(struct gk_xenbus_dev *d, bool backend, const char *key, char *buf,
                    unsigned int size)
{
    char path[2 * GK_XENBUS_PATH_MAX];
    long rc = gk_xenbus_path(d, backend, key, path, sizeof(path));

    return rc ? rc : gk_xs_read(GK_XS_NO_TX, path, buf, size);
}

long gk_xenbus_read_u64(struct gk_xenbus_dev *d, bool backend, const char *key, uint64_t *value)
{
    char path[2 * GK_XENBUS_PATH_MAX];
    long rc = gk_xenbus_path(d, backend, key, path, sizeof(path));

    return rc ? rc : gk_xs_read_u64(GK_XS_NO_TX, path, value);
}

long gk_xenbus_first(const char *kind, char *id, unsigned int size)
{
    char dir[64], list[512];
    long n;

    if (lib_snprintf(dir, sizeof(dir), "device/%s", kind) >= (int)sizeof(dir))
        return -PV_E2BIG;
    n = gk_xs_directory(GK_XS_NO_TX, dir, list, sizeof(list));
    if (n < 0)
        return n;
    if (n == 0)
        return -PV_ENOENT;
    if (lib_strlen(list) >= size)
        return -PV_E2BIG;
    lib_strlcpy(id, list, size);
    return 0;
}

/* "/local/domain/<id>/backend/" starts the path, and nothing odd follows. */
static bool backend_path_ok(const char *path, unsigned int id)
{
    char prefix[48];
    int n = lib_snprintf(prefix, sizeof(prefix), "/local/domain/%u/backend/", id);

    if (n <= 0 || (size_t)n >= sizeof(prefix) || lib_strncmp(path, prefix, (size_t)n))
        return false;
    for (const char *p = path + n; *p; p++)
        if (*p <= ' ' || *p > '~' || (p[0] == '/' && (p[1] == '/' || p[1] == 0)))
            return false;
    return path[n] != 0;
}

long gk_xenbus_open(struct gk_xenbus_dev *d, const char *kind, const char *id)
{
    char buf[16];
    uint64_t bid;
    long rc;
    int n;

    memset(d, 0, sizeof(*d));
    n = lib_snprintf(d->node, sizeof(d->node), "device/%s/%s", kind, id);
    if (n < 0 || (size_t)n >= sizeof(d->node))
        return -PV_E2BIG;
    rc = gk_xenbus_read(d, false, "backend", d->backend, sizeof(d->backend));
    if (rc < 0)
        return rc == -PV_E2BIG ? -PV_EINVAL : rc;
    rc = gk_xenbus_read_u64(d, false, "backend-id", &bid);
    if (rc < 0)
        return rc == -PV_ENOENT ? rc : -PV_EINVAL;
    if (bid >= DOMID_FIRST_RESERVED || !backend_path_ok(d->backend, (unsigned int)bid)) {
        gk_printf("guest-kit: %s: backend \"%s\" (backend-id %lu) refused\n", d->node, d->backend,
                  (unsigned long)bid);
        return -PV_EINVAL;
    }
    d->backend_id = (uint16_t)bid;
    rc = gk_xenbus_read(d, false, "state", buf, sizeof(buf));
    d->state = rc < 0 ? -1 : gk_xenbus_parse_state(buf);
    if (d->state < 0)
        d->state = PV_XenbusStateUnknown;
    lib_snprintf(d->token, sizeof(d->token), "gkxb%u", next_token++);
    {
        char path[2 * GK_XENBUS_PATH_MAX];

        rc = gk_xenbus_path(d, true, "state", path, sizeof(path));
        if (!rc)
            rc = gk_xs_watch(path, d->token);
    }
    if (rc)
        return rc;
    gk_xenbus_read_backend(d);
    return 0;
}

void gk_xenbus_close(struct gk_xenbus_dev *d)
{
    char path[2 * GK_XENBUS_PATH_MAX];

    if (!gk_xenbus_path(d, true, "state", path, sizeof(path)))
        gk_xs_unwatch(path, d->token);
    gk_xs_watch_flush(d->token);
}

long gk_xenbus_switch(struct gk_xenbus_dev *d, int state)
{
    char path[2 * GK_XENBUS_PATH_MAX];
    long rc;

    if (!gk_xenbus_front_may_switch(d->state, state)) {
        gk_printf("guest-kit: %s: refusing to switch from %s to %s\n", d->node,
                  gk_xenbus_state_name(d->state), gk_xenbus_state_name(state));
        return -PV_EINVAL;
    }
    if (d->state == state)
        return 0;
    rc = gk_xenbus_path(d, false, "state", path, sizeof(path));
    if (!rc)
        rc = gk_xs_printf(GK_XS_NO_TX, path, "%d", state);
    if (!rc)
        d->state = state;
    return rc;
}

int gk_xenbus_read_backend(struct gk_xenbus_dev *d)
{
    char buf[16];
    long rc = gk_xenbus_read(d, true, "state", buf, sizeof(buf));
    int s = rc < 0 ? -1 : gk_xenbus_parse_state(buf);

    d->backend_state = s < 0 ? PV_XenbusStateUnknown : s;
    return d->backend_state;
}

bool gk_xenbus_backend_changed(struct gk_xenbus_dev *d)
{
    bool changed = false;

    /* A deadline of "now": take what is queued or already on the ring, never block long. */
    while (gk_xs_watch_wait(d->token, gk_time_now(), NULL, 0, NULL, 0) == 0)
        changed = true;
    return changed;
}

int gk_xenbus_wait_backend(struct gk_xenbus_dev *d, uint32_t mask, uint64_t deadline)
{
    for (;;) {
        int s = gk_xenbus_read_backend(d);

        if ((mask >> s) & 1)
            return s;
        if (gk_xs_watch_wait(d->token, deadline, NULL, 0, NULL, 0) == -PV_ETIMEDOUT)
            return gk_xenbus_read_backend(d);
        if (!gk_xs_ready())
            return s;
    }
}

long gk_xenbus_front_init(unsigned int grant_frames)
{
    long rc = gk_xs_init();

    if (rc)
        return rc;
    if (gk_gnttab_nr_frames() < grant_frames) {
        rc = gk_gnttab_init(grant_frames);
        if (rc && !gk_gnttab_nr_frames())
            return rc;
    }
    return 0;
}

long gk_xenbus_write_keys(struct gk_xenbus_dev *d, long (*fn)(struct gk_xenbus_dev *d, uint32_t tx,
                                                             void *arg),
                          void *arg)
{
    long rc = 0;

    for (int tries = 0; tries < 10; tries++) {
        uint32_t tx;

        rc = gk_xs_transaction_start(&tx);
        if (rc)
            return rc;
        rc = fn(d, tx, arg);
        if (rc) {
            gk_xs_transaction_end(tx, false);
            return rc;
        }
        rc = gk_xs_transaction_end(tx, true);
        if (rc != -PV_EAGAIN)
            break;
    }
    return rc;
}

void gk_xenbus_leave(struct gk_xenbus_dev *d, int state, uint64_t deadline)
{
    uint32_t mask = 1U << PV_XenbusStateClosed | 1U << PV_XenbusStateUnknown;

    if (state == PV_XenbusStateClosing)
        mask |= 1U << PV_XenbusStateClosing;
    gk_xenbus_switch(d, state);
    gk_xenbus_wait_backend(d, mask, deadline);
}
