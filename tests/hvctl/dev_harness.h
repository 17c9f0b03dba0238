/* tests/hvctl's device-test helpers over xsd_harness's xenstored: a fake backend driver (a child
 * process) that plays the kernel backend's states for one device kind, the log the fake hotplug
 * scripts write, and a look into xsd_snapshot's text. */
#ifndef DEV_HARNESS_H
#define DEV_HARNESS_H

#include <stdbool.h>

/* The fake backend for KIND ("vbd", "vif"): InitWait (2) for a new device (1), Closed (6) when
 * asked to close (5), polling /local/domain/0/backend/KIND. Start, and stop (kill and reap). */
void fake_backend_start(const char *kind);
void fake_backend_stop(void);

/* cmocka group teardown: the fake backend stopped, DIR removed, the xenstored stopped. */
int dev_teardown(const char *dir, void **state);

/* The file's text (malloc()ed, at most 4095 bytes; empty if there is none), then the file is
 * removed: what the fake hotplug scripts logged since the last call. */
char *slurp_calls(const char *path);

/* Whether the snapshot has exactly the line "path=value perms". */
bool has_line(const char *snap, const char *line);

#endif
