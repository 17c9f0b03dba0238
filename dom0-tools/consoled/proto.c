/* dom0-tools/consoled/proto.c - "attach DOMID [replay]" and "list": strict, nothing else. */
#include <string.h>

#include "proto.h"

#define DOMID_FIRST_RESERVED 0x7ff0u

static int fail(const char **why, const char *msg)
{
    *why = msg;
    return -1;
}

/* A decimal domain id without sign, leading zero or excess; *end after it. */
static int parse_domid(const char *s, unsigned *domid, const char **end)
{
    unsigned v = 0;
    const char *p = s;

    if (*p < '0' || *p > '9' || (*p == '0' && p[1] >= '0' && p[1] <= '9'))
        return -1;
    for (; *p >= '0' && *p <= '9'; p++) {
        v = v * 10 + (unsigned)(*p - '0');
        if (v >= DOMID_FIRST_RESERVED)
            return -1;
    }
    *domid = v;
    *end = p;
    return 0;
}

int proto_parse(const char *line, struct proto_req *r, const char **why)
{
    const char *p;

    memset(r, 0, sizeof(*r));
    if (strcmp(line, "list") == 0) {
        r->kind = PROTO_LIST;
        return 0;
    }
    if (strncmp(line, "attach ", 7) != 0)
        return fail(why, "unknown request (attach DOMID [replay] | list)");
    r->kind = PROTO_ATTACH;
    if (parse_domid(line + 7, &r->domid, &p))
        return fail(why, "bad domain id (0..32751)");
    if (strcmp(p, " replay") == 0)
        r->replay = true;
    else if (*p)
        return fail(why, "unexpected words after the domain id (only \"replay\")");
    return 0;
}
