#!/usr/bin/env python3
"""Run `make demo` as a user would, on a terminal: wait for the shell's
prompt, type `hello` and Enter, then quit QEMU with Ctrl-A X.  Exits 0
only if the prompt came, hello greeted and make demo ended well.

Run from the top of a checkout; .ci/run feeds it to python3 on stdin.
WISP_TIMEOUT_SCALE scales the waits, as for make test."""

import os
import sys

import pexpect

SCALE = float(os.environ.get("WISP_TIMEOUT_SCALE", "1"))
# What to wait for (with how many seconds), then what to type.
STEPS = [
    ("the shell's prompt (make builds the ISO first)", r"\n\$ ", 1800, "hello\r"),
    ("hello's greeting", r"hello from wasm, pid \d+", 60, ""),
    ("the next prompt", r"\n\$ ", 60, "\x01x"),           # Ctrl-A X quits QEMU
    ("QEMU to quit", pexpect.EOF, 60, ""),
]


def main():
    demo = pexpect.spawn("make", ["demo"], encoding="utf-8", codec_errors="replace")
    demo.logfile_read = sys.stdout
    for what, pattern, seconds, then in STEPS:
        try:
            demo.expect(pattern, timeout=seconds * SCALE)
        except pexpect.TIMEOUT:
            print(f"\ndemo: no {what} after {seconds * SCALE:.0f} s", file=sys.stderr)
            demo.close(force=True)
            return 1
        except pexpect.EOF:
            demo.close()
            print(f"\ndemo: make demo ended (status {demo.exitstatus}) before {what}",
                  file=sys.stderr)
            return 1
        demo.send(then)
    demo.close()
    print(f"\ndemo: make demo booted to the shell, ran hello and exited {demo.exitstatus}")
    return demo.exitstatus


if __name__ == "__main__":
    sys.exit(main())
