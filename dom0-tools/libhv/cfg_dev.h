/* xl.cfg's device specifications, disk and vif, parsed for the device issue (private to cfg). */
#ifndef HV_CFG_DEV_H
#define HV_CFG_DEV_H

#include <stdbool.h>
#include <stddef.h>

#include "cfg.h"
#include "cfg_syntax.h"

/*
 * One disk spec as xl's libxlu_disk: positional target, format, vdev, access; key=value
 * parameters; the deprecated prefixes (phy:, file:, tap:aio:, raw:, ...); target= takes the
 * rest of the string. 0, or -EINVAL with the reason in why; -ENOMEM. *d is freed on error.
 */
int cfg_disk_parse(const char *spec, struct hv_cfg_disk *d, char *why, size_t whylen);

/* One vif spec: key=value pairs separated by ','. Same conventions. */
int cfg_vif_parse(const char *spec, struct hv_cfg_vif *v, char *why, size_t whylen);

/* The `disk` (is_disk) or `vif` setting, a list of spec strings, into cfg->disks/vifs. */
int cfg_dev_list(struct hv_cfg *cfg, const struct cfg_setting *set, bool is_disk, char *err,
                 size_t errlen);

void cfg_disk_free(struct hv_cfg_disk *d);
void cfg_vif_free(struct hv_cfg_vif *v);
void cfg_dev_free(struct hv_cfg *cfg);

#endif
