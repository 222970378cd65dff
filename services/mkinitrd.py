#!/usr/bin/python3
"""mkinitrd.py: pack files into a Wisp initrd image.

    mkinitrd.py OUT FILE...

The format (little-endian; kernel/proc/initrd.c reads it, spec/process.md
describes it):

    offset 0   8 bytes   magic "WISPINIT"
    offset 8   u32       version, 1
    offset 12  u32       count, the number of files
    offset 16  count entries of 48 bytes each:
                 40 bytes  name, NUL-padded (1..39 bytes of printable
                           ASCII, no '/', unique)
                 u32       offset of the file's bytes from the image start
                 u32       size of the file in bytes
    then the files' bytes, each starting at a multiple of 16.

A file's name is its base name (build/services/hello.wasm -> hello.wasm).
"""

import os
import struct
import sys

MAGIC = b"WISPINIT"
VERSION = 1
NAME_LEN = 40          # INITRD_NAME_MAX in kernel/param.h
MAX_FILES = 64         # INITRD_FILES_MAX in kernel/param.h
ALIGN = 16


def check_name(name):
    """Return an error message for a name the kernel would refuse, or None."""
    if not 1 <= len(name) < NAME_LEN:
        return f"name must be 1..{NAME_LEN - 1} bytes"
    if not all(0x21 <= ord(c) <= 0x7e for c in name) or "/" in name:
        return "name must be printable ASCII without spaces or '/'"
    return None


def pack(files):
    """Return the image (bytes) holding files, a list of (name, data)."""
    header = 16 + 48 * len(files)
    offset = (header + ALIGN - 1) // ALIGN * ALIGN
    table, blobs = b"", b""
    for name, data in files:
        pad = (offset + len(blobs)) % ALIGN
        blobs += b"\0" * ((ALIGN - pad) % ALIGN)
        table += struct.pack("<40sII", name.encode(), offset + len(blobs), len(data))
        blobs += data
    head = MAGIC + struct.pack("<II", VERSION, len(files)) + table
    return head + b"\0" * (offset - len(head)) + blobs


def main(argv):
    if len(argv) < 2:
        sys.exit("usage: mkinitrd.py OUT FILE...")
    out, paths = argv[0], argv[1:]
    if len(paths) > MAX_FILES:
        sys.exit(f"mkinitrd: {len(paths)} files, at most {MAX_FILES}")
    files, seen = [], set()
    for path in paths:
        name = os.path.basename(path)
        err = check_name(name)
        if err or name in seen:
            sys.exit(f"mkinitrd: {path}: {err or 'duplicate name'}")
        seen.add(name)
        with open(path, "rb") as f:
            files.append((name, f.read()))
    with open(out + ".tmp", "wb") as f:
        f.write(pack(files))
    os.replace(out + ".tmp", out)


if __name__ == "__main__":
    main(sys.argv[1:])
