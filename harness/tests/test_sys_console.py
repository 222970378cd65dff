"""The console device (kernel/proc/consdev.c).  Booted with init=NAME on
its command line, the kernel starts NAME as pid 1 with the console
device in slot 0 and gives it the serial line: typed bytes reach it
(wait on the device, then cons_read) and not the monitor, until it calls
wisp.monitor(); the monitor's `exit` gives the line back; when init ends
the monitor takes the line.  services/systest.c plays init (it echoes
typed lines as "systest: got '...'").  Without init= nothing changes."""

import pytest

from wisp_harness import Wisp
from wisp_harness.iso import iso_with_files
from wisp_harness.qemu import BANNER_RE, PROMPT_RE


@pytest.fixture
def console():
    """A Wisp booted with init=systest.wasm, its console ready."""
    with Wisp(iso=iso_with_files({}, cmdline="init=systest.wasm")) as w:
        w.expect(BANNER_RE)
        w.expect(r"init: systest.wasm is pid 1; the serial line is its console")
        w.expect(r"systest: cons_write through slot 5: EBADF, through another "
                 r"notification: EACCES")
        w.expect(r"systest: console ready")
        yield w


def typed(w, line, reply):
    """Type line; wait for the regex reply."""
    w.sendline(line)
    return w.expect(reply)


def test_typed_lines_reach_init_not_the_monitor(console):
    typed(console, "hello there", r"systest: got 'hello there'")
    typed(console, "help", r"systest: got 'help'")
    # the monitor neither prompted nor ran anything
    assert "monitor>" not in console.log
    assert "unknown command" not in console.log and "  kerninfo" not in console.log


def test_monitor_and_back(console):
    typed(console, "monitor", r"systest: got 'monitor'")
    console.expect(r"\[pid 1 systest.wasm\] the kernel monitor has the serial line; "
                   r"its `exit` gives it back")
    console.expect(PROMPT_RE)
    out = console.cmd("ps")
    assert "systest.wasm" in out
    out = console.cmd("run hello")
    assert "hello from wasm" in out
    console.sendline("exit")
    console.expect(r"the serial line goes back to the console service")
    console.expect(r"systest: back from the monitor: ok")
    typed(console, "after", r"systest: got 'after'")
    assert console.log.count("monitor> ") == 3          # before ps, run, exit


def test_init_ending_gives_the_monitor_the_line(console):
    typed(console, "quit", r"systest: got 'quit'")
    console.expect(r"\[pid 1 systest.wasm\] exit 0")
    console.expect(r"init ended: the kernel monitor has the serial line")
    console.expect(PROMPT_RE)
    out = console.cmd("exit")
    assert "there is no console service to give the serial line to" in out
    assert "hello from wasm" in console.cmd("run hello")


def test_exit_without_a_console_service(monitor):
    out = monitor.cmd("exit")
    assert "exit: there is no console service to give the serial line to " \
           "(boot with init=NAME)" in out
    assert "help" in monitor.cmd("help")           # still the monitor


def test_a_missing_init_leaves_the_monitor():
    iso = iso_with_files({}, cmdline="init=nosuch.wasm")
    with Wisp(iso=iso) as w:
        w.expect(BANNER_RE)
        w.expect(r"init: nosuch.wasm: no such program in the initrd")
        w.expect(r"init: not started; the kernel monitor keeps the serial line")
        w.expect(PROMPT_RE)
        assert "hello from wasm" in w.cmd("run hello")
