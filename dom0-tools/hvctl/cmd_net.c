/* hvctl network-create, network-delete, network-list (networks), network-start (at boot). */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dom0-tools/libhv/net.h"
#include "hvctl.h"

/* --mode, --uplink, --subnet, --bridge into n; HVCTL_OK or the usage/failure code. */
static int create_opts(int argc, char **argv, struct hv_net *n)
{
    static const struct option opts[] = {{"mode", required_argument, NULL, 'm'},
                                         {"uplink", required_argument, NULL, 'u'},
                                         {"subnet", required_argument, NULL, 's'},
                                         {"bridge", required_argument, NULL, 'b'},
                                         {NULL, 0, NULL, 0}};
    struct hv_err err;
    bool had_mode = false;
    int c;

    while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
        if (c == 'm' && hv_net_mode_parse(optarg, &n->mode))
            return hvctl_fail("--mode '%s': bridged, internal or nat", optarg);
        if (c == 'm')
            had_mode = true;
        else if ((c == 'u' || c == 'b') && strlen(optarg) >= HV_NET_IF_MAX)
            return hvctl_fail("--%s '%s': an interface name has at most %d characters",
                              c == 'u' ? "uplink" : "bridge", optarg, HV_NET_IF_MAX - 1);
        else if (c == 'u' || c == 'b')
            strcpy(c == 'u' ? n->uplink : n->bridge, optarg);
        else if (c == 's' && hv_net_subnet_parse(optarg, n, &err))
            return hvctl_fail("--subnet: %s", err.msg);
        else if (c != 's')
            return hvctl_usage("network-create");
    }
    if (!had_mode || optind != argc - 1)
        return hvctl_usage("network-create");
    if (hv_net_check_name(argv[optind], &err))
        return hvctl_fail("%s", err.msg);
    strcpy(n->name, argv[optind]);
    return HVCTL_OK;
}

int cmd_network_create(int argc, char **argv)
{
    struct hv_net n;
    struct hv_err err;
    char subnet[24] = "";
    int rc;

    memset(&n, 0, sizeof(n));
    if ((rc = create_opts(argc, argv, &n)))
        return rc;
    if (hv_net_create(&n, &err))
        return hvctl_fail("%s", err.msg);
    if (n.has_subnet)
        hv_net_subnet_format(&n, subnet, sizeof(subnet));
    printf("network %s: %s on bridge %s%s%s%s%s\n", n.name, hv_net_mode_name(n.mode), n.bridge,
           n.uplink[0] ? ", uplink " : "", n.uplink, subnet[0] ? ", subnet " : "", subnet);
    return HVCTL_OK;
}

int cmd_network_delete(int argc, char **argv)
{
    struct hv_err err;

    if (argc != 2 || argv[1][0] == '-')
        return hvctl_usage("network-delete");
    if (hv_net_delete(argv[1], &err))
        return hvctl_fail("%s", err.msg);
    return HVCTL_OK;
}

/* Brings up one network that is not up; prints what it did. */
static int start_one(const char *name)
{
    struct hv_net n;
    struct hv_err err;

    if (hv_net_load(name, &n, &err))
        return hvctl_fail("%s", err.msg);
    if (hv_net_is_up(&n)) {
        printf("network %s: already up\n", name);
        return HVCTL_OK;
    }
    if (hv_net_up(&n, &err))
        return hvctl_fail("%s", err.msg);
    printf("network %s: up (%s on bridge %s)\n", name, hv_net_mode_name(n.mode), n.bridge);
    return HVCTL_OK;
}

int cmd_network_start(int argc, char **argv)
{
    char (*names)[HV_NET_NAME_MAX];
    struct hv_err err;
    int i, count, rc = HVCTL_OK;

    if (argc != 2 || (argv[1][0] == '-' && strcmp(argv[1], "--all")))
        return hvctl_usage("network-start");
    if (strcmp(argv[1], "--all"))
        return start_one(argv[1]);
    if ((count = hv_net_names(&names, &err)) < 0)
        return hvctl_fail("%s", err.msg);
    for (i = 0; i < count; i++)
        if (start_one(names[i]) != HVCTL_OK)
            rc = HVCTL_FAIL; /* the others still come up */
    free(names);
    return rc;
}

/* Every network: name, mode, bridge, uplink, subnet, whether it is up, the vifs on it. */
static int list_networks(void)
{
    char (*names)[HV_NET_NAME_MAX], subnet[24], ports[512];
    struct hv_net n;
    struct hv_err err;
    int i, count = hv_net_names(&names, &err);

    if (count < 0)
        return hvctl_fail("%s", err.msg);
    printf("%-16s %-8s %-15s %-15s %-18s %-5s %s\n", "Name", "Mode", "Bridge", "Uplink",
           "Subnet", "State", "Vifs");
    for (i = 0; i < count; i++) {
        if (hv_net_load(names[i], &n, &err)) {
            fprintf(stderr, "hvctl: %s\n", err.msg);
            continue;
        }
        strcpy(subnet, "-");
        if (n.has_subnet)
            hv_net_subnet_format(&n, subnet, sizeof(subnet));
        hv_net_ports(&n, ports, sizeof(ports));
        printf("%-16s %-8s %-15s %-15s %-18s %-5s %s\n", n.name, hv_net_mode_name(n.mode),
               n.bridge, n.uplink[0] ? n.uplink : "-", subnet, hv_net_is_up(&n) ? "up" : "down",
               ports[0] ? ports : "-");
    }
    free(names);
    return HVCTL_OK;
}

int cmd_network_list(int argc, char **argv)
{
    if (argc == 1)
        return list_networks();
    if (argv[1][0] == '-')
        return hvctl_usage("network-list");
    return hvctl_vif_list(argc - 1, argv + 1);
}
