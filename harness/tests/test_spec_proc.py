"""The process life cycle's model (spec/proc/model.py, spec/process.md
"Invariants") against the kernel: the debug kernel
(build/kdebug/debug.iso, PROC_DEBUG: the table's invariants checked
after every spawn and every end, every transition recorded) spawns,
kills (one process, and a whole subtree), orphans and reaps processes,
twice; each `proctrace` dump is replayed through the model, whose table
must be the kernel's.  Each pid has exactly one report line; after the
second pass the heap and the free frames are what they were after the
first.  A planted bug (`proctrace plant`: an ending process hands its
children to nobody) must be caught by the kernel's check and by the
model."""

import importlib.util
import re
from collections import Counter
from pathlib import Path

import pytest

from test_ipc_demos import bg_pid
from wisp_harness import Wisp

ROOT = Path(__file__).resolve().parents[2]
_spec = importlib.util.spec_from_file_location(
    "proc_model", ROOT / "spec" / "proc" / "model.py")
model = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(model)

DEBUG_ISO = "build/kdebug/debug.iso"
REPORT_RE = re.compile(r"\[pid (\d+) [^\]\s]+\] (?:exit -?\d+|trap: |killed)")


# ---- the model alone ------------------------------------------------------

def trace(text):
    return [line.split() for line in text.strip().splitlines()]


# 1 starts 2, which starts 3; the monitor kills 2 alone: 3 moves up to 1;
# then a kill of 1's subtree (1 and 3); both report and go.
GOOD = trace("""
S 1 0
S 2 1
S 3 2
K 2 0
T 2
k
R 2 137
A 3 1
G 2
K 1 1
T 1
T 3
k
R 3 137
G 3
R 1 137
G 1
S 4 0
R 4 0
G 4
""")


def run(events):
    m = model.Procs()
    for ev in events:
        m.step(ev)
    return m


def test_model_accepts_a_family():
    m = run(GOOD)
    assert m.live == {} and m.last_pid == 4 and m.ended == {1, 2, 3, 4}


def mutated(i, new):
    return GOOD[:i] + trace("\n".join(new)) + GOOD[i + 1:]


@pytest.mark.parametrize("events, why", [
    # the planted bug: an orphan not handed up
    (mutated(7, []), r"\[3\] still name 2, which is gone"),
    # handed to the wrong process
    (mutated(7, ["A 3 0"]), r"goes to 0, not to its parent's parent 1"),
    # a pid reused, or skipped
    (mutated(17, ["S 2 0"]), r"pid 2 handed out after 3"),
    (mutated(17, ["S 5 0"]), r"pid 5 handed out after 3"),
    # two reports
    (mutated(14, ["R 3 137", "R 3 137"]), r"a second report for 3"),
    # gone without a report
    (mutated(18, []), r"4 leaves the table without its report"),
    # a tree kill that misses a descendant
    (mutated(11, []), r"stopped \[1\], not \[1, 3\] \(its subtree\)"),
    # a killed process reporting a trap
    (mutated(6, ["R 2 134"]), r"2 was killed but reports a trap"),
])
def test_model_rejects_a_broken_trace(events, why):
    with pytest.raises(model.TraceError, match=why):
        run(events)


# ---- the kernel against the model ----------------------------------------

def proctrace(w):
    out = w.cmd("proctrace", timeout=240)
    assert "proctrace: end" in out, out[-500:]
    return model.parse_dumps(out)[-1]


def one_pass(w):
    """Spawns, orphans, kills of one process and of a subtree, a full
    table; ends with every process gone.  Returns the full table's rows."""
    w.cmd("run hello")
    w.cmd("run ping 5", timeout=240)            # pong outlives ping: moves up
    w.seen_or_expect(r"\[pid \d+ pong.wasm\] exit 0")
    # a line of four; the monitor kills the second alone: the third moves
    # up to the first
    top = bg_pid(w.cmd("run family 4 &"))
    w.expect(r"family: level 1 ready\n")
    rows = proctrace(w)[2]
    line = [top]
    while len(line) < 4:
        line.append(next(p for p, r in rows.items() if r[0] == line[-1]))
    assert rows[top][2] == 3                    # its quota counts three
    w.cmd(f"kill {line[1]}")
    rows = proctrace(w)[2]
    assert rows[line[2]][0] == top and rows[top][2] == 2
    for pid in (top, line[2], line[3]):         # each alone: up to none
        w.cmd(f"kill {pid}")
    # a subtree kill: Ctrl-C on a foreground line of three
    w.sendline("run family 3")
    w.expect(r"family: level 1 ready\n")
    w.send("\x03")
    for _ in range(3):
        w.expect(r"\[pid \d+ family.wasm\] killed")
    w.expect(r"monitor> ")
    # a full table: one squatter and its children; the monitor kills the
    # squatter alone (its children move up to none), then each child
    top = bg_pid(w.cmd("run attack squat &"))
    w.expect(r"attack squat: spawn failed", timeout=600)
    full = proctrace(w)[2]
    w.cmd(f"kill {top}")
    for pid in sorted(proctrace(w)[2], reverse=True):
        w.cmd(f"kill {pid}", timeout=240)
    return full


def test_kernel_life_cycle_follows_the_model():
    with Wisp(iso=DEBUG_ISO, total_timeout=1200) as w:
        w.boot()
        proctrace(w)
        full = one_pass(w)
        mem1 = proctrace(w)[3]
        one_pass(w)
        mem2 = proctrace(w)[3]
        w.sendline("halt")
        w.wait_exit()
        log = w.log
    m, mems = model.replay(log)
    assert not m.live and m.ended == set(range(1, m.last_pid + 1))
    # one report line per pid
    counts = Counter(int(p) for p in REPORT_RE.findall(log))
    assert sorted(counts) == list(range(1, m.last_pid + 1))
    assert set(counts.values()) == {1}, [p for p, n in counts.items() if n != 1]
    # memory back: heap bytes and free frames as after the first pass
    assert mem2 == mem1, (mem1, mem2)
    assert len(full) > 100                      # PROC_MAX less the reserve
    print(f"proc model: {m.events} events, {m.last_pid} processes, "
          f"{len(mems)} dumps as the kernel's; a full table of {len(full)}; "
          f"heap bytes and free frames {mem1} after both passes")


def test_planted_bug_is_caught_by_the_kernel_and_the_model():
    """ping ends before pong, the server it started (pong sees EPIPE only
    once ping's handles are closed, and runs after ping's end): with the
    bug planted pong still names ping as its parent when ping is gone."""
    with Wisp(iso=DEBUG_ISO, allow_panic=True) as w:
        w.boot()
        w.cmd("proctrace plant")
        w.sendline("run ping 5")
        m = w.expect(r"PANIC: process invariant broken after the end of pid "
                     r"(\d+): pid (\d+): (.*)\n")
        w.wait_exit()
        log = w.log
    ping, pong = 1, 2
    assert (int(m.group(1)), int(m.group(2))) == (ping, pong)
    assert "parent is not in the table" in m.group(3)
    with pytest.raises(model.TraceError) as err:
        model.replay(log)
    assert err.value.event == ["G", str(ping), "0"]
    assert f"[{pong}] still name {ping}" in err.value.why
