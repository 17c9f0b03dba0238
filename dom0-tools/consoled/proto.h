/* dom0-tools/consoled/proto.h - parsing the one request line of hvconsoled's socket protocol
 * (the protocol is described in dom0-tools/libhv/console_client.h). */
#ifndef HVC_PROTO_H
#define HVC_PROTO_H

#include <stdbool.h>

enum proto_kind { PROTO_ATTACH, PROTO_LIST };

struct proto_req {
    enum proto_kind kind;
    unsigned domid;
    bool replay;
};

/* 0, or -1 with *why saying what is wrong with the line (without its newline). */
int proto_parse(const char *line, struct proto_req *r, const char **why);

#endif /* HVC_PROTO_H */
