"""A fake QEMU for the harness's own tests.

    fakeqemu.py SCENARIO [QEMU arguments...]

It ignores QEMU's arguments except -D (the log file, where a triple fault
is reported) and plays SCENARIO on stdout/stdin the way the kernel would.
"""

import sys
import time

BANNER = "Wisp 0.1.0 (x86_64), 255 MiB RAM\r\n"
PROMPT = "monitor> "


def out(text):
    sys.stdout.write(text)
    sys.stdout.flush()


def qemu_log(args, text):
    path = args[args.index("-D") + 1]
    with open(path, "a") as f:
        f.write(text)


def monitor():
    """Echo each line; `halt` ends like the kernel's halt; `panic` panics."""
    out(BANNER + PROMPT)
    line = ""
    while True:
        c = sys.stdin.read(1)
        if not c:
            sys.exit(0)
        if c != "\r":
            line += c
            out(c)
            continue
        out("\r\n")
        if line == "halt":
            out("WISP-EXIT: 0\r\n")
            sys.exit(1)
        if line == "panic":
            panic("PANIC: monitor asked to panic")
        out(f"you said: {line}\r\n" + PROMPT)
        line = ""


def panic(first):
    out(first + "\r\n  rip=0xffffffff80101234\r\n")
    time.sleep(0.3)              # the dump comes in several reads
    out("  #0 0xffffffff80101234 monitor_run+0x2a\r\nWISP-EXIT: 1\r\n")
    sys.exit(3)


def main(scenario, args):
    if scenario == "monitor":
        monitor()
    if scenario == "broken":
        sys.stderr.write("qemu-system-x86_64: -cdrom: no such file\n")
        sys.exit(1)
    out(BANNER)
    if scenario == "panic":
        panic("PANIC: kernel ran out of ideas")
    elif scenario == "fault":
        panic("FAULT: page fault (vector 14) error=0x2 rip=0xffffffff80100000 kmain+0x10")
    elif scenario == "stall":
        time.sleep(3600)
    elif scenario == "trickle":          # progress, but never a prompt
        while True:
            out(".")
            time.sleep(0.1)
    elif scenario == "triple":
        qemu_log(args, "CPU Reset (CPU 0)\nTriple fault\n")
        sys.exit(0)
    elif scenario == "reset":
        qemu_log(args, "CPU Reset (CPU 0)\n")
        sys.exit(0)
    elif scenario == "badmarker":        # a marker, but no isa-debug-exit
        out("WISP-EXIT: 0\r\n")
        sys.exit(0)
    elif scenario == "utf8":             # bytes split across reads, bad bytes
        sys.stdout.buffer.write(b"caf\xc3")
        sys.stdout.flush()
        time.sleep(0.2)
        sys.stdout.buffer.write(b"\xa9 \xff\xfe ok\r\n" + PROMPT.encode())
        sys.stdout.flush()
        time.sleep(3600)
    else:
        sys.exit(f"fakeqemu: unknown scenario {scenario}")


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2:])
