/*
 * dom0-tools/tools/xs-domain.c - tell xenstored about a domain, as a toolstack does:
 *   xs-domain introduce DOMID MFN PORT | release DOMID | is-introduced DOMID
 * (XS_INTRODUCE, XS_RELEASE, XS_IS_DOMAIN_INTRODUCED through libxenstore). Exit status 0 on
 * success (is-introduced: 0 if it is, 1 if not), 1 with the daemon's error otherwise, 2 on usage.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "xenstore.h"

static int usage(void)
{
    fprintf(stderr, "usage: xs-domain introduce DOMID MFN PORT | release DOMID | "
                    "is-introduced DOMID\n");
    return 2;
}

/* A number in C syntax (0x for hex); false if arg is not one or exceeds max. */
static bool number(const char *arg, unsigned long max, unsigned long *out)
{
    char *end;

    errno = 0;
    *out = strtoul(arg, &end, 0);
    return *arg && !*end && !errno && *out <= max;
}

static int run(struct xs_handle *h, int argc, char **argv)
{
    unsigned long domid, mfn, port;
    bool ok;

    if (argc < 3 || !number(argv[2], 0x7fef, &domid))
        return usage();
    if (!strcmp(argv[1], "introduce") && argc == 5 && number(argv[3], -1UL, &mfn) &&
        number(argv[4], 0xffffffffUL, &port))
        ok = xs_introduce_domain(h, (unsigned)domid, mfn, (unsigned)port);
    else if (!strcmp(argv[1], "release") && argc == 3)
        ok = xs_release_domain(h, (unsigned)domid);
    else if (!strcmp(argv[1], "is-introduced") && argc == 3)
        return xs_is_domain_introduced(h, (unsigned)domid) ? 0 : 1;
    else
        return usage();
    if (!ok)
        fprintf(stderr, "xs-domain: %s %lu: %s\n", argv[1], domid, strerror(errno));
    return ok ? 0 : 1;
}

int main(int argc, char **argv)
{
    struct xs_handle *h;
    int rc;

    if (argc < 2)
        return usage();
    h = xs_open(0);
    if (!h) {
        fprintf(stderr, "xs-domain: cannot reach xenstored: %s\n", strerror(errno));
        return 1;
    }
    rc = run(h, argc, argv);
    xs_close(h);
    return rc;
}
