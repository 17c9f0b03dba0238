/* Named networks in dom0's kernel: the bridge (iproute2), forwarding and NAT (nftables), DHCP and
 * DNS (dnsmasq), each through Debian's own tools (net.h). */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "net.h"
#include "run.h"

#define NET_OUT 2048
#define NET_MAX_ADDRS 8

/* Runs argv (input on stdin, or none); a failure names the network, the command and its first
 * line of output. */
static int cmd(const struct hv_net *n, const char *input, const char *const argv[],
               struct hv_err *err)
{
    char out[NET_OUT], line[256] = "";
    size_t i, used = 0;
    int rc = hv_run(argv, input, out, sizeof(out));

    if (!rc)
        return 0;
    for (i = 0; argv[i] && used + 2 < sizeof(line); i++)
        used += (size_t)snprintf(line + used, sizeof(line) - used, "%s%s", i ? " " : "",
                                 argv[i]);
    out[strcspn(out, "\n")] = 0;
    return hv_err_set(err, -EIO, "network '%s': '%s' failed (%s%d): %s", n->name, line,
                      rc < 0 ? "error " : "status ", rc, rc == 127 ? "not installed?" : out);
}

#define CMD(n, err, ...) cmd(n, NULL, (const char *const[]){__VA_ARGS__, NULL}, err)

static bool if_exists(const char *ifname)
{
    char path[64];

    snprintf(path, sizeof(path), "/sys/class/net/%s", ifname);
    return !access(path, F_OK);
}

static int read_small(const char *path, char *buf, size_t len)
{
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    ssize_t got = fd < 0 ? -1 : read(fd, buf, len - 1);

    if (fd >= 0)
        close(fd);
    if (got < 0)
        return -1;
    buf[got] = 0;
    buf[strcspn(buf, "\n")] = 0;
    return 0;
}

/* IPv4 addresses ("A/LEN" and their "brd B", if any) of ifname, from `ip -o -4 addr show`. */
struct addrs {
    unsigned n;
    char addr[NET_MAX_ADDRS][24], brd[NET_MAX_ADDRS][16];
    char gateway[16]; /* the default route's via, "" if none through it */
};

static void read_addrs(const char *ifname, struct addrs *a)
{
    char out[NET_OUT], *line, *save = NULL, *p;

    memset(a, 0, sizeof(*a));
    if (hv_runl(out, sizeof(out), "ip", "-o", "-4", "addr", "show", "dev", ifname, NULL) == 0)
        for (line = strtok_r(out, "\n", &save); line && a->n < NET_MAX_ADDRS;
             line = strtok_r(NULL, "\n", &save)) {
            if (!(p = strstr(line, " inet ")) || sscanf(p, " inet %23s", a->addr[a->n]) != 1)
                continue;
            if ((p = strstr(line, " brd ")))
                sscanf(p, " brd %15s", a->brd[a->n]);
            a->n++;
        }
    if (hv_runl(out, sizeof(out), "ip", "-4", "route", "show", "default", "dev", ifname,
                NULL) == 0 && (p = strstr(out, "via ")))
        sscanf(p, "via %15s", a->gateway);
}

/* Moves the addresses and default route in a from one interface to another. */
static int move_addrs(const struct hv_net *n, const struct addrs *a, const char *from,
                      const char *to, struct hv_err *err)
{
    unsigned i;
    int rc;

    for (i = 0; i < a->n; i++) {
        if ((rc = CMD(n, err, "ip", "addr", "del", a->addr[i], "dev", from)))
            return rc;
        rc = a->brd[i][0] ? CMD(n, err, "ip", "addr", "add", a->addr[i], "brd", a->brd[i], "dev",
                                to)
                          : CMD(n, err, "ip", "addr", "add", a->addr[i], "dev", to);
        if (rc)
            return rc;
    }
    if (a->gateway[0])
        return CMD(n, err, "ip", "route", "replace", "default", "via", a->gateway, "dev", to);
    return 0;
}

/* bridged: the uplink becomes the bridge's port, with the uplink's MAC (leases stay). */
static int uplink_up(const struct hv_net *n, struct hv_err *err)
{
    char path[96], mac[32];
    struct addrs a;
    int rc;

    if (!if_exists(n->uplink))
        return hv_err_set(err, -ENODEV, "network '%s': uplink '%s': no such interface",
                          n->name, n->uplink);
    snprintf(path, sizeof(path), "/sys/class/net/%s/master", n->uplink);
    if (!access(path, F_OK))
        return hv_err_set(err, -EBUSY, "network '%s': uplink '%s' is already a port of "
                          "another bridge", n->name, n->uplink);
    snprintf(path, sizeof(path), "/sys/class/net/%s/address", n->uplink);
    read_addrs(n->uplink, &a);
    if ((!read_small(path, mac, sizeof(mac)) &&
         (rc = CMD(n, err, "ip", "link", "set", "dev", n->bridge, "address", mac))) ||
        (rc = CMD(n, err, "ip", "link", "set", "dev", n->uplink, "master", n->bridge)) ||
        (rc = CMD(n, err, "ip", "link", "set", "dev", n->uplink, "up")) ||
        (rc = CMD(n, err, "ip", "link", "set", "dev", n->bridge, "up")))
        return rc;
    return move_addrs(n, &a, n->uplink, n->bridge, err);
}

static void uplink_down(const struct hv_net *n)
{
    struct hv_err ignored;
    struct addrs a;

    if (!if_exists(n->uplink) || !if_exists(n->bridge))
        return;
    read_addrs(n->bridge, &a);
    CMD(n, &ignored, "ip", "link", "set", "dev", n->uplink, "nomaster");
    move_addrs(n, &a, n->bridge, n->uplink, &ignored);
}

/* The nftables table hv_NAME: who may be forwarded through the bridge, and NAT's masquerade. */
static int nft_up(const struct hv_net *n, struct hv_err *err)
{
    char rules[1024], subnet[24], out_match[40] = "";
    const char *const argv[] = {"nft", "-f", "-", NULL};
    int w;

    if (n->uplink[0])
        snprintf(out_match, sizeof(out_match), "oifname \"%s\" ", n->uplink);
    hv_net_subnet_format(n, subnet, sizeof(subnet));
    if (n->mode == HV_NET_INTERNAL)
        w = snprintf(rules, sizeof(rules),
                     "table ip hv_%s {\n"
                     " chain forward { type filter hook forward priority filter; policy accept;\n"
                     "  iifname \"%s\" drop\n  oifname \"%s\" drop\n }\n}\n",
                     n->name, n->bridge, n->bridge);
    else
        w = snprintf(rules, sizeof(rules),
                     "table ip hv_%s {\n"
                     " chain forward { type filter hook forward priority filter; policy accept;\n"
                     "  iifname \"%s\" %saccept\n"
                     "  oifname \"%s\" ct state established,related accept\n"
                     "  iifname \"%s\" drop\n  oifname \"%s\" drop\n }\n"
                     " chain postrouting { type nat hook postrouting priority srcnat; "
                     "policy accept;\n"
                     "  ip saddr %s ip daddr != %s %smasquerade\n }\n}\n",
                     n->name, n->bridge, out_match, n->bridge, n->bridge, n->bridge, subnet,
                     subnet, out_match);
    if (w < 0 || (size_t)w >= sizeof(rules))
        return hv_err_set(err, -ENOSPC, "network '%s': nftables rules too long", n->name);
    return cmd(n, rules, argv, err);
}

static void run_file(const struct hv_net *n, const char *ext, char *buf, size_t len)
{
    snprintf(buf, len, "%s/%s.%s", hv_net_run_dir(), n->name, ext);
}

/* dnsmasq on the bridge: DHCP for hosts 2 .. last of the subnet, DNS forwarded to dom0's. */
static int dnsmasq_up(const struct hv_net *n, struct hv_err *err)
{
    char gw[16], first[16], last[16], mask[16], pid[300], leases[300], range[80], o_pid[320],
        o_leases[320], o_if[40], o_listen[40];
    uint32_t hosts = (1u << (32 - n->prefix)) - 2, m = ~0u << (32 - n->prefix);

    hv_net_host_addr(n, 1, gw, sizeof(gw));
    hv_net_host_addr(n, 2, first, sizeof(first));
    hv_net_host_addr(n, hosts, last, sizeof(last));
    snprintf(mask, sizeof(mask), "%u.%u.%u.%u", m >> 24, m >> 16 & 255, m >> 8 & 255, m & 255);
    if (mkdir(hv_net_run_dir(), 0755) && errno != EEXIST)
        return hv_err_set(err, -errno, "%s: %s", hv_net_run_dir(), strerror(errno));
    run_file(n, "pid", pid, sizeof(pid));
    run_file(n, "leases", leases, sizeof(leases));
    snprintf(range, sizeof(range), "--dhcp-range=%s,%s,%s,1h", first, last, mask);
    snprintf(o_pid, sizeof(o_pid), "--pid-file=%s", pid);
    snprintf(o_leases, sizeof(o_leases), "--dhcp-leasefile=%s", leases);
    snprintf(o_if, sizeof(o_if), "--interface=%s", n->bridge);
    snprintf(o_listen, sizeof(o_listen), "--listen-address=%s", gw);
    return CMD(n, err, "dnsmasq", "--conf-file=/dev/null", o_pid, o_leases, o_if, o_listen,
               "--bind-interfaces", "--except-interface=lo", range, "--dhcp-authoritative",
               "--strict-order", "--user=root", "--group=root");
}

static void dnsmasq_down(const struct hv_net *n)
{
    char path[300], text[32], comm[64], proc[64];
    long pid;
    int i;

    run_file(n, "pid", path, sizeof(path));
    if (read_small(path, text, sizeof(text)) || (pid = strtol(text, NULL, 10)) <= 1)
        return;
    snprintf(proc, sizeof(proc), "/proc/%ld/comm", pid);
    if (!read_small(proc, comm, sizeof(comm)) && !strcmp(comm, "dnsmasq")) {
        kill((pid_t)pid, SIGTERM);
        for (i = 0; i < 40 && !access(proc, F_OK); i++)
            nanosleep(&(struct timespec){0, 50000000}, NULL);
    }
    unlink(path);
}

#define IP_FORWARD "/proc/sys/net/ipv4/ip_forward"

static bool write_small(const char *path, const char *text)
{
    int fd = open(path, O_WRONLY | O_CLOEXEC | O_CREAT | O_TRUNC, 0644);
    bool ok = fd >= 0 && write(fd, text, strlen(text)) == (ssize_t)strlen(text);

    if (fd >= 0)
        close(fd);
    return ok;
}

/* The marker that says hvctl, not the operator, turned forwarding on (it is turned off again
 * when the last NAT network goes). */
static void forward_marker(char *buf, size_t len)
{
    snprintf(buf, len, "%s/ip_forward.hvctl", hv_net_run_dir());
}

static int forwarding_on(const struct hv_net *n, struct hv_err *err)
{
    char was[8] = "", marker[300];

    if (!read_small(IP_FORWARD, was, sizeof(was)) && !strcmp(was, "1"))
        return 0; /* on already (another NAT network, or the operator's): not ours to undo */
    if (!write_small(IP_FORWARD, "1\n"))
        return hv_err_set(err, -errno, "network '%s': cannot turn on IP forwarding (%s)",
                          n->name, strerror(errno));
    forward_marker(marker, sizeof(marker));
    if (mkdir(hv_net_run_dir(), 0755) && errno != EEXIST)
        return 0; /* forwarding stays on: harmless, and dnsmasq_up reports the directory */
    write_small(marker, "1\n");
    return 0;
}

/* After a network went: if hvctl turned forwarding on and no NAT network is left, off again. */
static void forwarding_maybe_off(void)
{
    char (*names)[HV_NET_NAME_MAX], marker[300];
    struct hv_net other;
    struct hv_err ignored;
    int i, count, nat = 0;

    forward_marker(marker, sizeof(marker));
    if (access(marker, F_OK) || (count = hv_net_names(&names, &ignored)) < 0)
        return;
    for (i = 0; i < count; i++)
        if (!hv_net_load(names[i], &other, &ignored) && other.mode == HV_NET_NAT)
            nat++;
    free(names);
    if (!nat && write_small(IP_FORWARD, "0\n"))
        unlink(marker);
}

/* The steps after the bridge exists. */
static int up_steps(const struct hv_net *n, struct hv_err *err)
{
    char gw[40], subnet[24];
    int rc;

    if (n->mode == HV_NET_BRIDGED)
        return uplink_up(n, err);
    if (n->has_subnet) {
        hv_net_host_addr(n, 1, subnet, sizeof(subnet));
        snprintf(gw, sizeof(gw), "%s/%u", subnet, n->prefix);
        if ((rc = CMD(n, err, "ip", "addr", "add", gw, "dev", n->bridge)))
            return rc;
    }
    if ((rc = CMD(n, err, "ip", "link", "set", "dev", n->bridge, "up")) || (rc = nft_up(n, err)))
        return rc;
    if (n->mode != HV_NET_NAT)
        return 0;
    if (n->uplink[0] && !if_exists(n->uplink))
        return hv_err_set(err, -ENODEV, "network '%s': uplink '%s': no such interface",
                          n->name, n->uplink);
    if ((rc = forwarding_on(n, err)))
        return rc;
    return dnsmasq_up(n, err);
}

int hv_net_up(const struct hv_net *n, struct hv_err *err)
{
    int rc;

    if (if_exists(n->bridge))
        return hv_err_set(err, -EEXIST, "network '%s': an interface named '%s' exists already",
                          n->name, n->bridge);
    if ((rc = CMD(n, err, "ip", "link", "add", "name", n->bridge, "type", "bridge",
                  "forward_delay", "0", "stp_state", "0")))
        return rc;
    if ((rc = up_steps(n, err))) {
        struct hv_err ignored;
        hv_net_down(n, &ignored);
    }
    return rc;
}

int hv_net_down(const struct hv_net *n, struct hv_err *err)
{
    char table[48];
    struct hv_err ignored;

    dnsmasq_down(n);
    snprintf(table, sizeof(table), "hv_%s", n->name);
    if (n->mode != HV_NET_BRIDGED)
        CMD(n, &ignored, "nft", "delete", "table", "ip", table); /* absent: fine */
    if (n->mode == HV_NET_BRIDGED)
        uplink_down(n);
    if (if_exists(n->bridge))
        return CMD(n, err, "ip", "link", "delete", "dev", n->bridge, "type", "bridge");
    return 0;
}

bool hv_net_is_up(const struct hv_net *n)
{
    char path[64], flags[32];

    snprintf(path, sizeof(path), "/sys/class/net/%s/flags", n->bridge);
    return !read_small(path, flags, sizeof(flags)) && (strtoul(flags, NULL, 16) & 1);
}

int hv_net_ports(const struct hv_net *n, char *buf, size_t len)
{
    char path[64];
    DIR *d;
    struct dirent *e;
    size_t used = 0;
    int count = 0;

    if (len)
        buf[0] = 0;
    snprintf(path, sizeof(path), "/sys/class/net/%s/brif", n->bridge);
    if (!(d = opendir(path)))
        return 0;
    while ((e = readdir(d))) {
        if (e->d_name[0] == '.' || !strcmp(e->d_name, n->uplink))
            continue;
        count++;
        if (used < len)
            used += (size_t)snprintf(buf + used, len - used, "%s%s", used ? " " : "",
                                     e->d_name);
    }
    closedir(d);
    return count;
}

/* No other network may use the same name, bridge, uplink or subnet. */
static int check_others(const struct hv_net *n, struct hv_err *err)
{
    char (*names)[HV_NET_NAME_MAX];
    struct hv_net other;
    struct hv_err why;
    int i, count = hv_net_names(&names, err), rc = 0;

    for (i = 0; i < count && !rc; i++) {
        if (!strcmp(names[i], n->name)) {
            rc = hv_err_set(err, -EEXIST, "network '%s' already exists", n->name);
        } else if (!hv_net_load(names[i], &other, &why)) {
            rc = hv_net_conflict(n, &other, err);
        }
    }
    free(names);
    return count < 0 ? count : rc;
}

int hv_net_create(struct hv_net *n, struct hv_err *err)
{
    struct hv_err ignored;
    int rc;

    if ((rc = hv_net_validate(n, err)) || (rc = check_others(n, err)))
        return rc;
    if (if_exists(n->bridge))
        return hv_err_set(err, -EEXIST, "network '%s': an interface named '%s' exists already "
                          "(--bridge picks another name)", n->name, n->bridge);
    if (n->uplink[0] && !if_exists(n->uplink))
        return hv_err_set(err, -ENODEV, "network '%s': uplink '%s': no such interface",
                          n->name, n->uplink);
    if ((rc = hv_net_save(n, err)))
        return rc;
    if ((rc = hv_net_up(n, err)))
        hv_net_remove_file(n->name, &ignored);
    return rc;
}

int hv_net_delete(const char *name, struct hv_err *err)
{
    struct hv_net n;
    char ports[256];
    int rc;

    if ((rc = hv_net_load(name, &n, err)))
        return rc;
    if (hv_net_ports(&n, ports, sizeof(ports)) > 0)
        return hv_err_set(err, -EBUSY, "network '%s' is in use by %s: detach them first "
                          "(hvctl network-detach)", name, ports);
    if ((rc = hv_net_down(&n, err)) || (rc = hv_net_remove_file(name, err)))
        return rc;
    if (n.mode == HV_NET_NAT)
        forwarding_maybe_off();
    return 0;
}
