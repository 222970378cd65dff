"""Interrupt-driven console input: the serial interrupt
moves typed bytes into a ring buffer (CONSOLE_RXBUF bytes, kernel/param.h)
while the kernel is busy; when the buffer is full new bytes are dropped and
counted, and the kernel goes on."""

import time

from test_threads_kernel import irqstat, threads, uptime

RXBUF = 1024            # CONSOLE_RXBUF in kernel/param.h


def test_typing_while_the_kernel_is_busy_is_not_lost(monitor):
    monitor.sendline("spin 1500")
    monitor.send("echo first\recho second\recho third\r")   # typed during the spin
    monitor.expect(r"spun \d+ ms\n")
    for word in ("first", "second", "third"):
        monitor.expect(rf"\n{word}\n")
    monitor.expect(r"monitor> ")
    assert irqstat(monitor)["dropped"] == 0


def test_a_full_buffer_drops_and_counts_bytes(monitor):
    before = irqstat(monitor)
    flood = b"x" * (2 * RXBUF + 200)
    line = b"spin 3000\r"
    monitor.send(line + flood)              # arrives while the kernel spins
    monitor.expect(r"spun \d+ ms\n")
    # Wait until the monitor is draining the full buffer (it echoes the
    # first x's) before typing Enter: sent any earlier, the Enter would find
    # the buffer still full and be dropped too, as the kernel should.
    monitor.expect(r"monitor> x{100}")
    monitor.send(b"\r")                     # ends the (too long) line of x
    monitor.expect(r"line too long \(max \d+\), ignored\n")
    monitor.expect(r"monitor> ")
    after = irqstat(monitor)
    sent = len(line) + len(flood) + 1 + len(b"irqstat\r")
    assert after["received"] - before["received"] == sent     # every byte seen
    dropped = after["dropped"] - before["dropped"]
    assert 1 <= dropped <= len(flood) - RXBUF
    assert monitor.cmd("echo after the flood") == "after the flood\n"


def test_waiting_for_input_uses_no_cpu(monitor):
    # The monitor sleeps in console_getc while nobody types: the ticks
    # that pass go to the idle thread, not to it.  (The host sleep only
    # lets kernel time pass; everything asserted is counted by the kernel.)
    before = {n: c for _, n, _, c in threads(monitor)}
    _, t0 = uptime(monitor)
    time.sleep(1.0)
    _, t1 = uptime(monitor)
    after = {n: c for _, n, _, c in threads(monitor)}
    assert t1 - t0 >= 10, "the timer hardly ticked"
    assert after["monitor"] - before["monitor"] <= 3
    assert after["idle"] - before["idle"] >= (t1 - t0) - 3
