/* Network devices (vif): xl.cfg vif specs to the generic device layer (dev.h), backend Linux's
 * xen-netback in dom0, its vifD.N interface joined to a bridge by the `vif-bridge` hotplug
 * script (dom0-tools/hotplug/vif-bridge, as libxl's vif-bridge). */
#ifndef HV_VIF_H
#define HV_VIF_H

#include <stdint.h>
#include <stdio.h>

#include "cfg.h"
#include "dev.h"

/* The bridge when the spec names neither bridge= nor network=: the "default" network's
 * bridge when that network exists, else xl's xenbr0. */
#define HV_VIF_DEFAULT_NETWORK "default"
#define HV_VIF_DEFAULT_BRIDGE "xenbr0"

/*
 * xl's rate= ("RATE[@INTERVAL]": RATE digits with an optional K, M or G and B/s or b/s;
 * INTERVAL digits with s, ms or us, default 50 ms) into netback's `rate` key value
 * "BYTES_PER_INTERVAL,INTERVAL_USECS". 0 or -EINVAL with the reason.
 */
int hv_vif_rate(const char *rate, char *buf, size_t len, struct hv_err *err);

/* The MAC of a vif without mac=: 00:16:3e and three bytes of a hash of the domain's uuid and
 * the devid (stable across the domain's reboots; 4th byte below 0x80, as libxl's). */
void hv_vif_mac(const uint8_t uuid[16], int devid, uint8_t mac[6]);

/*
 * What can be checked before anything is made, and the bridge the vif joins (bridge[16] out):
 * network= names a network that exists (our extension; it and bridge= must agree), the bridge
 * exists, type vif (not ioemu), backend dom0, rate= parses, script a name or an absolute path.
 * "vif 0 (bridge=nosuch): what" in err.
 */
int hv_vif_check(const struct hv_cfg_vif *v, char *bridge, struct hv_err *err);

/*
 * Adds vif v to domid (uuid: the domain's, for a MAC it does not give) through hv_dev_add, with
 * libxl's keys: backend script, mac, bridge, handle, type, [ip, rate, mtu, vifname, gatewaydev],
 * hotplug-status ""; frontend handle, mac, trusted. A devid in use is -EEXIST.
 */
int hv_vif_add(struct xs_handle *xs, uint32_t domid, const uint8_t uuid[16],
               const struct hv_cfg_vif *v, struct hv_err *err);

/* domid's vifs as they are now (after network-attach and -detach), as specs with their devid,
 * MAC and bridge fixed (the monitor's restart, as xl keeps hot-plugged devices in the domain's
 * stored configuration): *out malloc()ed, free each with cfg_vif_free and the array with free().
 * -EINVAL for a toolstack copy without a MAC or bridge. */
int hv_vif_current(struct xs_handle *xs, uint32_t domid, struct hv_cfg_vif **out, unsigned *n);

/* xl network-attach: one spec (cfg_vif_parse's syntax) added to a running domain; the devid,
 * when the spec gives none, is the lowest free one; the MAC derives from the domain's uuid. */
int hv_vif_attach(struct xs_handle *xs, uint32_t domid, const char *spec, struct hv_err *err);

/* Detaches the vif that `which` names: a devid, or a MAC (xx:xx:xx:xx:xx:xx). */
int hv_vif_remove(struct xs_handle *xs, uint32_t domid, const char *which, bool force,
                  struct hv_err *err);

/* domid's vifs as an xl.cfg `vif = [...]` line on f (nothing when it has none), from their
 * backend dirs: devid, mac, bridge, ip, script, mtu, vifname, gatewaydev, rate (what save puts in
 * a save file's config, so restore re-plugs them alike). A value a spec cannot hold: -EINVAL. */
int hv_vif_describe(struct xs_handle *xs, uint32_t domid, FILE *f, struct hv_err *err);

/* xl network-list's table rows for domid on f (the header: hv_vif_list_header). */
void hv_vif_list_header(FILE *f);
int hv_vif_list(struct xs_handle *xs, uint32_t domid, FILE *f);

#endif
