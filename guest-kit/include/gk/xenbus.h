/* guest-kit: xenbus, the frontend's side of the device handshake (docs/porting/drivers.md).
 *
 * A device of kind K (vbd, vif, ...) and id N has a frontend directory device/K/N under the
 * domain's home and a backend directory named by its "backend" node, in domain "backend-id".
 * Both keep a "state" node (PV_XenbusState*, pv-abi/io_xenstore.h). struct gk_xenbus_dev reads
 * the backend's path and id, watches the backend's state, and switches the frontend's state
 * under the rules of gk_xenbus_front_may_switch(). What a frontend does when the backend's
 * state changes is gk_xenbus_front_action(): a pure function, so every driver follows the same
 * table (and tests/unit checks it).
 *
 * Everything read from xenstore is checked: a backend path that is not
 * /local/domain/<backend-id>/backend/..., an id that is not a domain, a state that is not a
 * number from 0 to 8 are refused (-PV_EINVAL) or read as PV_XenbusStateUnknown.
 */
#ifndef GK_XENBUS_H
#define GK_XENBUS_H

#include <stdbool.h>
#include <stdint.h>

/* Pure state logic (lib/xenbus_state.c). */

/* "Initialising", "InitWait", ... ("invalid" outside 0-8). */
const char *gk_xenbus_state_name(int state);
/* A state node's value: a decimal 0-8 with nothing else; -1 for anything else. */
int gk_xenbus_parse_state(const char *value);
/* May a frontend in state from write state to? The same state is always allowed (nothing is
 * written). Forward: Initialising -> InitWait/Initialised/Connected; InitWait -> Initialised/
 * Connected; Initialised -> Connected; Connected <-> Reconfiguring/Reconfigured; any of these ->
 * Closing or Closed; Closing -> Closed; Closed -> Initialising or Initialised (a reconnection,
 * as Linux's blkfront). Never Unknown, never backwards otherwise. */
bool gk_xenbus_front_may_switch(int from, int to);

/* What a frontend in state front should do when its backend shows back. */
enum gk_xenbus_action {
    GK_XENBUS_WAIT,    /* nothing yet */
    GK_XENBUS_SETUP,   /* the backend waits for us: set up the ring, write keys, Initialised */
    GK_XENBUS_CONNECT, /* the backend is connected: read its keys, go Connected */
    GK_XENBUS_CLOSE,   /* the backend goes away: stop I/O, tear down, go Closed */
    GK_XENBUS_RESET,   /* both Closed: go Initialising so that the backend starts again */
    GK_XENBUS_GONE,    /* the backend's state vanished or is garbage: the device is gone */
};
enum gk_xenbus_action gk_xenbus_front_action(int front, int back);
const char *gk_xenbus_action_name(enum gk_xenbus_action a);

/* A device (lib/xenbus.c, over gk/xenstore.h). */
#define GK_XENBUS_PATH_MAX 128
struct gk_xenbus_dev {
    char node[GK_XENBUS_PATH_MAX];    /* "device/vbd/51712", relative to the home */
    char backend[GK_XENBUS_PATH_MAX]; /* the backend's directory (absolute) */
    uint16_t backend_id;              /* the backend's domain */
    int state;                        /* the frontend's state as last written (or read) */
    int backend_state;                /* as last read */
    char token[32];                   /* the watch on the backend's state */
};

/* The first device of kind (its id in id, up to size bytes). 0, -PV_ENOENT if none. */
long gk_xenbus_first(const char *kind, char *id, unsigned int size);
/* Read device kind/id's backend and backend-id, check them, watch the backend's state.
 * 0 or an error (-PV_ENOENT: no such device; -PV_EINVAL: its nodes are malformed). */
long gk_xenbus_open(struct gk_xenbus_dev *d, const char *kind, const char *id);
/* Unwatch. */
void gk_xenbus_close(struct gk_xenbus_dev *d);
/* Switch the frontend's state (written to node/state) if the rules allow it: -PV_EINVAL if not. */
long gk_xenbus_switch(struct gk_xenbus_dev *d, int state);
/* The backend's state now (PV_XenbusStateUnknown if missing or garbage), kept in
 * d->backend_state. */
int gk_xenbus_read_backend(struct gk_xenbus_dev *d);
/* Wait until the backend's state is one of the mask's (bit 1 << state) or deadline passes;
 * returns the state last seen (check it against the mask). */
int gk_xenbus_wait_backend(struct gk_xenbus_dev *d, uint32_t mask, uint64_t deadline);
/* Did the backend's state change since the last look (a watch event queued)? Does not wait. */
bool gk_xenbus_backend_changed(struct gk_xenbus_dev *d);
/* Read node/key (or backend/key if backend) as a string or number. */
long gk_xenbus_read(struct gk_xenbus_dev *d, bool backend, const char *key, char *buf,
                    unsigned int size);
long gk_xenbus_read_u64(struct gk_xenbus_dev *d, bool backend, const char *key, uint64_t *value);
/* What every frontend needs first: the xenstore client and at least grant_frames grant table
 * frames (fewer are accepted if the hypervisor gives some). 0 or the error. */
long gk_xenbus_front_init(unsigned int grant_frames);
/* Write a frontend's keys: fn(d, tx, arg) writes them inside one transaction, which is run again
 * (up to 10 times) when another change got in first. 0 or the first error. */
long gk_xenbus_write_keys(struct gk_xenbus_dev *d, long (*fn)(struct gk_xenbus_dev *d, uint32_t tx,
                                                             void *arg),
                          void *arg);
/* Switch to state (Closing or Closed) and wait (until deadline) for the backend to show it
 * follows: Closing, Closed or gone for Closing; Closed or gone for Closed. */
void gk_xenbus_leave(struct gk_xenbus_dev *d, int state, uint64_t deadline);
/* The path of node/key (or backend/key) in buf. -PV_E2BIG if it does not fit. */
long gk_xenbus_path(struct gk_xenbus_dev *d, bool backend, const char *key, char *buf,
                    unsigned int size);

#endif /* GK_XENBUS_H */
