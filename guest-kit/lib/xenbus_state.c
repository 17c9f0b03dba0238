/*
 * guest-kit: the xenbus state rules for frontends (gk/xenbus.h). Pure functions, also compiled
 * on the build machine by tests/unit/test_gk_front.c.
 */
#include "gk/xenbus.h"
#include "pv-abi/io_xenstore.h"

static const char *const names[] = {
    "Unknown", "Initialising", "InitWait", "Initialised", "Connected",
    "Closing", "Closed",       "Reconfiguring", "Reconfigured",
};

const char *gk_xenbus_state_name(int state)
{
    if (state < 0 || state > PV_XenbusStateReconfigured)
        return "invalid";
    return names[state];
}

int gk_xenbus_parse_state(const char *value)
{
    /* One digit and the end: "4", never "04", "4 ", "" or "-1". */
    if (value[0] < '0' || value[0] > '8' || value[1] != 0)
        return -1;
    return value[0] - '0';
}

bool gk_xenbus_front_may_switch(int from, int to)
{
    if (from < 0 || from > PV_XenbusStateReconfigured || to <= PV_XenbusStateUnknown ||
        to > PV_XenbusStateReconfigured)
        return false;
    if (from == to)
        return true;
    switch (to) {
    case PV_XenbusStateClosing:
        return from != PV_XenbusStateClosed && from != PV_XenbusStateUnknown;
    case PV_XenbusStateClosed:
        return from != PV_XenbusStateUnknown;
    default:
        break;
    }
    switch (from) {
    case PV_XenbusStateInitialising:
        return to == PV_XenbusStateInitWait || to == PV_XenbusStateInitialised ||
               to == PV_XenbusStateConnected;
    case PV_XenbusStateInitWait:
        return to == PV_XenbusStateInitialised || to == PV_XenbusStateConnected;
    case PV_XenbusStateInitialised:
        return to == PV_XenbusStateConnected;
    case PV_XenbusStateConnected:
        return to == PV_XenbusStateReconfiguring;
    case PV_XenbusStateReconfiguring:
        return to == PV_XenbusStateReconfigured;
    case PV_XenbusStateReconfigured:
        return to == PV_XenbusStateConnected;
    case PV_XenbusStateClosed:
        return to == PV_XenbusStateInitialising || to == PV_XenbusStateInitialised;
    default: /* Unknown: the frontend has not started; Closing: only onwards to Closed */
        return from == PV_XenbusStateUnknown && to == PV_XenbusStateInitialising;
    }
}

enum gk_xenbus_action gk_xenbus_front_action(int front, int back)
{
    if (back <= PV_XenbusStateUnknown || back > PV_XenbusStateReconfigured)
        return GK_XENBUS_GONE;
    switch (back) {
    case PV_XenbusStateInitWait:
    case PV_XenbusStateInitialised:
        /* As Linux's blkfront: set up only from the start or after a close. */
        return front == PV_XenbusStateInitialising || front == PV_XenbusStateClosed
                   ? GK_XENBUS_SETUP
                   : GK_XENBUS_WAIT;
    case PV_XenbusStateConnected:
        return front == PV_XenbusStateInitialised ? GK_XENBUS_CONNECT : GK_XENBUS_WAIT;
    case PV_XenbusStateClosing:
        return front == PV_XenbusStateClosed ? GK_XENBUS_WAIT : GK_XENBUS_CLOSE;
    case PV_XenbusStateClosed:
        return front == PV_XenbusStateClosed ? GK_XENBUS_RESET : GK_XENBUS_CLOSE;
    default: /* Initialising, Reconfiguring, Reconfigured */
        return GK_XENBUS_WAIT;
    }
}

const char *gk_xenbus_action_name(enum gk_xenbus_action a)
{
    static const char *const an[] = {"wait", "setup", "connect", "close", "reset", "gone"};

    return (unsigned int)a < sizeof(an) / sizeof(an[0]) ? an[a] : "invalid";
}
