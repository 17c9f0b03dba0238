/* Running dom0's own tools (ip, nft, dnsmasq, ...) from the toolstack: argv, never a shell. */
#ifndef HV_RUN_H
#define HV_RUN_H

#include <stddef.h>

/*
 * Runs argv[0] (looked up in PATH, then the sbin folders) with argv, `input` (or nothing) on its
 * standard input, its standard output and error together into out (outlen bytes, NUL-ended,
 * cut short if longer; out may be NULL). Returns its exit status (0..255), 128 + the signal that
 * ended it, or a negative errno if it could not be started (127 if exec failed: not installed).
 */
int hv_run(const char *const argv[], const char *input, char *out, size_t outlen);

/* hv_run with the arguments as a NULL-ended list. */
int hv_runl(char *out, size_t outlen, const char *arg0, ...) __attribute__((sentinel));

#endif
