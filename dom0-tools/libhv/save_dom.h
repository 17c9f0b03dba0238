/* dom0-tools/libhv/save_dom.h - save.h's callbacks on a real domain (privcmd): copy
 * hv_save_dom_priv / hv_restore_dom_priv and set .ctx to a struct hv_save_ctx. */
#ifndef HV_SAVE_DOM_H
#define HV_SAVE_DOM_H

#include "save.h"

struct hv_save_ctx {
    struct hv_priv *priv;
    uint32_t domid;
    uint64_t shared_info_mfn;     /* getdomaininfo's */
    struct hv_resume_info resume; /* restore: what start_info gets */
};

extern const struct hv_save_dom hv_save_dom_priv;
extern const struct hv_restore_dom hv_restore_dom_priv;

/*
 * The guest's p2m as it published it in shared_info (max_pfn and the frame-list tree, as
 * Mini-OS and Linux do): *p2m (malloc()ed, *nr entries; entries that are no frame are
 * HV_INVALID_MFN) and the mfns of the frames holding it (*leaves, malloc()ed). Every frame read
 * is mapped as the domain's, so a tree pointing elsewhere fails; hv_save_p2m_max(max_pages) bounds
 * max_pfn.
 */
int hv_save_guest_p2m(struct hv_save_ctx *c, uint64_t max_pages, uint64_t **p2m, uint64_t *nr,
                      uint64_t **leaves, unsigned *n_leaves, struct hv_err *err);

#endif /* HV_SAVE_DOM_H */
