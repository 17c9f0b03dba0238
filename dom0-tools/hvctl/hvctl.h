/* hvctl's commands (private): each takes the arguments after the verb and returns the exit code. */
#ifndef HVCTL_H
#define HVCTL_H

#include <stdbool.h>
#include <stdint.h>

#include <getopt.h>

#include "dom0-tools/libhv/ops.h"

/* Exit codes, as xl's: 0 done, 1 failed, 2 bad usage. */
#define HVCTL_OK 0
#define HVCTL_FAIL 1
#define HVCTL_USAGE 2

struct hvctl_cmd {
    const char *verb;
    int (*fn)(int argc, char **argv);
    const char *usage;
    const char *summary;
};

/* "hvctl: " + message on stderr; returns HVCTL_FAIL. */
int hvctl_fail(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* make(ops, arg, domid) (create, restore) with Ctrl-C, TERM and HUP held off; one that came
 * meanwhile destroys the domain made: never a half-made domain left behind (-EINTR). */
int hvctl_guarded(struct hv_ops *ops, int (*make)(struct hv_ops *, void *, uint32_t *),
                  void *arg, uint32_t *domid);
/* The usage line of verb on stderr; returns HVCTL_USAGE. */
int hvctl_usage(const char *verb);
/* Opens a session (message and HVCTL_FAIL on failure). */
int hvctl_open(struct hv_ops *o);
/* Resolves a domain argument (message and HVCTL_FAIL on failure). */
int hvctl_domain(struct hv_ops *o, const char *arg, uint32_t *domid);
/* getopt over argv with optstring; the verb's usage on a bad option. -1 at the end. */
int hvctl_getopt(int argc, char **argv, const char *optstring, const char *verb);

/* create -c: attach to the new domain's console. */
int hvctl_console_after_create(uint32_t domid);

int cmd_create(int argc, char **argv);
int cmd_destroy(int argc, char **argv);
int cmd_pause(int argc, char **argv);
int cmd_unpause(int argc, char **argv);
int cmd_shutdown(int argc, char **argv);
int cmd_reboot(int argc, char **argv);
int cmd_console(int argc, char **argv);
int cmd_list(int argc, char **argv);
int cmd_info(int argc, char **argv);
int cmd_dmesg(int argc, char **argv);
int cmd_vcpu_list(int argc, char **argv);
int cmd_vcpu_set(int argc, char **argv);
int cmd_mem_set(int argc, char **argv);
int cmd_sched_credit(int argc, char **argv);
int cmd_domid(int argc, char **argv);
int cmd_domname(int argc, char **argv);
int cmd_uptime(int argc, char **argv);
int cmd_block_attach(int argc, char **argv);
int cmd_block_detach(int argc, char **argv);
int cmd_block_list(int argc, char **argv);
int cmd_block_snapshot(int argc, char **argv);
int cmd_clone(int argc, char **argv);
int cmd_save(int argc, char **argv);
int cmd_restore(int argc, char **argv);
int cmd_migrate(int argc, char **argv);
int cmd_migrate_receive(int argc, char **argv);
int cmd_network_create(int argc, char **argv);
int cmd_network_delete(int argc, char **argv);
int cmd_network_list(int argc, char **argv);
int cmd_network_start(int argc, char **argv);
int cmd_network_attach(int argc, char **argv);
int cmd_network_detach(int argc, char **argv);
/* network-list DOMAIN...: xl's vif table of each. */
int hvctl_vif_list(int argc, char **argv);

#endif
