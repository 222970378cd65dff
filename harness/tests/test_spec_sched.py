"""The scheduler's model (spec/sched/model.py, spec/sched.md) against the
kernel: the debug kernel (build/kdebug/debug.iso: SCHED_DEBUG, which
checks the invariant on its own queues at every switch and records every
transition) runs a workload that creates, blocks, wakes, sleeps,
interrupts, preempts, kills and reaps threads; after each step its
`schedtrace` dump (the events since the last one, then every thread's
place) is replayed through the model, whose state must be the kernel's.
A planted bug (`schedtrace plant`: the next thread to sleep also stays on
the run queue) must be caught twice: by the kernel's own check, which
panics, and by the model, which rejects the trace the kernel printed."""

import importlib.util
import re
from pathlib import Path

import pytest

from wisp_harness import Wisp

ROOT = Path(__file__).resolve().parents[2]
_spec = importlib.util.spec_from_file_location(
    "sched_model", ROOT / "spec" / "sched" / "model.py")
model = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(model)

DEBUG_ISO = "build/kdebug/debug.iso"


# ---- the model alone ------------------------------------------------------

def trace(text):
    return [line.split() for line in text.strip().splitlines()]


# Boot, a thread made, run, put to sleep on queue a, woken, run, exit,
# reaped: the life of one thread.
GOOD = trace("""
N 1
N 2
I 2
X 0 1
N 3
R 3
R 1
X 1 3
B 3 S a 0
X 3 1
W 3 a
R 3
B 1 S b 0
X 1 3
B 3 Z
X 3 2
W 1 b
R 1
X 2 1
F 3
""")


def run(events):
    m = model.Sched()
    for ev in events:
        m.step(ev)
    return m


def test_model_accepts_a_threads_life():
    m = run(GOOD)
    assert m.snapshot() == {1: "run", 2: "idle"}
    assert m.switches == 6


def mutated(i, new):
    """GOOD with event i replaced by the events `new` (a list)."""
    return GOOD[:i] + [e.split() for e in new] + GOOD[i + 1:]


@pytest.mark.parametrize("events, why", [
    # the planted bug: a thread left on the run queue when it sleeps
    (mutated(8, ["B 3 S a 0", "R 3"]), r"thread 3 is in 2 places"),
    # not round robin: 1 runs while 3 is the queue's head
    (mutated(7, ["X 1 1"]), r"the run queue's head is 3"),
    # a woken thread never made ready: lost
    (GOOD[:11] + trace("B 1 S b 0\nX 1 2"),
     r"thread 3 is woken but not on the run queue"),
    # a tid reused
    (mutated(4, ["N 2"]), r"tid 2 is reused"),
    # a thread freed while it runs / before it died
    (mutated(9, ["F 3"]), r"thread 3 is freed but is not a dead thread"),
    # the idle thread runs while a thread waits on the run queue
    (mutated(7, ["X 1 2"]), r"the idle thread runs while \[3, 1\] are ready"),
    # a thread woken from a queue it is not on
    (mutated(10, ["W 3 b"]), r"does not wait there"),
])
def test_model_rejects_a_broken_trace(events, why):
    with pytest.raises(model.TraceError, match=why):
        run(events)


# ---- the kernel against the model ----------------------------------------

def dump(w):
    """Run `schedtrace` and check its dump ended."""
    out = w.cmd("schedtrace", timeout=240)
    assert "schedtrace: end" in out and "left out" not in out, out[-500:]
    return out


def test_kernel_transitions_follow_the_model():
    with Wisp(iso=DEBUG_ISO, total_timeout=600) as w:
        w.boot()
        dump(w)
        out = w.cmd("threadtest", timeout=600)
        assert "threadtest: PASS" in out, out
        dump(w)
        out = w.cmd("run sleeper 1000 20 &")
        pid = int(re.search(r"\[pid (\d+)\]", out).group(1))
        w.expect(r"sleeper: 3/1000 slept")
        out = w.cmd(f"kill {pid}")
        assert "killed" in out, out
        dump(w)
        out = w.cmd("run loop &")
        pid = int(re.search(r"\[pid (\d+)\]", out).group(1))
        w.cmd("spin 200")
        out = w.cmd(f"kill {pid}")
        assert "killed" in out, out
        w.cmd("run ping 20", timeout=240)
        w.cmd("churn 20", timeout=240)
        dump(w)
        w.sendline("halt")
        w.wait_exit()
        log = w.log
    m = model.replay(log)
    kinds = set()
    for _, events, _ in model.parse_dumps(log):
        kinds |= {e[0] + (e[2] if e[0] == "B" else "") for e in events}
    assert kinds == {"N", "I", "X", "R", "BS", "BZ", "W", "F"}, kinds
    print(f"sched model: {m.events} events, {m.switches} switches, "
          f"{len(m.seen)} threads, every dump's state as the kernel's")
    assert m.switches > 200 and len(m.seen) > 30   # churn 20 alone makes 20


def test_planted_bug_is_caught_by_the_kernel_and_the_model():
    with Wisp(iso=DEBUG_ISO, allow_panic=True) as w:
        w.boot()
        w.cmd("threads")
        w.sendline("schedtrace plant")
        m = w.expect(r"PANIC: scheduler invariant broken at switch (\d+) -> "
                     r"(\d+): (.*) \(thread (\d+), ")
        w.wait_exit()
        log = w.log
    tid = int(m.group(4))
    with pytest.raises(model.TraceError) as err:
        model.replay(log)
    assert err.value.event[0] == "X"
    assert f"thread {tid} is in 2 places" in err.value.why, err.value.why
