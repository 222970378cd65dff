#!/usr/bin/python3
"""spec/ipc/script.py: scripts and traces of the IPC reference model.

A script drives several processes through IPC steps in a fixed order; its
trace is what the model (spec/ipc/model.py) -- and, in the model-based
tests, the kernel's test service -- prints for it.  Both formats are
defined in spec/ipc.md, "Scripts and traces".  Also here: the seeded
random script generator and the shrinker.

Run as a program:  script.py run FILE       print the trace of a script file
                   script.py gen SEED       print a random script
                   script.py check --scripts N --seed S
                                            invariants and one answer per
                                            call over N random scripts
"""

import random
import re
import sys
from dataclasses import dataclass

from model import (BLOCKED, HANDLES_MAX, MEM_SIZE, MSG_BUF_MAX, R_GRANT, R_RECV,
                   R_SEND, U32, Msg, ScriptError, check_invariants, initial_state,
                   op_bad_pointer, op_fail_alloc, op_watch, op_kdev, op_kinput,
                   op_call, op_close, op_dup, op_ep_create, op_exit, op_give,
                   op_ntfn_create, op_recv, op_reply, op_reply_recv, op_revoke, op_send,
                   op_signal, op_try_recv, op_try_send, op_wait, rights_parse,
                   rights_str, _running)

# --- Scripts ---------------------------------------------------------------
# A script: Script(nprocs, steps), each step Step(pid, op, args).  Its text
# form is one line per step (spec/ipc.md, "Scripts and traces").
@dataclass(frozen=True)
class Step:
    pid: int
    op: str
    args: tuple = ()        # (key, value) pairs, see STEP_ARGS


@dataclass(frozen=True)
class Script:
    nprocs: int
    steps: tuple


# op -> its positional argument names; message keys come as key=value
STEP_ARGS = {
    "ep_create": (), "ntfn_create": (), "dup": ("h", "rights", "badge"),
    "close": ("h",), "give": ("h", "to"), "send": ("h",), "try_send": ("h",),
    "call": ("h",), "recv": ("h",), "try_recv": ("h",), "reply": ("r",),
    "reply_recv": ("r", "h"), "signal": ("h",), "wait": ("h",),
    "exit": (), "kill": (), "revoke": ("h",),
    "exit": (), "kill": (),
    "fail_alloc": ("n",),           # the test kernel's switch (model.py)
    "watch": ("h", "to"),           # signal ntfn h when process `to` ends
    "kdev": (),                     # the kernel gives the process a device
    "kinput": ("d",),               # input for device d (the kernel signals)
}
MSG_KEYS = ("label", "words", "buf", "handles")
HAS_MSG = ("send", "try_send", "call", "reply", "reply_recv")
HAS_RBUF = ("call", "recv", "try_recv", "reply_recv")
SCRIPT_MAGIC = "wisp-ipc-script 1"
# badptr=1: the step's message, wisp_in or output pointer lies outside
# memory (op_bad_pointer); only the ops that take such a pointer
POINTER_OPS = ("ep_create", "ntfn_create", "dup", "send", "try_send", "call",
               "recv", "try_recv", "reply", "reply_recv", "wait")
EXTRA_KEYS = MSG_KEYS + ("rbuf", "badptr")


def _fmt_val(k, v):
    if k == "rights":
        return rights_str(v)
    if k in ("buf", "rbuf"):
        return f"{v[0]}+{v[1]}"
    if k == "words":
        return ",".join(map(str, v)) or "-"
    if k == "handles":
        return ",".join(f"{sl}{m}" for sl, m in v) or "-"
    return str(v)


def _parse_val(k, text):
    if k == "rights":
        return rights_parse(text)
    if k in ("buf", "rbuf"):
        a, b = text.split("+")
        return (int(a), int(b))
    if k == "words":
        return () if text == "-" else tuple(int(w) for w in text.split(","))
    if k == "handles":
        return () if text == "-" else tuple((int(h[:-1]), h[-1]) for h in text.split(","))
    return int(text)


def format_step(st):
    """One script line: PID OP POSITIONAL... KEY=VALUE..."""
    a = dict(st.args)
    pos = [_fmt_val(k, a[k]) for k in STEP_ARGS[st.op]]
    kv = [f"{k}={_fmt_val(k, a[k])}" for k in EXTRA_KEYS if k in a]
    return " ".join([str(st.pid), st.op] + pos + kv)


def format_script(sc):
    return "\n".join([SCRIPT_MAGIC, f"procs {sc.nprocs}"] +
                     [format_step(st) for st in sc.steps]) + "\n"


def parse_script(text):
    """The Script of a script's text; ValueError with the line number for
    anything malformed."""
    lines = [ln.split("#")[0].strip() for ln in text.splitlines()]
    lines = [(i + 1, ln) for i, ln in enumerate(lines) if ln]
    if len(lines) < 2 or lines[0][1] != SCRIPT_MAGIC or not lines[1][1].startswith("procs "):
        raise ValueError(f"a script starts with '{SCRIPT_MAGIC}' and 'procs N'")
    nprocs = int(lines[1][1].split()[1])
    steps = []
    for n, ln in lines[2:]:
        try:
            steps.append(_parse_step(ln.split(), nprocs))
        except (ValueError, IndexError, KeyError) as e:
            raise ValueError(f"script line {n}: {ln!r}: {e}") from None
    return Script(nprocs, tuple(steps))


def _parse_step(tok, nprocs):
    pid, op = int(tok[0]), tok[1]
    if op not in STEP_ARGS or not 1 <= pid <= nprocs:
        raise ValueError("unknown op or pid")
    names = STEP_ARGS[op]
    args = [(k, _parse_val(k, v)) for k, v in zip(names, tok[2:2 + len(names)])]
    if len(args) != len(names):
        raise ValueError("missing arguments")
    for kv in tok[2 + len(names):]:
        k, v = kv.split("=", 1)
        if k not in EXTRA_KEYS or (k == "badptr" and op not in POINTER_OPS):
            raise ValueError(f"unknown key {k}")
        args.append((k, _parse_val(k, v)))
    return Step(pid, op, tuple(args))


# --- Running a script ----------------------------------------------------
def apply_step(state, st):
    """(new state, Result) of one script step (ScriptError if the step's
    process cannot issue it)."""
    a = dict(st.args)
    msg = Msg(a.get("label", 0), a.get("words", ()), a.get("buf"), a.get("handles", ()))
    rb, p = a.get("rbuf"), st.pid
    if a.get("badptr"):
        return op_bad_pointer(state, p)
    table = {
        "ep_create": lambda: op_ep_create(state, p),
        "ntfn_create": lambda: op_ntfn_create(state, p),
        "dup": lambda: op_dup(state, p, a["h"], a["rights"], a["badge"]),
        "close": lambda: op_close(state, p, a["h"]),
        "give": lambda: op_give(state, p, a["h"], a["to"]),
        "send": lambda: op_send(state, p, a["h"], msg),
        "try_send": lambda: op_try_send(state, p, a["h"], msg),
        "call": lambda: op_call(state, p, a["h"], msg, rb),
        "recv": lambda: op_recv(state, p, a["h"], rb),
        "try_recv": lambda: op_try_recv(state, p, a["h"], rb),
        "reply": lambda: op_reply(state, p, a["r"], msg),
        "reply_recv": lambda: op_reply_recv(state, p, a["r"], msg, a["h"], rb),
        "signal": lambda: op_signal(state, p, a["h"]),
        "wait": lambda: op_wait(state, p, a["h"]),
        "exit": lambda: op_exit(state, p) if _running(state, p) else None,
        "kill": lambda: op_exit(state, p),
        "revoke": lambda: op_revoke(state, p, a["h"]),
        "fail_alloc": lambda: op_fail_alloc(state, p, a["n"]),
        "watch": lambda: op_watch(state, p, a["h"], a["to"]),
        "kdev": lambda: op_kdev(state, p),
        "kinput": lambda: op_kinput(state, p, a["d"]),
    }
    return table[st.op]()


def format_ret(r):
    """A Ret as the trace prints it: ok [k=v ...] | blocked | ENAME."""
    parts = [r.err]
    for k, v in r.fields:
        if k == "buf":
            parts.append(f"buf={v[0]}/{v[1]}")
        elif k in ("words", "handles"):
            parts.append(f"{k}={','.join(map(str, v))}")
        else:
            parts.append(f"{k}={v}")
    return " ".join(parts)


def _obj_name(s, k):
    return f"{s.objs[k].kind}{k}" if k in s.objs else str(k)


def format_state(s):
    """The final-state lines of a trace: one per process, one per live
    endpoint and notification."""
    out = []
    for pid in sorted(s.procs):
        p = s.procs[pid]
        st = p.state if p.state in ("running", "dead", "reply") else \
            f"{p.state}:{_obj_name(s, p.obj)}"
        hs = []
        for sl in sorted(p.handles):
            h = p.handles[sl]
            if h.kind == "reply":
                c = s.objs[h.obj].caller
                hs.append(f"{sl}=reply:{'-' if c is None else c}")
            else:
                hs.append(f"{sl}={h.kind}{h.obj}:{rights_str(h.rights)}:{h.badge}")
        out.append(" ".join([f"proc {pid}", st] + hs))
    for k in sorted(x for x in s.objs if isinstance(x, int)):
        o = s.objs[k]
        q = lambda xs: ",".join(map(str, xs)) or "-"   # noqa: E731
        if o.kind == "ep":
            out.append(f"ep{k} sendq={q(o.sendq)} recvq={q(o.recvq)}")
        else:
            out.append(f"ntfn{k} word={o.word} waitq={q(o.waitq)}")
    return out


def run_script(sc, check=False):
    """(trace lines, final state) of a script; with check, raises
    AssertionError naming the step after which an invariant broke."""
    s, trace = initial_state(sc.nprocs), []
    for n, st in enumerate(sc.steps, 1):
        s, res = apply_step(s, st)
        trace.append(f"{n}: {st.pid} {st.op} -> {format_ret(res.ret)}")
        trace += [f"{n}: wake {pid} -> {format_ret(r)}" for pid, r in res.wakes]
        if check:
            bad = check_invariants(s)
            if bad:
                raise AssertionError(f"after step {n} ({format_step(st)}): {bad}")
    return trace + ["final"] + format_state(s), s


def call_answers(trace, s):
    """Check of a trace and its final state s: every call that blocked got
    exactly one answer before its process stepped again (a kill may come
    before the answer: then none), and a caller still blocked at the end
    has none yet.  Returns the violations (an empty list when it holds)."""
    bad, waiting = [], {}               # pid -> answers since its call
    for ln in trace:
        m = re.match(r"(\d+): (wake )?(\d+) (\S+ )?-> (\S+)", ln)
        if not m:
            continue
        pid = int(m[3])
        if m[2]:
            if pid in waiting:
                waiting[pid] += 1
            continue
        if pid in waiting:
            n, op = waiting.pop(pid), m[4].strip()
            if not (n == 1 or (op == "kill" and n == 0)):
                bad.append(f"step {m[1]}: the call of pid {pid} got {n} answers")
        if m[4] == "call " and m[5] == BLOCKED:
            waiting[pid] = 0
    for pid, n in waiting.items():
        if n != (1 if s.procs[pid].state == "running" else 0):
            bad.append(f"pid {pid} ({s.procs[pid].state}) got {n} answers")
    return bad


def first_divergence(expected, actual):
    """The first line where two traces differ, as (line number from 1,
    expected line, actual line; None past an end), or None if equal."""
    for i in range(max(len(expected), len(actual))):
        e = expected[i] if i < len(expected) else None
        a = actual[i] if i < len(actual) else None
        if e != a:
            return i + 1, e, a
    return None


def is_valid(sc):
    """Whether every step of the script can be issued (no ScriptError)."""
    try:
        run_script(sc)
        return True
    except ScriptError:
        return False


# --- Random scripts and shrinking -------------------------------------------
OP_WEIGHTS = (("call", 14), ("recv", 14), ("reply", 12), ("send", 7),
              ("reply_recv", 7), ("try_send", 4), ("try_recv", 4),
              ("signal", 4), ("wait", 4), ("dup", 6), ("close", 4),
              ("give", 3), ("ep_create", 2), ("ntfn_create", 2),
              ("exit", 2), ("kill", 2))


@dataclass(frozen=True)
class Profile:
    """What random scripts exercise: the ops and their weights, how many
    processes, how process 1 hands out its endpoint and notification
    ("badged": each other process gets a send+grant copy of the endpoint
    badged with its pid, minted by dup; "plain": the srg handles
    themselves, no dup), and how often a message carries words, a buffer
    and handles.  The default is every part of IPC at once; a narrower
    profile makes scripts about one part (the lab graders' groups)."""
    ops: tuple = OP_WEIGHTS
    nprocs: tuple = (2, 4)
    setup: str = "badged"
    words: float = 0.5
    buf: float = 0.3
    handles: float = 0.2
    max_steps: int = 40


DEFAULT_PROFILE = Profile()


def _pick_slot(rng, p, kind=None, right=0):
    """Mostly a slot p holds (of `kind`, with `right`, if it has one),
    sometimes any slot at all."""
    mine = [sl for sl, h in p.handles.items()
            if (kind is None or h.kind == kind) and h.rights & right == right]
    if mine and rng.random() < 0.9:
        return rng.choice(sorted(mine))
    return rng.randrange(min(HANDLES_MAX, 16) + 2)   # mostly low slots


def _gen_msg(rng, p, prof):
    """Random message arguments: mostly small and valid, sometimes not."""
    a = [("label", rng.choice((0, 1, 7, U32 - 1)))]
    if rng.random() < prof.words:
        a.append(("words", tuple(rng.randrange(100) for _ in range(rng.choice((1, 2, 8, 9))))))
    if rng.random() < prof.buf:
        a.append(("buf", (rng.choice((0, 0, 65536, MEM_SIZE - 8)),
                          rng.choice((0, 8, 100, 4096, MSG_BUF_MAX, MSG_BUF_MAX + 1)))))
    if rng.random() < prof.handles and p.handles:
        n = min(len(p.handles), rng.choice((1, 2, 5)))
        slots = rng.sample(sorted(p.handles), n)
        a.append(("handles", tuple((sl, rng.choice("mc")) for sl in slots)))
    return a


def _gen_step(rng, s, pid, prof=DEFAULT_PROFILE):
    """A random step for running process pid in state s."""
    p, op = s.procs[pid], rng.choices(*zip(*prof.ops))[0]
    has_reply = any(h.kind == "reply" for h in p.handles.values())
    if has_reply and rng.random() < 0.5:
        op = rng.choice(("reply", "reply_recv"))
    elif op in ("reply", "reply_recv") and not has_reply and rng.random() < 0.8:
        op = rng.choice(("call", "recv"))
    others = [q for q, pr in s.procs.items() if q != pid and pr.state == "running"]
    if op == "kill":
        live = [q for q, pr in s.procs.items() if pr.state != "dead"]
        return Step(rng.choice(live), "kill")
    if op == "give" and not others:
        op = "dup"
    a = []
    if op in ("reply", "reply_recv"):
        a.append(("r", _pick_slot(rng, p, "reply")))
    if op == "dup":
        a += [("h", _pick_slot(rng, p)), ("rights", rng.choice((1, 2, 3, 4, 5, 7))),
              ("badge", rng.choice((0, 0, rng.randrange(1, 100))))]
    elif op == "give":
        a += [("h", _pick_slot(rng, p)), ("to", rng.choice(others))]
    elif op == "revoke":
        a.append(("h", _pick_slot(rng, p)))
    elif op in ("signal", "wait"):
        a.append(("h", _pick_slot(rng, p, "ntfn", R_SEND if op == "signal" else R_RECV)))
    elif STEP_ARGS[op][-1:] == ("h",):
        a.append(("h", _pick_slot(rng, p, "ep", R_RECV if "recv" in op else R_SEND)))
    if op in HAS_MSG:
        a += _gen_msg(rng, p, prof)
    if op in HAS_RBUF:
        a.append(("rbuf", (rng.choice((0, 0, 0, MEM_SIZE - 16)),
                           rng.choice((0, 16, 4096, 4096, 70000)))))
    return Step(pid, op, tuple(a))


def _setup(rng, nprocs, how):
    """The first steps of a random script: process 1 creates an endpoint
    (slot 0) and a notification (slot 1) and hands them out (Profile)."""
    steps = [Step(1, "ep_create"), Step(1, "ntfn_create")]
    for q in range(2, nprocs + 1):
        if how == "plain":
            steps += [Step(1, "give", (("h", 0), ("to", q))),
                      Step(1, "give", (("h", 1), ("to", q)))]
            continue
        steps += [Step(1, "dup", (("h", 0), ("rights", R_SEND | R_GRANT), ("badge", q))),
                  Step(1, "give", (("h", q), ("to", q))),
                  Step(1, "give", (("h", 1), ("to", q)))]
        if rng.random() < 0.5:
            steps.append(Step(1, "give", (("h", 0), ("to", q))))
    return steps


def gen_script(seed, max_steps=None, profile=DEFAULT_PROFILE):
    """A random valid script from an integer seed (the same seed and
    profile give the same script).  Process 1 first creates an endpoint
    and a notification and gives every other process a badged send handle
    and a copy (profile.setup); then up to max_steps (default
    profile.max_steps) random steps of the profile's ops."""
    rng = random.Random(seed)
    nprocs = rng.randint(*profile.nprocs)
    steps = _setup(rng, nprocs, profile.setup)
    s = run_script(Script(nprocs, tuple(steps)))[1]
    for _ in range(rng.randint(1, max_steps or profile.max_steps)):
        running = [q for q, p in s.procs.items() if p.state == "running"]
        if not running:
            break
        st = _gen_step(rng, s, rng.choice(running), profile)
        s = apply_step(s, st)[0]
        steps.append(st)
    return Script(nprocs, tuple(steps))


def shrink(sc, shows):
    """A shortest-found script that still shows the problem: repeatedly
    drops chunks of steps, then single steps, keeping a candidate only if
    it is valid and shows(candidate) is true.  `shows` is the divergence
    predicate (e.g. "the kernel's trace differs from the model's")."""
    steps = list(sc.steps)
    chunk = max(1, len(steps) // 2)
    while chunk >= 1:
        i, progress = 0, False
        while i < len(steps):
            cand = Script(sc.nprocs, tuple(steps[:i] + steps[i + chunk:]))
            if is_valid(cand) and shows(cand):
                steps, progress = list(cand.steps), True
            else:
                i += chunk
        if not progress:
            chunk //= 2
    return Script(sc.nprocs, tuple(steps))


# --- Command line -----------------------------------------------------------
def _invariant_breaks(sc):
    """Whether an invariant or the one-answer-per-call rule breaks."""
    try:
        trace, s = run_script(sc, check=True)
    except AssertionError:
        return True
    return bool(call_answers(trace, s))


def _check(n, seed):
    """Run n random scripts with invariant checks; 0 if all hold."""
    for k in range(seed, seed + n):
        sc = gen_script(k)
        if _invariant_breaks(sc):
            small = shrink(sc, _invariant_breaks)
            try:
                trace, s = run_script(small, check=True)
                why = call_answers(trace, s)
            except AssertionError as e:
                why = e
            print(f"seed {k}: {why}; shortest script:\n{format_script(small)}")
            return 1
    print(f"model: {n} random scripts (seeds {seed}..{seed + n - 1}): "
          "invariants and one answer per call hold")
    return 0


def main(argv):
    usage = "usage: script.py run FILE | gen SEED | check --scripts N --seed S"
    try:
        if argv[:1] == ["run"] and len(argv) == 2:
            with open(argv[1]) as f:
                print("\n".join(run_script(parse_script(f.read()))[0]))
            return 0
        if argv[:1] == ["gen"] and len(argv) == 2:
            print(format_script(gen_script(int(argv[1]))), end="")
            return 0
        if argv[:1] == ["check"] and len(argv) == 5 and argv[1] == "--scripts" \
                and argv[3] == "--seed":
            return _check(int(argv[2]), int(argv[4]))
    except (OSError, ValueError, ScriptError) as e:
        print(f"script.py: {e}", file=sys.stderr)
        return 2
    print(usage, file=sys.stderr)
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
