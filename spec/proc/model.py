"""The process life cycle, as an executable model (spec/process.md,
"Invariants").

The model replays the events a PROC_DEBUG kernel records
(kernel/proc/proccheck.c), checks each against the rules of
spec/process.md, and compares its table with the kernel's at every
`proctrace` dump.  Events (one per line, `E op a b`):

    S pid ppid     pid is spawned by ppid (0: by the kernel); pids are
                   handed out in order from 1, a failed spawn takes none,
                   so pid is the last one plus one: never reused
    K pid tree     a kill of pid starts: tree 1 (the kill host call,
                   Ctrl-C) reaches every process it started, directly or
                   not; tree 0 (the monitor's kill) pid alone
    T pid          pid's kill is set (pid was live and not ending)
    k              the kill is done: the T events since K must name
                   exactly pid and, for a tree kill, its live descendants
    R pid code     pid's one report line; a killed process says so (137),
                   unless its program had ended already (an exit code)
    A pid parent   pid, a child of the process ending, moves up to parent,
                   that process's parent (0: none)
    G pid          pid, reported, leaves the table; none of its children
                   may still name it

The checks at a dump: the same processes, parents and kills as the
kernel's table; each process's quota counts exactly its descendants;
each quota's memory is the process's own linear memory plus its
children's quotas.

    python3 spec/proc/model.py LOG     replay every proctrace dump of a
                                       serial log
"""

import re
import sys

KILLED_CODE = 128 + 9


class TraceError(Exception):
    """The trace breaks a rule; `index` is the event's number."""

    def __init__(self, index, event, why):
        super().__init__(f"event {index} ({' '.join(event)}): {why}")
        self.index = index
        self.event = event
        self.why = why


class Procs:
    """The model's table: pid -> {"parent", "killed", "reported"}."""

    def __init__(self):
        self.live = {}
        self.last_pid = 0
        self.reports = {}           # pid -> how many report lines
        self.ended = set()          # pids gone from the table
        self.kill = None            # (root, tree, stopped) while a kill runs
        self.events = 0

    def descendants(self, pid):
        """The live processes pid started, directly or not."""
        out = set()
        for q in self.live:
            a = self.live[q]["parent"]
            while a:
                if a == pid:
                    out.add(q)
                    break
                a = self.live[a]["parent"] if a in self.live else 0
        return out

    def step(self, ev):
        self.events += 1
        op = ev[0]
        a = [int(x) for x in ev[1:]]

        def bad(why):
            raise TraceError(self.events, ev, why)

        if self.kill and op not in ("T", "k"):
            bad("a kill was not finished")
        if op == "S":
            pid, ppid = a
            if pid != self.last_pid + 1:
                bad(f"pid {pid} handed out after {self.last_pid} "
                    f"(in order, none skipped, never reused)")
            if ppid and ppid not in self.live:
                bad(f"spawned by {ppid}, which is not in the table")
            self.last_pid = pid
            self.live[pid] = {"parent": ppid, "killed": False,
                              "reported": False}
        elif op == "K":
            pid, tree = a
            if pid not in self.live:
                bad(f"kill of {pid}, which is not in the table")
            self.kill = (pid, tree, set())
        elif op == "T":
            pid = a[0]
            if not self.kill:
                bad("a kill set outside a kill")
            if pid not in self.live or self.live[pid]["reported"]:
                bad(f"{pid} is killed but is not a live process")
            self.live[pid]["killed"] = True
            self.kill[2].add(pid)
        elif op == "k":
            root, tree, stopped = self.kill
            want = {root} | (self.descendants(root) if tree else set())
            want = {p for p in want if not self.live[p]["reported"]}
            if stopped != want:
                bad(f"the kill of {root} stopped {sorted(stopped)}, not "
                    f"{sorted(want)}" + (" (its subtree)" if tree else ""))
            self.kill = None
        elif op == "R":
            pid, code = a
            if pid not in self.live:
                bad(f"a report for {pid}, which is not in the table")
            self.reports[pid] = self.reports.get(pid, 0) + 1
            if self.live[pid]["reported"]:
                bad(f"a second report for {pid}")
            if self.live[pid]["killed"] and code >= 128 and code != KILLED_CODE:
                bad(f"{pid} was killed but reports a trap (code {code})")
            self.live[pid]["reported"] = True
        elif op == "A":
            pid, parent = a
            old = self.live.get(pid, {}).get("parent")
            if not old or not self.live[old]["reported"]:
                bad(f"{pid} moves up, but its parent is not ending")
            if parent != self.live[old]["parent"]:
                bad(f"{pid} goes to {parent}, not to its parent's parent "
                    f"{self.live[old]['parent']}")
            self.live[pid]["parent"] = parent
        elif op == "G":
            pid = a[0]
            if pid not in self.live or not self.live[pid]["reported"]:
                bad(f"{pid} leaves the table without its report")
            kids = sorted(q for q, s in self.live.items() if s["parent"] == pid)
            if kids:
                bad(f"{kids} still name {pid}, which is gone, as their parent")
            del self.live[pid]
            self.ended.add(pid)
        else:
            bad(f"unknown event {op}")

    def compare(self, rows):
        """Differences between the model's table and the kernel's rows
        {pid: (parent, killed, procs, mem, own)}, and the quota rules."""
        out = []
        if set(rows) != set(self.live):
            out.append(f"processes: kernel {sorted(rows)}, model {sorted(self.live)}")
            return out
        for pid, (parent, killed, procs, mem, own) in sorted(rows.items()):
            s = self.live[pid]
            if parent != s["parent"] or bool(killed) != s["killed"]:
                out.append(f"pid {pid}: kernel parent {parent} killed {killed}, "
                           f"model {s['parent']} {int(s['killed'])}")
            if procs != len(self.descendants(pid)):
                out.append(f"pid {pid}: quota counts {procs} processes, it has "
                           f"{len(self.descendants(pid))} descendants")
            kids = sum(r[3] for q, r in rows.items() if r[0] == pid)
            if mem != own + kids:
                out.append(f"pid {pid}: memory quota {mem}, its own {own} and "
                           f"its children's {kids}")
        return out


def parse_dumps(log):
    """[(header, events, rows, (heap, frames) or None)] of a serial log."""
    dumps, cur = [], None
    for line in log.splitlines():
        line = line.strip()
        m = re.search(r"proctrace: begin next=(\d+) lost=(\d+)", line)
        if m:
            cur = ({"next": int(m[1]), "lost": int(m[2])}, [], {}, None)
            continue
        if cur is None:
            continue
        if line.startswith("proctrace: end"):
            dumps.append(cur)
            cur = None
        elif line.startswith("E "):
            cur[1].append(line.split()[1:])
        elif line.startswith("P "):
            w = [int(x) for x in line.split()[1:]]
            cur[2][w[0]] = tuple(w[1:])
        elif line.startswith("M "):
            heap, frames = (int(x) for x in line.split()[1:])
            cur = cur[:3] + ((heap, frames),)
    if cur is not None:
        dumps.append(cur)
    return dumps


def replay(log, model=None):
    """Replay every dump of a serial log through one model; return it
    and the memory counters of each dump.  TraceError where the trace
    breaks a rule, ValueError where the kernel's table differs."""
    model = model or Procs()
    dumps = parse_dumps(log)
    if not dumps:
        raise ValueError("no proctrace dump in the log")
    mems = []
    for n, (head, events, rows, mem) in enumerate(dumps, 1):
        if head["lost"]:
            raise ValueError(f"dump {n}: {head['lost']} events lost")
        for ev in events:
            model.step(ev)
        if mem is None:
            continue                # a panic's dump: events only
        if head["next"] != model.last_pid + 1:
            raise ValueError(f"dump {n}: the kernel's next pid is {head['next']}, "
                             f"the model's {model.last_pid + 1}")
        diff = model.compare(rows)
        if diff:
            raise ValueError(f"dump {n}: " + "; ".join(diff))
        mems.append(mem)
    return model, mems


def main(argv):
    if len(argv) != 2:
        print("usage: model.py SERIAL-LOG")
        return 2
    with open(argv[1], encoding="utf-8", errors="replace") as f:
        m, mems = replay(f.read())
    print(f"proc model: {m.events} events, {m.last_pid} pids, "
          f"{len(m.ended)} ended, {len(mems)} dumps as the kernel's")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
