#!/usr/bin/env python3
"""mkbootfs.py ROOT OUT: pack the directory tree ROOT into a boot file system
archive (format: include/bulkhead/bootfs.h) for the bootfs server.

Directories come before their contents, siblings in name order, so the same
tree always gives the same archive. Executable files keep their x bit.
"""
import os
import stat
import struct
import sys

MAGIC, VERSION = 0x53464842, 1
NAME_MAX = 48
DIR, FILE, EXEC = 0x1, 0x2, 0x4
HEADER = struct.Struct("<4I")
ENTRY = struct.Struct(f"<{NAME_MAX}s4I")


def walk(root):
    """(name, parent index, path or None for a directory) in table order."""
    entries = [("", 0, None)]
    queue = [(root, 0)]
    while queue:
        path, index = queue.pop(0)
        for name in sorted(os.listdir(path)):
            full = os.path.join(path, name)
            if len(name.encode()) >= NAME_MAX:
                sys.exit(f"mkbootfs: name too long (max {NAME_MAX - 1} bytes): {full}")
            if os.path.isdir(full):
                entries.append((name, index, None))
                queue.append((full, len(entries) - 1))
            else:
                entries.append((name, index, full))
    return entries


def main():
    if len(sys.argv) != 3:
        sys.exit(__doc__)
    root, out = sys.argv[1], sys.argv[2]
    entries = walk(root)
    offset = HEADER.size + ENTRY.size * len(entries)
    table, data = [], b""
    for name, parent, path in entries:
        if path is None:
            table.append(ENTRY.pack(name.encode(), parent, DIR, 0, 0))
            continue
        blob = open(path, "rb").read()
        pad = (-(offset + len(data))) % 16
        data += b"\0" * pad
        mode = FILE | (EXEC if os.stat(path).st_mode & stat.S_IXUSR else 0)
        table.append(ENTRY.pack(name.encode(), parent, mode, offset + len(data), len(blob)))
        data += blob
    size = offset + len(data)
    with open(out, "wb") as f:
        f.write(HEADER.pack(MAGIC, VERSION, len(entries), size))
        f.write(b"".join(table))
        f.write(data)


if __name__ == "__main__":
    main()
