"""The IPC invariants (spec/ipc.md, ipc/invariants.c) on the real
kernel: the debug kernel (build/kdebug/debug.iso, built with IPC_DEBUG)
checks them over every process after every IPC host call and panics
naming what broke.  It runs the IPC demos here, covering calls, replies,
reply_recv, notifications, badges, grants, kills while blocked, servers
dying mid-call, the console device, watch, and floods of clients; any
report fails the test (the harness raises on a panic), and `ipcstat`
must show the checks ran and that nothing was left behind."""

import re

from test_ipc_demos import bg_pid, no_processes_left
from wisp_harness import Wisp

DEBUG_ISO = "build/kdebug/debug.iso"
CHECKS_RE = re.compile(r"^ipc invariants: checked (\d+) times, never broken", re.M)
LIVE_RE = re.compile(r"ipc objects: (\d+) live", re.M)


def ipcstat(w):
    """(checks so far, live IPC objects)."""
    out = w.cmd("ipcstat")
    m = CHECKS_RE.search(out)
    assert m, f"no IPC_DEBUG line in ipcstat (not a debug kernel?):\n{out}"
    return int(m.group(1)), int(LIVE_RE.search(out).group(1))


def test_ipc_demos_keep_every_invariant_on_the_debug_kernel():
    with Wisp(iso=DEBUG_ISO, total_timeout=900) as w:
        w.boot()
        checks0, live0 = ipcstat(w)
        out = w.cmd("run ping 200", timeout=600)
        assert "ping: 200 round trips, 0 bad" in out, out
        checks1, _ = ipcstat(w)
        # each round trip is at least a call and a reply_recv
        assert checks1 - checks0 >= 400, (checks0, checks1)
        for line in ("run epipe trap", "run epipe exit", "run forger",
                     "run notify 4", "run flood 20 3", "run crashloop 5",
                     "run systest watch", "run systest serve hello.wasm"):
            out = w.cmd(line, timeout=600)
            assert re.search(r"\] exit 0$", out, re.M), f"{line}:\n{out}"
            assert "FAIL" not in out, f"{line}:\n{out}"
        # kills while blocked: a server in recv holding a call, a client
        # in call whose server waits on its notification
        bg_pid(w.cmd("run epipe hold &"))
        w.expect(r"dier: holding the call, blocked in recv\n")
        dier = int(re.search(r"epipe: dier hold is pid (\d+)", w.log).group(1))
        w.cmd(f"kill {dier}")
        w.seen_or_expect(r"\[pid \d+ epipe.wasm\] exit 0")
        client = bg_pid(w.cmd("run epipe grant &"))
        w.expect(r"dier: holding the call, waiting on the caller's notification\n")
        w.cmd(f"kill {client}")
        w.seen_or_expect(r"\[pid \d+ dier.wasm\] exit 0")
        assert no_processes_left(w)
        checks2, live2 = ipcstat(w)
        assert live2 == live0, (live0, live2)
        w.sendline("halt")
        w.wait_exit()
    print(f"IPC_DEBUG: {checks2} invariant checks over every process, none broken")
