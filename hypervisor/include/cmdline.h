/* Command-line parsing: the hypervisor's key[=value] line and each boot module's domain options. */
#ifndef HV_CMDLINE_H
#define HV_CMDLINE_H
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define CMDLINE_GUEST_MAX 1024 /* start_info.cmd_line, NUL included */
#define CMDLINE_NAME_MAX 32
#define CMDLINE_PATH_MAX 128
#define CMDLINE_MAX_VCPUS 32
#define CMDLINE_DEFAULT_MEM (32ULL << 20)
#define CMDLINE_MIN_MEM (1ULL << 20)
#define CMDLINE_MAX_GRANT_FRAMES 64 /* GNTTAB_MAX_FRAMES */

/* Options of one boot-time domain, from its module command line. */
struct dom_opts {
    uint64_t mem_bytes;          /* mem=, default 32 MiB, at least 1 MiB, a multiple of 4 KiB */
    unsigned vcpus;              /* vcpus=, 1..32, default 1 */
    char name[CMDLINE_NAME_MAX]; /* name=, 1..31 of [A-Za-z0-9_.-]; "" if not given */
    bool console_focus;          /* console: this domain gets serial input first */
    bool xenstore;               /* xenstore: a store ring for dom0's xenstored (docs/boot.md) */
    bool dom0_console;           /* dom0console: the console ring is served by dom0, not here */
    unsigned weight;             /* weight=, 1..65535 (0 here: the scheduler's default 256) */
    unsigned cap;                /* cap=, percent of one CPU, 0 = no cap */
    unsigned grant_frames;       /* grant_frames=, 1..64 (0 here: the default 32) */
    uint64_t maxmem_bytes;       /* maxmem=, the reservation limit (xl's maxmem); 0: mem= */
    char guest_cmdline[CMDLINE_GUEST_MAX];
    char path[CMDLINE_PATH_MAX]; /* the module's first word, for messages (truncated) */
};

/*
 * Parse "<path> [OPTIONS --] GUEST-CMDLINE". Words are separated by spaces or tabs. If a word is
 * exactly "--", the words between the path and the first such word are options and the text after
 * it (leading blanks removed) is the guest command line; otherwise all the text after the path is.
 * Options: mem=<size> (see cmdline_parse_size), vcpus=<n>, name=<str>, weight=<n>, cap=<pct>,
 * grant_frames=<n> (the most grant-table frames the domain may set up), maxmem=<size> (the most
 * memory the domain may have, for memory_op's reservation sub-ops; below mem= counts as mem=),
 * console, xenstore, dom0console.
 * Returns 0, or -PV_EINVAL with *why naming the bad option or value. Later options override
 * earlier.
 */
int cmdline_parse_module(const char *s, struct dom_opts *o, const char **why);

/* True if the module command line is "<path> initrd": that module is no domain but the ramdisk of
 * the kernel module right before it. */
bool cmdline_module_is_initrd(const char *s);

/* Fill o->name with "d<domid>" if no name= was given. */
void cmdline_default_name(struct dom_opts *o, unsigned domid);

/*
 * Look up key in a space-separated "key[=value] ..." line. Returns true if present (the last
 * occurrence wins) and copies its value ("" for a bare key) into val, truncated to vlen - 1
 * characters and NUL-terminated. val may be NULL when vlen is 0. cmdline may be NULL.
 */
bool cmdline_get(const char *cmdline, const char *key, char *val, unsigned vlen);

/* Decimal size with an optional K, M or G suffix (either case); no suffix means MiB.
 * "64M", "1G", "4096K", "16". Returns 0 or -PV_EINVAL (empty, junk, overflow). */
int cmdline_parse_size(const char *s, uint64_t *bytes);

#endif
