#!/usr/bin/env python3
"""guest-kit/check-image.py IMAGE... - static checks of guest-kit ELF images.

For each image: the Xen notes sit in a PT_NOTE segment; GUEST_OS, XEN_VERSION ("xen-3.0"),
LOADER ("generic"), VIRT_BASE, PADDR_OFFSET, ENTRY and HYPERCALL_PAGE are present; ENTRY is
e_entry and _start; HYPERCALL_PAGE is hypercall_page and page aligned; every PT_LOAD is placed
at p_paddr + VIRT_BASE - PADDR_OFFSET = p_vaddr. Prints the notes; exits 1 on any problem.
"""
import struct
import subprocess
import sys

NOTES = {0: "INFO", 1: "ENTRY", 2: "HYPERCALL_PAGE", 3: "VIRT_BASE", 4: "PADDR_OFFSET",
         5: "XEN_VERSION", 6: "GUEST_OS", 7: "GUEST_VERSION", 8: "LOADER", 9: "PAE_MODE",
         10: "FEATURES", 11: "BSD_SYMTAB", 13: "L1_MFN_VALID", 14: "SUSPEND_CANCEL",
         15: "INIT_P2M", 16: "MOD_START_PFN", 17: "SUPPORTED_FEATURES"}
NUMERIC = {"ENTRY", "HYPERCALL_PAGE", "VIRT_BASE", "PADDR_OFFSET", "INIT_P2M",
           "SUSPEND_CANCEL", "MOD_START_PFN", "SUPPORTED_FEATURES"}


def phdrs(data):
    e_entry, e_phoff = struct.unpack_from("<QQ", data, 24)
    e_phentsize, e_phnum = struct.unpack_from("<HH", data, 54)
    for i in range(e_phnum):
        yield struct.unpack_from("<IIQQQQQQ", data, e_phoff + i * e_phentsize)
    return e_entry


def xen_notes(data, offset, size):
    notes, pos, end = {}, offset, offset + size
    while pos + 12 <= end:
        namesz, descsz, ntype = struct.unpack_from("<III", data, pos)
        name = data[pos + 12:pos + 12 + namesz].rstrip(b"\0")
        dpos = pos + 12 + ((namesz + 3) & ~3)
        desc = data[dpos:dpos + descsz]
        pos = dpos + ((descsz + 3) & ~3)
        if name == b"Xen":
            key = NOTES.get(ntype, str(ntype))
            if key in NUMERIC:
                notes[key] = int.from_bytes(desc, "little")
            else:
                notes[key] = desc.rstrip(b"\0").decode()
    return notes


def symbols(path):
    out = subprocess.run(["nm", path], check=True, capture_output=True, text=True).stdout
    return {f[2]: int(f[0], 16) for f in (line.split() for line in out.splitlines()) if len(f) == 3}


def check(path):
    data = open(path, "rb").read()
    problems = []
    if data[:4] != b"\x7fELF" or data[4] != 2:
        return [f"not an ELF64 file"]
    e_entry = struct.unpack_from("<Q", data, 24)[0]
    headers = list(phdrs(data))
    notes = {}
    for p_type, _flags, p_offset, _vaddr, _paddr, p_filesz, _memsz, _align in headers:
        if p_type == 4:
            notes.update(xen_notes(data, p_offset, p_filesz))
    for key, value in notes.items():
        print(f"  {key:15} {hex(value) if isinstance(value, int) else repr(value)}")
    for key in ("GUEST_OS", "XEN_VERSION", "LOADER", "VIRT_BASE", "PADDR_OFFSET", "ENTRY",
                "HYPERCALL_PAGE"):
        if key not in notes:
            problems.append(f"note {key} missing from the PT_NOTE segment")
    if problems:
        return problems
    syms = symbols(path)
    if not str(notes["XEN_VERSION"]).startswith("xen-3.0"):
        problems.append("XEN_VERSION does not start with xen-3.0")
    if notes["LOADER"] != "generic":
        problems.append("LOADER is not generic")
    if not (notes["ENTRY"] == e_entry == syms.get("_start")):
        problems.append("ENTRY note, e_entry and _start disagree")
    if notes["HYPERCALL_PAGE"] != syms.get("hypercall_page") or notes["HYPERCALL_PAGE"] % 4096:
        problems.append("HYPERCALL_PAGE is not the page-aligned hypercall_page")
    offset = notes["VIRT_BASE"] - notes["PADDR_OFFSET"]
    for p_type, _flags, _off, vaddr, paddr, _filesz, _memsz, _align in headers:
        if p_type == 1 and (paddr + offset) & (2**64 - 1) != vaddr:
            problems.append(f"PT_LOAD at {vaddr:#x} would load at {paddr + offset:#x}")
    return problems


def main():
    status = 0
    for path in sys.argv[1:]:
        print(f"check-image: {path}")
        for problem in check(path):
            print(f"check-image: {path}: {problem}")
            status = 1
    return status


if __name__ == "__main__":
    sys.exit(main())
