#!/usr/bin/python3
"""spec/ipc/cover.py: how much of the IPC specification a set of scripts
exercises, scripts chosen to exercise all of it, and every short script.

Random scripts (script.py: gen_script) sample IPC; they do not reach what
is rare: a full handle table, the last send handle of an endpoint going
while a receiver waits, a notification signalled twice with different
badges.  A bug that lives only there survives any number of them.  This
file measures what scripts reach and builds suites that reach it all:

  coverage items  what "reached" means, four kinds (Coverage):
    pair      (operation, result): every result spec/ipc.md gives each
              operation, and every result a woken process can see
              (RESULTS lists them all);
    boundary  (operation, free slots before it) for each operation that
              needs free slots, at every count from 0 to
              RECV_FREE_SLOTS + 1: both sides of each limit;
    feature   named situations a result alone does not show (FEATURES);
    branch    each side of every `if` of model.py (model_branches).
  directed_suite  random scripts of several profiles (PROFILES), each kept
              only if it reaches an item no kept script reached, then the
              hand-shaped scripts (shaped_scripts) for what is left: the
              suite reaches every item it can, and says which it cannot.
  exhaustive_scripts  every script of up to `depth` steps over a small
              alphabet, from a few starting setups, with visited-state
              hashing (as spin does): each distinct model state is
              expanded once, so each (state, step) pair within the depth
              is one script.

Run as a program:  cover.py report [--min-branch P]   the directed suite's
                                                  coverage (exit 1 below P%
                                                  of branches or if a
                                                  pair, boundary or feature
                                                  is missed)
                   cover.py suite FILE            write the directed suite
                   cover.py exhaustive DEPTH FILE write every script of
                                                  DEPTH steps (and the count)
"""

import ast
import functools
import random
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

import model as M
import script as S

MODEL_FILE = str(Path(M.__file__).resolve())

# --- what there is to reach -------------------------------------------------
_MSG_ERRS = ("EINVAL", "EACCES", "EBADF", "EMSGSIZE", "EFAULT")
# op -> every result spec/ipc.md's table allows it ("blocked" included);
# "wake OP" -> every result a process blocked in OP can be woken with.
RESULTS = {
    "ep_create": ("ok", "EMFILE"),
    "ntfn_create": ("ok", "EMFILE"),
    "dup": ("ok", "EBADF", "EACCES", "EINVAL", "EMFILE"),
    "close": ("ok", "EBADF"),
    "give": ("ok", "EBADF", "EMFILE"),
    "send": ("ok", "blocked", "EPIPE") + _MSG_ERRS,
    "try_send": ("ok", "EAGAIN", "EPIPE") + _MSG_ERRS,
    "call": ("blocked", "EMFILE", "EPIPE") + _MSG_ERRS,
    "recv": ("ok", "blocked", "EBADF", "EACCES", "EFAULT", "EMFILE", "EPIPE"),
    "try_recv": ("ok", "EAGAIN", "EBADF", "EACCES", "EFAULT", "EMFILE", "EPIPE"),
    "reply": ("ok", "EPIPE", "EBADF", "EINVAL", "EMSGSIZE", "EFAULT"),
    "reply_recv": ("ok", "blocked", "EBADF", "EACCES", "EINVAL", "EMSGSIZE",
                   "EFAULT", "EMFILE", "EPIPE"),
    "signal": ("ok", "EBADF", "EACCES"),
    "wait": ("ok", "blocked", "EBADF", "EACCES", "EPIPE"),
    "exit": ("ok",),
    "kill": ("ok",),
    "revoke": ("ok", "EBADF"),
    "wake send": ("ok", "EPIPE", "ECANCELED"),
    "wake call": ("ok", "EPIPE", "ECANCELED"),
    "wake recv": ("ok", "EPIPE", "ECANCELED"),
    "wake reply_recv": ("ok", "EPIPE", "ECANCELED"),
    "wake wait": ("ok", "EPIPE", "ECANCELED"),
}

# operations that need free slots, and how many: boundary items are their
# free-slot counts 0 .. RECV_FREE_SLOTS + 1
SLOT_OPS = ("ep_create", "ntfn_create", "dup", "give", "call", "recv",
            "try_recv", "reply_recv")
BOUNDARY = tuple(range(M.RECV_FREE_SLOTS + 2))

# feature name -> what it means (Coverage.step decides when it is seen)
FEATURES = {
    "signal_or": "a signal whose bits are not all in a nonzero word (|=, not =)",
    "signal_badged_waiter": "a badged signal waking a waiter",
    "wait_badges": "a wait returning two badges' bits at once",
    "recv_epipe_last_sender": "a blocked receiver woken with EPIPE by the last s handle going",
    "send_epipe_last_receiver": "a queued sender woken with EPIPE by the last r handle going",
    "wait_epipe_last_signaller": "a waiter woken with EPIPE by the last s handle going",
    "reply_to_dead": "a reply to a caller that died (EPIPE)",
    "kill_blocked_caller": "a caller killed while waiting for its reply",
    "kill_queued": "a process killed while in a queue",
    "grant_move": "a handle moved in a message",
    "grant_copy": "a handle copied in a message",
    "grant_into_full": "a grant landing in a table with only RECV_FREE_SLOTS free",
    "truncated": "a buffer longer than the receive capacity",
    "two_in_sendq": "two processes queued to send at once",
    "two_in_recvq": "two processes queued to receive at once",
    "table_full": "a handle table with every slot used",
    "receive_only_handle": "a handle with r and without s used to receive",
    "revoke_deep": "a revoke taking back a handle derived from a derived one",
    "revoke_pending_grant": "a handle revoked while a blocked sender's message grants it",
    "revoke_keeps_other": "a process queued through a handle revoke leaves alone, "
                          "while its other handle to the object goes",
}


# Functions of model.py whose branches no valid script can take, and why.
# The rest of model.py's `if`s are the gate's universe: every side of each
# must be taken.
UNSCRIPTED = {
    "rights_parse": "script parsing, not behaviour",
    "op_give_proc": "process handles are not in the script format (spawn)",
    "op_kill": "idem: a script's kill is op_exit; test_spec_model tests op_kill",
    "check_invariants": "the checker: its true sides are bugs",
    "_check_blocked": "idem",
    "_check_derived": "idem",
    "_alloc_failed": "the allocation-failure switch: a step of the oracle's "
                     "scripts (harness/wisp_harness/oraclescripts.py), which run "
                     "in the test kernel only",
    "op_watch": "watch is a kernel call, not the test service's: the oracle's "
                "scripts only (test_spec_oracle.py checks they reach each result)",
    "_notify": "idem (the kernel signalling a watch)",
    "_end_watches": "idem (watches ended by a death)",
    "op_kdev": "the console device is the kernel's, not the test service's: "
               "the oracle's scripts only (test_spec_oracle.py checks they "
               "reach each result)",
    "op_kinput": "idem (serial input)",
}
# Single `if`s no valid script can take one side of: (function, test) ->
# why.  Listed by their source text, so a moved line keeps its reason.
UNSCRIPTED_SIDES = {
    ("_close", 'h.kind == "proc"', True): "process handles are not in scripts",
    ("_running", 'p is None or p.state != "running"', True):
        "a step of a process not running is an invalid script",
    ("op_exit", 'p is None or p.state == "dead"', True):
        "idem: a dead process issues nothing",
    ("op_dup", "rights & ~R_ANY or not 0 <= badge < U32", True):
        "scripts spell rights as letters and badges as u32",
    ("op_ep_create", "s.fail_allocs", True):
        "the allocation-failure switch: the oracle's scripts only",
    ("op_ntfn_create", "s.fail_allocs", True): "idem",
}


@functools.lru_cache(maxsize=None)
def model_branches():
    """The branches of model.py the gate counts: {if line: (function, test
    source, last line of the test, first line of the body)} for every if
    and elif outside UNSCRIPTED."""
    text = Path(MODEL_FILE).read_text()
    out = {}
    for fn in ast.walk(ast.parse(text)):
        if not isinstance(fn, ast.FunctionDef) or fn.name in UNSCRIPTED:
            continue
        for node in ast.walk(fn):
            if isinstance(node, ast.If):
                out[node.lineno] = (fn.name, ast.get_source_segment(text, node.test),
                                    node.test.end_lineno, node.body[0].lineno)
    return out


def branch_universe():
    """(line, side) of every branch a script can take."""
    return {(ln, side) for ln, (fn, test, _, _) in model_branches().items()
            for side in (True, False) if (fn, test, side) not in UNSCRIPTED_SIDES}


@dataclass
class Coverage:
    """The items some scripts reached (see the top of the file)."""
    pairs: set = field(default_factory=set)
    boundary: set = field(default_factory=set)
    features: set = field(default_factory=set)
    arcs: set = field(default_factory=set)      # (line, next line) in model.py

    def items(self):
        return ({("pair",) + p for p in self.pairs} |
                {("boundary",) + b for b in self.boundary} |
                {("feature", f) for f in self.features} |
                {("branch",) + b for b in self.branches()})

    def branches(self):
        """The (if line, side) pairs the recorded arcs took."""
        got, ends = set(), {}
        for line, (_, _, test_end, body) in model_branches().items():
            for ln in range(line, test_end + 1):
                ends.setdefault(ln, []).append((line, test_end, body))
        for a, b in self.arcs:
            for line, test_end, body in ends.get(a, ()):
                if not line <= b <= test_end:
                    got.add((line, b == body))
        return got


# --- recording -----------------------------------------------------------------
def _arc_tracer(arcs):
    """A sys.settrace function recording (line, next line) inside model.py
    (a return ends the arc at line -1)."""
    last = {}

    def trace(frame, event, arg):
        if frame.f_code.co_filename != MODEL_FILE:
            return None
        key = id(frame)
        last[key] = frame.f_lineno

        def lines(fr, ev, a):
            if ev == "line":
                arcs.add((last[key], fr.f_lineno))
                last[key] = fr.f_lineno
            elif ev == "return":
                arcs.add((last[key], -1))
                last.pop(key, None)
            return lines
        return lines
    return trace


def _free(p):
    return M.HANDLES_MAX - len(p.handles)


def _features(cov, s, st, res, op_of):
    """Note the features step st shows, from the state s before it and its
    Result."""
    f, p = cov.features, s.procs.get(st.pid)
    a = dict(st.args)
    wake_errs = {(op_of.get(pid), r.err) for pid, r in res.wakes}
    if st.op == "signal" and res.ret.err == "ok":
        h = p.handles[a["h"]]
        bits, o = h.badge or 1, s.objs[h.obj]
        if o.waitq and h.badge:
            f.add("signal_badged_waiter")
        if not o.waitq and o.word and bits & ~o.word:
            f.add("signal_or")
    if st.op == "wait" and res.ret.err == "ok":
        w = dict(res.ret.fields)["word"]
        if w & (w - 1):
            f.add("wait_badges")
    if ("recv", "EPIPE") in wake_errs or ("reply_recv", "EPIPE") in wake_errs:
        f.add("recv_epipe_last_sender")
    if any(r.err == "EPIPE" and s.procs[pid].state in ("send", "call")
           for pid, r in res.wakes):
        f.add("send_epipe_last_receiver")
    if ("wait", "EPIPE") in wake_errs:
        f.add("wait_epipe_last_signaller")
    if st.op == "reply" and res.ret.err == "EPIPE":
        f.add("reply_to_dead")
    if st.op == "kill" and p.state == "reply":
        f.add("kill_blocked_caller")
    if st.op == "kill" and p.state in ("send", "call", "recv", "wait"):
        f.add("kill_queued")
    if st.op in S.HAS_MSG and res.ret.err in ("ok", "blocked"):
        for _, mode in a.get("handles", ()):
            f.add("grant_move" if mode == "m" else "grant_copy")
    for pid, r in ((st.pid, res.ret),) + tuple(res.wakes):
        fl = dict(r.fields)
        if "buf" in fl and fl["buf"][1] < fl["buf"][0]:
            f.add("truncated")
        if "handles" in fl and _free(s.procs[pid]) == M.RECV_FREE_SLOTS:
            f.add("grant_into_full")
    for o in s.objs.values():
        if len(o.sendq) > 1:
            f.add("two_in_sendq")
        if len(o.recvq) > 1:
            f.add("two_in_recvq")
    if any(len(q.handles) == M.HANDLES_MAX for q in s.procs.values()):
        f.add("table_full")
    if st.op == "revoke" and res.ret.err == "ok":
        _revoke_features(f, s, p, a["h"], res)
    if st.op in ("recv", "try_recv") and a["h"] in p.handles and \
            p.handles[a["h"]].rights & (M.R_SEND | M.R_RECV) == M.R_RECV:
        f.add("receive_only_handle")


def _revoke_features(f, s, p, slot, res):
    """The revoke_* features of a revoke of p's slot in state s (before
    it)."""
    gone = M._descendants(s, (p.pid, slot))
    if any(s.procs[q].handles[sl].parent in gone for q, sl in gone):
        f.add("revoke_deep")
    for q, sl in gone:
        qp = s.procs[q]
        if qp.state in ("send", "call") and any(g == sl for g, _ in qp.msg.handles):
            f.add("revoke_pending_grant")
    o = s.objs[p.handles[slot].obj]
    woken = {pid for pid, _ in res.wakes}
    if any(q not in woken and any(g[0] == q for g in gone)
           for q in o.sendq + o.recvq + o.waitq):
        f.add("revoke_keeps_other")


def record(cov, sc, branches=True):
    """Run script sc in the model, adding what it reaches to cov; returns
    the trace lines."""
    s, trace, op_of = M.initial_state(sc.nprocs), [], {}
    old = sys.gettrace()
    for n, st in enumerate(sc.steps, 1):
        before = s
        if branches:
            sys.settrace(_arc_tracer(cov.arcs))
        try:
            s, res = S.apply_step(s, st)
        finally:
            sys.settrace(old)
        cov.pairs.add((st.op, res.ret.err))
        if st.op in SLOT_OPS and _free(before.procs[st.pid]) in BOUNDARY:
            cov.boundary.add((st.op, _free(before.procs[st.pid])))
        for pid, r in res.wakes:
            cov.pairs.add((f"wake {op_of.get(pid)}", r.err))
        _features(cov, before, st, res, op_of)
        op_of[st.pid] = st.op
        trace.append(f"{n}: {st.pid} {st.op} -> {S.format_ret(res.ret)}")
        trace += [f"{n}: wake {pid} -> {S.format_ret(r)}" for pid, r in res.wakes]
    return trace + ["final"] + S.format_state(s)


def wanted():
    """Every pair, boundary and feature item there is to reach (branches
    are counted apart: some `if`s are not reachable from scripts)."""
    return ({("pair", op, r) for op, rs in RESULTS.items() for r in rs} |
            {("boundary", op, n) for op in SLOT_OPS for n in BOUNDARY} |
            {("feature", f) for f in FEATURES})


# --- profiles: where random scripts go --------------------------------------------
P = S.Profile
PROFILES = {
    "default": S.DEFAULT_PROFILE,
    # a process starts with its table filled to a few slots from the top
    "fill": P(ops=(("recv", 10), ("try_recv", 6), ("call", 10), ("reply_recv", 6),
                   ("dup", 8), ("give", 6), ("ep_create", 4), ("ntfn_create", 4),
                   ("close", 4), ("send", 6), ("reply", 8)),
              setup="fill", handles=0.5, max_steps=14),
    # every process signals through a notification handle badged 1 << pid
    "ntfn": P(ops=(("signal", 16), ("wait", 14), ("close", 4), ("exit", 2),
                   ("kill", 2), ("dup", 3), ("give", 2)),
              setup="ntfn", words=0.0, buf=0.0, handles=0.0, max_steps=16),
    # the others receive through receive-only handles, so closes and
    # deaths take the last s or r handle away from a blocked process
    "recvonly": P(ops=(("recv", 12), ("send", 8), ("call", 8), ("close", 10),
                       ("exit", 4), ("kill", 4), ("reply", 6), ("reply_recv", 4),
                       ("try_recv", 3), ("wait", 4), ("signal", 2)),
                  setup="recvonly", words=0.0, buf=0.2, handles=0.0, max_steps=16),
    # bad arguments: wrong rights, bad slots, malformed messages
    "bad": P(ops=(("send", 8), ("try_send", 6), ("call", 8), ("recv", 6),
                  ("try_recv", 6), ("reply", 8), ("reply_recv", 6), ("dup", 10),
                  ("signal", 4), ("wait", 4), ("give", 3), ("close", 3)),
             setup="recvonly", words=0.6, buf=0.6, handles=0.5, max_steps=20),
    # handles passed on (dup, give, grants) and taken back while their
    # holders wait
    "revoke": P(ops=(("revoke", 10), ("dup", 8), ("give", 8), ("send", 8),
                     ("call", 8), ("recv", 8), ("reply", 6), ("wait", 4),
                     ("signal", 3), ("close", 4), ("exit", 1), ("kill", 1)),
                words=0.2, buf=0.1, handles=0.5, max_steps=24),
}


def _extra_setup(rng, nprocs, how):
    """Setups beyond script.py's: "fill", "ntfn", "recvonly" (PROFILES)."""
    steps = [S.Step(1, "ep_create"), S.Step(1, "ntfn_create")]
    give = lambda h, q: S.Step(1, "give", (("h", h), ("to", q)))   # noqa: E731
    dup = lambda h, r, b: S.Step(1, "dup", (("h", h), ("rights", r), ("badge", b)))  # noqa
    if how == "fill":
        for q in range(2, nprocs + 1):
            steps += [give(0, q), give(1, q)]
        who = rng.randint(1, nprocs)
        held = 2
        target = M.HANDLES_MAX - rng.randint(0, M.RECV_FREE_SLOTS + 2)
        for _ in range(target - held):
            steps.append(S.Step(who, "dup", (("h", 0), ("rights", M.R_ALL), ("badge", 0))))
        return steps
    nxt = 2
    for q in range(2, nprocs + 1):
        if how == "ntfn":
            steps += [dup(1, M.R_SEND, 1 << q), give(nxt, q)]
            if rng.random() < 0.5:
                steps.append(give(1, q))
            steps.append(give(0, q))
            nxt += 1
        else:                                       # recvonly
            steps += [dup(0, M.R_RECV, 0), give(nxt, q),
                      dup(0, M.R_SEND | M.R_GRANT, q), give(nxt + 1, q),
                      dup(1, M.R_RECV, 0), give(nxt + 2, q)]
            nxt += 3
    if how == "recvonly" and rng.random() < 0.5:
        steps.append(S.Step(1, "close", (("h", 0),)))
    return steps


def gen(seed, profile):
    """A random valid script of a profile (script.gen_script, with the
    extra setups)."""
    if profile.setup in ("badged", "plain"):
        return S.gen_script(seed, profile=profile)
    rng = random.Random(seed)
    nprocs = rng.randint(*profile.nprocs)
    steps = _extra_setup(rng, nprocs, profile.setup)
    s = S.run_script(S.Script(nprocs, tuple(steps)))[1]
    for _ in range(rng.randint(1, profile.max_steps)):
        running = [q for q, p in s.procs.items() if p.state == "running"]
        if not running:
            break
        st = S._gen_step(rng, s, rng.choice(running), profile)
        s = S.apply_step(s, st)[0]
        steps.append(st)
    return S.Script(nprocs, tuple(steps))


# --- hand-shaped scripts: the boundaries, exactly ----------------------------------
def _sc(nprocs, lines):
    return S.parse_script(f"{S.SCRIPT_MAGIC}\nprocs {nprocs}\n" + "\n".join(lines) + "\n")


def shaped_scripts():
    """Scripts built to reach each boundary item: process 1 holds an
    endpoint (slot 0) and fills its table to exactly `free` free slots,
    process 2 (holding a send handle) has a call queued, then process 1
    issues the operation; and a few for the features that need an exact
    order of steps."""
    out = []
    for op in SLOT_OPS:
        for free in BOUNDARY:
            lines = ["1 ep_create", "1 give 0 2", "2 call 0 label=3"]
            lines += ["1 dup 0 srg 0"] * (M.HANDLES_MAX - 1 - free)
            lines.append({"ep_create": "1 ep_create", "ntfn_create": "1 ntfn_create",
                          "dup": "1 dup 0 s-- 9", "give": "2 give 0 1",
                          "call": "1 call 0 label=4", "recv": "1 recv 0",
                          "try_recv": "1 try_recv 0",
                          "reply_recv": "1 reply_recv 9 0"}[op])
            if op == "give":            # give fills process 1's table from 2
                lines = ["1 ep_create", "1 give 0 2"] + \
                    ["1 dup 0 srg 0"] * (M.HANDLES_MAX - 1 - free) + ["2 give 0 1"]
            if op == "reply_recv":      # a reply handle to answer first
                lines = ["1 ep_create", "1 give 0 2", "2 call 0 label=3", "1 recv 0"] + \
                    ["1 dup 0 srg 0"] * (M.HANDLES_MAX - 2 - free) + ["1 reply_recv 1 0"]
            out.append(_sc(2, lines))
    out += [
        # two badges ORed into a word, then a wait that returns both
        _sc(3, ["1 ntfn_create", "1 dup 0 s-- 2", "1 dup 0 s-- 4", "1 give 1 2",
                "1 give 2 3", "2 signal 0", "3 signal 0", "3 signal 0", "1 wait 0"]),
        # a badged signal to a waiter; the last signaller goes
        _sc(2, ["1 ntfn_create", "1 dup 0 s-- 8", "1 give 1 2", "1 close 1",
                "1 dup 0 -r- 0", "1 close 0", "1 wait 0", "2 signal 0", "1 wait 0",
                "2 exit"]),
        # reply_recv whose receive is EPIPE at once (ep2: receive-only),
        # then one woken with EPIPE when the last sender dies
        _sc(2, ["1 ep_create", "1 dup 0 s-- 0", "1 give 1 2", "1 close 1",
                "1 dup 0 -r- 0", "1 close 0", "1 ep_create", "1 dup 0 -r- 0",
                "1 close 0", "2 call 0 label=1", "1 recv 1", "1 reply_recv 0 2",
                "2 call 0 label=2", "1 recv 1", "1 reply_recv 0 1", "2 exit"]),
        # a caller killed while its call is held: the server closes the
        # reply handle (the caller is gone: nobody to wake)
        _sc(2, ["1 ep_create", "1 give 0 2", "2 call 0", "1 recv 0", "2 kill",
                "1 close 1"]),
        # a grant into a table with exactly RECV_FREE_SLOTS free
        _sc(2, ["1 ep_create", "1 give 0 2", "2 ntfn_create"] +
            ["1 dup 0 srg 0"] * (M.HANDLES_MAX - 1 - M.RECV_FREE_SLOTS) +
            ["1 recv 0", "2 send 0 label=1 handles=1m"]),
    ]
    return out


def revoke_scripts():
    """Scripts for the derivation tree, each kept in the directed suite
    whatever it adds: what a result or a branch does not show is which
    handles a revoke reaches."""
    return [
        # a handle moved in a message keeps its place: p3's copy goes
        _sc(3, ["1 ep_create", "1 dup 0 s-g 7", "1 give 1 2", "3 ep_create",
                "3 give 0 2", "3 recv 0", "2 send 1 handles=0m", "1 revoke 0",
                "3 send 1", "1 revoke 0"]),
        # closed parents pass their children up; two queued callers through
        # revoked handles wake with ECANCELED, in queue order
        _sc(3, ["1 ep_create", "1 dup 0 s-- 5", "1 give 1 2", "2 dup 0 s-- 0",
                "2 give 1 3", "2 close 1", "1 close 1", "3 call 0", "2 send 0",
                "1 revoke 0", "2 send 0", "3 call 0"]),
        # a revoked handle in a blocked sender's message: it goes without
        _sc(2, ["1 ep_create", "1 ntfn_create", "1 give 0 2", "1 dup 1 s-- 0",
                "1 give 2 2", "1 give 1 2", "2 send 0 handles=1m,2c",
                "1 revoke 1", "1 recv 0"]),
        # a waiter, a receiver and a server in reply_recv, each cancelled
        _sc(3, ["1 ntfn_create", "1 give 0 3", "3 wait 0", "1 revoke 0",
                "1 ep_create", "1 give 1 2", "1 give 1 3", "3 call 0",
                "2 recv 0", "2 reply_recv 1 0", "1 revoke 1", "3 call 0"]),
        # a caller queued through a handle revoke leaves alone keeps
        # waiting, though its other handle goes
        _sc(2, ["1 ep_create", "1 give 0 2", "1 dup 0 s-- 3", "1 give 1 2",
                "2 call 0", "1 revoke 1", "1 recv 0", "1 revoke 2", "1 revoke 9",
                "1 revoke 0"]),
    ]


# --- the directed suite ---------------------------------------------------------------
def directed_suite(per_profile=400, seed=1):
    """(scripts, Coverage): for each profile, up to per_profile random
    scripts (seeds from `seed`), each kept only if it reaches an item the
    kept ones had not; then every shaped script that adds one."""
    cov, kept = Coverage(), []
    for k, (name, prof) in enumerate(PROFILES.items()):
        for i in range(per_profile):
            sc = gen(seed + 1000003 * k + i, prof)
            if _adds(cov, sc):
                kept.append(sc)
    kept += [sc for sc in shaped_scripts() if _adds(cov, sc)]
    for sc in revoke_scripts():         # each kept: the derivation cases
        record(cov, sc)
        kept.append(sc)
    return kept, cov


def _adds(cov, sc):
    """Whether script sc reaches an item cov lacks (then merged into it)."""
    trial = Coverage()
    record(trial, sc)
    new = not (trial.pairs <= cov.pairs and trial.boundary <= cov.boundary and
               trial.features <= cov.features and trial.arcs <= cov.arcs)
    if new:
        _merge(cov, trial)
    return new


def _merge(cov, other):
    cov.pairs |= other.pairs
    cov.boundary |= other.boundary
    cov.features |= other.features
    cov.arcs |= other.arcs


def report(cov, out=print):
    """Print the coverage of cov; returns (branch percentage, the missed
    pair/boundary/feature items, the missed branches)."""
    items = cov.items()
    missed = sorted(wanted() - items, key=str)
    allb = branch_universe()
    gotb = cov.branches()
    missb = sorted(allb - gotb)
    for kind, plural in (("pair", "pairs"), ("boundary", "boundaries"),
                         ("feature", "features")):
        n = len({w for w in wanted() if w[0] == kind})
        out(f"model coverage: {plural} {n - sum(m[0] == kind for m in missed)}/{n}")
    pct = 100.0 * len(gotb & allb) / len(allb)
    out(f"model coverage: branches {len(gotb & allb)}/{len(allb)} ({pct:.1f}%; "
        f"{len(UNSCRIPTED)} functions and {len(UNSCRIPTED_SIDES)} sides no script "
        f"can reach are not counted)")
    src = Path(MODEL_FILE).read_text().splitlines()
    for ln, side in missb:
        out(f"  branch not taken: model.py:{ln} {'true ' if side else 'false'} "
            f"{src[ln - 1].strip()}")
    for m in missed:
        out(f"  not reached: {' '.join(map(str, m))}")
    return pct, missed, missb


# --- every short script ----------------------------------------------------------------
EXH_SETUPS = {
    # process 1 serves an endpoint and a notification; process 2 holds a
    # badged send+grant copy of the endpoint and a send copy of the
    # notification
    "client": (2, ["1 ep_create", "1 ntfn_create", "1 dup 0 s-g 5", "1 give 2 2",
                   "1 dup 1 s-- 3", "1 give 3 2", "1 close 2", "1 close 3"]),
    # three processes on one endpoint with every right (queues of two)
    "shared": (3, ["1 ep_create", "1 give 0 2", "1 give 0 3"]),
    # a call already received: process 1 holds its reply handle
    "served": (2, ["1 ep_create", "1 dup 0 s-- 7", "1 give 1 2", "1 close 1",
                   "2 call 0 label=1 rbuf=0+8", "1 recv 0"]),
}


def _alphabet(s):
    """The steps tried from state s: for each running process, each
    operation on each handle it holds (and on slot 9, which it never
    holds), with a small message; kill of each live process."""
    steps = []
    for pid, p in sorted(s.procs.items()):
        if p.state == "dead":
            continue
        steps.append(S.Step(pid, "kill"))
        if p.state != "running":
            continue
        st = lambda op, *a: steps.append(S.Step(pid, op, tuple(a)))  # noqa: E731
        st("ep_create")
        st("exit")
        for h in sorted(p.handles) + [9]:
            kind = p.handles[h].kind if h in p.handles else None
            hh = ("h", h)
            if kind in (None, "ep"):
                st("send", hh, ("label", 1), ("buf", (0, 4)))
                st("try_send", hh, ("label", 2))
                st("call", hh, ("label", 3), ("rbuf", (0, 2)))
                st("recv", hh, ("rbuf", (0, 2)))
                st("try_recv", hh)
            if kind in (None, "ntfn"):
                st("signal", hh)
                st("wait", hh)
            if kind in (None, "reply"):
                st("reply", ("r", h), ("label", 4), ("buf", (8, 3)))
                for e in sorted(q for q, g in p.handles.items() if g.kind == "ep"):
                    st("reply_recv", ("r", h), ("label", 5), ("h", e))
            st("revoke", hh)
            if kind is not None:
                st("close", hh)
            if kind in ("ep", "ntfn"):
                st("dup", hh, ("rights", M.R_SEND), ("badge", 0))
                st("dup", hh, ("rights", M.R_RECV), ("badge", 6))
                for q in sorted(s.procs):
                    if q != pid and s.procs[q].state == "running":
                        st("give", hh, ("to", q))
                if kind == "ep" and any(g.kind == "ntfn" for g in p.handles.values()):
                    n = min(q for q, g in p.handles.items() if g.kind == "ntfn")
                    st("send", hh, ("label", 6), ("handles", ((n, "c"),)))
    return steps


def _key(s):
    """A hashable form of a model state (what decides every later trace)."""
    procs = tuple((pid, p.state, p.obj, p.msg, p.badge, p.rbuf,
                   tuple(sorted(p.handles.items())))
                  for pid, p in sorted(s.procs.items()))
    objs = tuple(sorted(((str(k), o.kind, tuple(o.sendq), tuple(o.recvq), o.word,
                          tuple(o.waitq), o.caller) for k, o in s.objs.items())))
    return procs, objs, s.next_obj


def exhaustive_scripts(depth, setups=EXH_SETUPS):
    """(scripts, their model traces, distinct states): from each setup, a
    breadth-first search of the model's states up to `depth` steps, each
    state expanded once (visited-state hashing); every (state, step) pair
    it tries becomes one script: the setup, the shortest path to the
    state, then the step.  Every script is valid.  The traces are built
    along the search (each state's trace so far is kept), so the model
    runs each step once."""
    out, traces, seen = [], [], set()
    for nprocs, lines in setups.values():
        base = _sc(nprocs, lines)
        head, s0 = S.run_script(base)
        head = head[:head.index("final")]
        frontier = [(s0, (), head)]
        seen.add((nprocs, _key(s0)))
        for d in range(depth):
            nxt = []
            for s, path, tr in frontier:
                n = len(base.steps) + len(path) + 1
                for st in _alphabet(s):
                    s2, res = S.apply_step(s, st)
                    tr2 = tr + [f"{n}: {st.pid} {st.op} -> {S.format_ret(res.ret)}"] + \
                        [f"{n}: wake {pid} -> {S.format_ret(r)}" for pid, r in res.wakes]
                    out.append(S.Script(nprocs, base.steps + path + (st,)))
                    traces.append(tr2 + ["final"] + S.format_state(s2))
                    k = (nprocs, _key(s2))
                    if k not in seen and d + 1 < depth:
                        seen.add(k)
                        nxt.append((s2, path + (st,), tr2))
            frontier = nxt
    return out, traces, len(seen)


# --- command line ------------------------------------------------------------------------
def main(argv):
    usage = ("usage: cover.py report [--min-branch P] | suite FILE | "
             "exhaustive DEPTH FILE")
    if argv[:1] == ["report"]:
        t = time.time()
        scripts, cov = directed_suite()
        print(f"directed suite: {len(scripts)} scripts, "
              f"{sum(len(sc.steps) for sc in scripts)} steps ({time.time() - t:.1f} s)")
        pct, missed, _ = report(cov)
        floor = float(argv[2]) if argv[1:2] == ["--min-branch"] else 0.0
        if missed or pct < floor:
            print(f"cover.py: below the gate (every pair, boundary and feature; "
                  f"branches >= {floor}%)", file=sys.stderr)
            return 1
        return 0
    if argv[:1] == ["suite"] and len(argv) == 2:
        scripts, _ = directed_suite()
        Path(argv[1]).write_text("".join(S.format_script(sc) for sc in scripts))
        return 0
    if argv[:1] == ["exhaustive"] and len(argv) == 3:
        t = time.time()
        scripts, _, states = exhaustive_scripts(int(argv[1]))
        Path(argv[2]).write_text("".join(S.format_script(sc) for sc in scripts))
        print(f"exhaustive depth {argv[1]}: {len(scripts)} scripts from {states} "
              f"distinct states ({time.time() - t:.1f} s)")
        return 0
    print(usage, file=sys.stderr)
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
