/* hvctl: the operator's command for domains, with xl's verbs, options, output and exit codes. */
#include <errno.h>
#include <getopt.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "hvctl.h"

static int cmd_help(int argc, char **argv);

static const struct hvctl_cmd cmds[] = {
    {"create", cmd_create, "create [-n] [-p] [-c] [-F] [-e] CFG [KEY=VALUE ...]",
     "create a domain from an xl.cfg file (-n: only parse and print it)"},
    {"list", cmd_list, "list [-l] [DOMAIN ...]", "list domains (-l: in detail, as JSON)"},
    {"console", cmd_console, "console DOMAIN", "attach to a domain's console (Ctrl-] detaches)"},
    {"pause", cmd_pause, "pause DOMAIN", "pause a domain"},
    {"unpause", cmd_unpause, "unpause DOMAIN", "unpause a paused domain"},
    {"shutdown", cmd_shutdown, "shutdown [-w] DOMAIN", "ask a domain to power off (-w: wait)"},
    {"reboot", cmd_reboot, "reboot [-w] DOMAIN", "ask a domain to reboot (-w: wait)"},
    {"destroy", cmd_destroy, "destroy DOMAIN", "end a domain at once"},
    {"save", cmd_save, "save [-c] DOMAIN FILE",
     "save a domain's state to FILE and destroy it (-c: leave it running)"},
    {"restore", cmd_restore, "restore [-p] [-e] FILE",
     "a domain again from a save file (-p: paused; -e: no monitor)"},
    {"migrate", cmd_migrate,
     "migrate [-s SSHCMD] [--downtime MS] [--bandwidth MB/s] [--max-rounds N] [--abort-on-max]\n"
     "                  [--no-auto-converge] [--no-checksums] [--timeout S] [--tcp PORT] [-v]\n"
     "                  DOMAIN HOST",
     "move a running domain to HOST live (SSHCMD HOST hvctl migrate-receive; --tcp: the "
     "stream on TCP, unencrypted)"},
    {"migrate-receive", cmd_migrate_receive, "migrate-receive [-e] [-v] [--listen PORT]",
     "the target's side of migrate, on stdin and stdout or a TCP connection (-e: no monitor, -v: "
     "timings)"},
    {"info", cmd_info, "info", "the host and the hypervisor"},
    {"dmesg", cmd_dmesg, "dmesg [-c]", "the hypervisor's log (-c: clear it after reading)"},
    {"vcpu-list", cmd_vcpu_list, "vcpu-list [DOMAIN ...]", "the vCPUs of domains"},
    {"vcpu-set", cmd_vcpu_set, "vcpu-set DOMAIN N", "set the number of online vCPUs"},
    {"mem-set", cmd_mem_set, "mem-set DOMAIN MEM",
     "set a domain's memory target (MEM in KiB, or with a suffix b, k, m, g, t)"},
    {"sched-credit", cmd_sched_credit, "sched-credit [-d DOMAIN [-w WEIGHT] [-c CAP]]",
     "show or set credit scheduler weight and cap"},
    {"domid", cmd_domid, "domid NAME", "the id of a domain"},
    {"domname", cmd_domname, "domname ID", "the name of a domain"},
    {"uptime", cmd_uptime, "uptime [DOMAIN ...]", "how long domains have run"},
    {"block-attach", cmd_block_attach, "block-attach DOMAIN DISK-SPEC",
     "attach a disk (an xl disk spec: 'TARGET,FORMAT,VDEV,ACCESS' or key=value)"},
    {"block-detach", cmd_block_detach, "block-detach [-f] DOMAIN VDEV",
     "detach a disk (-f: without waiting for the guest)"},
    {"block-list", cmd_block_list, "block-list DOMAIN ...", "a domain's disks, in xl's columns"},
    {"block-snapshot", cmd_block_snapshot, "block-snapshot DOMAIN VDEV [OVERLAY]",
     "external snapshot of a qcow2 disk: the guest goes on in OVERLAY, its image stays"},
    {"clone", cmd_clone, "clone DOMAIN NEWNAME",
     "a new domain on snapshots of a domain's qcow2 disks (new uuid, new MACs)"},
    {"network-create", cmd_network_create,
     "network-create NAME --mode bridged|internal|nat [--uplink IF] [--subnet CIDR] "
     "[--bridge BR]", "create a named network in dom0 (kept across reboots)"},
    {"network-delete", cmd_network_delete, "network-delete NAME",
     "take a network down and forget it (refused while vifs use it)"},
    {"network-list", cmd_network_list, "network-list [DOMAIN ...]",
     "the named networks, or the vifs of domains (xl's columns)"},
    {"network-attach", cmd_network_attach, "network-attach DOMAIN VIF-SPEC",
     "add a vif to a running domain (xl.cfg's vif syntax, e.g. 'network=lan')"},
    {"network-detach", cmd_network_detach, "network-detach DOMAIN DEVID|MAC",
     "remove a vif from a domain"},
    {"network-start", cmd_network_start, "network-start NAME|--all",
     "bring up saved networks (dom0's boot script runs --all)"},
    {"help", cmd_help, "help [VERB]", "this list, or one verb's usage"},
};

#define NCMDS (sizeof(cmds) / sizeof(cmds[0]))

int hvctl_fail(const char *fmt, ...)
{
    va_list ap;

    fputs("hvctl: ", stderr);
    va_start(ap, fmt);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    fputc('\n', stderr);
    return HVCTL_FAIL;
}

int hvctl_usage(const char *verb)
{
    unsigned i;

    for (i = 0; i < NCMDS; i++)
        if (!strcmp(cmds[i].verb, verb))
            fprintf(stderr, "usage: hvctl %s\n", cmds[i].usage);
    return HVCTL_USAGE;
}

int hvctl_open(struct hv_ops *o)
{
    if (hv_ops_open(o))
        return hvctl_fail("%s", o->err.msg);
    return HVCTL_OK;
}

int hvctl_domain(struct hv_ops *o, const char *arg, uint32_t *domid)
{
    if (hv_ops_find(o, arg, domid))
        return hvctl_fail("%s", o->err.msg);
    return HVCTL_OK;
}

int hvctl_getopt(int argc, char **argv, const char *optstring, const char *verb)
{
    int c = getopt(argc, argv, optstring);

    if (c == '?' || c == ':')
        return hvctl_usage(verb), '?';
    return c;
}

static void help_all(FILE *f)
{
    unsigned i;

    fprintf(f, "usage: hvctl VERB [ARGS]\n\nVerbs (as xl's; DOMAIN is a name or an id):\n");
    for (i = 0; i < NCMDS; i++)
        fprintf(f, "  %-14s %s\n", cmds[i].verb, cmds[i].summary);
    fprintf(f, "\n'hvctl help VERB' shows a verb's usage; docs/hvctl.md has the rest.\n");
}

static int cmd_help(int argc, char **argv)
{
    unsigned i;

    if (argc < 2) {
        help_all(stdout);
        return HVCTL_OK;
    }
    for (i = 0; i < NCMDS; i++)
        if (!strcmp(cmds[i].verb, argv[1])) {
            printf("usage: hvctl %s\n  %s\n", cmds[i].usage, cmds[i].summary);
            return HVCTL_OK;
        }
    return hvctl_fail("no verb '%s' (hvctl help lists them)", argv[1]);
}

int main(int argc, char **argv)
{
    unsigned i;

    if (argc < 2) {
        help_all(stderr);
        return HVCTL_USAGE;
    }
    if (!strcmp(argv[1], "-h") || !strcmp(argv[1], "--help"))
        return cmd_help(1, argv);
    for (i = 0; i < NCMDS; i++)
        if (!strcmp(cmds[i].verb, argv[1])) {
            optind = 1; /* getopt starts after the verb */
            return cmds[i].fn(argc - 1, argv + 1);
        }
    fprintf(stderr, "hvctl: unknown verb '%s'\n", argv[1]);
    help_all(stderr);
    return HVCTL_USAGE;
}
