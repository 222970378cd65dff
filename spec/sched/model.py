"""The scheduler and threads, as an executable model (spec/sched.md).

One CPU, one run queue (FIFO), any number of wait queues (named by the
kernel's addresses), dead threads.  The model replays the events a
SCHED_DEBUG kernel records (kernel/schedcheck.c), checks that each is
allowed in the state it finds, checks the invariant at every switch,
and gives each thread's place so a kernel's state dump can be compared
with it.

The invariant: at every switch each thread is in exactly one place:

    run          the CPU's current thread (exactly one)
    ready i      at index i of the run queue (once)
    wait q i     at index i of wait queue q (once, on one queue only)
    dead         exited, not yet reaped (on no queue)
    idle         the idle thread alone, when it does not run (never queued)

Events (one per line, `E op args`):

    N t          thread t is registered (a tid never seen before)
    I t          t is the idle thread, parked
    X p n        the scheduler switches from p to n (p = 0: boot); n must be
                 the head of the run queue, or the idle thread when the queue
                 is empty (round robin)
    R t          t is appended to the run queue: a new or woken thread, or the
                 running one yielding
    B t S q i    the running thread t sleeps on q, at index i (a sorted queue
                 puts it anywhere)
    B t Z        the running thread t exits (a zombie)
    W t q        t is taken off wait queue q (woken or interrupted); it must be
                 made ready (R t) before the next switch
    F t          the zombie t is reaped (freed)

    python3 spec/sched/model.py LOG    replay every schedtrace dump in a
                                       serial log and compare the states
"""

import re
import sys


class TraceError(Exception):
    """The trace breaks a rule: an event not allowed in its state, or the
    invariant broken at a switch.  `index` is the event's number."""

    def __init__(self, index, event, why):
        super().__init__(f"event {index} ({' '.join(event)}): {why}")
        self.index = index
        self.event = event
        self.why = why


class Sched:
    """The model's state: who runs, the run queue, the wait queues, the
    dead, the idle thread; `new` (registered, not yet ready) and `woken`
    (off a wait queue, not yet ready) hold threads between two events of
    one kernel operation."""

    def __init__(self):
        self.running = None
        self.ready = []
        self.waits = {}             # queue -> [tid, ...] in queue order
        self.dead = set()
        self.idle = None
        self.new = set()
        self.woken = set()
        self.seen = set()           # every tid ever registered
        self.events = 0
        self.switches = 0

    # ---- the places ----------------------------------------------------

    def places(self, tid):
        """Every place tid is in (the invariant wants exactly one)."""
        out = []
        if tid == self.running:
            out.append(("run",))
        out += [("ready", i) for i, t in enumerate(self.ready) if t == tid]
        for q, ts in self.waits.items():
            out += [("wait", q, i) for i, t in enumerate(ts) if t == tid]
        if tid in self.dead:
            out.append(("dead",))
        if tid == self.idle and tid != self.running:
            out.append(("idle",))
        if tid in self.new:
            out.append(("new",))
        if tid in self.woken:
            out.append(("woken",))
        return out

    def live(self):
        """Every thread registered and not reaped."""
        ts = set(self.ready) | self.dead | self.new | self.woken
        for q in self.waits.values():
            ts |= set(q)
        for t in (self.running, self.idle):
            if t is not None:
                ts.add(t)
        return ts

    def invariant(self):
        """None if every thread is in exactly one place, else why not."""
        if self.running is None:
            return "no thread runs"
        for t in sorted(self.live()):
            ps = self.places(t)
            if len(ps) != 1:
                return f"thread {t} is in {len(ps)} places: {ps}"
            if ps[0][0] in ("new", "woken"):
                return f"thread {t} is {ps[0][0]} but not on the run queue"
        return None

    # ---- the events ----------------------------------------------------

    def step(self, ev):
        """Apply one event (a list of words, op first); raise TraceError."""
        self.events += 1
        op, a = ev[0], ev[1:]

        def bad(why):
            raise TraceError(self.events, ev, why)

        def tid(i):
            return int(a[i])

        if op == "N":
            t = tid(0)
            if t in self.seen:
                bad(f"tid {t} is reused")
            self.seen.add(t)
            self.new.add(t)
        elif op == "I":
            t = tid(0)
            if t not in self.new:
                bad("the idle thread must be a new thread")
            self.new.discard(t)
            self.idle = t
        elif op == "X":
            self.switch(tid(0), tid(1), bad)
        elif op == "R":
            t = tid(0)
            if t in self.new:
                self.new.discard(t)
            elif t in self.woken:
                self.woken.discard(t)
            elif t != self.running:
                bad(f"thread {t} made ready is not new, woken or running")
            if t == self.idle:
                bad("the idle thread is never queued")
            self.ready.append(t)
        elif op == "B":
            t = tid(0)
            if t != self.running:
                bad(f"thread {t} blocks but thread {self.running} runs")
            if t == self.idle:
                bad("the idle thread never blocks")
            if a[1] == "Z":
                self.dead.add(t)
            else:
                q, i = a[2], int(a[3])
                ts = self.waits.setdefault(q, [])
                if not 0 <= i <= len(ts):
                    bad(f"index {i} on a queue of {len(ts)}")
                ts.insert(i, t)
        elif op == "W":
            t, q = tid(0), a[1]
            if t not in self.waits.get(q, []):
                bad(f"thread {t} is woken from {q} but does not wait there")
            self.waits[q].remove(t)
            if not self.waits[q]:
                del self.waits[q]
            self.woken.add(t)
        elif op == "F":
            t = tid(0)
            if t not in self.dead or t == self.running:
                bad(f"thread {t} is freed but is not a dead thread")
            self.dead.discard(t)
        else:
            bad(f"unknown event {op}")

    # book: sched_switch
    def switch(self, prev, nxt, bad):
        """X prev nxt: round robin picks the run queue's head, else idle."""
        if prev == 0:
            if self.running is not None or nxt not in self.new:
                bad("the boot thread starts once, as a new thread")
            self.new.discard(nxt)
        else:
            if prev != self.running:
                bad(f"switch from {prev} but thread {self.running} runs")
            if nxt == self.idle and nxt != prev:
                if self.ready:
                    bad(f"the idle thread runs while {self.ready} are ready")
            elif self.ready and self.ready[0] == nxt:
                self.ready.pop(0)
            elif nxt != self.idle:
                bad(f"thread {nxt} runs but the run queue's head is "
                    f"{self.ready[0] if self.ready else 'nobody'}")
        self.running = nxt
        self.switches += 1
        why = self.invariant()
        if why:
            bad(why)
    # book: sched_switch

    # ---- comparing with the kernel --------------------------------------

    def snapshot(self):
        """{tid: place} in the kernel dump's words."""
        out = {}
        for t in self.live():
            ps = self.places(t)
            p = ps[0] if len(ps) == 1 else ("?",) + tuple(ps)
            if p[0] == "ready":
                out[t] = f"ready {p[1]}"
            elif p[0] == "wait":
                out[t] = f"wait {p[1]} {p[2]}"
            else:
                out[t] = p[0]
        return out


def parse_dumps(log):
    """The schedtrace dumps of a serial log: a list of
    (header, events, kernel_places) in order."""
    dumps = []
    cur = None
    for line in log.splitlines():
        line = line.strip()
        m = re.search(r"schedtrace: begin idle=(\d+) runq=(\w+) lost=(\d+)", line)
        if m:
            cur = ({"idle": int(m[1]), "runq": m[2], "lost": int(m[3])}, [], {})
            continue
        if cur is None:
            continue
        if line.startswith("schedtrace: end"):
            if "left out" in line:
                cur[0]["truncated"] = True
            dumps.append(cur)
            cur = None
        elif line.startswith("E "):
            cur[1].append(line.split()[1:])
        elif line.startswith("T "):
            w = line.split()
            t, where = int(w[1]), w[2]
            if where == "ready":
                cur[2][t] = f"ready {w[3]}"
            elif where == "wait":
                cur[2][t] = f"wait {w[3]} {w[4]}"
            else:
                cur[2][t] = where
    if cur is not None:             # a panic cut the dump short
        dumps.append(cur)
    return dumps


def replay(log, model=None):
    """Replay every dump of a serial log through one model, comparing its
    state with the kernel's after each; return the model.  Raises
    TraceError where the trace breaks a rule, ValueError where the
    kernel's state differs from the model's."""
    model = model or Sched()
    dumps = parse_dumps(log)
    if not dumps:
        raise ValueError("no schedtrace dump in the log")
    for n, (head, events, places) in enumerate(dumps, 1):
        if head["lost"]:
            raise ValueError(f"dump {n}: {head['lost']} events lost")
        if head.get("truncated"):
            raise ValueError(f"dump {n}: threads left out")
        for ev in events:
            model.step(ev)
        mine = model.snapshot()
        if mine != places:
            diff = sorted(set(mine.items()) ^ set(places.items()))
            raise ValueError(f"dump {n}: the kernel's state differs from "
                             f"the model's: {diff}")
    return model


def main(argv):
    if len(argv) != 2:
        print(__doc__.strip().splitlines()[0])
        print("usage: model.py SERIAL-LOG")
        return 2
    with open(argv[1], encoding="utf-8", errors="replace") as f:
        m = replay(f.read())
    print(f"sched model: {m.events} events, {m.switches} switches, "
          f"{len(m.seen)} threads: every state as the kernel's")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
