"""The host calls init and the shell manage the system with
(kernel/proc/sysinfo.c): kill, watch, proc_info, mem_info, ipc_info, as
services/systest.c sees them when the monitor runs it.  What they report
must agree with the monitor's own `mem` and `ps`; a watch signals its
notification exactly when the process ends (at once for one already
gone); the kernel's reference keeps the notification alive; nothing of
it is left once the watcher has gone."""

import re

MEM_RE = re.compile(r"^mem: frames (\d+)/(\d+) heap (\d+)/(\d+) ipc_objs (\d+) procs (\d+)$",
                    re.M)
PROC_RE = re.compile(r"^proc: pid (\d+) state (\d) ipc (\S+) mem (\d+) heap (\d+) name (\S+)$",
                     re.M)
IPC_RE = re.compile(r"^ipc: id (\d+) kind (\d) handles (\d+) sendq (\d+) recvq (\d+) "
                    r"delivered (\d+)$", re.M)


def procs(out):
    """{name: (pid, state, ipc state)} from systest info's proc lines."""
    return {m[6]: (int(m[1]), int(m[2]), m[3]) for m in PROC_RE.finditer(out)}


def test_info_agrees_with_the_monitor(monitor):
    out = monitor.cmd("run systest info")
    m = MEM_RE.search(out)
    assert m, out
    total = re.search(r"^frames: \d+ free, \d+ used, (\d+) total", monitor.cmd("mem"), re.M)
    assert int(m[2]) == int(total[1])
    assert 0 < int(m[1]) < int(m[2]) and int(m[3]) > 0
    # its endpoint and notification, its own process object; itself
    assert (int(m[5]), int(m[6])) == (3, 1)
    p = procs(out)
    assert list(p) == ["systest.wasm"]
    assert p["systest.wasm"][1:] == (0, "running")
    assert re.search(r"^proc: .* mem 131072 heap [1-9]\d* name systest.wasm$", out, re.M)
    # objects are numbered from boot: its endpoint (kind 1) and its
    # notification (kind 2), signalled once, one handle each
    assert IPC_RE.findall(out) == [("1", "1", "1", "0", "0", "0"),
                                   ("2", "2", "1", "0", "0", "1")]
    assert "proc_info past the last: ENOENT" in out
    assert "ipc_info past the last: ENOENT" in out
    assert re.search(r"^\[pid \d+ systest.wasm\] exit 0$", out, re.M)


def test_info_shows_a_process_blocked_in_ipc(monitor):
    # `serve` waits in recv on an endpoint whose only send handle is
    # loop's; loop spins
    assert "started in the background" in monitor.cmd("run systest serve loop.wasm &")
    monitor.expect(r"\[cons 7\] loop: spinning forever")
    out = monitor.cmd("run systest info")
    p = procs(out)
    assert p["systest.wasm"][1:] == (0, "running")          # the info one
    blocked = [(m[2], m[3], m[6]) for m in PROC_RE.finditer(out) if m[2] != "0"]
    assert blocked == [("1", "recv", "systest.wasm")]
    assert p["loop.wasm"][1:] == (0, "running")
    # serve's endpoint: its r handle and loop's s handle, serve waiting
    assert ("1", "2", "0", "1") in [m[1:5] for m in IPC_RE.findall(out)], out
    loop_pid = p["loop.wasm"][0]
    out = monitor.cmd(f"kill {loop_pid}")
    assert f"[pid {loop_pid} loop.wasm] killed" in out
    for line in (r"serve: loop.wasm gone \(EPIPE\), 0 reads", r"\[pid 1 systest.wasm\] exit 0"):
        monitor.seen_or_expect(line)        # maybe before kill's prompt
    assert "ipc objects: 0 live" in monitor.cmd("mem")


WATCH_LINES = [
    "watch hello: ok",
    "hello ended: ok word 0x20",                 # the handle's badge
    "watch hello again: ok",
    "watch of an ended pid: ok word 0x20",       # at once
    "watch a pid never used: ESRCH",
    "watch pid 0: ESRCH",
    "watch through a free slot: EBADF",
    "watch without s: EACCES",
    "kill through a free slot: EBADF",
    "kill through a notification: EBADF",
    "kill without the kill right: EACCES",
    "kill an ended pid: ESRCH",
    "limit an ended pid: ESRCH",
    "watch loop: ok",
    "kill loop: ok",
    "loop killed: ok word 0x1",                  # unbadged: bit 1
    "kill ourselves through loop's handle: ESRCH",   # a handle reaches its
    "kill the other loop through loop's handle: ESRCH",  # process's tree
    "kill pid 1 through loop's handle: ESRCH",
    "limit above the quota it has: EPERM",
    "kill both loops: ok",
    "watch loop: ok",                            # then close the s handle
    "kill loop: ok",
    "watch after the last s handle closed: ok word 0x1",
    "watch limit: 32 pending, then ENOSPC",      # PROC_WATCHES_MAX
    "systest watch: 0 failed",
]


def test_watch_and_kill(monitor):
    out = monitor.cmd("run systest watch", timeout=120)
    programs = ("[pid", "hello from", "argv[", "loop: ")     # hello's and loop's
    lines = [l for l in out.splitlines() if not l.startswith(programs)]
    assert lines == WATCH_LINES, out
    assert re.search(r"^\[pid \d+ loop.wasm\] killed$", out, re.M)
    assert "FAIL" not in out
    # the watches left pending at its end (on itself) and the kernel's
    # references went with it: no object is left
    assert "ipc objects: 0 live" in monitor.cmd("mem")
    assert "0 processes" in monitor.cmd("ps")
