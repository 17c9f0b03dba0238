/*
 * dom0-tools/libxenstore/xs_internal.h - the library's private interfaces.
 */
#ifndef XS_INTERNAL_H
#define XS_INTERNAL_H

#include <pthread.h>
#include <stdint.h>
#include <sys/uio.h>

#include "include/xenstore.h"
#include "pv-abi/xs_wire.h"

/* A message received: header, payload and a NUL after it. */
struct xs_msg {
    struct xs_msg *next;
    struct pv_xsd_sockmsg hdr;
    char *body;
};

struct xs_handle {
    int fd;
    bool is_socket;
    bool broken;                  /* the connection failed: every request gets EBADF */
    pthread_mutex_t request_lock; /* one request at a time; guards writes to fd */
    pthread_mutex_t lock;         /* guards everything below */
    pthread_cond_t reply_cond, watch_cond;
    struct xs_msg *reply;                   /* at most one: requests are serialised */
    struct xs_msg *watch_head, *watch_tail; /* events not yet read */
    int watch_pipe[2];                      /* readable while events wait (xs_fileno) */
    bool unwatch_filter;
    bool reader_running; /* then only the reader thread reads fd */
    pthread_t reader;
    uint32_t next_req_id;
    /* The reader's receive buffer (a cancelled read leaves nothing to free). */
    struct pv_xsd_sockmsg rhdr;
    char rbuf[PV_XENSTORE_PAYLOAD_MAX + 1];
};

/* Sends type with the payload iov[0..n) and returns the reply's payload (NUL added) or NULL
 * with errno (the daemon's error, or EBADF/EIO when the connection broke). */
char *xs_talk(struct xs_handle *h, xs_transaction_t t, uint32_t type, const struct iovec *iov,
              unsigned int n, unsigned int *len);
/* The same with one string argument (its NUL sent too). */
char *xs_talk1(struct xs_handle *h, xs_transaction_t t, uint32_t type, const char *arg,
               unsigned int *len);
/* Receives one message and files it as a reply or a queued event; false when broken. */
bool xs_receive_one(struct xs_handle *h);
/* Starts the reader thread (needed once watches exist); false with errno. */
bool xs_start_reader(struct xs_handle *h);
/* Takes the oldest queued watch event, waiting for one if block. */
struct xs_msg *xs_take_event(struct xs_handle *h, bool block);
void xs_drop_events(struct xs_handle *h, const char *path, const char *token);
void xs_msg_free(struct xs_msg *m);
/* Number of NUL-terminated strings in buf[0..len). */
unsigned int xs_count_strings(const char *buf, unsigned int len);

#endif /* XS_INTERNAL_H */
