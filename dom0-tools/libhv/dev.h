/* The generic split-device layer: a device's xenstore directories as libxl writes them, its
 * hotplug script, the waits on the backend's state, and its removal (vbd, vif, ... alike). */
#ifndef HV_DEV_H
#define HV_DEV_H

#include <stdbool.h>
#include <stdint.h>

#include "dom0-tools/libxenstore/include/xenstore.h"
#include "priv.h"

/*
 * Where things are (libxl_device.c's layout; KIND is "vbd", "vif", ...):
 *   frontend  /local/domain/D/device/KIND/DEVID          perms nD,rB  (the guest owns it)
 *   backend   /local/domain/B/backend/KIND/D/DEVID       perms nB,rD  (the guest reads it)
 *   toolstack /libxl/D/device/KIND/DEVID                 perms n0     (nobody else reads it)
 * The frontend dir gets backend, backend-id, state = 1 and the caller's keys; the backend dir
 * frontend, frontend-id, online = 1, state = 1 and the caller's keys; the toolstack dir a copy of
 * the backend's keys plus frontend, backend and (if any) script. Only the toolstack dir is
 * trusted when a device is taken down: the guest can write its frontend dir.
 *
 * Hotplug (libxl's run_hotplug_scripts = 1): the toolstack runs the device's script itself,
 * `SCRIPT add` once the backend driver has reached InitWait (2) and `SCRIPT remove` after the
 * driver has let go of the device (vif: `online` / `offline`, as libxl). A script named without
 * '/' is looked up in HV_HOTPLUG_DIR (/etc/hv/scripts in dom0; the environment variable
 * HV_HOTPLUG_DIR overrides it for tests). Its environment: XENBUS_PATH (the backend dir),
 * XENBUS_TYPE (KIND), XENBUS_BASE_PATH ("backend"), HV_FRONTEND_PATH, HV_DOMID, HV_DEVID and the
 * caller's extra variables. It writes what it made into XENBUS_PATH (vbd: physical-device
 * MAJOR:MINOR in hex, physical-device-path) and exits 0, or prints why it failed on stderr and
 * exits non-zero: that text becomes the error's message. `remove` must work after a partial or
 * failed `add` (it is run then too) and after a previous `remove`.
 */
#define HV_HOTPLUG_DIR "/etc/hv/scripts"

/* Xen's xenbus states (io/xenbus.h). */
enum hv_xenbus_state {
    HV_XB_UNKNOWN = 0,
    HV_XB_INITIALISING = 1,
    HV_XB_INITWAIT = 2,
    HV_XB_INITIALISED = 3,
    HV_XB_CONNECTED = 4,
    HV_XB_CLOSING = 5,
    HV_XB_CLOSED = 6,
};

struct hv_dev_kv {
    const char *key, *value;
};

/* A device to add. Strings are the caller's; nothing is kept after the call. */
struct hv_dev {
    const char *kind;        /* "vbd", "vif", ... (the frontend's and the backend's kind) */
    uint32_t domid;          /* the frontend's domain */
    uint32_t backend_domid;  /* the backend's domain (0; driver domains are not supported) */
    uint32_t devid;
    const char *script;      /* hotplug script (name in HV_HOTPLUG_DIR, or a path); NULL: none */
    const struct hv_dev_kv *back;  /* the backend's keys beyond the four above */
    unsigned n_back;
    const struct hv_dev_kv *front; /* the frontend's keys beyond the three above */
    unsigned n_front;
    const struct hv_dev_kv *env;   /* extra environment of the hotplug script */
    unsigned n_env;
    unsigned timeout_s;      /* each wait (backend state, script); 0: HV_DEV_TIMEOUT_S */
};

/* Sized for a busy machine: blkback's probe and a qemu-nbd start take seconds under TCG. */
#define HV_DEV_TIMEOUT_S 30
/* A hotplug script's run gets at least this long (its own waits are bounded): one killed half-way
 * leaves its devices half made or half removed, and a remove that fails fails the domain's
 * destroy, so the monitor cannot restart it. qemu-nbd's flush of a qcow2 image and dmsetup take
 * over 30 s on a loaded 2-core machine under TCG (a domU reboot was lost to that). */
#define HV_DEV_SCRIPT_TIMEOUT_S 120

/*
 * Adds a device: refuses one that exists (-EEXIST, "vbd 51712 of domain 5 exists"), writes the
 * three dirs in one transaction, waits until the backend is at InitWait or beyond (-ETIMEDOUT
 * naming the backend dir and, when the kernel has no such backend driver, what to load), runs
 * the hotplug `add`. Any failure takes everything down again (hv_dev_remove, forced) and
 * returns the cause. The frontend may connect later (the guest runs when it runs).
 */
int hv_dev_add(struct xs_handle *xs, const struct hv_dev *dev, struct hv_err *err);

/*
 * Removes a device: backend online = 0 and state = Closing (5); unless forced, waits (timeout_s,
 * 0: default) for Closed (6) while the guest's frontend closes; then (also when the wait timed
 * out or force) removes the frontend dir so the backend driver lets go, waits until the kernel's
 * backend device (/sys/bus/xen-backend/devices/KIND-D-DEVID) is gone, runs the hotplug
 * `remove`, and removes the backend and toolstack dirs. -ENOENT if there is no such device.
 * A failing hotplug `remove` is reported (its message in err) after everything else is done.
 */
int hv_dev_remove(struct xs_handle *xs, const char *kind, uint32_t domid, uint32_t devid,
                  bool force, unsigned timeout_s, struct hv_err *err);

/* Every device of every kind of domid, forced (destroy, a failed create). The first error is
 * returned; the others are still removed. */
int hv_dev_remove_all(struct xs_handle *xs, uint32_t domid, struct hv_err *err);

/* The devids of KIND of domid (from the toolstack dir), ascending, at most max; the count. */
int hv_dev_list(struct xs_handle *xs, uint32_t domid, const char *kind, uint32_t *devids,
                unsigned max);

/*
 * Runs the device's hotplug script with another ACTION (a kind's own verbs, e.g. vbd's
 * `snapshot`), in the same environment as add/remove plus env. -ENOENT without a device or a
 * script; the script's failure as dev_hotplug's (its last words in err).
 */
int hv_dev_script(struct xs_handle *xs, const char *kind, uint32_t domid, uint32_t devid,
                  const char *action, const struct hv_dev_kv *env, unsigned n_env,
                  unsigned timeout_s, struct hv_err *err);

/* Writes /libxl/D/device/KIND/DEVID/KEY (the toolstack's copy) and, if backend_too, the same key
 * in the backend dir. */
int hv_dev_write(struct xs_handle *xs, uint32_t domid, const char *kind, uint32_t devid,
                 const char *key, const char *value, bool backend_too, struct hv_err *err);

/*
 * Runs argv[0] (a path) with argv, stdin /dev/null, output collected; killed after timeout_s.
 * 0 on status 0, else -EIO with "WHAT: LAST WORDS" in err (what: argv[0] if NULL).
 */
int hv_dev_run(char *const argv[], const char *what, unsigned timeout_s, struct hv_err *err);

/* Reads /libxl/D/device/KIND/DEVID/KEY (the toolstack's copy) into buf; -ENOENT etc. */
int hv_dev_read(struct xs_handle *xs, uint32_t domid, const char *kind, uint32_t devid,
                const char *key, char *buf, size_t len);

/* The backend's and frontend's current state (HV_XB_UNKNOWN where the node is missing). */
int hv_dev_state(struct xs_handle *xs, const char *path);

/*
 * Waits until the node `path`/state reads a state in [lo, hi] (-ETIMEDOUT after timeout_s,
 * -ENOENT if the dir goes away). *got out: the last state read.
 */
int hv_dev_wait_state(struct xs_handle *xs, const char *path, int lo, int hi,
                      unsigned timeout_s, int *got);

#endif
