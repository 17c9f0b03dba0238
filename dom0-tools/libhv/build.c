/* dom0-tools/libhv/build.c - the domain builder in dom0 (INTERIM: answers -ENOSYS). */
#include <errno.h>

#include "build.h"

int hv_build(struct hv_priv *p, uint32_t domid, const struct hv_build_req *req,
             struct hv_build_result *res, struct hv_err *err)
{
    (void)p, (void)req, (void)res;
    return hv_err_set(err, -ENOSYS, "building domain %u: the builder is not implemented yet",
                      domid);
}
