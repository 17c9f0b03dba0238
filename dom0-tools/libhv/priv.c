/* dom0-tools/libhv/priv.c - the privcmd device: open, locked hypercall buffers, the hypercall
 * ioctl, raw domctl/sysctl, and error messages. */
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <unistd.h>

#include "dom0-tools/xenstored/linux/xendev_ioctl.h"
#include "priv_internal.h"
#include "pv-abi/hypercall.h"

#define PAGE 4096UL

int hv_err_set(struct hv_err *err, int rc, const char *fmt, ...)
{
    va_list ap;

    if (err) {
        va_start(ap, fmt);
        vsnprintf(err->msg, sizeof(err->msg), fmt, ap);
        va_end(ap);
    }
    return rc;
}

int priv_fail(struct hv_priv *p, int rc, const char *fmt, ...)
{
    char what[HV_ERR_LEN / 2];
    va_list ap;

    va_start(ap, fmt);
    vsnprintf(what, sizeof(what), fmt, ap);
    va_end(ap);
    snprintf(p->err.msg, sizeof(p->err.msg), "%s: %s", what, strerror(rc < 0 ? -rc : rc));
    return rc;
}

int hv_priv_open(struct hv_priv **out, struct hv_err *err)
{
    struct hv_priv *p = calloc(1, sizeof(*p));

    *out = NULL;
    if (!p)
        return hv_err_set(err, -ENOMEM, "out of memory");
    p->fd = open("/dev/xen/privcmd", O_RDWR | O_CLOEXEC);
    if (p->fd < 0) {
        int rc = -errno;

        free(p);
        return hv_err_set(err, rc, "cannot open /dev/xen/privcmd (%s): not dom0 of a "
                          "Xen-compatible hypervisor, or xenfs/privcmd missing", strerror(-rc));
    }
    p->bufdev = open("/dev/xen/hypercall", O_RDWR | O_CLOEXEC); /* optional */
    *out = p;
    return 0;
}

void hv_priv_close(struct hv_priv *p)
{
    if (!p)
        return;
    if (p->page)
        hv_buf_free(p, p->page, PAGE);
    if (p->bufdev >= 0)
        close(p->bufdev);
    close(p->fd);
    free(p);
}

const char *hv_priv_error(const struct hv_priv *p)
{
    return p->err.msg;
}

int hv_priv_fd(const struct hv_priv *p)
{
    return p->fd;
}

static size_t round_pages(size_t bytes)
{
    return bytes ? (bytes + PAGE - 1) & ~(PAGE - 1) : PAGE;
}

void *hv_buf_alloc(struct hv_priv *p, size_t bytes)
{
    size_t len = round_pages(bytes);
    void *b = MAP_FAILED;

    if (p->bufdev >= 0)
        b = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_SHARED, p->bufdev, 0);
    if (b == MAP_FAILED) {
        b = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
        if (b == MAP_FAILED) {
            priv_fail(p, -errno, "hypercall buffer of %zu bytes", len);
            return NULL;
        }
        if (mlock(b, len) || madvise(b, len, MADV_DONTFORK)) {
            priv_fail(p, -errno, "locking a hypercall buffer of %zu bytes", len);
            munmap(b, len);
            return NULL;
        }
    }
    memset(b, 0, len);
    return b;
}

void hv_buf_free(struct hv_priv *p, void *buf, size_t bytes)
{
    (void)p;
    if (buf)
        munmap(buf, round_pages(bytes));
}

long hv_hypercall(struct hv_priv *p, const char *what, unsigned op, uint64_t a0, uint64_t a1,
                  uint64_t a2, uint64_t a3, uint64_t a4)
{
    struct xd_privcmd_hypercall h = {op, {a0, a1, a2, a3, a4}};
    long rc = ioctl(p->fd, XD_PRIVCMD_HYPERCALL, &h);

    if (rc < 0)
        return priv_fail(p, -errno, "%s", what);
    return rc;
}

/* The one-page scratch buffer for domctl/sysctl structs, kept for the handle's life. */
void *priv_page(struct hv_priv *p)
{
    if (!p->page)
        p->page = hv_buf_alloc(p, PAGE);
    if (p->page)
        memset(p->page, 0, PAGE);
    return p->page;
}

int priv_domctl(struct hv_priv *p, struct pv_domctl *d, const char *what)
{
    struct pv_domctl *b = priv_page(p);
    long rc;

    if (!b)
        return -ENOMEM;
    d->interface_version = PV_DOMCTL_INTERFACE_VERSION;
    memcpy(b, d, sizeof(*d));
    rc = hv_hypercall(p, what, PV_HYPERCALL_domctl, (uint64_t)(uintptr_t)b, 0, 0, 0, 0);
    memcpy(d, b, sizeof(*d));
    return rc < 0 ? (int)rc : 0;
}

int priv_sysctl(struct hv_priv *p, struct pv_sysctl *s, const char *what)
{
    struct pv_sysctl *b = priv_page(p);
    long rc;

    if (!b)
        return -ENOMEM;
    s->interface_version = PV_SYSCTL_INTERFACE_VERSION;
    memcpy(b, s, sizeof(*s));
    rc = hv_hypercall(p, what, PV_HYPERCALL_sysctl, (uint64_t)(uintptr_t)b, 0, 0, 0, 0);
    memcpy(s, b, sizeof(*s));
    return rc < 0 ? (int)rc : 0;
}

int hv_domctl(struct hv_priv *p, struct pv_domctl *d)
{
    char what[48];

    snprintf(what, sizeof(what), "domctl %u of domain %u", d->cmd, d->domain);
    return priv_domctl(p, d, what);
}

int hv_sysctl(struct hv_priv *p, struct pv_sysctl *s)
{
    char what[32];

    snprintf(what, sizeof(what), "sysctl %u", s->cmd);
    return priv_sysctl(p, s, what);
}
