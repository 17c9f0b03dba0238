/*
 * guest-kit: checks of what xenstored sends (gk/xenstore.h). Pure functions over bytes, also
 * compiled on the build machine by tests/unit/test_gk_front.c.
 */
#include "gk/xenstore.h"
#include "lib/string.h"
#include "pv-abi/errno.h"
#include "pv-abi/xs_wire.h"

/* The error names Xen's xenstored sends (xsd_errors in xs_wire.h). */
static const struct {
    const char *name;
    long err;
} xs_errors[] = {
    {"EINVAL", PV_EINVAL}, {"EACCES", PV_EACCES},   {"EEXIST", PV_EEXIST}, {"EISDIR", PV_EISDIR},
    {"ENOENT", PV_ENOENT}, {"ENOMEM", PV_ENOMEM},   {"ENOSPC", PV_ENOSPC}, {"EIO", PV_EIO},
    {"ENOTEMPTY", PV_ENOTEMPTY}, {"ENOSYS", PV_ENOSYS}, {"EROFS", PV_EROFS}, {"EBUSY", PV_EBUSY},
    {"EAGAIN", PV_EAGAIN}, {"EISCONN", PV_EISCONN}, {"E2BIG", PV_E2BIG},   {"EPERM", PV_EPERM},
};

long gk_xs_errno(const char *name, size_t len)
{
    /* The payload is the name and a NUL; tolerate a missing NUL, never read past len. */
    if (len && name[len - 1] == 0)
        len--;
    for (size_t i = 0; i < sizeof(xs_errors) / sizeof(xs_errors[0]); i++)
        if (lib_strlen(xs_errors[i].name) == len && !memcmp(xs_errors[i].name, name, len))
            return -xs_errors[i].err;
    return -PV_EIO;
}

bool gk_xs_header_ok(uint32_t type, uint32_t len)
{
    return len <= PV_XENSTORE_PAYLOAD_MAX && type < PV_XS_TYPE_COUNT;
}

long gk_xs_count_strings(const char *payload, uint32_t len)
{
    long n = 0;

    if (len == 0)
        return 0;
    if (payload[len - 1] != 0)
        return -1;
    for (uint32_t i = 0; i < len; i++)
        n += payload[i] == 0;
    return n;
}

bool gk_xs_split_event(const char *payload, uint32_t len, const char **path, const char **token)
{
    size_t plen;

    if (len < 2 || payload[len - 1] != 0)
        return false;
    plen = lib_strnlen(payload, len);
    if (plen == 0 || plen + 1 >= len) /* an empty path, or no token after it */
        return false;
    *path = payload;
    *token = payload + plen + 1;
    return true;
}
