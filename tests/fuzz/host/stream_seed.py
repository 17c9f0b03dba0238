#!/usr/bin/env python3
"""tests/fuzz/host/stream_seed.py IN OUT: a seed for fuzz_stream from a real save file (hvctl
save's xl header with its config, libxl v2, libxc v3): every record kept as it is but PAGE_DATA,
of which only the page tables, the guest's p2m frames, the vCPUs' GDT frames and vCPU 0's start_info
page stay (the other pages are populated
on restore because the tables map them), so that a 128 MiB Linux domU's file becomes a few
hundred KiB that still restores whole in the fuzzer (FZ_STREAM_VERBOSE=1 fuzz_stream SEED says
"restored"). The seeds in tests/fuzz/corpus/fuzz_stream were made so: seed-unit-fake from
tests/unit/test_hv_save's file (HV_STREAM_SAMPLE=PATH), seed-linux-128m from hvctl save of the
saverestore scenario's Linux domU (Debian's 6.1 kernel, 128 MiB, 2 vCPUs, a disk and a vif)."""
import struct
import sys

TYPE_SHIFT = 32
LEVEL_MASK = 0x7 << 28
NO_DATA = (0xd, 0xe, 0xf)  # BROKEN, XALLOC, XTAB
RDX = 8 + 512 + 8 + 12 * 8  # X86_PV_VCPU_BASIC: header, fpu_ctxt, flags, r15..rdx
GDT = 8 + 512 + 8 + 200 + 4096 + 16  # then user_regs, trap_ctxt, ldt: gdt_frames[16], gdt_ents

src, dst = sys.argv[1:3]
b = open(src, 'rb').read()
opt = struct.unpack_from('<I', b, 44)[0]
start = 48 + opt + 16 + 8 + 24 + 16  # xl header, libxl header, LIBXC_CONTEXT, libxc headers

recs, off = [], start
while off + 8 <= len(b):
    t, n = struct.unpack_from('<II', b, off)
    end = off + 8 + ((n + 7) & ~7)
    recs.append((t, b[off:end]))
    off = end
    if t == 0:
        break
tail = b[off:]  # libxl's END

start_info, p2m_frames, gdt = None, set(), set()
for t, r in recs:
    if t == 3:
        n = struct.unpack_from('<I', r, 4)[0]
        p2m_frames = set(struct.unpack_from('<%dQ' % ((n - 8) // 8), r, 16))
    if t == 4:
        if struct.unpack_from('<I', r, 8)[0] == 0:
            start_info = struct.unpack_from('<Q', r, 8 + RDX)[0]
        ents = struct.unpack_from('<Q', r, 8 + GDT + 128)[0]
        gdt |= set(struct.unpack_from('<16Q', r, 8 + GDT)[:(ents + 511) // 512])
if start_info is None:
    sys.exit("%s: no X86_PV_VCPU_BASIC for vCPU 0" % src)


def shrink(r):
    count = struct.unpack_from('<I', r, 8)[0]
    ents = struct.unpack_from('<%dQ' % count, r, 16)
    page = 16 + 8 * count
    keep_ents, keep_pages = [], []
    for e in ents:
        t = (e >> TYPE_SHIFT) & 0xffffffff
        pfn = e & ((1 << TYPE_SHIFT) - 1)
        data = (t >> 28) not in NO_DATA
        if data:
            body = r[page:page + 4096]
            page += 4096
        if data and ((t & LEVEL_MASK) or pfn == start_info or pfn in p2m_frames or pfn in gdt):
            keep_ents.append(e)
            keep_pages.append(body)
    if not keep_ents:
        return b''
    body = struct.pack('<II', len(keep_ents), 0) + struct.pack('<%dQ' % len(keep_ents), *keep_ents)
    body += b''.join(keep_pages)
    return struct.pack('<II', 1, len(body)) + body


out = bytearray(b[:start])
for t, r in recs:
    out += shrink(r) if t == 1 else r
out += tail
open(dst, 'wb').write(out)
print("%s: %d bytes -> %s: %d bytes" % (src, len(b), dst, len(out)))
