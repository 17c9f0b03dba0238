/*
 * dom0-tools/xenstored/dispatch.c - one request: its type, who may send it, its transaction,
 * then the handler. Xen's order of refusals: unknown type (ENOSYS), privileged-only type from
 * a domain (EACCES), unknown transaction id (ENOENT).
 */
#include "xsd_core.h"

#define F_PRIV 1u  /* privileged connections only */
#define F_NOTID 2u /* the header's tx_id is ignored */

typedef int conn_fn(struct xsd_conn *c, const char *payload, uint32_t len);
typedef int view_fn(struct xsd_view *v, const char *payload, uint32_t len);

static int op_txn_start(struct xsd_conn *c, const char *payload, uint32_t len)
{
    (void)payload;
    (void)len;
    return xsd_op_txn_start(c, c->cur.tx_id);
}

static int op_txn_end(struct xsd_conn *c, const char *payload, uint32_t len)
{
    return xsd_op_txn_end(c, xsd_txn_find(c, c->cur.tx_id), payload, len);
}

static int op_reset_watches(struct xsd_conn *c, const char *payload, uint32_t len)
{
    (void)payload;
    (void)len;
    xsd_watch_drop_all(c);
    xsd_txn_drop_all(c);
    return xsd_reply_ok(c);
}

static const struct {
    unsigned int flags;
    conn_fn *conn;
    view_fn *view;
} ops[PV_XS_TYPE_COUNT] = {
    [PV_XS_CONTROL] = {F_PRIV, xsd_op_control, NULL},
    [PV_XS_DIRECTORY] = {0, NULL, xsd_op_directory},
    [PV_XS_READ] = {0, NULL, xsd_op_read},
    [PV_XS_GET_PERMS] = {0, NULL, xsd_op_get_perms},
    [PV_XS_WATCH] = {F_NOTID, xsd_op_watch, NULL},
    [PV_XS_UNWATCH] = {F_NOTID, xsd_op_unwatch, NULL},
    [PV_XS_TRANSACTION_START] = {0, op_txn_start, NULL},
    [PV_XS_TRANSACTION_END] = {0, op_txn_end, NULL},
    [PV_XS_INTRODUCE] = {F_PRIV, xsd_op_introduce, NULL},
    [PV_XS_RELEASE] = {F_PRIV, xsd_op_release, NULL},
    [PV_XS_GET_DOMAIN_PATH] = {0, xsd_op_get_domain_path, NULL},
    [PV_XS_WRITE] = {0, NULL, xsd_op_write},
    [PV_XS_MKDIR] = {0, NULL, xsd_op_mkdir},
    [PV_XS_RM] = {0, NULL, xsd_op_rm},
    [PV_XS_SET_PERMS] = {0, NULL, xsd_op_set_perms},
    [PV_XS_IS_DOMAIN_INTRODUCED] = {F_PRIV, xsd_op_is_introduced, NULL},
    [PV_XS_RESUME] = {F_PRIV, xsd_op_resume, NULL},
    [PV_XS_SET_TARGET] = {F_PRIV, xsd_op_set_target, NULL},
    [PV_XS_RESET_WATCHES] = {0, op_reset_watches, NULL},
    [PV_XS_DIRECTORY_PART] = {0, NULL, xsd_op_directory_part},
};

void xsd_dispatch(struct xsd_conn *c)
{
    uint32_t type = c->cur.type;
    struct xsd_view v = {c->d, c, NULL};
    int rc;

    if (type >= PV_XS_TYPE_COUNT || (!ops[type].conn && !ops[type].view))
        rc = -PV_ENOSYS;
    else if ((ops[type].flags & F_PRIV) && xsd_unpriv(c))
        rc = -PV_EACCES;
    else if (!(ops[type].flags & F_NOTID) && c->cur.tx_id &&
             !(v.txn = xsd_txn_find(c, c->cur.tx_id)))
        rc = -PV_ENOENT;
    else if (ops[type].view)
        rc = ops[type].view(&v, c->in_buf, c->cur.len);
    else
        rc = ops[type].conn(c, c->in_buf, c->cur.len);
    if (rc && !c->replied)
        xsd_reply_error(c, rc);
}
