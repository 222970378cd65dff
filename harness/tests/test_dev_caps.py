"""I/O capabilities (kernel/proc/devcap.c, spec/abi.md "wisp: devices").

Booted with init=NAME, the kernel gives init the console device in slot 0
and one I/O capability per device resource it knows in slots 1..5:
vga-ports (0x3D4-0x3D5), vga-text (the text window at 0xB8000),
ps2-data (0x60), ps2-cmd (0x64), irq1.  services/devtest.c plays init and
prints one line per check; every port or window access is checked
against the handle's type, right and range, so a capability for the
screen does not reach the keyboard's ports (EACCES).  Its window writes
are read back from the machine's memory, and a key pressed in QEMU
reaches it as a signal of the notification it bound to IRQ 1."""

import pytest

from wisp_harness.iso import iso_with_files
from wisp_harness.qemu import BANNER_RE
from wisp_harness.screen import Screen

CHECKS = [
    ("slot 1: ports base 0x3d4 len 2 rights 3", None),
    ("slot 2: mem base 0xb8000 len 4000 rights 3", None),
    ("slot 3: ports base 0x60 len 1 rights 3", None),
    ("slot 4: ports base 0x64 len 1 rights 3", None),
    ("slot 5: irq base 0x1 len 1 rights 3", None),
    ("io_info", "EBADF"),                 # slot 0: the device
    ("port_in 0x3d5 through vga-ports", "ok"),
    ("port_in 0x3d4 width 2 through vga-ports", "ok"),
    ("port_in 0x3d5 width 2 through vga-ports (past its end)", "EACCES"),
    ("port_in 0x3d3 through vga-ports (before it)", "EACCES"),
    ("port_in 0x60 through vga-ports (the keyboard's)", "EACCES"),
    ("port_in width 3", "EINVAL"),
    ("port_in through a free slot", "EBADF"),
    ("port_in through the console device", "EBADF"),
    ("port_in through vga-text", "EACCES"),
    ("port_in through irq1", "EACCES"),
    ("port_in through a read-only copy", "ok"),
    ("port_out through a read-only copy", "EACCES"),
    ("mem_write 4000 bytes at 0", "ok"),
    ("mem_read them back", "ok"),
    ("read back the same", None),
    ("mem_write 2 bytes at 3999 (past the end)", "EACCES"),
    ("mem_write 0 bytes at 4000", "ok"),
    ("mem_write 2 bytes at 0xffffffff (a sum that wraps)", "EACCES"),
    ("mem_write through vga-ports", "EACCES"),
    ("mem_read through a write-only copy", "EACCES"),
    ("child: port_in 0x60 through ps2-data", "ok"),
    ("child: port_in 0x64 through ps2-data", "EACCES"),
    ("child: port_in 0x3d4 through ps2-data", "EACCES"),
    ("child: mem_write through slot 1 (none)", "EBADF"),
    ("irq_bind through ps2-data", "EACCES"),
    ("irq_bind to an endpoint", "EBADF"),
    ("irq_bind to a notification without s", "EACCES"),
    ("irq_ack through vga-text", "EACCES"),
    ("irq_bind irq1", "ok"),
]


@pytest.fixture(scope="module")
def devtest():
    iso = iso_with_files({}, cmdline="init=devtest.wasm")
    with Screen(iso=iso) as w:
        w.expect(BANNER_RE)
        w.expect(r"devtest: waiting for keyboard interrupts")
        yield w


def devtest_lines(log):
    return [l[len("devtest: "):] for l in log.splitlines() if l.startswith("devtest: ")]


def test_every_access_is_checked_against_the_capability(devtest):
    lines = devtest_lines(devtest.log)
    want = [what if err is None else f"{what}: {err}" for what, err in CHECKS]
    assert [l for l in lines if not l.startswith("irq1 ")][:len(want)] == want


def test_window_writes_reach_the_screen_memory(devtest):
    row = devtest.cells()[0]
    assert "".join(chr(c) for c, _ in row[:7]) == "DEVTEST"
    assert all(a == 0x0A for _, a in row[:7])          # light green on black


def test_a_key_press_is_a_signal_of_the_bound_notification(devtest):
    devtest.key("a")
    # make 0x1e, break 0x9e (set 1: the controller translates)
    devtest.expect(r"devtest: irq1 signalled \(word 1\): scancode 0x1e")
    devtest.expect(r"devtest: irq1 signalled \(word 1\): scancode 0x9e")
