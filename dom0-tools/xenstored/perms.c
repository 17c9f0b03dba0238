/*
 * dom0-tools/xenstored/perms.c - node permissions: the "r5"/"w5"/"b5"/"n5" strings and who may
 * do what. The first entry names the owner and the access of every domain not listed after
 * it. Owners, privileged connections and a domain's SET_TARGET device model get everything.
 */
#include "xsd_core.h"

bool xsd_perm_parse(const char *s, struct xsd_perm *p)
{
    uint64_t id;

    switch (s[0]) {
    case 'r':
        p->perms = XSD_PERM_READ;
        break;
    case 'w':
        p->perms = XSD_PERM_WRITE;
        break;
    case 'b':
        p->perms = XSD_PERM_READ | XSD_PERM_WRITE;
        break;
    case 'n':
        p->perms = XSD_PERM_NONE;
        break;
    default:
        return false;
    }
    if (!xsd_parse_uint(s + 1, 0xffff, &id))
        return false;
    p->id = (uint32_t)id;
    return true;
}

size_t xsd_perm_format(const struct xsd_perm *p, char *buf)
{
    static const char letters[] = "nwrb"; /* indexed by READ << 1 | WRITE */
    unsigned int r = p->perms & XSD_PERM_READ ? 1 : 0, w = p->perms & XSD_PERM_WRITE ? 1 : 0;

    buf[0] = letters[r << 1 | w];
    return 1 + xsd_fmt_uint(buf + 1, p->id);
}

static uint32_t conn_target(const struct xsd_conn *c)
{
    const struct xsd_dom *dom = xsd_dom_find(c->d, c->domid);

    return dom ? dom->target : XSD_NO_TARGET;
}

unsigned int xsd_perm_for(const struct xsd_conn *c, const struct xsd_perm *perms, unsigned int n)
{
    const unsigned int all = XSD_PERM_READ | XSD_PERM_WRITE | XSD_PERM_OWNER;
    uint32_t target = conn_target(c);
    unsigned int i;

    if (c->priv || perms[0].id == c->domid || (target != XSD_NO_TARGET && perms[0].id == target))
        return all;
    for (i = 1; i < n; i++)
        if (perms[i].id == c->domid || (target != XSD_NO_TARGET && perms[i].id == target))
            return perms[i].perms & all;
    return perms[0].perms & all;
}
