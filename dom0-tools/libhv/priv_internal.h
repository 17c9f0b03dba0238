/* dom0-tools/libhv/priv_internal.h - what priv*.c share: the handle and its helpers. */
#ifndef HV_PRIV_INTERNAL_H
#define HV_PRIV_INTERNAL_H

#include "priv.h"

struct hv_priv {
    int fd;             /* /dev/xen/privcmd */
    int bufdev;         /* /dev/xen/hypercall, or -1 */
    void *page;         /* one locked page for domctl/sysctl structs */
    struct hv_err err;  /* the last failure */
};

/* Record "<what>: <strerror(rc)>" as the handle's error; returns rc. */
int priv_fail(struct hv_priv *p, int rc, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
/* The handle's scratch page, zeroed (NULL + message if it cannot be had). */
void *priv_page(struct hv_priv *p);
/* domctl/sysctl through the scratch page; what names the call in the message. */
int priv_domctl(struct hv_priv *p, struct pv_domctl *d, const char *what);
int priv_sysctl(struct hv_priv *p, struct pv_sysctl *s, const char *what);

#endif /* HV_PRIV_INTERNAL_H */
