#!/usr/bin/env python3
"""tests/stream/hostile.py KIND IN OUT: a hostile copy of a save file (xl header, libxl v2,
libxc v3), for restore's refusals: truncated (the first half), badtype (the first PAGE_DATA
entry's type set to 6, which does not exist), oversized (the first PAGE_DATA record's length
set to 1 GiB), foreign (the first present entry of the first L1 table sent names pfn 0xfffff,
outside the domain), libxlrec (libxl's END record turned into record type 7)."""
import struct
import sys

kind, src, dst = sys.argv[1:4]
b = bytearray(open(src, 'rb').read())


def records():
    """(offset, type, length) of each libxc record, from the first after the headers."""
    opt = struct.unpack_from('<I', b, 44)[0]
    off = 48 + opt + 16 + 8 + 24 + 16  # xl header, libxl header, LIBXC_CONTEXT, libxc headers
    while off + 8 <= len(b):
        t, n = struct.unpack_from('<II', b, off)
        yield off, t, n
        if t == 0:
            return
        off += 8 + ((n + 7) & ~7)


def first_page_data():
    return next(off for off, t, _ in records() if t == 1)


if kind == 'truncated':
    b = b[:len(b) // 2]
elif kind == 'badtype':
    b[first_page_data() + 16 + 7] = 0x60
elif kind == 'oversized':
    struct.pack_into('<I', b, first_page_data() + 4, 1 << 30)
elif kind == 'libxlrec':
    struct.pack_into('<I', b, len(b) - 8, 7)
elif kind == 'foreign':
    done = False
    for off, t, n in records():
        if t != 1:
            continue
        count = struct.unpack_from('<I', b, off + 8)[0]
        data = off + 16 + 8 * count
        for i in range(count):
            ent = struct.unpack_from('<Q', b, off + 16 + 8 * i)[0]
            typ = ent >> 60
            if typ in (1, 9):  # an L1 table, pinned or not
                for slot in range(512):
                    pte = struct.unpack_from('<Q', b, data + 8 * slot)[0]
                    if pte & 1:
                        struct.pack_into('<Q', b, data + 8 * slot,
                                         (pte & ~0x000ffffffffff000) | 0xfffff << 12)
                        done = True
                        break
            if done:
                break
            if typ not in (0xd, 0xe, 0xf):
                data += 4096
        if done:
            break
    if not done:
        sys.exit('hostile.py: no L1 table with a present entry in ' + src)
else:
    sys.exit('hostile.py: unknown kind ' + kind)
open(dst, 'wb').write(bytes(b))
