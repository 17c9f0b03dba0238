/* dom0-tools/consoled/hvconsoled.h - the console daemon's state, shared by its parts. */
#ifndef HVC_HVCONSOLED_H
#define HVC_HVCONSOLED_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "ring.h"
#include "xdev.h"

#define HVC_HISTORY (16 * 1024)    /* output kept for "attach DOMID replay" */
#define HVC_CLIENT_OUT (64 * 1024) /* output queued for a slow client (oldest dropped) */
#define HVC_INPUT 4096             /* input waiting for room in the ring */
#define HVC_CLIENTS_MAX 64         /* connections at once */
#define HVC_GONE_KEPT 64           /* ended domains remembered to answer attach clearly */
#define HVC_PTYS_MAX 256           /* terminals watched for input at once */

struct client;

enum cdom_state { CDOM_WAITING, CDOM_SERVING, CDOM_GONE };

/* One domain with a console in xenstore (/local/domain/ID/console/{ring-ref,port}). */
struct cdom {
    struct cdom *next;
    unsigned domid;
    enum cdom_state state;
    char name[64];       /* from xenstore, made safe for a file name */
    char log_path[320];
    uint64_t ring_ref;   /* the frame named in xenstore (the foreign-map fallback) */
    uint32_t remote_port, lport;
    bool introduced;     /* xenstored had it introduced: its release ends the console */
    bool released;       /* GONE because xenstored released it (its home may outlive it) */
    bool seen;           /* found by the last scan */
    struct xdev_page map;
    struct pv_xencons_interface *ring;
    int log_fd;
    off_t log_size;
    int pty_master, pty_slave; /* its terminal (pty.c), or -1 */
    struct cbuf history, input;
    struct client *client; /* attached, or NULL */
    char why[160];         /* why it is not served (WAITING) or why it ended (GONE) */
};

struct client {
    struct client *next;
    int fd;
    char line[256];
    size_t len;
    struct cdom *dom; /* attached to */
    struct cbuf out;
    bool closing;     /* close once out is written */
};

struct hvc {
    struct xs_handle *xs;
    int evtchn_fd, listen_fd;
    struct cdom *doms;
    struct client *clients;
    const char *log_dir;
    off_t log_max;    /* a log beyond this moves to NAME.log.old */
    bool rescan;
};

void hvc_log(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* dom.c */
struct cdom *cdom_find(struct hvc *h, unsigned domid);
struct cdom *cdom_new(struct hvc *h, unsigned domid);
int cdom_connect(struct hvc *h, struct cdom *d);
void cdom_end(struct hvc *h, struct cdom *d, const char *why);
void cdom_event(struct hvc *h, uint32_t lport);
void cdom_service(struct hvc *h, struct cdom *d);
void cdom_prune(struct hvc *h);

/* pty.c */
int cpty_open(struct hvc *h, struct cdom *d);
void cpty_close(struct cdom *d);
void cpty_write(struct cdom *d, const char *p, size_t n);
void cpty_input(struct hvc *h, struct cdom *d);

/* scan.c */
int scan_watch(struct hvc *h);
bool scan_wanted(const char *path, const char *token);
void scan_domains(struct hvc *h);

/* server.c */
int server_open(const char *path);
void server_accept(struct hvc *h);
void client_input(struct hvc *h, struct client *c);
void client_flush(struct hvc *h, struct client *c);
void client_send(struct client *c, const char *p, size_t n);
void client_close(struct hvc *h, struct client *c);

#endif /* HVC_HVCONSOLED_H */
