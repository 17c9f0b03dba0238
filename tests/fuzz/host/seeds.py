#!/usr/bin/env python3
"""Write the hand-made seed inputs of the host fuzzers into tests/fuzz/corpus/<fuzzer>/seed-*.

    tests/fuzz/host/seeds.py

Each seed is a small, valid example of what its fuzzer parses, so that mutations start from
inputs that reach deep: Xen PV ELF images (fuzz_elf_xen), and programs in the operation formats
of the other fuzzers (the comment at the top of each fuzz_<x>.c says how they read their input).
The committed corpora also hold inputs the fuzzers found themselves (libFuzzer -merge=1).
"""
import os
import struct

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", "..", ".."))
VIRT_BASE = 0xffffffff80000000


def note(ntype, desc):
    name = b"Xen\0"
    out = struct.pack("<III", len(name), len(desc), ntype) + name + desc
    return out + b"\0" * (-len(out) % 4)


def notes(extra=(), hypercall_page=True, features=b"", loader=b"generic"):
    n = note(6, b"guest-kit\0") + note(7, b"1\0") + note(5, b"xen-3.0\0") + note(8, loader + b"\0")
    n += note(10, features + b"\0") + note(3, struct.pack("<Q", VIRT_BASE))
    n += note(4, struct.pack("<Q", 0)) + note(1, struct.pack("<Q", VIRT_BASE))
    if hypercall_page:
        n += note(2, struct.pack("<Q", VIRT_BASE + 0x1000))
    for t, d in extra:
        n += note(t, d)
    return n


def elf(note_blob, in_section=False, memsz=0x3000, load_off=0x400, filesz=0x200):
    """ELF64 x86-64 executable: one PT_LOAD at VIRT_BASE, the notes in a PT_NOTE segment (or
    only in an SHT_NOTE section)."""
    note_off = 64 + 56 * 2
    phnum = 1 if in_section else 2
    shoff = note_off + len(note_blob) if in_section else 0
    shnum = 2 if in_section else 0
    eh = b"\x7fELF" + bytes([2, 1, 1, 0]) + b"\0" * 8
    eh += struct.pack("<HHIQQQIHHHHHH", 2, 62, 1, VIRT_BASE, 64, shoff, 0, 64, 56, phnum, 64,
                      shnum, 0)
    ph = struct.pack("<IIQQQQQQ", 1, 7, load_off, VIRT_BASE, 0, filesz, memsz, 0x1000)
    if not in_section:
        ph += struct.pack("<IIQQQQQQ", 4, 4, note_off, 0, 0, len(note_blob), len(note_blob), 4)
    img = eh + ph
    img += b"\0" * (note_off - len(img)) + note_blob
    if in_section:
        img += b"\0" * 64 + struct.pack("<IIQQQQIIQQ", 0, 7, 2, 0, note_off, len(note_blob), 0,
                                        0, 4, 0)
    img += b"\0" * (load_off - len(img)) if len(img) < load_off else b""
    return img + bytes((i * 7) & 0xff for i in range(filesz))


def elf_seeds():
    return {
        "plain": elf(notes()),
        "no-hypercall-page": elf(notes(hypercall_page=False)),
        "features": elf(notes(features=b"!writable_page_tables|pae_pgdir_above_4gb")),
        "init-p2m": elf(notes(extra=[(15, struct.pack("<Q", VIRT_BASE + 0x100000)),
                                     (16, struct.pack("<Q", 1)), (14, struct.pack("<Q", 1)),
                                     (17, struct.pack("<I", 0x2f))])),
        "section-notes": elf(notes(), in_section=True),
        "legacy": elf(b"", in_section=False)[:64 + 56 * 2] +
        b"GUEST_OS=linux,XEN_VER=xen-3.0,VIRT_BASE=0xffffffff80000000,LOADER=generic\0",
    }


def program(*ops):
    return b"".join(bytes(op) if isinstance(op, (list, tuple)) else op for op in ops)


def u16(v):
    return list(struct.pack("<H", v))


def u64(v):
    return list(struct.pack("<Q", v))


def mm_seeds():
    """fuzz_mm: op a b [operands]; frames by selector (<160: dom_a's own, in order)."""
    pte = lambda sel, flags, hi=0: [sel] + u16(flags) + [hi]
    return {
        # An L1 with entries, pinned; an L2 pointing at it, pinned; unpinned; torn down.
        "pin-l1-l2": program([0, 1, 0] + pte(2, 0x67), [0, 1, 1] + pte(3, 0x25),
                             [2, 1, 1], [0, 4, 0] + pte(1, 0x27), [2, 4, 2], [3, 4, 0],
                             [3, 1, 0]),
        "four-levels": program([0, 6, 0] + pte(5, 0x27), [0, 5, 0] + pte(4, 0x27),
                               [0, 4, 0] + pte(3, 0x27), [0, 3, 0] + pte(2, 0x67), [2, 6, 4],
                               [8, 6, 0], [9, 6, 0], [4, 7, 5], [5, 0, 0], [3, 6, 0]),
        "linear": program([0, 8, 8] + pte(8, 0x25), [2, 8, 4], [0, 8, 9] + pte(9, 0x27),
                          [0, 9, 1] + pte(8, 0x27)),
        "descriptors": program([4, 10, 5], [7, 10, 3] + u64(0x00cf9a000000ffff),
                               [7, 10, 4] + u64(0x00cffa000000ffff),
                               [11, 0, 0] + u64(0x0000ec0000080000 | (0xe033 << 16)), [5, 0, 0]),
        "grant-refs": program([10, 11, 1], [10, 12, 0], [4, 11, 1], [5, 0, 0], [5, 0, 0]),
    }


def emulate_seeds():
    """fuzz_emulate: host vendor/mapping byte, entry (0 #GP, 1 #UD, 2 soft int), mode byte,
    vm_assist, 16 registers (fzin_num: a byte below 0x40 is itself), rflags, rip, code."""
    def case(code, mode=0x04, entry=0, regs=(0,) * 16, rip=0x100):
        r = b"".join(bytes([v]) if v < 0x40 else b"\x80" + struct.pack("<Q", v) for v in regs)
        return bytes([0, entry, mode, 0]) + r + struct.pack("<I", 0x202) + \
            struct.pack("<H", rip) + code + b"\0" * (16 - len(code))
    data = 0x401000
    return {
        "cpuid": case(b"\x0f\xa2"),
        "forced-cpuid": case(b"\x0f\x0b\x78\x65\x6e\x0f\xa2", entry=1),
        "rdmsr-efer": case(b"\x0f\x32", regs=(0, 0xc0000080) + (0,) * 14),
        "wrmsr-fs": case(b"\x0f\x30", regs=(1, 0xc0000100, 2) + (0,) * 13),
        "mov-cr": case(b"\x0f\x20\xd8"),
        "mov-dr7": case(b"\x41\x0f\x23\xff", regs=(0,) * 15 + (0x401,)),
        "in-out": case(b"\x66\xe5\x60"),
        "rep-ins": case(b"\xf3\x6c", regs=(0, 4, 0x80, 0, 0, 0, data, data) + (0,) * 8),
        "rep-outs": case(b"\xf3\x66\x6f", regs=(0, 3, 0x80, 0, 0, 0, data, data) + (0,) * 8),
        "cli-sti": case(b"\xfa"),
        "int80": case(b"\xcd\x80", entry=2),
        "page-end": case(b"\x66\x66\x66\x0f\xa2", rip=0x2ffd),
        "xsetbv": case(b"\x0f\x01\xd1"),
        "rdtscp-user": case(b"\x0f\x01\xf9", mode=0x02),
    }


def evtchn_seeds():
    """fuzz_evtchn: oom byte, then ops: op sel [operands]; hypercall: cmd where bytes[32]."""
    def hc(dom, cmd, where, *words):
        b = b"".join(struct.pack("<I", w) for w in words)
        return bytes([0, dom, cmd, where]) + b + b"\0" * (32 - len(b))
    self = 0x7ff0
    return {
        "interdomain": b"\0" + hc(0, 6, 8, self | (2 << 16)) + hc(1, 0, 8, 1, 1) +
        hc(0, 4, 8, 1) + hc(1, 4, 8, 1) + hc(0, 3, 8, 1) + hc(1, 5, 8, self, 1),
        "virq-ipi": b"\0" + hc(0, 1, 8, 0, 1) + hc(0, 7, 8, 1) + hc(0, 4, 8, 2) +
        bytes([5, 0, 0]) + hc(0, 9, 8, 1) + hc(0, 8, 8, 2, 0),
        "loopback-poll": b"\0" + hc(0, 6, 8, self | (self << 16)) + hc(0, 0, 8, 1, 1) +
        bytes([8, 0, 2, 1, 0, 2, 0, 10, 5]) + hc(0, 4, 8, 2) + bytes([9, 0, 20]),
        "hv-port-reset": b"\0" + bytes([6, 1, 6, 1]) + bytes([7, 1, 1, 0]) + hc(2, 10, 8, 2) +
        hc(2, 5, 8, 1, 1),
        "oom": bytes([1, 1]) + hc(0, 6, 8, self | (self << 16)) + hc(0, 6, 8, 0x7ff00100 | 2),
    }


def gnttab_seeds():
    """fuzz_gnttab: op (bits 4-5: domain), operands; hypercall: cmd count off[2] len bytes."""
    def grant(dom, ref, grantee_sel, frame_sel, ro=False):
        return bytes([(dom << 4) | 0]) + struct.pack("<H", ref) + bytes([4 if ro else 0,
                                                                         grantee_sel, frame_sel])

    def hc(dom, cmd, count, off, payload, tail=b"\0\0"):
        return bytes([(dom << 4) | 3, cmd, count]) + struct.pack("<H", off) + \
            bytes([len(payload)]) + payload + tail
    gva = 0x400000
    mapop = lambda addr, flags, ref, dom: struct.pack("<QIIHhIQ", addr, flags, ref, dom, 0, 0, 0)
    unmap = lambda addr, handle: struct.pack("<QQIhH", addr, 0, handle, 0, 0)
    copy = lambda ref, dom, gmfn: struct.pack("<QHHIQHHIHHhH", ref, dom, 0, 0, gmfn, 0x7ff0, 0,
                                               0, 64, 1, 0, 0)
    return {
        "map-unmap": grant(1, 8, 0, 3) + hc(0, 0, 1, 0, mapop(gva + 0x3000, 2, 8, 2)) +
        hc(0, 1, 1, 0x100, unmap(gva + 0x3000, 0)),
        "map-ro-reap": grant(1, 9, 0, 4, ro=True) + hc(0, 0, 1, 0, mapop(gva + 0x4000, 7, 9, 2))
        + bytes([0x17, 0xff]) + hc(0, 1, 1, 0x100, unmap(gva + 0x4000, 0)),
        "copy": grant(1, 10, 0, 5) + hc(0, 5, 1, 0, copy(10, 2, 3)),
        "setup-query": hc(0, 2, 1, 0, struct.pack("<HHIhHHHQ", 0x7ff0, 0, 2, 0, 0, 0, 0,
                                                   0x10100)) +
        hc(0, 6, 1, 0x80, struct.pack("<HHIIhH", 0x7ff0, 0, 0, 0, 0, 0)),
        "swap-version": hc(0, 11, 1, 0, struct.pack("<IIhH", 8, 9, 0, 0)) +
        hc(0, 8, 1, 0, struct.pack("<I", 1)) + hc(0, 10, 1, 0, struct.pack("<HHI", 0x7ff0, 0, 0)),
    }


def hypercall_seeds():
    """fuzz_hypercall: op 0-3 = hypercall: who nr, 5 operands (kind byte, ...), then the
    frame address operand (gva)."""
    num = lambda v: bytes([4, 0x80]) + struct.pack("<Q", v)
    small = lambda v: bytes([4, v])
    buf = lambda page, off, payload: bytes([0, 0x80 | page]) + struct.pack("<H", off) + \
        bytes([len(payload)]) + payload
    mapped = lambda page, off: bytes([0, page]) + struct.pack("<H", off)
    rsp = bytes([0, 0, 0])

    def hc(nr, *args, who=0):
        args = list(args) + [small(0)] * (5 - len(args))
        return bytes([0, who, nr]) + b"".join(args) + rsp
    self = 0x7ff0
    mmu = struct.pack("<QQ", 0, 0)
    return {
        "version-memory": hc(17, small(0), small(0)) + hc(17, small(6), buf(1, 0, b"\0" * 8)) +
        hc(12, small(2)) + hc(12, small(3), buf(1, 8, struct.pack("<H", self))) +
        hc(12, small(9), buf(2, 0, struct.pack("<IIQ", 1, 0, 0x402000 + 0x100))),
        "traps-callbacks": hc(0, buf(3, 0, struct.pack("<BBHIQ", 14, 0, 0xe033, 0, 0x401000))) +
        hc(30, small(0), buf(3, 64, struct.pack("<HHIQ", 0, 0, 0, 0x401000))) +
        hc(4, num(0x401000), num(0x401100), num(0x401200)) + hc(3, small(0x2b), num(0x402000)),
        "evtchn": hc(32, small(6), buf(4, 0, struct.pack("<HHI", self, 2, 0))) +
        hc(32, small(1), buf(4, 8, struct.pack("<III", 0, 0, 0))) +
        hc(32, small(4), buf(4, 16, struct.pack("<I", 1))),
        "sched-vcpu-timers": hc(29, small(0)) + hc(15, num(2000000000)) +
        hc(24, small(6), small(0), buf(5, 0, struct.pack("<Q", 5000000))) +
        hc(24, small(4), small(1), mapped(5, 64)) + bytes([5]) + struct.pack("<I", 50000000) +
        hc(29, small(3), buf(5, 128, struct.pack("<QIIQ", 0x405200, 1, 0, 0))),
        "mmu": hc(26, buf(6, 0, struct.pack("<IIQQ", 10, 0, 0, 0)), small(1), small(0),
                  num(self)) + hc(1, buf(6, 64, mmu), small(1), small(0), num(self)),
        "multicall": hc(13, buf(7, 0, struct.pack("<QQQQQQQQ", 17, 0, 0, 0, 0, 0, 0, 0) +
                                 struct.pack("<QQQQQQQQ", 29, 0, 0, 0, 0, 0, 0, 0)), small(2)),
        "gnttab": hc(20, small(2), buf(8, 0, struct.pack("<HHIhHHHQ", self, 0, 1, 0, 0, 0, 0,
                                                          0x408100)), small(1)),
    }


def main():
    sets = {"fuzz_elf_xen": elf_seeds(), "fuzz_mm": mm_seeds(), "fuzz_emulate": emulate_seeds(),
            "fuzz_evtchn": evtchn_seeds(), "fuzz_gnttab": gnttab_seeds(),
            "fuzz_hypercall": hypercall_seeds()}
    for fuzzer, seeds in sets.items():
        d = os.path.join(ROOT, "tests/fuzz/corpus", fuzzer)
        os.makedirs(d, exist_ok=True)
        for name, data in seeds.items():
            with open(os.path.join(d, "seed-" + name), "wb") as f:
                f.write(data)


if __name__ == "__main__":
    main()
