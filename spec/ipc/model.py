#!/usr/bin/python3
"""spec/ipc/model.py: the executable reference model of Wisp's IPC.

This file is the specification that spec/ipc.md states in words, and the
oracle the kernel's IPC (ipc/) is tested against.  Every operation is a
pure function

    op_NAME(state, pid, ...) -> (new_state, Result)

that never changes `state`: it works on a copy.  Result.ret is what the
calling process sees (an error name, "ok" with fields, or "blocked"), and
Result.wakes lists, in order, the blocked processes the operation woke and
what each of them sees.  The words of each docstring are the words of
spec/ipc.md.

Vocabulary:
  process   one Wasm instance with one thread, named by its pid (1..N).
  object    an endpoint ("ep"), a notification ("ntfn"), or the one-shot
            reply object a call creates ("reply").  Endpoints and
            notifications are numbered 1, 2, ... in creation order.
  handle    a slot (0..HANDLES_MAX-1) of a process's handle table naming
            an object, with rights (s = send, r = receive, g = grant) and
            a badge (0 = none).
  blocked   a process's thread waiting in exactly one place: the send
            queue of an endpoint ("send", "call"), its receive queue
            ("recv"), a notification's wait queue ("wait"), or the reply
            object of its call ("reply").

Run as a program:  model.py run SCRIPT      print the trace of a script file
                   model.py gen SEED        print a random script
                   model.py check --scripts N --seed S
                                            invariants over N random scripts
"""

import random
import re
import sys
from dataclasses import dataclass, field, replace

# --- Limits (the kernel's ipc/ipc.h repeats them) ------------------------
HANDLES_MAX = 16        # slots in a process's handle table
MSG_WORDS_MAX = 8       # inline words in a message
MSG_HANDLES_MAX = 4     # handles granted in one message
MSG_BUF_MAX = 65536     # bytes of a message's buffer (64 KiB)
RECV_FREE_SLOTS = MSG_HANDLES_MAX + 1   # free slots a receive needs
MEM_SIZE = 131072       # a process's linear memory in scripts (2 pages)
U32 = 1 << 32           # labels, words, badges and rights are u32

# --- Error codes: the one numbering (WASI errno values, as in abi.md) -----
# name: (code, meaning).  ipc.pml, spec/ipc.md, the kernel and the C
# library use these numbers; tests check they agree.
ERRORS = {
    "EACCES":   (2,  "missing right"),
    "EAGAIN":   (6,  "would block"),
    "EBADF":    (8,  "bad handle"),
    "EFAULT":   (21, "bad buffer"),
    "EINVAL":   (28, "bad argument"),
    "EMFILE":   (33, "handle table full"),
    "EMSGSIZE": (35, "message too large"),
    "EPIPE":    (64, "peer dead"),
}
OK = "ok"
BLOCKED = "blocked"

# rights: bits of a u32, spelled "srg" in scripts and traces
R_SEND, R_RECV, R_GRANT = 1, 2, 4
R_ALL = R_SEND | R_RECV | R_GRANT


def rights_str(r):
    """Rights as three letters: "srg", "s--", "-r-" ..."""
    return "".join(c if r & b else "-" for c, b in
                   (("s", R_SEND), ("r", R_RECV), ("g", R_GRANT)))


def rights_parse(text):
    """The rights bits of "srg", "s-g", "-" ... (ValueError otherwise)."""
    bits = {"s": R_SEND, "r": R_RECV, "g": R_GRANT, "-": 0}
    if not text or any(c not in bits for c in text):
        raise ValueError(f"bad rights: {text!r}")
    r = 0
    for c in text:
        r |= bits[c]
    return r


# --- State ------------------------------------------------------------------
@dataclass(frozen=True)
class Handle:
    """A handle table entry: the object it names, its kind, rights, badge."""
    obj: object         # int (ep/ntfn number) or "rN" (reply object)
    kind: str           # "ep" | "ntfn" | "reply"
    rights: int = 0
    badge: int = 0


@dataclass(frozen=True)
class Msg:
    """A message: label, inline words, buffer (ptr, len) or None, and the
    handles to grant as (slot, "m" move | "c" copy) pairs."""
    label: int = 0
    words: tuple = ()
    buf: tuple = None
    handles: tuple = ()


@dataclass
class Proc:
    """A process.  state: running | send | call | recv | wait | reply | dead.
    While blocked: obj is the object it waits on, msg/badge the message it
    sends, rbuf = (ptr, cap) the buffer it receives into."""
    pid: int
    state: str = "running"
    obj: object = None
    msg: Msg = None
    badge: int = 0
    rbuf: tuple = None
    handles: dict = field(default_factory=dict)     # slot -> Handle

    def copy(self):
        return replace(self, handles=dict(self.handles))


@dataclass
class Obj:
    """A kernel object.  ep: sendq (senders and callers) and recvq
    (receivers), FIFO lists of pids.  ntfn: word and waitq.  reply: caller,
    the pid waiting for the reply, or None once that caller died."""
    kind: str
    sendq: list = field(default_factory=list)
    recvq: list = field(default_factory=list)
    word: int = 0
    waitq: list = field(default_factory=list)
    caller: int = None

    def copy(self):
        return replace(self, sendq=list(self.sendq), recvq=list(self.recvq),
                       waitq=list(self.waitq))


@dataclass
class State:
    """The whole IPC state: processes, live objects, object counters."""
    procs: dict                 # pid -> Proc
    objs: dict = field(default_factory=dict)    # id -> Obj
    next_obj: int = 1           # next endpoint/notification number
    next_reply: int = 1         # next reply object number ("r1", ...)

    def copy(self):
        return State({p: q.copy() for p, q in self.procs.items()},
                     {k: o.copy() for k, o in self.objs.items()},
                     self.next_obj, self.next_reply)


def initial_state(nprocs):
    """nprocs running processes (pids 1..nprocs), empty tables, no objects."""
    return State({p: Proc(p) for p in range(1, nprocs + 1)})


@dataclass(frozen=True)
class Ret:
    """What one process sees: err is "ok", "blocked" or an ERRORS name;
    fields are (name, value) pairs printed after "ok"."""
    err: str
    fields: tuple = ()


@dataclass(frozen=True)
class Result:
    """An operation's outcome: the caller's Ret, and (pid, Ret) for every
    process it woke, in the order they were woken."""
    ret: Ret
    wakes: tuple = ()


class ScriptError(Exception):
    """A script step no process could issue (e.g. a step for a blocked or
    dead process): the script is invalid, not the model's subject."""


# --- Helpers: each works on the copy an operation made --------------------
def _fail(state, name):
    """An error result; the state is unchanged."""
    return state, Result(Ret(name))


def _free_slots(p):
    return HANDLES_MAX - len(p.handles)


def _install(p, h):
    """Put handle h in p's lowest free slot; returns the slot."""
    slot = next(i for i in range(HANDLES_MAX) if i not in p.handles)
    p.handles[slot] = h
    return slot


def _holders(s, obj, right):
    """Whether any process holds a handle to obj with right."""
    return any(h.obj == obj and h.rights & right
               for p in s.procs.values() for h in p.handles.values())


def _wake(s, pid, ret, wakes):
    """Make blocked process pid running again, seeing ret."""
    p = s.procs[pid]
    p.state, p.obj, p.msg, p.badge, p.rbuf = "running", None, None, 0, None
    wakes.append((pid, ret))


def _buf_ok(buf):
    ptr, n = buf
    return 0 <= ptr and 0 <= n and ptr + n <= MEM_SIZE


def _check_msg(p, msg, grant_ok):
    """The error a message's shape earns (None when it is well formed):
    EINVAL (label/word not u32, > MSG_WORDS_MAX words, > MSG_HANDLES_MAX
    handles, a slot listed twice, a mode not m/c), EACCES (handles without
    grant), EBADF (a granted slot not an open endpoint or notification
    handle), EMSGSIZE (buffer > MSG_BUF_MAX), EFAULT (buffer not inside
    the sender's memory).  Checked in this order."""
    vals = (msg.label,) + tuple(msg.words)
    slots = [sl for sl, _ in msg.handles]
    if (any(not 0 <= v < U32 for v in vals) or len(msg.words) > MSG_WORDS_MAX
            or len(msg.handles) > MSG_HANDLES_MAX or len(set(slots)) != len(slots)
            or any(m not in ("m", "c") for _, m in msg.handles)):
        return "EINVAL"
    if msg.handles and not grant_ok:
        return "EACCES"
    if any(sl not in p.handles or p.handles[sl].kind == "reply" for sl in slots):
        return "EBADF"
    if msg.buf is not None and msg.buf[1] > MSG_BUF_MAX:
        return "EMSGSIZE"
    if msg.buf is not None and not _buf_ok(msg.buf):
        return "EFAULT"
    return None


def _check_recv(p, rbuf):
    """The error a receive buffer and table earn: EFAULT, EMFILE, or None."""
    if rbuf is not None and not _buf_ok(rbuf):
        return "EFAULT"
    if _free_slots(p) < RECV_FREE_SLOTS:
        return "EMFILE"
    return None


def _ep_handle(p, slot, right):
    """(handle, None) if slot is an open endpoint handle with right, else
    (None, "EBADF" | "EACCES")."""
    h = p.handles.get(slot)
    if h is None or h.kind != "ep":
        return None, "EBADF"
    if not h.rights & right:
        return None, "EACCES"
    return h, None


def _transfer(s, src, msg, badge, dst, rbuf):
    """Copy msg from process src to dst, which receives into rbuf: the
    fields dst sees.  Truncation rule: min(len, cap) bytes are copied, dst
    learns len and the count copied; bytes past its cap are dropped and
    src is not told.  Granted handles go to dst's lowest free slots in
    message order (move: src loses it; copy: same rights and badge)."""
    f = [("badge", badge), ("label", msg.label)]
    if msg.words:
        f.append(("words", tuple(msg.words)))
    if msg.buf is not None:
        cap = rbuf[1] if rbuf is not None else 0
        f.append(("buf", (msg.buf[1], min(msg.buf[1], cap))))
    slots = []
    for sl, mode in msg.handles:
        h = s.procs[src].handles[sl]
        if mode == "m":
            del s.procs[src].handles[sl]
        slots.append(_install(s.procs[dst], h))
    if slots:
        f.append(("handles", tuple(slots)))
    return f


def _rendezvous(s, sender, kind, msg, badge, receiver, rbuf, wakes):
    """Deliver sender's message to receiver: the receiver's fields.  A
    call ("call") also creates a reply object for the sender, installs its
    handle in the receiver's table ("reply" field) and leaves the sender
    blocked in state reply; a send leaves the sender running."""
    f = _transfer(s, sender, msg, badge, receiver, rbuf)
    if kind == "call":
        rid = f"r{s.next_reply}"
        s.next_reply += 1
        s.objs[rid] = Obj("reply", caller=sender)
        f.append(("reply", _install(s.procs[receiver], Handle(rid, "reply"))))
        p = s.procs[sender]
        p.state, p.obj, p.msg, p.badge = "reply", rid, None, 0
    return f


def _close(s, pid, slot, wakes):
    """Remove handle slot of pid, then apply the last-handle rules:
    a reply handle closed unused wakes its caller with EPIPE; an endpoint
    left without receive handles wakes every queued sender/caller with
    EPIPE, one left without send handles every queued receiver; a
    notification left without send handles wakes its waiters with EPIPE;
    an object without handles is freed."""
    h = s.procs[pid].handles.pop(slot)
    o = s.objs[h.obj]
    if h.kind == "reply":
        del s.objs[h.obj]
        if o.caller is not None:
            _wake(s, o.caller, Ret("EPIPE"), wakes)
        return
    if not any(g.obj == h.obj for p in s.procs.values() for g in p.handles.values()):
        del s.objs[h.obj]
        return
    if h.kind == "ep" and not _holders(s, h.obj, R_RECV):
        for q in o.sendq:
            _wake(s, q, Ret("EPIPE"), wakes)
        o.sendq = []
    if not _holders(s, h.obj, R_SEND):
        for q in (o.recvq if h.kind == "ep" else o.waitq):
            _wake(s, q, Ret("EPIPE"), wakes)
        o.recvq, o.waitq = [], []


def _running(s, pid):
    p = s.procs.get(pid)
    if p is None or p.state != "running":
        raise ScriptError(f"process {pid} is not running")
    return p


# --- Operations -------------------------------------------------------------
# book: ops
def op_ep_create(state, pid):
    """ep_create() -> h.
    Pre: the table has a free slot, else EMFILE.
    Post: a new endpoint with empty queues; h names it with rights srg and
    no badge, in the lowest free slot."""
    s = state.copy()
    p = _running(s, pid)
    if not _free_slots(p):
        return _fail(state, "EMFILE")
    return s, Result(Ret(OK, (("h", _new_obj(s, p, "ep")),)))


def op_ntfn_create(state, pid):
    """ntfn_create() -> h.
    Pre: the table has a free slot, else EMFILE.
    Post: a new notification with word 0; h names it with rights srg and no
    badge, in the lowest free slot."""
    s = state.copy()
    p = _running(s, pid)
    if not _free_slots(p):
        return _fail(state, "EMFILE")
    return s, Result(Ret(OK, (("h", _new_obj(s, p, "ntfn")),)))


def _new_obj(s, p, kind):
    n = s.next_obj
    s.next_obj += 1
    s.objs[n] = Obj(kind)
    return _install(p, Handle(n, kind, R_ALL, 0))


def op_dup(state, pid, slot, rights, badge):
    """dup(h, rights, badge) -> h2: duplicate a handle with fewer rights
    (mint, when badge != 0).
    Pre: h is an open endpoint or notification handle, else EBADF (reply
    handles are one-shot: never duplicated); rights has only s, r, g bits
    and badge is a u32, else EINVAL; rights is a subset of h's rights,
    else EACCES; badge is 0 or h has no badge, else EINVAL (a badge is set
    once, by minting an unbadged handle, and never changed); a free slot,
    else EMFILE.
    Post: h2 names the same object with `rights` and badge `badge` if
    nonzero, else h's badge; h is unchanged."""
    s = state.copy()
    p = _running(s, pid)
    h = p.handles.get(slot)
    if h is None or h.kind == "reply":
        return _fail(state, "EBADF")
    if rights & ~R_ALL or not 0 <= badge < U32:
        return _fail(state, "EINVAL")
    if rights & ~h.rights:
        return _fail(state, "EACCES")
    if badge and h.badge:
        return _fail(state, "EINVAL")
    if not _free_slots(p):
        return _fail(state, "EMFILE")
    h2 = replace(h, rights=rights, badge=badge or h.badge)
    return s, Result(Ret(OK, (("h", _install(p, h2)),)))


def op_close(state, pid, slot):
    """close(h).
    Pre: h is an open handle, else EBADF.
    Post: the slot is free.  Last-handle rules (spec/ipc.md, "Closing"):
    a reply handle closed unused wakes its caller with EPIPE; an endpoint
    left without receive handles wakes its queued senders and callers with
    EPIPE, one left without send handles its queued receivers; a
    notification left without send handles its waiters; an object with no
    handle left is freed."""
    s = state.copy()
    p = _running(s, pid)
    if slot not in p.handles:
        return _fail(state, "EBADF")
    wakes = []
    _close(s, pid, slot, wakes)
    return s, Result(Ret(OK), tuple(wakes))


def _send(state, pid, slot, msg, kind, rbuf, block):
    """send, try_send and call (kind "send" or "call"); see op_send."""
    s = state.copy()
    p = _running(s, pid)
    h, err = _ep_handle(p, slot, R_SEND)
    err = err or _check_msg(p, msg, h is not None and h.rights & R_GRANT)
    if not err and kind == "call":
        err = _check_recv(p, rbuf)
    if not err and not _holders(s, h.obj, R_RECV):
        err = "EPIPE"
    if err:
        return _fail(state, err)
    o, wakes = s.objs[h.obj], []
    p.rbuf = rbuf
    if o.recvq:
        r = o.recvq.pop(0)
        rp = s.procs[r]
        f = _rendezvous(s, pid, kind, msg, h.badge, r, rp.rbuf, wakes)
        _wake(s, r, Ret(OK, tuple(f)), wakes)
        return s, Result(Ret(BLOCKED if kind == "call" else OK), tuple(wakes))
    if not block:
        return _fail(state, "EAGAIN")
    o.sendq.append(pid)
    p.state, p.obj, p.msg, p.badge, p.rbuf = kind, h.obj, msg, h.badge, rbuf
    return s, Result(Ret(BLOCKED))


def op_send(state, pid, slot, msg):
    """send(h, msg).
    Pre (checked in this order, the first failing one is the result):
    h is an open endpoint handle, else EBADF; it has the send right, else
    EACCES; the message is well formed (_check_msg: EINVAL, EACCES if it
    grants handles and h lacks grant, EBADF, EMSGSIZE, EFAULT); some handle
    with the receive right to the endpoint exists, else EPIPE.
    Post: if a receiver is queued, the oldest one gets the message (its
    badge is h's badge) and wakes; the sender returns ok.  Otherwise the
    sender blocks at the tail of the endpoint's send queue, and returns ok
    when a receiver takes the message, or EPIPE if the endpoint loses its
    last receive handle first."""
    return _send(state, pid, slot, msg, "send", None, True)


def op_try_send(state, pid, slot, msg):
    """try_send(h, msg): send, but never blocks.
    Pre: as send.  Post: as send when a receiver is queued; otherwise
    EAGAIN and nothing changes."""
    return _send(state, pid, slot, msg, "send", None, False)


def op_call(state, pid, slot, msg, rbuf):
    """call(h, msg, rbuf) -> reply message.
    Pre: as send, and then rbuf lies inside the caller's memory, else
    EFAULT; RECV_FREE_SLOTS free slots, else EMFILE; then EPIPE as send.
    Post: as send, but the receiver also gets a reply handle (a one-shot
    reply object naming the caller), and the caller stays blocked (state
    reply) until exactly one of: a reply (it returns ok with the reply
    message, badge 0, received into rbuf), or EPIPE when the reply handle
    is closed unused (its holder closed it or died) or the endpoint lost
    its last receive handle while the call was queued."""
    return _send(state, pid, slot, msg, "call", rbuf, True)


def _recv(state, pid, slot, rbuf, block):
    """recv and try_recv; see op_recv."""
    s = state.copy()
    p = _running(s, pid)
    h, err = _ep_handle(p, slot, R_RECV)
    err = err or _check_recv(p, rbuf)
    if not err and not _holders(s, h.obj, R_SEND):
        err = "EPIPE"
    if err:
        return _fail(state, err)
    o, wakes = s.objs[h.obj], []
    if o.sendq:
        q = o.sendq.pop(0)
        qp = s.procs[q]
        kind, msg, badge = qp.state, qp.msg, qp.badge
        f = _rendezvous(s, q, kind, msg, badge, pid, rbuf, wakes)
        if kind == "send":
            _wake(s, q, Ret(OK), wakes)
        return s, Result(Ret(OK, tuple(f)), tuple(wakes))
    if not block:
        return _fail(state, "EAGAIN")
    o.recvq.append(pid)
    p.state, p.obj, p.rbuf = "recv", h.obj, rbuf
    return s, Result(Ret(BLOCKED))


def op_recv(state, pid, slot, rbuf):
    """recv(h, rbuf) -> message.
    Pre: h is an open endpoint handle, else EBADF; it has the receive
    right, else EACCES; rbuf lies inside the receiver's memory, else
    EFAULT; RECV_FREE_SLOTS free slots, else EMFILE; some handle with the
    send right to the endpoint exists, else EPIPE.
    Post: if a sender or caller is queued, the oldest one's message is
    received (fields badge, label, words, buf = (len, copied), handles,
    and reply for a call); a sender wakes with ok, a caller moves to state
    reply.  Otherwise the receiver blocks at the tail of the receive queue
    and returns the message when one comes, or EPIPE if the endpoint loses
    its last send handle first."""
    return _recv(state, pid, slot, rbuf, True)


def op_try_recv(state, pid, slot, rbuf):
    """try_recv(h, rbuf): recv, but never blocks.
    Pre: as recv.  Post: as recv when a sender is queued; otherwise EAGAIN
    and nothing changes."""
    return _recv(state, pid, slot, rbuf, False)


def op_reply(state, pid, slot, msg):
    """reply(r, msg): never blocks.
    Pre: r is an open reply handle, else EBADF; the message is well formed
    (_check_msg; a reply may grant handles without a grant right).
    Post: r is closed (the reply object is used up: a second reply on it
    is EBADF).  If its caller is alive, the caller wakes with ok and the
    message, received into the call's rbuf; the replier returns ok.  If
    the caller died meanwhile, the replier returns EPIPE and nothing is
    transferred."""
    s = state.copy()
    p = _running(s, pid)
    h = p.handles.get(slot)
    if h is None or h.kind != "reply":
        return _fail(state, "EBADF")
    err = _check_msg(p, msg, True)
    if err:
        return _fail(state, err)
    caller = s.objs.pop(h.obj).caller
    del p.handles[slot]
    if caller is None:
        return s, Result(Ret("EPIPE"))
    wakes = []
    f = _transfer(s, pid, msg, 0, caller, s.procs[caller].rbuf)
    _wake(s, caller, Ret(OK, tuple(f)), wakes)
    return s, Result(Ret(OK), tuple(wakes))


def op_reply_recv(state, pid, rslot, msg, slot, rbuf):
    """reply_recv(r, msg, h, rbuf): reply, then recv, in one call.
    Pre: as reply; an error there is the result and nothing is done.
    Post: the reply is made (EPIPE for a dead caller is not reported),
    then the result is exactly that of recv(h, rbuf)."""
    s, res = op_reply(state, pid, rslot, msg)
    if res.ret.err not in (OK, "EPIPE"):
        return state, res
    s2, res2 = op_recv(s, pid, slot, rbuf)
    return s2, Result(res2.ret, res.wakes + res2.wakes)


def _ntfn_handle(p, slot, right):
    h = p.handles.get(slot)
    if h is None or h.kind != "ntfn":
        return None, "EBADF"
    if not h.rights & right:
        return None, "EACCES"
    return h, None


def op_signal(state, pid, slot):
    """signal(h): never blocks.
    Pre: h is an open notification handle, else EBADF; with the send
    right, else EACCES.
    Post: bits = h's badge, or 1 for an unbadged handle (so no signal is
    ever lost).  If a waiter is queued, the oldest wakes with word = bits;
    otherwise the word becomes word | bits.  Returns ok."""
    s = state.copy()
    p = _running(s, pid)
    h, err = _ntfn_handle(p, slot, R_SEND)
    if err:
        return _fail(state, err)
    o, bits, wakes = s.objs[h.obj], h.badge or 1, []
    if o.waitq:
        _wake(s, o.waitq.pop(0), Ret(OK, (("word", bits),)), wakes)
    else:
        o.word |= bits
    return s, Result(Ret(OK), tuple(wakes))


def op_wait(state, pid, slot):
    """wait(h) -> word.
    Pre: h is an open notification handle, else EBADF; with the receive
    right, else EACCES.
    Post: if the word is nonzero, returns ok with it and the word becomes
    0.  Otherwise, if no handle with the send right exists, EPIPE; else
    the waiter blocks at the tail of the wait queue until a signal (ok,
    word) or the last send handle goes (EPIPE)."""
    s = state.copy()
    p = _running(s, pid)
    h, err = _ntfn_handle(p, slot, R_RECV)
    if err:
        return _fail(state, err)
    o = s.objs[h.obj]
    if o.word:
        word, o.word = o.word, 0
        return s, Result(Ret(OK, (("word", word),)))
    if not _holders(s, h.obj, R_SEND):
        return _fail(state, "EPIPE")
    o.waitq.append(pid)
    p.state, p.obj = "wait", h.obj
    return s, Result(Ret(BLOCKED))


def op_exit(state, pid):
    """exit: the process dies (the same for a trap, proc_exit or kill).
    Post, in this order: it leaves the queue it is blocked in (a caller
    waiting for a reply: its reply object forgets it, so the reply will
    be EPIPE); its state is dead; its handles are closed in slot order,
    each by the rules of close (so every process blocked on it wakes with
    EPIPE).  Returns ok to the script."""
    s = state.copy()
    p = s.procs.get(pid)
    if p is None or p.state == "dead":
        raise ScriptError(f"process {pid} is already dead")
    if p.state in ("send", "call", "recv", "wait"):
        o = s.objs[p.obj]
        for q in (o.sendq, o.recvq, o.waitq):
            if pid in q:
                q.remove(pid)
    elif p.state == "reply" and p.obj in s.objs:
        s.objs[p.obj].caller = None
    p.state, p.obj, p.msg, p.rbuf = "dead", None, None, None
    wakes = []
    for slot in sorted(p.handles):
        _close(s, pid, slot, wakes)
    return s, Result(Ret(OK), tuple(wakes))


def op_give(state, pid, slot, to):
    """give(h, to): the test service's setup step, not a host call: copy
    pid's handle h into process `to`'s lowest free slot (as a spawner
    hands handles to a child).
    Pre: `to` is running; h is an open endpoint or notification handle,
    else EBADF; `to` has a free slot, else EMFILE.  Post: ok h=slot in
    `to`'s table."""
    s = state.copy()
    p = _running(s, pid)
    _running(s, to)
    h = p.handles.get(slot)
    if h is None or h.kind == "reply":
        return _fail(state, "EBADF")
    if not _free_slots(s.procs[to]):
        return _fail(state, "EMFILE")
    return s, Result(Ret(OK, (("h", _install(s.procs[to], h)),)))
# book: ops


# --- Invariants ---------------------------------------------------------------
# book: invariants
def check_invariants(s):
    """The properties every reachable state has; returns the violated ones
    (an empty list when all hold)."""
    bad = []
    held = {}                                   # obj -> number of handles
    for p in s.procs.values():
        if len(p.handles) > HANDLES_MAX:
            bad.append(f"proc {p.pid}: more than HANDLES_MAX handles")
        if p.state == "dead" and p.handles:
            bad.append(f"proc {p.pid}: dead but holds handles")
        for sl, h in p.handles.items():
            if h.obj not in s.objs or s.objs[h.obj].kind != h.kind:
                bad.append(f"proc {p.pid} slot {sl}: names a freed object")
            held[h.obj] = held.get(h.obj, 0) + 1
    for k, o in s.objs.items():
        if k not in held:
            bad.append(f"object {k}: no handle left but not freed")
        if o.kind == "reply" and held.get(k, 0) > 1:
            bad.append(f"reply object {k}: more than one handle")
        if o.kind == "ep" and o.sendq and o.recvq:
            bad.append(f"ep{k}: senders and receivers both queued")
        if o.kind == "ep" and o.sendq and not _holders(s, k, R_RECV):
            bad.append(f"ep{k}: senders queued but no receive handle left")
        if o.kind == "ep" and o.recvq and not _holders(s, k, R_SEND):
            bad.append(f"ep{k}: receivers queued but no send handle left")
        if o.kind == "ntfn" and o.waitq and (o.word or not _holders(s, k, R_SEND)):
            bad.append(f"ntfn{k}: waiters queued with a pending word or no sender")
    bad += _check_blocked(s)
    return bad


def _check_blocked(s):
    """Every blocked process is in exactly one queue, the one of the object
    it is blocked on (a caller in state reply: named by exactly one live
    reply object, held by one handle); every queued pid is blocked there."""
    bad, places = [], {}
    for k, o in s.objs.items():
        for name, q in (("send", o.sendq), ("recv", o.recvq), ("wait", o.waitq)):
            for pid in q:
                places.setdefault(pid, []).append((name, k))
        if o.kind == "reply" and o.caller is not None:
            places.setdefault(o.caller, []).append(("reply", k))
    for p in s.procs.values():
        want = {"send": "send", "call": "send", "recv": "recv",
                "wait": "wait", "reply": "reply"}.get(p.state)
        got = places.get(p.pid, [])
        if want is None and got:
            bad.append(f"proc {p.pid} ({p.state}) is queued in {got}")
        elif want is not None and got != [(want, p.obj)]:
            bad.append(f"proc {p.pid} ({p.state}) is in {got}, not [{want} {p.obj}]")
    return bad
# book: invariants


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
    "exit": (), "kill": (),
}
MSG_KEYS = ("label", "words", "buf", "handles")
HAS_MSG = ("send", "try_send", "call", "reply", "reply_recv")
HAS_RBUF = ("call", "recv", "try_recv", "reply_recv")
SCRIPT_MAGIC = "wisp-ipc-script 1"


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
    kv = [f"{k}={_fmt_val(k, a[k])}" for k in MSG_KEYS + ("rbuf",) if k in a]
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
        if k not in MSG_KEYS + ("rbuf",):
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


def _pick_slot(rng, p, kind=None, right=0):
    """Mostly a slot p holds (of `kind`, with `right`, if it has one),
    sometimes any slot at all."""
    mine = [sl for sl, h in p.handles.items()
            if (kind is None or h.kind == kind) and h.rights & right == right]
    if mine and rng.random() < 0.9:
        return rng.choice(sorted(mine))
    return rng.randrange(HANDLES_MAX + 2)


def _gen_msg(rng, p):
    """Random message arguments: mostly small and valid, sometimes not."""
    a = [("label", rng.choice((0, 1, 7, U32 - 1)))]
    if rng.random() < 0.5:
        a.append(("words", tuple(rng.randrange(100) for _ in range(rng.choice((1, 2, 8, 9))))))
    if rng.random() < 0.3:
        a.append(("buf", (rng.choice((0, 0, 65536, MEM_SIZE - 8)),
                          rng.choice((0, 8, 100, 4096, MSG_BUF_MAX, MSG_BUF_MAX + 1)))))
    if rng.random() < 0.2 and p.handles:
        n = min(len(p.handles), rng.choice((1, 2, 5)))
        slots = rng.sample(sorted(p.handles), n)
        a.append(("handles", tuple((sl, rng.choice("mc")) for sl in slots)))
    return a


def _gen_step(rng, s, pid):
    """A random step for running process pid in state s."""
    p, op = s.procs[pid], rng.choices(*zip(*OP_WEIGHTS))[0]
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
    elif op in ("signal", "wait"):
        a.append(("h", _pick_slot(rng, p, "ntfn", R_SEND if op == "signal" else R_RECV)))
    elif STEP_ARGS[op][-1:] == ("h",):
        a.append(("h", _pick_slot(rng, p, "ep", R_RECV if "recv" in op else R_SEND)))
    if op in HAS_MSG:
        a += _gen_msg(rng, p)
    if op in HAS_RBUF:
        a.append(("rbuf", (rng.choice((0, 0, 0, MEM_SIZE - 16)),
                           rng.choice((0, 16, 4096, 4096, 70000)))))
    return Step(pid, op, tuple(a))


def gen_script(seed, max_steps=40):
    """A random valid script from an integer seed (the same seed gives the
    same script).  Process 1 first creates an endpoint and a notification
    and gives every other process a badged send handle and a copy."""
    rng = random.Random(seed)
    nprocs = rng.randint(2, 4)
    steps = [Step(1, "ep_create"), Step(1, "ntfn_create")]
    for q in range(2, nprocs + 1):
        steps += [Step(1, "dup", (("h", 0), ("rights", R_SEND | R_GRANT), ("badge", q))),
                  Step(1, "give", (("h", q), ("to", q))),
                  Step(1, "give", (("h", 1), ("to", q)))]
        if rng.random() < 0.5:
            steps.append(Step(1, "give", (("h", 0), ("to", q))))
    s = run_script(Script(nprocs, tuple(steps)))[1]
    for _ in range(rng.randint(1, max_steps)):
        running = [q for q, p in s.procs.items() if p.state == "running"]
        if not running:
            break
        st = _gen_step(rng, s, rng.choice(running))
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
    usage = "usage: model.py run FILE | gen SEED | check --scripts N --seed S"
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
        print(f"model.py: {e}", file=sys.stderr)
        return 2
    print(usage, file=sys.stderr)
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
