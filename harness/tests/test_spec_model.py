"""Tests of the IPC reference model (spec/ipc/model.py, script.py): each
operation's pre/postconditions as spec/ipc.md states them, FIFO order, call/reply
exactly once, death, rights and badges, the script and trace formats, and
invariants over random scripts (Hypothesis)."""

import copy
import re
import subprocess
import sys
from pathlib import Path

import pytest
from hypothesis import given, settings, strategies as st

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "spec" / "ipc"))
import model as M  # noqa: E402
import script as S  # noqa: E402


def run(body, nprocs=3, check=True):
    """Trace lines (without the final state) and the final state of a
    script given as its step lines."""
    sc = S.parse_script(f"{S.SCRIPT_MAGIC}\nprocs {nprocs}\n{body}")
    trace, s = S.run_script(sc, check=check)
    return trace[:trace.index("final")], s


def results(trace):
    """{step number: result text} of the steps themselves (no wakes)."""
    return {int(ln.split(":")[0]): ln.split("-> ")[1]
            for ln in trace if " wake " not in ln}


def wakes(trace):
    """(step, pid, result) of every wake line, in order."""
    return [(int(m[1]), int(m[2]), m[3]) for m in
            (re.match(r"(\d+): wake (\d+) -> (.*)", ln) for ln in trace) if m]


# Process 1 serves endpoint 1 (slot 0 in its table); processes 2 and 3
# hold send+grant handles badged 2 and 3 (slot 0 in their tables).
SETUP = """1 ep_create
1 dup 0 s-g 2
1 give 1 2
1 dup 0 s-g 3
1 give 2 3
"""
N = 5   # steps in SETUP


def test_setup_gives_badged_send_handles():
    trace, s = run(SETUP)
    assert set(results(trace).values()) == {"ok h=0", "ok h=1", "ok h=2"}
    assert s.procs[2].handles[0] == M.Handle(1, "ep", M.R_SEND | M.R_GRANT, 2,
                                             parent=(1, 1))   # from 1's dup
    assert s.procs[1].handles[0].rights == M.R_ALL


# --- objects and handles ---------------------------------------------------
def test_create_fills_lowest_free_slot_then_emfile():
    trace, s = run("1 ep_create\n" * M.HANDLES_MAX + "1 ntfn_create\n1 close 3\n1 ntfn_create\n")
    r = results(trace)
    assert r[1] == "ok h=0" and r[M.HANDLES_MAX] == f"ok h={M.HANDLES_MAX - 1}"
    assert r[M.HANDLES_MAX + 1] == "EMFILE"
    assert r[M.HANDLES_MAX + 3] == "ok h=3" and s.procs[1].handles[3].kind == "ntfn"


def test_dup_only_drops_rights_and_badges_once():
    trace, s = run("1 ep_create\n1 dup 0 s-- 5\n1 dup 1 s-- 0\n1 dup 1 sr- 0\n"
                   "1 dup 1 s-- 6\n1 dup 9 s-- 0\n1 dup 0 s-- 4294967296\n")
    r = results(trace)
    assert r[2] == "ok h=1" and s.procs[1].handles[1].badge == 5
    assert r[3] == "ok h=2" and s.procs[1].handles[2].badge == 5   # badge kept
    assert r[4] == "EACCES"            # cannot add the receive right
    assert r[5] == "EINVAL"            # a badged handle cannot be re-badged
    assert r[6] == "EBADF" and r[7] == "EINVAL"


def test_rights_letters_round_trip():
    for r in range(8):
        assert M.rights_parse(M.rights_str(r)) == r
    with pytest.raises(ValueError):
        M.rights_parse("x")


def test_close_frees_object_with_last_handle():
    trace, s = run("1 ep_create\n1 dup 0 s-- 0\n1 close 0\n1 close 0\n1 close 1\n")
    r = results(trace)
    assert r[3] == "ok" and r[4] == "EBADF" and r[5] == "ok"
    assert s.objs == {}


def test_operations_are_pure():
    s0 = S.run_script(S.gen_script(7))[1]
    before = copy.deepcopy(s0)
    for op in (lambda s: M.op_ep_create(s, 1), lambda s: M.op_close(s, 1, 0),
               lambda s: M.op_send(s, 1, 0, M.Msg()), lambda s: M.op_exit(s, 1)
               if s.procs[1].state != "dead" else (s, None)):
        try:
            op(s0)
        except M.ScriptError:
            pass
        assert s0 == before


# --- send / recv -------------------------------------------------------------
def test_send_then_recv_delivers_label_words_badge():
    trace, s = run(SETUP + "2 send 0 label=7 words=1,2,3\n1 recv 0\n")
    r = results(trace)
    assert r[N + 1] == "blocked"
    assert r[N + 2] == "ok badge=2 label=7 words=1,2,3"
    assert wakes(trace) == [(N + 2, 2, "ok")]
    assert s.procs[2].state == "running"


def test_recv_then_send_wakes_the_receiver():
    trace, _ = run(SETUP + "1 recv 0\n3 send 0 label=1\n")
    assert results(trace)[N + 1] == "blocked" and results(trace)[N + 2] == "ok"
    assert wakes(trace) == [(N + 2, 1, "ok badge=3 label=1")]


def test_senders_queue_fifo():
    trace, s = run(SETUP + "2 send 0 label=1\n3 send 0 label=2\n"
                   "1 recv 0\n1 recv 0\n", nprocs=3)
    assert [ep.sendq for ep in s.objs.values()] == [[]]
    r = results(trace)
    assert r[N + 3].startswith("ok badge=2 label=1") and r[N + 4].startswith("ok badge=3 label=2")


def test_receivers_queue_fifo():
    trace, _ = run("1 ep_create\n1 give 0 2\n1 give 0 3\n2 recv 0\n3 recv 0\n"
                   "1 send 0 label=1\n1 send 0 label=2\n")
    assert [w[1] for w in wakes(trace)] == [2, 3]


def test_try_send_and_try_recv_never_block():
    trace, s = run(SETUP + "2 try_send 0\n1 try_recv 0\n1 recv 0\n2 try_send 0 label=4\n")
    r = results(trace)
    assert r[N + 1] == "EAGAIN" and r[N + 2] == "EAGAIN"
    assert r[N + 4] == "ok" and wakes(trace) == [(N + 4, 1, "ok badge=2 label=4")]


def test_buffer_truncation_rule():
    trace, _ = run(SETUP + "2 send 0 buf=0+100\n1 recv 0 rbuf=0+64\n"
                   "2 send 0 buf=0+100\n1 recv 0\n2 send 0 buf=0+0\n1 recv 0 rbuf=0+8\n")
    r = results(trace)
    assert r[N + 2].endswith("buf=100/64")      # len sent / bytes copied
    assert r[N + 4].endswith("buf=100/0")       # no receive buffer
    assert r[N + 6].endswith("buf=0/0")


@pytest.mark.parametrize("args, err", [
    ("9 label=1", "EBADF"),                                  # empty slot
    ("0 words=1,2,3,4,5,6,7,8,9", "EINVAL"),                 # > 8 words
    ("0 label=4294967296", "EINVAL"),                        # label not u32
    ("0 handles=0c,0m", "EINVAL"),                           # slot twice
    ("0 buf=0+65537", "EMSGSIZE"),                           # > 64 KiB
    ("0 buf=131000+1000", "EFAULT"),                         # outside memory
    ("0 buf=0+65536", "blocked"),                            # exactly 64 KiB
    ("0 handles=7c", "EBADF"),                               # granting nothing
])
def test_send_errors(args, err):
    trace, s = run(SETUP + f"2 send {args}\n")
    assert results(trace)[N + 1] == err
    if err != "blocked":
        assert s.procs[2].state == "running"


def test_missing_rights():
    trace, _ = run("1 ep_create\n1 dup 0 -r- 0\n1 dup 0 s-- 0\n1 ep_create\n"
                   "1 send 1\n1 recv 2\n1 send 2 handles=3c\n")
    r = results(trace)
    assert r[5] == "EACCES" and r[6] == "EACCES" and r[7] == "EACCES"


def test_recv_needs_free_slots():
    fill = "1 ep_create\n" * (M.HANDLES_MAX - M.RECV_FREE_SLOTS + 1)
    trace, _ = run(fill + "1 recv 0\n1 close 1\n1 recv 0\n", nprocs=2)
    r = results(trace)
    k = M.HANDLES_MAX - M.RECV_FREE_SLOTS + 1
    assert r[k + 1] == "EMFILE" and r[k + 3] == "blocked"


def test_send_without_any_receiver_handle_is_epipe():
    trace, _ = run("1 ep_create\n1 dup 0 s-- 0\n1 close 0\n1 send 1\n1 ntfn_create\n")
    assert results(trace)[4] == "EPIPE"


# --- grants ---------------------------------------------------------------------
def test_grant_move_and_copy():
    trace, s = run(SETUP + "2 ntfn_create\n2 ep_create\n"
                   "2 send 0 handles=1c,2m\n1 recv 0\n")
    assert results(trace)[N + 4] == "ok badge=2 label=0 handles=3,4"
    assert sorted(s.procs[2].handles) == [0, 1]         # moved one is gone
    assert s.procs[1].handles[3].kind == "ntfn" and s.procs[1].handles[4].kind == "ep"


def test_grant_needs_grant_right_and_keeps_badge():
    trace, s = run("1 ep_create\n1 dup 0 s-- 0\n1 give 1 2\n1 dup 0 s-- 9\n"
                   "2 send 0 handles=0c\n1 dup 0 -r- 0\n1 give 3 2\n"
                   "1 send 0 handles=2c\n2 recv 1\n", nprocs=2)
    r = results(trace)
    assert r[5] == "EACCES"                             # s-- has no grant
    assert r[9] == "ok badge=0 label=0 handles=2"
    assert s.procs[2].handles[2].badge == 9             # badge travels unchanged


# --- call / reply ---------------------------------------------------------------
def test_call_reply_exactly_once():
    trace, s = run(SETUP + "2 call 0 label=5 rbuf=0+64\n1 recv 0\n"
                   "1 reply 3 label=6 buf=0+10\n1 reply 3\n")
    r = results(trace)
    assert r[N + 1] == "blocked"
    assert r[N + 2] == "ok badge=2 label=5 reply=3"
    assert s.procs[2].state == "running"
    assert r[N + 3] == "ok" and r[N + 4] == "EBADF"     # one-shot
    assert wakes(trace) == [(N + 3, 2, "ok badge=0 label=6 buf=10/10")]


def test_reply_recv_replies_then_receives():
    trace, s = run(SETUP + "2 call 0\n1 recv 0\n3 call 0\n1 reply_recv 3 0 label=1\n")
    r = results(trace)
    assert r[N + 4] == "ok badge=3 label=0 reply=3"
    assert wakes(trace) == [(N + 4, 2, "ok badge=0 label=1")]
    assert s.procs[3].state == "reply"


def test_reply_recv_with_bad_reply_does_nothing():
    trace, s = run(SETUP + "1 reply_recv 7 0\n")
    assert results(trace)[N + 1] == "EBADF" and s.procs[1].state == "running"


def test_reply_handles_cannot_be_duplicated_or_granted():
    trace, _ = run(SETUP + "2 call 0\n1 recv 0\n1 dup 3 s-- 0\n1 give 3 3\n"
                   "1 ep_create\n1 send 4 handles=3c\n")
    r = results(trace)
    assert r[N + 3] == "EBADF" and r[N + 4] == "EBADF" and r[N + 6] == "EBADF"


def test_closing_unused_reply_handle_answers_epipe():
    trace, s = run(SETUP + "2 call 0\n1 recv 0\n1 close 3\n")
    assert wakes(trace) == [(N + 3, 2, "EPIPE")]
    assert s.procs[2].state == "running"


# --- death ---------------------------------------------------------------------------
def test_server_dies_holding_reply_cap():
    trace, s = run(SETUP + "2 call 0\n1 recv 0\n1 exit\n")
    assert wakes(trace) == [(N + 3, 2, "EPIPE")]
    assert s.objs == {} or all(o.kind != "reply" for o in s.objs.values())


def test_last_receiver_dies_queued_callers_get_epipe_in_order():
    trace, s = run(SETUP + "3 call 0\n2 send 0\n1 kill\n")
    assert wakes(trace) == [(N + 3, 3, "EPIPE"), (N + 3, 2, "EPIPE")]
    assert s.procs[2].state == s.procs[3].state == "running"


def test_queued_callers_wait_for_another_server():
    trace, s = run(SETUP + "1 give 0 3\n2 call 0\n1 kill\n3 recv 1\n")
    assert wakes(trace) == []
    assert results(trace)[N + 4] == "ok badge=2 label=0 reply=2"


def test_last_sender_dies_waiting_receiver_gets_epipe():
    trace, _ = run("1 ep_create\n1 dup 0 -r- 0\n1 give 1 2\n2 recv 0\n1 exit\n",
                   nprocs=2)
    assert wakes(trace) == [(5, 2, "EPIPE")]


def test_caller_dies_then_reply_is_epipe_and_never_blocks():
    trace, s = run(SETUP + "2 call 0\n1 recv 0\n2 kill\n1 reply 3\n")
    r = results(trace)
    assert r[N + 4] == "EPIPE" and 3 not in s.procs[1].handles


def test_queued_sender_killed_leaves_the_queue():
    trace, s = run(SETUP + "2 send 0 label=1\n3 send 0 label=2\n2 kill\n1 recv 0\n")
    assert results(trace)[N + 4].startswith("ok badge=3 label=2")


def test_death_closes_handles_and_frees_objects():
    trace, s = run(SETUP + "2 ep_create\n2 ntfn_create\n2 exit\n")
    assert s.procs[2].handles == {} and s.procs[2].state == "dead"
    assert sorted(s.objs) == [1]


def test_dead_or_blocked_process_cannot_step():
    with pytest.raises(M.ScriptError):
        run(SETUP + "2 call 0\n2 send 0\n")
    with pytest.raises(M.ScriptError):
        run(SETUP + "2 exit\n2 kill\n")


# --- notifications ---------------------------------------------------------------
def test_signal_ors_badges_and_wait_clears():
    trace, s = run("1 ntfn_create\n1 dup 0 s-- 4\n1 dup 0 s-- 1\n1 signal 1\n"
                   "1 signal 2\n1 wait 0\n1 signal 0\n1 wait 0\n")
    r = results(trace)
    assert r[6] == "ok word=5" and r[8] == "ok word=1"   # unbadged: bit 1
    assert s.objs[1].word == 0


def test_signal_wakes_oldest_waiter():
    trace, _ = run("1 ntfn_create\n1 give 0 2\n1 give 0 3\n2 wait 0\n3 wait 0\n"
                   "1 dup 0 s-- 8\n1 signal 1\n")
    assert wakes(trace) == [(7, 2, "ok word=8")]


def test_waiter_gets_epipe_when_last_signaller_goes():
    trace, _ = run("1 ntfn_create\n1 dup 0 -r- 0\n1 give 1 2\n2 wait 0\n1 exit\n",
                   nprocs=2)
    assert wakes(trace) == [(5, 2, "EPIPE")]


def test_wrong_kind_is_ebadf():
    trace, _ = run("1 ntfn_create\n1 ep_create\n1 send 0\n1 signal 1\n1 wait 1\n")
    r = results(trace)
    assert r[3] == r[4] == r[5] == "EBADF"


# --- formats, generator, shrinker ---------------------------------------------------
GOLDEN = """1: 1 ep_create -> ok h=0
2: 1 dup -> ok h=1
3: 1 give -> ok h=0
4: 2 call -> blocked
5: 1 recv -> ok badge=7 label=5 words=1,2 buf=100/64 reply=2
6: 1 reply -> ok
6: wake 2 -> ok badge=0 label=9 words=3
7: 2 send -> blocked
final
proc 1 running 0=ep1:srg:0 1=ep1:s--:7
proc 2 send:ep1 0=ep1:s--:7
ep1 sendq=2 recvq=-"""


def test_trace_format_golden():
    sc = S.parse_script("wisp-ipc-script 1\nprocs 2\n1 ep_create\n1 dup 0 s-- 7\n"
                        "1 give 1 2\n2 call 0 label=5 words=1,2 buf=0+100 rbuf=0+64\n"
                        "1 recv 0 rbuf=0+64  # comment\n1 reply 2 label=9 words=3\n2 send 0\n")
    assert "\n".join(S.run_script(sc)[0]) == GOLDEN


@pytest.mark.parametrize("text", ["procs 2\n", "wisp-ipc-script 1\nprocs 2\n1 fly 0\n",
                                  "wisp-ipc-script 1\nprocs 2\n3 exit\n",
                                  "wisp-ipc-script 1\nprocs 2\n1 send\n",
                                  "wisp-ipc-script 1\nprocs 2\n1 send 0 bogus=1\n"])
def test_bad_scripts_are_clear_errors(text):
    with pytest.raises(ValueError):
        S.parse_script(text)


def test_cli_run_and_errors(tmp_path):
    f = tmp_path / "s.txt"
    f.write_text(S.format_script(S.gen_script(5)))
    py = ["/usr/bin/python3", str(ROOT / "spec/ipc/script.py")]
    r = subprocess.run(py + ["run", str(f)], capture_output=True, text=True)
    assert r.returncode == 0 and "\nfinal\n" in r.stdout
    f.write_text("wisp-ipc-script 1\nprocs 1\n1 jump\n")
    r = subprocess.run(py + ["run", str(f)], capture_output=True, text=True)
    assert r.returncode == 2 and "script line 3" in r.stderr


def test_generator_is_deterministic_and_round_trips():
    for seed in range(50):
        sc = S.gen_script(seed)
        assert sc == S.gen_script(seed) and S.is_valid(sc)
        assert S.parse_script(S.format_script(sc)) == sc


def test_shrinker_finds_a_short_script():
    def shows(sc):      # "some caller got EPIPE", standing in for a divergence
        return any(re.search(r"wake \d+ -> EPIPE", ln) for ln in S.run_script(sc)[0])
    found = [sc for sc in map(S.gen_script, range(300)) if shows(sc)]
    assert found
    big = max(found, key=lambda sc: len(sc.steps))
    small = S.shrink(big, shows)
    assert shows(small) and S.is_valid(small) and len(small.steps) < len(big.steps)
    for i in range(len(small.steps)):       # 1-minimal: no step can go
        cand = S.Script(small.nprocs, small.steps[:i] + small.steps[i + 1:])
        assert not (S.is_valid(cand) and shows(cand))


def test_invariant_checker_can_fail():
    s = S.run_script(S.gen_script(1))[1]
    s.procs[1].handles[15] = M.Handle(999, "ep", M.R_ALL, 0)
    assert any("freed object" in b for b in M.check_invariants(s))


def test_errors_are_distinct_and_documented():
    codes = [c for c, _ in M.ERRORS.values()]
    assert len(set(codes)) == len(codes) and 0 not in codes
    doc = (ROOT / "spec/ipc.md").read_text()
    for name, (code, meaning) in M.ERRORS.items():
        assert re.search(rf"\| `{name}` \| {code} \| {meaning} \|", doc), name


def test_spec_names_every_model_operation():
    doc = (ROOT / "spec/ipc.md").read_text()
    for name in dir(M):
        if name.startswith("op_"):
            assert f"`{name}`" in doc, name


# --- properties over random scripts ------------------------------------------------
@settings(max_examples=200, deadline=None)
@given(st.integers(min_value=0, max_value=2**31))
def test_invariants_hold_after_every_step(seed):
    S.run_script(S.gen_script(seed), check=True)


@settings(max_examples=200, deadline=None)
@given(st.integers(min_value=0, max_value=2**31))
def test_every_call_gets_exactly_one_answer(seed):
    trace, s = S.run_script(S.gen_script(seed))
    assert S.call_answers(trace[:trace.index("final")], s) == []


def test_call_answer_check_can_fail():
    trace, s = run(SETUP + "2 call 0\n1 recv 0\n1 reply 3\n")
    assert S.call_answers(trace, s) == []
    assert S.call_answers(trace + [f"{N + 3}: wake 2 -> EPIPE"], s) != []   # twice
    assert S.call_answers(trace[:-1], s) != []                             # never


def test_first_divergence():
    assert S.first_divergence(["a", "b"], ["a", "b"]) is None
    assert S.first_divergence(["a", "b"], ["a", "c"]) == (2, "b", "c")
    assert S.first_divergence(["a"], ["a", "x"]) == (2, None, "x")


@settings(max_examples=100, deadline=None)
@given(st.integers(min_value=0, max_value=2**31))
def test_reply_handles_are_one_shot(seed):
    trace, s = S.run_script(S.gen_script(seed))
    replies = {}
    for p in s.procs.values():
        for h in p.handles.values():
            if h.kind == "reply":
                replies[h.obj] = replies.get(h.obj, 0) + 1
    assert all(n == 1 for n in replies.values())
    assert {k for k, o in s.objs.items() if o.kind == "reply"} == set(replies)


def test_spec_example_trace_is_the_models():
    # the script and trace shown in spec/ipc.md, "Scripts and traces"
    doc = (ROOT / "spec/ipc.md").read_text()
    part = doc[doc.index("## Scripts and traces"):]
    blocks = re.findall(r"```\n(.*?)```", part, re.S)
    trace, _ = S.run_script(S.parse_script(blocks[0]))
    assert "\n".join(trace) + "\n" == blocks[1]


# --- a Hypothesis state machine: Hypothesis picks (and shrinks) the steps ---
from hypothesis.stateful import RuleBasedStateMachine, invariant, rule  # noqa: E402

SLOTS = st.integers(min_value=0, max_value=M.HANDLES_MAX)
RBUF = st.sampled_from([None, (0, 0), (0, 16), (0, 4096), (M.MEM_SIZE - 8, 16)])
MSGS = st.builds(M.Msg, label=st.sampled_from([0, 1, M.U32 - 1]),
                 words=st.lists(st.integers(0, 9), max_size=9).map(tuple),
                 buf=st.sampled_from([None, (0, 10), (0, M.MSG_BUF_MAX + 1)]),
                 handles=st.lists(st.tuples(SLOTS, st.sampled_from("mc")),
                                  max_size=2).map(tuple))


class IpcMachine(RuleBasedStateMachine):
    """Three processes start as SETUP leaves them; each rule is one
    operation by a running process (or a kill); after every rule the
    invariants hold and the operation left its input state untouched."""

    def __init__(self):
        super().__init__()
        self.s = run(SETUP)[1]

    def do(self, data, op, *args):
        running = sorted(p for p, pr in self.s.procs.items() if pr.state == "running")
        if not running:
            return
        pid = data.draw(st.sampled_from(running))
        old, before = self.s, copy.deepcopy(self.s)
        self.s, res = op(self.s, pid, *[data.draw(a) for a in args])
        assert old == before                # pure: the input state is untouched
        # an error changes nothing (but reply's EPIPE uses up the handle,
        # and reply_recv may have replied before its recv failed)
        if res.ret.err not in (M.OK, M.BLOCKED) and op is not M.op_reply_recv \
                and not (op is M.op_reply and res.ret.err == "EPIPE"):
            assert self.s == before

    @rule(data=st.data())
    def create(self, data):
        self.do(data, data.draw(st.sampled_from([M.op_ep_create, M.op_ntfn_create])))

    @rule(data=st.data())
    def dup(self, data):
        self.do(data, M.op_dup, SLOTS, st.integers(0, 7), st.sampled_from([0, 0, 5]))

    @rule(data=st.data())
    def close(self, data):
        self.do(data, M.op_close, SLOTS)

    @rule(data=st.data())
    def send(self, data):
        op = data.draw(st.sampled_from([M.op_send, M.op_try_send]))
        self.do(data, op, SLOTS, MSGS)

    @rule(data=st.data())
    def call(self, data):
        self.do(data, M.op_call, SLOTS, MSGS, RBUF)

    @rule(data=st.data())
    def recv(self, data):
        op = data.draw(st.sampled_from([M.op_recv, M.op_try_recv]))
        self.do(data, op, SLOTS, RBUF)

    @rule(data=st.data())
    def reply(self, data):
        self.do(data, M.op_reply, SLOTS, MSGS)

    @rule(data=st.data())
    def reply_recv(self, data):
        self.do(data, M.op_reply_recv, SLOTS, MSGS, SLOTS, RBUF)

    @rule(data=st.data())
    def notify(self, data):
        self.do(data, data.draw(st.sampled_from([M.op_signal, M.op_wait])), SLOTS)

    @rule(data=st.data())
    def kill(self, data):
        live = sorted(p for p, pr in self.s.procs.items() if pr.state != "dead")
        if live:
            self.s = M.op_exit(self.s, data.draw(st.sampled_from(live)))[0]

    @invariant()
    def invariants_hold(self):
        assert M.check_invariants(self.s) == []


IpcMachine.TestCase.settings = settings(max_examples=60, stateful_step_count=30,
                                        deadline=None)
test_ipc_state_machine = IpcMachine.TestCase


# --- process handles: the kill right ----------------------------------------------
def test_kill_needs_a_process_handle_with_the_kill_right():
    s = M.initial_state(3)
    s, r = M.op_give_proc(s, 1, 2)              # as spawn gives the spawner
    assert r.ret == M.Ret("ok", (("h", 0),))
    s, r = M.op_ntfn_create(s, 2)
    s, r = M.op_wait(s, 3, 0)                   # 3 has no handle there
    assert r.ret.err == "EBADF"
    s, r = M.op_dup(s, 1, 0, 0, 0)              # a process handle without k
    assert r.ret == M.Ret("ok", (("h", 1),))
    s2, r = M.op_kill(s, 1, 1)
    assert r.ret.err == "EACCES" and s2 is s
    s2, r = M.op_kill(s, 3, 0)                  # 3 holds nothing
    assert r.ret.err == "EBADF" and s2 is s
    s, r = M.op_kill(s, 1, 0)
    assert r.ret.err == "ok" and s.procs[2].state == "dead"
    assert s.procs[2].handles == {}             # death closed its handles
    s2, r = M.op_kill(s, 1, 0)                  # the handle outlives it
    assert r.ret.err == "ESRCH"
    assert M.check_invariants(s) == []
    s, r = M.op_close(s, 1, 0)
    s, r = M.op_close(s, 1, 1)
    assert "p2" not in s.objs                   # the last handle freed it


def test_a_killed_server_answers_its_callers_epipe():
    s = M.initial_state(3)
    s, _ = M.op_ep_create(s, 1)
    s, _ = M.op_give(s, 1, 0, 2)
    s, _ = M.op_give_proc(s, 3, 1)              # 3 may kill 1, the server
    s, r = M.op_call(s, 2, 0, M.Msg(1), (0, 16))
    assert r.ret.err == "blocked"
    s, r = M.op_recv(s, 1, 0, (0, 16))          # 1 holds the reply handle
    assert r.ret.err == "ok"
    s, r = M.op_kill(s, 3, 0)
    assert r.ret.err == "ok" and r.wakes == ((2, M.Ret("EPIPE")),)
    assert M.check_invariants(s) == []


# --- revoke: the derivation tree -------------------------------------------------
def test_revoke_takes_back_every_descendant_and_keeps_its_own():
    # 2's copy comes from 1's dup; 2 copies it on to 3 in a message
    trace, s = run(SETUP + "3 ep_create\n3 give 1 2\n3 recv 1\n"
                   "2 send 1 handles=0c\n1 revoke 1\n2 send 0\n3 send 2\n")
    r = results(trace)
    assert r[N + 5] == "ok n=2"                 # 2's copy and 3's
    assert r[N + 6] == r[N + 7] == "EBADF"      # their next use
    assert s.procs[1].handles[1].rights == M.R_SEND | M.R_GRANT
    assert 0 in s.procs[3].handles              # 3's badged handle from 1
    assert M.check_invariants(s) == []


def test_revoke_follows_moves_and_closed_parents():
    # 2 moves its copy to 3; 1 closes the dup it was made from: the
    # moved handle goes up to 1's slot 0, whose revoke still reaches it
    trace, s = run(SETUP + "3 ep_create\n3 give 1 2\n3 recv 1\n"
                   "2 send 1 handles=0m\n1 close 1\n1 revoke 0\n")
    assert results(trace)[N + 6] == "ok n=3"    # 1's slot 2, 3's slot 0, the moved one
    assert set(s.procs[3].handles) == {1}       # its own endpoint stays
    assert set(s.procs[1].handles) == {0}
    assert s.procs[3].handles[1].parent is None


def test_revoke_cancels_whoever_waits_through_a_revoked_handle():
    trace, s = run(SETUP + "2 call 0\n3 send 0\n1 dup 0 s-- 0\n1 revoke 3\n"
                   "1 revoke 0\n")
    assert results(trace)[N + 4] == "ok n=0"    # nothing made from slot 3
    assert wakes(trace) == [(N + 5, 2, "ECANCELED"), (N + 5, 3, "ECANCELED")]
    assert s.objs[1].sendq == [] and s.procs[2].state == "running"


def test_revoke_leaves_a_pending_message_without_the_handle():
    trace, s = run(SETUP + "1 ntfn_create\n1 give 3 2\n2 send 0 handles=1m\n"
                   "1 revoke 3\n1 recv 0\n")
    assert results(trace)[N + 5] == "ok badge=2 label=0"   # no handles=
    assert wakes(trace) == [(N + 5, 2, "ok")]


def test_revoke_errors_and_the_checker_sees_a_bad_parent():
    trace, s = run(SETUP + "2 call 0\n1 recv 0\n1 revoke 3\n1 revoke 9\n")
    assert results(trace)[N + 3] == results(trace)[N + 4] == "EBADF"
    s.procs[2].handles[0] = M.replace(s.procs[2].handles[0], rights=M.R_ALL)
    assert any("rights" in b for b in M.check_invariants(s))
