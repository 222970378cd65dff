"""The IPC demos under QEMU, as a user at the monitor sees them: ping/pong
round trips, a server that dies or is killed mid-call (the client's call
returns EPIPE), a client killed mid-call (its server's
reply returns EPIPE), a forger trying handles it was never given, 100
clients flooding one server, and notifications.  After them `mem` shows
no IPC object left and the kernel heap back where it started."""

import re

import pytest

from test_proc_run import exit_line

IPC_RE = re.compile(r"^ipc objects: (\d+) live$", re.M)
HEAP_RE = re.compile(r"^heap: (\d+) bytes in use", re.M)


def leftovers(w):
    """(live IPC objects, heap bytes in use) from `mem`."""
    out = w.cmd("mem")
    i, h = IPC_RE.search(out), HEAP_RE.search(out)
    assert i and h, out
    return int(i.group(1)), int(h.group(1))


def no_processes_left(w):
    """ps until it lists no process (a server may still be printing its
    last line when its client's exit returns the prompt); at most 50."""
    for _ in range(50):
        if re.search(r"^0 processes$", w.cmd("ps"), re.M):
            return True
    return False


def bg_pid(out):
    """The pid of `run ... &` from its "started in the background" line."""
    m = re.search(r"^\[pid (\d+)\] started in the background$", out, re.M)
    assert m, out
    return int(m.group(1))


def test_ping_pong_round_trips_with_words_buffer_and_badge(monitor):
    """A thousand calls from ping, each answered by pong's reply_recv,
    every word and byte checked both ways, every call with ping's badge."""
    out = monitor.cmd("run ping 1000", timeout=300)
    assert re.search(r"^ping: 1000 round trips, 0 bad \(8 words and 64 bytes "
                     r"each way\)", out, re.M), \
        f"expected 'ping: 1000 round trips, 0 bad', ping said:\n{out}"
    assert exit_line(out, "ping.wasm")[1] == 0
    # pong ends once ping's send handle is gone: its recv says EPIPE
    done = r"\[pid \d+ pong.wasm\] exit 0"
    monitor.seen_or_expect(done, timeout=120)
    assert re.search(r"^pong: served 1000 calls, 1000 with ping's badge; "
                     r"recv -> EPIPE: no sender left$", monitor.log, re.M), monitor.log


@pytest.mark.parametrize("mode,end", [
    ("trap", r"trap: unreachable in func \d+ \(main\)"),
    ("exit", r"exit 3"),
])
def test_a_server_dying_mid_call_answers_epipe(monitor, mode, end):
    out = monitor.cmd(f"run epipe {mode}", timeout=120)
    assert f"dier: {'trapping' if mode == 'trap' else 'exiting'} with the call " \
        "unanswered" in out, out
    assert re.search(rf"^\[pid \d+ dier.wasm\] {end}$", out, re.M), out
    assert re.search(r"^epipe: call -> EPIPE: the server died holding my call$",
                     out, re.M), out
    assert exit_line(out, "epipe.wasm")[1] == 0
    assert monitor.cmd("echo still here").strip().endswith("still here")
    assert no_processes_left(monitor)


def test_killing_a_server_blocked_in_recv_gives_its_caller_epipe(monitor):
    bg_pid(monitor.cmd("run epipe hold &"))
    monitor.expect(r"dier: holding the call, blocked in recv\n")
    dier = int(re.search(r"epipe: dier hold is pid (\d+)", monitor.log).group(1))
    assert not re.search(r"epipe: call ->", monitor.log)
    out = monitor.cmd(f"kill {dier}")
    assert re.search(rf"^\[pid {dier} dier.wasm\] killed$", out, re.M), out
    # the caller got its answer (EPIPE), not a hang; dier's recv never returned
    done = r"\[pid \d+ epipe.wasm\] exit 0"
    monitor.seen_or_expect(done)
    assert "epipe: call -> EPIPE: the server died holding my call" in monitor.log
    assert "dier: recv ->" not in monitor.log
    assert leftovers(monitor)[0] == 0


def test_killing_a_client_blocked_in_call_gives_its_server_epipe(monitor):
    client = bg_pid(monitor.cmd("run epipe grant &"))
    monitor.expect(r"dier: holding the call, waiting on the caller's notification\n")
    out = monitor.cmd(f"kill {client}")
    assert re.search(rf"^\[pid {client} epipe.wasm\] killed$", out, re.M), out
    done = r"\[pid \d+ dier.wasm\] exit 0"
    monitor.seen_or_expect(done)
    # the client's notification lost its only sender, its reply handle its
    # caller, the endpoint its last sender: all EPIPE
    assert "dier: wait -> EPIPE, reply -> EPIPE, recv -> EPIPE" in monitor.log
    assert "epipe: call ->" not in monitor.log
    assert leftovers(monitor)[0] == 0


def test_forger_gets_errors_never_a_trap(monitor):
    out = monitor.cmd("run forger", timeout=120)
    m = re.search(r"^forger: (\d+) attempts: EBADF (\d+), EFAULT (\d+), "
                  r"EINVAL (\d+), EACCES (\d+), other errors (\d+); "
                  r"(\d+) unexpected$", out, re.M)
    assert m, out
    tries, ebadf, efault, einval, eacces, _, unexpected = map(int, m.groups())
    assert unexpected == 0, out
    # every slot 0..15 and 9 wild values x 12 calls, all EBADF
    assert ebadf >= 25 * 12 and efault >= 2 * 13 and einval >= 4 and eacces >= 3
    assert tries > 300
    assert "trap" not in out
    assert exit_line(out, "forger.wasm")[1] == 0
    # spawn's EINVAL comes with the kernel's reason on the console
    assert "spawn: malformed module at offset 0x0: magic header not detected" in out
    assert "spawn: arguments not NUL-terminated" in out


def test_spawn_fills_the_process_table_then_says_eagain(monitor):
    """crowd starts pongs until spawn fails: 119 + crowd = PROC_MAX (128)
    less the PROC_RESERVED (8) slots only init may take; when crowd
    exits, every pong's recv gets EPIPE and they all end."""
    objs, heap = leftovers(monitor)
    out = monitor.cmd("run crowd", timeout=600)
    assert re.search(r"^crowd: 119 processes started, then spawn -> EAGAIN$",
                     out, re.M), out
    assert exit_line(out, "crowd.wasm")[1] == 0
    assert no_processes_left(monitor)
    assert len(re.findall(r"^pong: served 0 calls, 0 with ping's badge; "
                          r"recv -> EPIPE: no sender left$", monitor.log, re.M)) == 119
    assert leftovers(monitor) == (0, heap)


def test_flood_of_100_clients_loses_nothing_and_keeps_fifo(monitor):
    out = monitor.cmd("run flood 100 10", timeout=600)
    assert re.search(r"^flood: 100 clients x 10 calls: 1000 received, 0 lost, "
                     r"0 duplicated, 0 out of order, 0 unknown$", out, re.M), out
    m = re.search(r"^flood: FIFO: (\d+) of 100 first calls checked .*, "
                  r"(\d+) inversions$", out, re.M)
    assert m, out
    checked, inversions = int(m.group(1)), int(m.group(2))
    assert inversions == 0, out
    # a client is left out only if it ran a whole 50 ms slice before its
    # first call (it may have been preempted); nearly all never do
    assert checked >= 50, out
    assert exit_line(out, "flood.wasm")[1] == 0
    assert len(re.findall(r"^\[pid \d+ floodc.wasm\] exit 0$", out, re.M)) == 100
    assert no_processes_left(monitor)


def test_notify_sees_every_badge_then_epipe(monitor):
    out = monitor.cmd("run notify 4", timeout=120)
    assert re.search(r"^notify: \d+ waits saw badges 0xf \(expected 0xf\); "
                     r"then wait -> EPIPE$", out, re.M), out
    assert exit_line(out, "notify.wasm")[1] == 0
    assert len(re.findall(r"^\[pid \d+ signaller.wasm\] exit 0$", out, re.M)) == 4


def test_the_demos_leave_no_ipc_object_and_no_heap_behind(monitor):
    objs, heap = leftovers(monitor)
    assert objs == 0
    for line in ("run ping 20", "run epipe trap", "run epipe exit",
                 "run forger", "run notify", "run flood 20 3"):
        out = monitor.cmd(line, timeout=300)
        assert "exit 0" in out, out
    assert no_processes_left(monitor)
    assert leftovers(monitor) == (0, heap)
