/*
 * dom0-tools/libhv/console_client.h - talking to hvconsoled, dom0's console daemon: attach an
 * operator's terminal to a domain's console (what `hvctl console` does) and list what it serves.
 *
 * The protocol (a Unix stream socket, root only, HV_CONSOLE_SOCKET): the client sends one line,
 *   "attach DOMID\n"          the console: output from now on
 *   "attach DOMID replay\n"   the same, first the last output the daemon kept (up to 16 KiB)
 *   "list\n"                  what the daemon serves
 * and the daemon answers one line: "ok NAME\n", after which the connection carries the console's
 * bytes both ways (the client's bytes are the domain's input), or "error MESSAGE\n" and closes.
 * "list" is answered by one line per domain, "DOMID NAME STATE LOG-FILE\n" (STATE: serving,
 * attached, gone), then ".\n". When the domain goes away while attached, the daemon sends
 * "\r\n[hvconsoled: domain DOMID (NAME) is gone]\r\n" and closes. One attached client per domain.
 */
#ifndef HV_CONSOLE_CLIENT_H
#define HV_CONSOLE_CLIENT_H

#include <stddef.h>

#define HV_CONSOLE_SOCKET "/run/hv/consoled.sock"
#define HV_CONSOLE_ESCAPE 0x1d /* Ctrl-]: detach */
#define HV_CONSOLE_LINE_MAX 256 /* a request or answer line, newline included */

#define HV_CONSOLE_REPLAY 1u /* hv_console_attach: first the output the daemon kept */

/*
 * Attaches in_fd/out_fd (the terminal: put in raw mode while attached if in_fd is one) to domain
 * domid's console until the operator types Ctrl-] or the daemon closes the console. End of input
 * on a non-terminal in_fd stops sending but keeps showing output (as `cat`).
 * Returns 0 when the operator detached, 1 when the console ended (the domain went away: msg says
 * so), or -errno with msg saying why (no daemon, refused: the daemon's message, e.g. an unknown
 * domain or one that is gone). sock_path NULL means HV_CONSOLE_SOCKET.
 */
int hv_console_attach(const char *sock_path, unsigned domid, unsigned flags, int in_fd, int out_fd,
                      char *msg, size_t msglen);

/*
 * Sends one request line (without its newline) and copies the daemon's whole answer into out
 * (NUL-terminated, truncated to outlen). 0, or -errno with msg saying why.
 */
int hv_console_request(const char *sock_path, const char *request, char *out, size_t outlen,
                       char *msg, size_t msglen);

#endif /* HV_CONSOLE_CLIENT_H */
