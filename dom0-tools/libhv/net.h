/* Named networks in dom0 (hvctl network-*): their configuration files and bringing them up. */
#ifndef HV_NET_H
#define HV_NET_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "priv.h"

/*
 * A network is a Linux bridge in dom0 that vifs join (docs/networking.md):
 *   bridged   the bridge enslaves an uplink NIC; dom0's addresses and default route move from
 *             the NIC to the bridge (as Debian's bridge setups do); guests are peers on the
 *             uplink's network.
 *   internal  a bridge with no uplink: the guests on it and, with a subnet, dom0 (first host
 *             address); nothing is forwarded in or out of it.
 *   nat       a bridge with dom0 as router at the subnet's first host address: nftables
 *             masquerades what leaves (out of the uplink, or any interface without one), IP
 *             forwarding on, dnsmasq serves DHCP and DNS on the bridge.
 * Each is one file NAME.conf in hv_net_dir() ("key = value" lines: mode, bridge, uplink,
 * subnet), written by network-create and applied again at every boot (network-start --all).
 */
enum hv_net_mode { HV_NET_BRIDGED, HV_NET_INTERNAL, HV_NET_NAT };

#define HV_NET_NAME_MAX 32 /* with the NUL */
#define HV_NET_IF_MAX 16   /* Linux's IFNAMSIZ */

struct hv_net {
    char name[HV_NET_NAME_MAX];
    enum hv_net_mode mode;
    char bridge[HV_NET_IF_MAX]; /* the bridge's interface name (default: the network's name) */
    char uplink[HV_NET_IF_MAX]; /* "" = none */
    bool has_subnet;
    uint32_t net, prefix;       /* the subnet (host order) and its length */
};

/* NAT's subnet when none is given. */
#define HV_NET_NAT_DEFAULT "192.168.100.0/24"

/* Where the files are: $HV_NET_DIR or /etc/hv/networks; run state (dnsmasq's pid and leases):
 * $HV_NET_RUN or /run/hv/networks. */
const char *hv_net_dir(void);
const char *hv_net_run_dir(void);

/* "bridged", "internal", "nat"; and back (-EINVAL). */
const char *hv_net_mode_name(enum hv_net_mode mode);
int hv_net_mode_parse(const char *s, enum hv_net_mode *mode);

/* Checks a network name ([A-Za-z0-9][A-Za-z0-9_.-]*, under 32) or interface name (under 16,
 * no '/', ':' or spaces). 0 or -EINVAL with the reason in err. */
int hv_net_check_name(const char *name, struct hv_err *err);
int hv_net_check_ifname(const char *what, const char *ifname, struct hv_err *err);

/* "A.B.C.D/LEN" with LEN 8..30 and no host bits set into *n. */
int hv_net_subnet_parse(const char *s, struct hv_net *n, struct hv_err *err);
/* The subnet as text, and the address of host number `host` in it (1: dom0's). */
void hv_net_subnet_format(const struct hv_net *n, char *buf, size_t len);
void hv_net_host_addr(const struct hv_net *n, uint32_t host, char *buf, size_t len);

/*
 * Fills the defaults (bridge = name, nat's subnet) and checks the combination: bridged needs an
 * uplink and takes no subnet, internal takes no uplink. 0 or -EINVAL with the reason.
 */
int hv_net_validate(struct hv_net *n, struct hv_err *err);

/* The file's text, and back: parse names "PATH:LINE: ..." in errors. */
int hv_net_format(const struct hv_net *n, char *buf, size_t len);
int hv_net_parse(const char *text, const char *path, const char *name, struct hv_net *n,
                 struct hv_err *err);

/* NAME.conf in hv_net_dir(): load (-ENOENT: "no network named ..."), save (atomically),
 * remove. */
int hv_net_load(const char *name, struct hv_net *n, struct hv_err *err);
int hv_net_save(const struct hv_net *n, struct hv_err *err);
int hv_net_remove_file(const char *name, struct hv_err *err);

/* Every network's name, sorted; *names is malloc()ed rows of HV_NET_NAME_MAX. The count. */
int hv_net_names(char (**names)[HV_NET_NAME_MAX], struct hv_err *err);

/* Two networks that cannot both exist (same name, bridge, uplink or overlapping subnets). */
int hv_net_conflict(const struct hv_net *a, const struct hv_net *b, struct hv_err *err);

/* ---- in dom0's kernel (net_up.c) ---- */

/* Brings the network up: bridge, uplink and addresses, nftables, dnsmasq. On failure what was
 * done is undone (hv_net_down) and err says which step failed and what the command said. */
int hv_net_up(const struct hv_net *n, struct hv_err *err);
/* Takes it down: dnsmasq, nftables table, the uplink's addresses back, the bridge. What is
 * already gone is fine. */
int hv_net_down(const struct hv_net *n, struct hv_err *err);
/* Whether the bridge exists and is up. */
bool hv_net_is_up(const struct hv_net *n);
/* The vifN.M interfaces enslaved to the bridge, ' '-separated into buf; their count. */
int hv_net_ports(const struct hv_net *n, char *buf, size_t len);

/* create = validate, no conflict with the others, save, up (the file removed if up fails);
 * delete = refuse while vifs use it, down, remove the file. */
int hv_net_create(struct hv_net *n, struct hv_err *err);
int hv_net_delete(const char *name, struct hv_err *err);

#endif
