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
  object    an endpoint ("ep"), a notification ("ntfn"), the one-shot
            reply object a call creates ("reply"), or a process ("proc",
            named "pN" for process N: spawn hands the spawner a handle on
            its child).  Endpoints and notifications are numbered 1, 2,
            ... in creation order.
  handle    a slot (0..HANDLES_MAX-1) of a process's handle table naming
            an object, with rights (s = send, r = receive, g = grant; k =
            kill, on a process handle) and a badge (0 = none).
  derived   a handle made from another one (dup, give, a copy granted in a
            message) is its child in the derivation tree; revoke takes back
            every descendant of a handle.
  blocked   a process's thread waiting in exactly one place: the send
            queue of an endpoint ("send", "call"), its receive queue
            ("recv"), a notification's wait queue ("wait"), or the reply
            object of its call ("reply").

Scripts, traces, the random script generator and the shrinker are in
spec/ipc/script.py.
"""

from dataclasses import dataclass, field, replace

# --- Limits (the kernel's ipc/ipc.h repeats them) ------------------------
HANDLES_MAX = 64        # slots in a process's handle table
MSG_WORDS_MAX = 8       # inline words in a message
MSG_HANDLES_MAX = 4     # handles granted in one message
MSG_BUF_MAX = 65536     # bytes of a message's buffer (64 KiB)
RECV_FREE_SLOTS = MSG_HANDLES_MAX + 1   # free slots a receive needs
MEM_SIZE = 131072       # a process's linear memory in scripts (2 pages)
U32 = 1 << 32           # labels, words, badges and rights are u32
WATCHES_MAX = 32        # pending watches per process (PROC_WATCHES_MAX)

# --- Error codes: the one numbering (WASI errno values, as in abi.md) -----
# name: (code, meaning).  ipc.pml, spec/ipc.md, the kernel and the C
# library use these numbers; tests check they agree.
ERRORS = {
    "EACCES":   (2,  "missing right"),
    "EAGAIN":   (6,  "would block"),
    "ECANCELED": (11, "handle revoked"),
    "EBADF":    (8,  "bad handle"),
    "EFAULT":   (21, "bad buffer"),
    "EINVAL":   (28, "bad argument"),
    "EMFILE":   (33, "handle table full"),
    "EMSGSIZE": (35, "message too large"),
    "EPIPE":    (64, "peer dead"),
    "ESRCH":    (71, "process ended"),
}
# Errors only the kernel's side of the model returns (op_watch, the
# allocation-failure switch): WASI numbers too, outside IPC's table.
KERNEL_ERRORS = {"ENOMEM": 48, "ENOSPC": 51}
OK = "ok"
BLOCKED = "blocked"

# rights: bits of a u32, spelled "srg" in scripts and traces (and "k",
# the kill right of a process handle, after them when it is set)
R_SEND, R_RECV, R_GRANT, R_KILL = 1, 2, 4, 8
R_ALL = R_SEND | R_RECV | R_GRANT       # a new endpoint's or notification's
R_ANY = R_ALL | R_KILL                  # every right bit there is


def rights_str(r):
    """Rights as three letters: "srg", "s--", "-r-" ..., then "k" if the
    kill right is set ("---k")."""
    return "".join(c if r & b else "-" for c, b in
                   (("s", R_SEND), ("r", R_RECV), ("g", R_GRANT))) + \
        ("k" if r & R_KILL else "")


def rights_parse(text):
    """The rights bits of "srg", "s-g", "---k", "-" ... (ValueError
    otherwise)."""
    bits = {"s": R_SEND, "r": R_RECV, "g": R_GRANT, "k": R_KILL, "-": 0}
    if not text or any(c not in bits for c in text):
        raise ValueError(f"bad rights: {text!r}")
    r = 0
    for c in text:
        r |= bits[c]
    return r


# --- State ------------------------------------------------------------------
@dataclass(frozen=True)
class Handle:
    """A handle table entry: the object it names, its kind, rights, badge,
    and its place in the derivation tree: parent is the (pid, slot) of the
    handle it was derived from (dup, give, a copy granted in a message),
    None for a root (a new object's handle, a reply handle)."""
    obj: object         # int (ep/ntfn number) or "rN" (reply object)
    kind: str           # "ep" | "ntfn" | "reply"
    rights: int = 0
    badge: int = 0
    parent: tuple = None


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
    sends, rbuf = (ptr, cap) the buffer it receives into, and slot the
    handle it blocked through (send, call, recv, wait: revoke cancels a
    process blocked through a handle it takes back)."""
    pid: int
    state: str = "running"
    obj: object = None
    slot: int = None
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
    the pid waiting for the reply, or None once that caller died.  proc:
    caller is the pid of the process it names."""
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
    fail_allocs: int = 0        # allocations still to fail (op_fail_alloc)
    watches: tuple = ()         # the kernel's references (Watch), newest first
    kdevs: tuple = ()           # the devices the kernel made (op_kdev), in order

    def copy(self):
        return State({p: q.copy() for p, q in self.procs.items()},
                     {k: o.copy() for k, o in self.objs.items()},
                     self.next_obj, self.next_reply, self.fail_allocs,
                     self.watches, self.kdevs)


@dataclass(frozen=True)
class Watch:
    """A kernel reference (op_watch): notification obj, held by the kernel
    with the send right, signalled with bits when process `target` ends;
    dropped then, or when `watcher` ends first."""
    watcher: int
    target: int
    obj: int
    bits: int


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
    """Whether any process holds a handle to obj with right, or the
    kernel a reference (a watch and a device count as handles with s)."""
    return any(h.obj == obj and h.rights & right
               for p in s.procs.values() for h in p.handles.values()) or \
        (right == R_SEND and (any(w.obj == obj for w in s.watches) or
                              obj in s.kdevs))


def _wake(s, pid, ret, wakes):
    """Make blocked process pid running again, seeing ret."""
    p = s.procs[pid]
    p.state, p.obj, p.msg, p.badge, p.rbuf = "running", None, None, 0, None
    p.slot = None
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
    message order (move: src loses it, and the handle keeps its place in
    the derivation tree; copy: same rights and badge, a child of src's
    handle).  A granted handle that revoke took from a blocked sender is
    not there any more: the message goes without it."""
    f = [("badge", badge), ("label", msg.label)]
    if msg.words:
        f.append(("words", tuple(msg.words)))
    if msg.buf is not None:
        cap = rbuf[1] if rbuf is not None else 0
        f.append(("buf", (msg.buf[1], min(msg.buf[1], cap))))
    slots = []
    for sl, mode in msg.handles:
        h = s.procs[src].handles.get(sl)
        if h is None:
            continue                # revoked while its sender waited
        if mode == "m":
            del s.procs[src].handles[sl]
            slots.append(_install(s.procs[dst], h))
            _reparent(s, (src, sl), (dst, slots[-1]))
        else:
            slots.append(_install(s.procs[dst], replace(h, parent=(src, sl))))
    if slots:
        f.append(("handles", tuple(slots)))
    return f


def _rendezvous(s, sender, kind, msg, badge, receiver, rbuf):
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


def _reparent(s, old, new):
    """Every handle whose parent is the handle at `old` ((pid, slot)) gets
    `new` as its parent: the handle moved there, or (new a parent or None)
    it was closed and its children go to its own parent."""
    for p in s.procs.values():
        for sl, g in p.handles.items():
            if g.parent == old:
                p.handles[sl] = replace(g, parent=new)


def _descendants(s, at):
    """The (pid, slot) of every handle derived from the handle at `at`,
    transitively."""
    out, todo = set(), [at]
    while todo:
        cur = todo.pop()
        for pid, p in s.procs.items():
            for sl, g in p.handles.items():
                if g.parent == cur and (pid, sl) not in out:
                    out.add((pid, sl))
                    todo.append((pid, sl))
    return out
def _held(s, obj):
    """Whether a handle or a kernel reference names obj."""
    return any(g.obj == obj for p in s.procs.values() for g in p.handles.values()) \
        or any(w.obj == obj for w in s.watches) or obj in s.kdevs


def _close(s, pid, slot, wakes):
    """Remove handle slot of pid (the handles derived from it become its
    parent's children, or roots), then apply the last-handle rules:
    a reply handle closed unused wakes its caller with EPIPE; an endpoint
    left without receive handles wakes every queued sender/caller with
    EPIPE, one left without send handles every queued receiver; a
    notification left without send handles wakes its waiters with EPIPE;
    an object without handles is freed."""
    h = s.procs[pid].handles.pop(slot)
    _reparent(s, (pid, slot), h.parent)
    o = s.objs[h.obj]
    if h.kind == "reply":
        del s.objs[h.obj]
        if o.caller is not None:
            _wake(s, o.caller, Ret("EPIPE"), wakes)
        return
    if not _held(s, h.obj):
        del s.objs[h.obj]
        return
    if h.kind == "proc":
        return                      # nobody waits on a process object
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
    no badge, in the lowest free slot.  ENOMEM (after EMFILE) while the
    allocation-failure switch is on (op_fail_alloc): nothing is made."""
    s = state.copy()
    p = _running(s, pid)
    if not _free_slots(p):
        return _fail(state, "EMFILE")
    if s.fail_allocs:
        return _alloc_failed(s)
    return s, Result(Ret(OK, (("h", _new_obj(s, p, "ep")),)))


def op_ntfn_create(state, pid):
    """ntfn_create() -> h.
    Pre: the table has a free slot, else EMFILE.
    Post: a new notification with word 0; h names it with rights srg and no
    badge, in the lowest free slot.  ENOMEM as ep_create."""
    s = state.copy()
    p = _running(s, pid)
    if not _free_slots(p):
        return _fail(state, "EMFILE")
    if s.fail_allocs:
        return _alloc_failed(s)
    return s, Result(Ret(OK, (("h", _new_obj(s, p, "ntfn")),)))


def _alloc_failed(s):
    """The allocation-failure switch takes one failure: ENOMEM, and only
    the switch's count changes."""
    s.fail_allocs -= 1
    return s, Result(Ret("ENOMEM"))


def _new_obj(s, p, kind, rights=R_ALL):
    """A new object of kind, numbered next; p's handle on it (rights, no
    badge) in its lowest free slot: returns the slot."""
    n = s.next_obj
    s.next_obj += 1
    s.objs[n] = Obj(kind)
    return _install(p, Handle(n, kind, rights, 0))


def op_dup(state, pid, slot, rights, badge):
    """dup(h, rights, badge) -> h2: duplicate a handle with fewer rights
    (mint, when badge != 0).
    Pre: h is an open endpoint, notification or process handle, else
    EBADF (reply handles are one-shot: never duplicated); rights has only
    s, r, g, k bits and badge is a u32, else EINVAL; rights is a subset of h's rights,
    else EACCES; badge is 0 or h has no badge, else EINVAL (a badge is set
    once, by minting an unbadged handle, and never changed); a free slot,
    else EMFILE.
    Post: h2 names the same object with `rights` and badge `badge` if
    nonzero, else h's badge, derived from h; h is unchanged."""
    s = state.copy()
    p = _running(s, pid)
    h = p.handles.get(slot)
    if h is None or h.kind == "reply":
        return _fail(state, "EBADF")
    if rights & ~R_ANY or not 0 <= badge < U32:
        return _fail(state, "EINVAL")
    if rights & ~h.rights:
        return _fail(state, "EACCES")
    if badge and h.badge:
        return _fail(state, "EINVAL")
    if not _free_slots(p):
        return _fail(state, "EMFILE")
    h2 = replace(h, rights=rights, badge=badge or h.badge, parent=(pid, slot))
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
        f = _rendezvous(s, pid, kind, msg, h.badge, r, rp.rbuf)
        _wake(s, r, Ret(OK, tuple(f)), wakes)
        return s, Result(Ret(BLOCKED if kind == "call" else OK), tuple(wakes))
    if not block:
        return _fail(state, "EAGAIN")
    o.sendq.append(pid)
    p.state, p.obj, p.msg, p.badge, p.rbuf = kind, h.obj, msg, h.badge, rbuf
    p.slot = slot
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
        f = _rendezvous(s, q, kind, msg, badge, pid, rbuf)
        if kind == "send":
            _wake(s, q, Ret(OK), wakes)
        return s, Result(Ret(OK, tuple(f)), tuple(wakes))
    if not block:
        return _fail(state, "EAGAIN")
    o.recvq.append(pid)
    p.state, p.obj, p.rbuf, p.slot = "recv", h.obj, rbuf, slot
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
    p.state, p.obj, p.slot = "wait", h.obj, slot
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
    p.state, p.obj, p.msg, p.rbuf, p.slot = "dead", None, None, None, None
    wakes = []
    for slot in sorted(p.handles):
        _close(s, pid, slot, wakes)
    _end_watches(s, pid, wakes)
    return s, Result(Ret(OK), tuple(wakes))


def op_give(state, pid, slot, to):
    """give(h, to): the test service's setup step, not a host call: copy
    pid's handle h into process `to`'s lowest free slot (as a spawner
    hands handles to a child).
    Pre: `to` is running; h is an open endpoint or notification handle,
    else EBADF; `to` has a free slot, else EMFILE.  Post: ok h=slot in
    `to`'s table, a handle derived from h."""
    s = state.copy()
    p = _running(s, pid)
    _running(s, to)
    h = p.handles.get(slot)
    if h is None or h.kind == "reply":
        return _fail(state, "EBADF")
    if not _free_slots(s.procs[to]):
        return _fail(state, "EMFILE")
    h2 = replace(h, parent=(pid, slot))
    return s, Result(Ret(OK, (("h", _install(s.procs[to], h2)),)))


def op_give_proc(state, pid, to):
    """give_proc(to): the test service's setup step standing for spawn:
    pid gets a handle with the kill right on process `to`, as a spawner
    gets one on its child.  (While a process lives the kernel holds its
    process object too; the model keeps it while a handle names it.)
    Pre: pid is running; a free slot, else EMFILE.
    Post: ok h=slot, a handle naming process `to` (object "p<to>"),
    rights k, no badge."""
    s = state.copy()
    p = _running(s, pid)
    if not _free_slots(p):
        return _fail(state, "EMFILE")
    name = f"p{to}"
    s.objs.setdefault(name, Obj("proc", caller=to))
    return s, Result(Ret(OK, (("h", _install(p, Handle(name, "proc", R_KILL, 0))),)))


def op_kill(state, pid, slot):
    """kill(h): end the process a process handle names.
    Pre: h is an open process handle, else EBADF; it has the kill right,
    else EACCES; its process has not ended, else ESRCH.
    Post: that process dies exactly as op_exit says (its queue, its state,
    its handles closed in slot order, whoever that concerns woken); the
    caller, unless it killed itself, returns ok.  The kernel also ends
    every process the victim started (spec/process.md): the model has no
    spawn, so no such processes."""
    s = state.copy()
    p = _running(s, pid)
    h = p.handles.get(slot)
    if h is None or h.kind != "proc":
        return _fail(state, "EBADF")
    if not h.rights & R_KILL:
        return _fail(state, "EACCES")
    victim = s.objs[h.obj].caller
    if s.procs[victim].state == "dead":
        return _fail(state, "ESRCH")
    s2, res = op_exit(s, victim)
    return s2, Result(Ret(OK), res.wakes)


def _notify(s, obj, bits, wakes):
    """The kernel signals notification obj with bits, as op_signal."""
    o = s.objs[obj]
    if o.waitq:
        _wake(s, o.waitq.pop(0), Ret(OK, (("word", bits),)), wakes)
    else:
        o.word |= bits


def _end_watches(s, pid, wakes):
    """After process pid's handles are closed: each watch on pid, newest
    first, signals its notification; each watch on pid or made by pid is
    dropped, by the last-handle rules of a notification (its waiters wake
    with EPIPE when no signaller is left; it is freed when nothing names
    it)."""
    for w in s.watches:
        if pid not in (w.target, w.watcher):
            continue
        if w.target == pid:
            _notify(s, w.obj, w.bits, wakes)
        s.watches = tuple(x for x in s.watches if x is not w)
        o = s.objs[w.obj]
        if not _held(s, w.obj):
            del s.objs[w.obj]
        elif not _holders(s, w.obj, R_SEND):
            for q in o.waitq:
                _wake(s, q, Ret("EPIPE"), wakes)
            o.waitq = []


def op_watch(state, pid, slot, target):
    """watch(target, h): signal notification h when process `target` ends
    (spec/abi.md; the kernel's own reference to h's notification, with
    the send right: ipc/kref.h).
    Pre, in this order: h is an open notification handle, else EBADF;
    with the send right, else EACCES; target is a process that ever
    started, else ESRCH; if it has ended, the notification is signalled
    at once (ok); else the caller has fewer than WATCHES_MAX watches,
    else ENOSPC.
    Post: bits = h's badge, or 1.  The kernel holds the notification as
    a signaller would (its waiters are not woken with EPIPE for want of
    one, and it is not freed) until target ends (then it is signalled
    with bits, as op_signal does) or the caller ends; see _end_watches."""
    s = state.copy()
    h, err = _ntfn_handle(_running(s, pid), slot, R_SEND)
    if err:
        return _fail(state, err)
    if target not in s.procs:
        return _fail(state, "ESRCH")
    wakes, bits = [], h.badge or 1
    if s.procs[target].state == "dead":
        _notify(s, h.obj, bits, wakes)
        return s, Result(Ret(OK), tuple(wakes))
    if sum(w.watcher == pid for w in s.watches) >= WATCHES_MAX:
        return _fail(state, "ENOSPC")
    s.watches = (Watch(pid, target, h.obj, bits),) + s.watches
    return s, Result(Ret(OK))


def op_kdev(state, pid):
    """kdev: the kernel makes a console device for process pid (not a
    host call: kernel/proc/consdev.c's consdev_make, which gives init its
    slot 0 at boot).
    Pre: pid is running; its table has a free slot, else EMFILE; then
    ENOMEM while the allocation-failure switch is on (nothing is made
    either way).
    Post: a new notification, word 0, that the kernel holds with the send
    right alone (a kernel reference, ipc/kref.h, counted as a signaller
    by the last-handle rules and never dropped); pid's handle on it has
    the receive right alone and no badge, in its lowest free slot: ok
    h=slot.  The script's devices are numbered 1, 2, ... in order."""
    s = state.copy()
    p = _running(s, pid)
    if not _free_slots(p):
        return _fail(state, "EMFILE")
    if s.fail_allocs:
        return _alloc_failed(s)
    s.kdevs += (s.next_obj,)
    return s, Result(Ret(OK, (("h", _new_obj(s, p, "ntfn", R_RECV)),)))


def op_kinput(state, pid, d):
    """kinput(d): serial input arrives for device d (1: the script's
    first kdev); the kernel signals it with bits 1, as its input thread
    does (consdev_signal), whoever holds the device now.  The step's
    process plays no part.
    Pre: d names a device, else EINVAL.
    Post: the oldest waiter wakes with word 1; with none, word |= 1
    (input before a wait is kept).  Returns ok."""
    if not 1 <= d <= len(state.kdevs):
        return _fail(state, "EINVAL")
    s, wakes = state.copy(), []
    _notify(s, s.kdevs[d - 1], 1, wakes)
    return s, Result(Ret(OK), tuple(wakes))


def op_fail_alloc(state, pid, n):
    """fail_alloc(n): the test kernel's allocation-failure switch, not a
    host call (kernel/proc/oracle.c): the next n allocations of an IPC
    object fail, as when kernel memory is exhausted.  The model counts
    the allocations of ep_create and ntfn_create; a call's reply object
    is not counted (the kernel keeps one spare per process, so whether a
    call allocates depends on its past), so scripts turn the switch on
    just before the creates they mean.  Returns ok."""
    s = state.copy()
    s.fail_allocs = n
    return s, Result(Ret(OK))


def op_bad_pointer(state, pid):
    """A host call whose message, wisp_in or output pointer is outside
    the caller's memory (spec/abi.md): EFAULT, checked before everything
    else (before the handle), and nothing changes."""
    _running(state, pid)
    return _fail(state, "EFAULT")
# book: ops


# book: revoke
def op_revoke(state, pid, slot):
    """revoke(h) -> n: take back every handle derived from h.
    Pre: h is an open endpoint, notification or process handle, else
    EBADF (a reply handle is never derived from, nor derives).  No right
    is needed: what was derived from h is authority h's holder passed on.
    Post: every descendant of h in the derivation tree (handles made from
    it by dup, give and copies granted in messages, and from those, in any
    process; a moved handle keeps its place) is gone from its table; h
    stays.  First, every process queued on h's object through one of them
    (the handle its send, call, recv or wait named) leaves the queue and
    wakes with ECANCELED, in queue order (send queue, receive queue, wait
    queue).  A blocked sender's message that grants one goes without it.
    Every descendant has at most h's rights, so no last-handle rule
    fires and the object lives on.  ok n = how many were taken back."""
    s = state.copy()
    p = _running(s, pid)
    h = p.handles.get(slot)
    if h is None or h.kind == "reply":
        return _fail(state, "EBADF")
    gone, o, wakes = _descendants(s, (pid, slot)), s.objs[h.obj], []
    for q in o.sendq + o.recvq + o.waitq:
        if (q, s.procs[q].slot) in gone:
            for queue in (o.sendq, o.recvq, o.waitq):
                if q in queue:
                    queue.remove(q)
            _wake(s, q, Ret("ECANCELED"), wakes)
    for q, sl in gone:
        del s.procs[q].handles[sl]
    return s, Result(Ret(OK, (("n", len(gone)),)), tuple(wakes))
# book: revoke


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
            bad += _check_derived(s, p.pid, sl)
    for k, o in s.objs.items():
        if k not in held and not any(w.obj == k for w in s.watches) \
                and k not in s.kdevs:
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
    for k in s.kdevs:
        if k not in s.objs or s.objs[k].kind != "ntfn":
            bad.append(f"device {k}: not a live notification")
    bad += _check_blocked(s)
    return bad


def _check_derived(s, pid, slot):
    """The derivation tree at handle (pid, slot): its parent is an open
    handle to the same object with every right it has and its badge (or
    none); the chain of parents ends (no cycle); reply handles have no
    place in the tree."""
    h, bad = s.procs[pid].handles[slot], []
    seen, cur = {(pid, slot)}, h
    while cur.parent is not None:
        q, sl = cur.parent
        par = s.procs[q].handles.get(sl) if q in s.procs else None
        if par is None or par.obj != cur.obj or par.kind == "reply" or \
                cur.rights & ~par.rights or (par.badge and par.badge != cur.badge):
            return [f"proc {pid} slot {slot}: derived from no handle with its rights"]
        if cur.parent in seen:
            return [f"proc {pid} slot {slot}: its derivation has a cycle"]
        seen.add(cur.parent)
        cur = par
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
