"""Model-based tests of the IPC layer: scripts of IPC steps run in the
reference model (spec/ipc/script.py) and through the IPC test service
(ipc/test/script.c), on the host (build/host/ipc-script) and in the
kernel (the monitor's `ipcscript`, one QEMU boot for all), and the traces
must be identical line for line.  A divergence fails with the first
differing line and the shortest script that still shows it, each of its
steps with the model's result beside the runner's.

The lab 6 grader's host tests are here too: the random scripts of one
part of IPC at a time (GROUPS: call and reply, FIFO queues, transfer,
rights and badges, grants, notifications, death) with the named
scenarios of that part, on the student's ipc/ as the host runner builds
it.  Also here: the comparison itself must catch a wrong trace (a
mutated one, a fake broken runner), hand-written scripts for named
scenarios, and the service's handling of malformed input."""

import re
import subprocess
from dataclasses import dataclass

import pytest

from wisp_harness import ipcscripts as I

S = I.S                         # spec/ipc/script.py
K = S.HANDLES_MAX                # slots of a handle table
HOST_SEEDS = range(1, 301)      # 300 random scripts on the host
QEMU_SEEDS = range(100001, 100201)  # 200 in the kernel


def script(text, nprocs):
    """A Script from its step lines."""
    return S.parse_script(f"{S.SCRIPT_MAGIC}\nprocs {nprocs}\n{text}")


# --- named scenarios -------------------------------------------------------
# Each: (script, lines its model trace must contain), so that a scenario
# shows what its name says, not only that the runners agree with the model.
SCENARIOS = {
    "call_reply": (script("""
1 ep_create
1 dup 0 s-- 7
1 give 1 2
2 call 0 label=5 words=1,2 buf=0+100 rbuf=0+64
1 recv 0 rbuf=0+64
1 reply 2 label=9 words=3 buf=200+50
""", 2), ["4: 2 call -> blocked",
          "5: 1 recv -> ok badge=7 label=5 words=1,2 buf=100/64 reply=2",
          "6: 1 reply -> ok",
          "6: wake 2 -> ok badge=0 label=9 words=3 buf=50/50",
          "proc 2 running 0=ep1:s--:7"]),

    "server_death_mid_call": (script("""
1 ep_create
1 dup 0 s-- 2
1 give 1 2
1 give 1 3
2 call 0 label=1
1 recv 0
3 call 0 label=2
1 kill
2 call 0 label=3
""", 3), ["6: 1 recv -> ok badge=2 label=1 reply=2",
          "8: 1 kill -> ok", "8: wake 3 -> EPIPE", "8: wake 2 -> EPIPE",
          "9: 2 call -> EPIPE", "proc 1 dead"]),

    "fifo_of_three_callers": (script("""
1 ep_create
1 dup 0 s-- 2
1 give 1 2
1 dup 0 s-- 3
1 give 2 3
1 dup 0 s-- 4
1 give 3 4
3 call 0 label=3
2 call 0 label=2
4 call 0 label=4
1 recv 0
1 reply 4 label=30
1 recv 0
1 reply 4 label=20
1 recv 0
1 reply 4 label=40
""", 4), ["11: 1 recv -> ok badge=3 label=3 reply=4", "12: wake 3 -> ok badge=0 label=30",
          "13: 1 recv -> ok badge=2 label=2 reply=4", "14: wake 2 -> ok badge=0 label=20",
          "15: 1 recv -> ok badge=4 label=4 reply=4", "16: wake 4 -> ok badge=0 label=40"]),

    "grants": (script("""
1 ep_create
1 dup 0 s-g 0
1 give 1 2
2 ntfn_create
2 dup 1 s-- 9
1 recv 0
2 send 0 label=1 handles=2m,1c
1 signal 2
2 wait 1
2 dup 0 s-- 0
2 send 2 label=1 handles=1c
2 send 0 label=1 handles=5c
2 close 1
1 close 4
""", 2), ["7: 2 send -> ok", "7: wake 1 -> ok badge=0 label=1 handles=2,3",
          "8: 1 signal -> ok", "9: 2 wait -> ok word=9",
          "11: 2 send -> EACCES", "12: 2 send -> EBADF", "14: 1 close -> EBADF",
          "proc 1 running 0=ep1:srg:0 1=ep1:s-g:0 2=ntfn2:s--:9 3=ntfn2:srg:0",
          "proc 2 running 0=ep1:s-g:0 2=ep1:s--:0"]),

    "truncation": (script("""
1 ep_create
1 give 0 2
1 recv 0 rbuf=1000+16
2 send 0 label=7 buf=500+100
1 recv 0 rbuf=0+4096
2 send 0 label=8 buf=0+0
1 recv 0
2 send 0 label=9 buf=0+64
1 recv 0 rbuf=0+65536
2 send 0 label=200 buf=65536+65536
2 send 0 label=1 buf=131000+100
2 send 0 label=1 buf=0+65537
1 recv 0 rbuf=131072+1
""", 2), ["4: wake 1 -> ok badge=0 label=7 buf=100/16",
          "6: wake 1 -> ok badge=0 label=8 buf=0/0",
          "8: wake 1 -> ok badge=0 label=9 buf=64/0",
          "10: wake 1 -> ok badge=0 label=200 buf=65536/65536",
          "11: 2 send -> EFAULT", "12: 2 send -> EMSGSIZE", "13: 1 recv -> EFAULT"]),

    # a table of K = HANDLES_MAX slots: filled to K - 4, so a receive
    # (which needs RECV_FREE_SLOTS = 5) is EMFILE until one is closed
    "handle_table_full": (script("1 ep_create\n" + "1 dup 0 srg 0\n" * (K - 5) + f"""
1 recv 0
1 call 0
1 close {K - 5}
1 try_recv 0
""" + "1 dup 0 s-- 0\n" * 5 + """
1 ep_create
1 ntfn_create
2 ep_create
2 give 0 1
1 give 3 2
""", 2), [f"{K - 3}: 1 recv -> EMFILE", f"{K - 2}: 1 call -> EMFILE",
          f"{K}: 1 try_recv -> EAGAIN", f"{K + 5}: 1 dup -> ok h={K - 1}",
          f"{K + 6}: 1 ep_create -> EMFILE", f"{K + 9}: 2 give -> EMFILE",
          f"{K + 10}: 1 give -> ok h=1"]),

    "reply_to_a_dead_caller": (script("""
1 ep_create
1 give 0 2
1 give 0 3
2 call 0 label=1
1 recv 0
2 kill
1 reply 1 label=2
3 call 0 label=3
1 recv 0
3 kill
1 reply_recv 1 0 label=4
""", 3), ["6: 2 kill -> ok", "7: 1 reply -> EPIPE", "11: 1 reply_recv -> blocked",
          "proc 1 recv:ep1 0=ep1:srg:0", "proc 2 dead"]),

    # a server holding two calls answers each through its own reply
    # handle, whichever came last; a used-up handle is EBADF
    "two_calls_held": (script("""
1 ep_create
1 give 0 2
1 give 0 3
2 call 0 label=1
3 call 0 label=2
1 recv 0
1 recv 0
1 reply 1 label=10
1 reply 1 label=11
1 reply 2 label=20
2 call 0 label=3
1 recv 0
2 kill
1 reply_recv 1 0 label=30
""", 3), ["6: 1 recv -> ok badge=0 label=1 reply=1", "7: 1 recv -> ok badge=0 label=2 reply=2",
          "8: 1 reply -> ok", "8: wake 2 -> ok badge=0 label=10", "9: 1 reply -> EBADF",
          "10: wake 3 -> ok badge=0 label=20", "14: 1 reply_recv -> blocked"]),

    # the receive queue is FIFO too: three receivers, served in order
    "receivers_in_order": (script("""
1 ep_create
1 give 0 2
1 give 0 3
1 give 0 4
3 recv 0
2 recv 0
4 recv 0
1 send 0 label=1
1 try_send 0 label=2
1 call 0 label=3
4 reply 1 label=4
1 try_send 0 label=5
2 try_recv 0
""", 4), ["8: wake 3 -> ok badge=0 label=1", "9: wake 2 -> ok badge=0 label=2",
          "10: 1 call -> blocked", "10: wake 4 -> ok badge=0 label=3 reply=1",
          "11: wake 1 -> ok badge=0 label=4", "12: 1 try_send -> EAGAIN",
          "13: 2 try_recv -> EAGAIN"]),

    # callers queue in the order they called, whatever their pids
    "callers_in_order": (script("""
1 ep_create
1 give 0 2
1 give 0 3
1 give 0 4
4 call 0 label=4
2 send 0 label=2
3 call 0 label=3
1 recv 0
1 recv 0
1 reply_recv 1 0 label=40
1 reply_recv 1 0 label=30
""", 4), ["8: 1 recv -> ok badge=0 label=4 reply=1", "9: wake 2 -> ok",
          "9: 1 recv -> ok badge=0 label=2", "10: wake 4 -> ok badge=0 label=40",
          "10: 1 reply_recv -> ok badge=0 label=3 reply=1",
          "11: wake 3 -> ok badge=0 label=30", "11: 1 reply_recv -> blocked"]),

    # a server tells its clients apart by the badges it minted for them;
    # a client can neither change its badge nor widen its rights
    "badge_identity": (script("""
1 ep_create
1 dup 0 s-- 1
1 give 1 2
1 dup 0 s-- 2
1 give 2 3
1 dup 0 s-- 3
1 give 3 4
1 close 1
1 close 2
1 close 3
3 call 0 label=30
2 call 0 label=20
4 dup 0 s-- 9
4 dup 0 srg 0
4 recv 0
4 dup 0 s-- 0
4 call 1 label=40
1 recv 0
1 recv 0
1 recv 0
1 reply 3 label=4
1 reply 1 label=3
1 reply 2 label=2
""", 4), ["13: 4 dup -> EINVAL", "14: 4 dup -> EACCES", "15: 4 recv -> EACCES",
          "16: 4 dup -> ok h=1", "18: 1 recv -> ok badge=2 label=30 reply=1",
          "19: 1 recv -> ok badge=1 label=20 reply=2",
          "20: 1 recv -> ok badge=3 label=40 reply=3", "21: wake 4 -> ok badge=0 label=4",
          "22: wake 3 -> ok badge=0 label=3", "23: wake 2 -> ok badge=0 label=2",
          "proc 4 running 0=ep1:s--:3 1=ep1:s--:3"]),

    # a caller blocked on a server that dies holding its call gets EPIPE
    "server_dies_holding_the_call": (script("""
1 ep_create
1 give 0 2
2 call 0 label=1
1 recv 0
1 exit
2 call 0 label=2
""", 2), ["3: 2 call -> blocked", "4: 1 recv -> ok badge=0 label=1 reply=1",
          "5: 1 exit -> ok", "5: wake 2 -> EPIPE", "6: 2 call -> blocked"]),

    "notifications": (script("""
1 ntfn_create
1 dup 0 s-- 4
1 give 1 2
1 dup 0 -r- 0
1 give 2 3
3 wait 0
1 wait 0
2 signal 0
2 signal 0
2 signal 0
1 signal 0
3 wait 0
2 close 0
1 close 1
1 close 0
3 wait 0
1 wait 2
""", 3), ["8: wake 3 -> ok word=4", "9: wake 1 -> ok word=4", "12: 3 wait -> ok word=5",
          "16: 3 wait -> EPIPE", "ntfn1 word=0 waitq=-"]),
}


# --- the lab 6 grader: one part of IPC at a time -------------------------------
@dataclass(frozen=True)
class Group:
    """A part of IPC the lab 6 grader scores on its own: the random
    scripts of a profile (seeds), then named scenarios, all on the host.
    `needs` names the holes its scripts go through (labs/lab6.md)."""
    title: str
    profile: object
    seeds: range
    scenarios: tuple
    needs: str


LABEL_ONLY = dict(words=0.0, buf=0.0, handles=0.0)
GROUP_SCRIPTS = 150             # random scripts in each group
GROUPS = {
    "callreply": Group(
        "call and reply", S.Profile(
            ops=(("call", 16), ("recv", 12), ("reply", 14), ("reply_recv", 8),
                 ("send", 3), ("try_recv", 2), ("close", 1)),
            setup="plain", **LABEL_ONLY),
        range(610001, 610001 + GROUP_SCRIPTS), ("call_reply", "two_calls_held"),
        "do_send, do_recv, ipc_reply"),
    "fifo": Group(
        "receive and send queues are FIFO", S.Profile(
            ops=(("call", 12), ("send", 10), ("try_send", 3), ("recv", 14),
                 ("try_recv", 3), ("reply", 10), ("reply_recv", 6)),
            nprocs=(4, 7), setup="plain", **LABEL_ONLY),
        range(620001, 620001 + GROUP_SCRIPTS), ("receivers_in_order", "callers_in_order"),
        "do_send, do_recv, ipc_reply"),
    "transfer": Group(
        "message transfer: words, buffers, the truncation rule", S.Profile(
            ops=(("send", 10), ("call", 10), ("recv", 12), ("reply", 8),
                 ("reply_recv", 6), ("try_send", 2), ("try_recv", 2)),
            nprocs=(2, 3), setup="plain", words=0.8, buf=0.8, handles=0.0),
        range(630001, 630001 + GROUP_SCRIPTS), ("truncation",),
        "do_send, do_recv, ipc_reply, ipc_transfer"),
    "rights": Group(
        "rights and badges", S.Profile(
            ops=(("dup", 18), ("send", 8), ("call", 6), ("recv", 8), ("reply", 6),
                 ("try_send", 4), ("try_recv", 4), ("close", 4), ("give", 4),
                 ("ep_create", 2), ("ntfn_create", 2)),
            words=0.2, buf=0.0, handles=0.0),
        range(640001, 640001 + GROUP_SCRIPTS),
        ("badge_identity", "fifo_of_three_callers", "handle_table_full"),
        "ipc_dup, do_send, do_recv, ipc_reply"),
    "grants": Group(
        "granting handles in messages", S.Profile(
            ops=(("send", 10), ("call", 8), ("recv", 12), ("reply", 8),
                 ("reply_recv", 4), ("dup", 3), ("ep_create", 3), ("ntfn_create", 3),
                 ("close", 4), ("give", 2), ("exit", 1)),
            setup="plain", words=0.2, buf=0.0, handles=0.7),
        range(650001, 650001 + GROUP_SCRIPTS), ("grants",),
        "ipc_transfer, ipc_dup, do_send, do_recv, ipc_reply"),
    "ntfn": Group(
        "notifications: signal and wait", S.Profile(
            ops=(("signal", 16), ("wait", 16), ("dup", 12), ("ntfn_create", 3),
                 ("close", 5), ("give", 4), ("exit", 2), ("kill", 2)),
            **LABEL_ONLY),
        range(660001, 660001 + GROUP_SCRIPTS), ("notifications",),
        "ipc_ntfn_post, ipc_dup"),
    "death": Group(
        "death: nobody waits for a dead partner", S.Profile(
            ops=(("call", 12), ("recv", 10), ("send", 5), ("reply", 6),
                 ("reply_recv", 4), ("close", 6), ("exit", 5), ("kill", 6),
                 ("wait", 3), ("signal", 1), ("try_send", 1)),
            nprocs=(2, 5), **LABEL_ONLY),
        range(670001, 670001 + GROUP_SCRIPTS),
        ("server_dies_holding_the_call", "server_death_mid_call",
         "reply_to_a_dead_caller"),
        "do_send, do_recv, ipc_reply, ipc_dup"),
}


def group_scripts(name):
    """A group's scripts: its named scenarios, then its random ones."""
    g = GROUPS[name]
    return [SCENARIOS[n][0] for n in g.scenarios] + \
        [S.gen_script(k, profile=g.profile) for k in g.seeds]


@pytest.mark.parametrize("group", list(GROUPS))
def test_host_group_matches_model(group, record_property):
    """The group's scripts give the model's trace on the host runner; a
    difference is shown as the shortest script that has it, each step's
    results side by side, and that script is saved for make ipc-compare."""
    g = GROUPS[group]
    res = I.group_report(g.title, group_scripts(group), I.log_dir() / f"ipc-{group}.txt")
    if res.report:
        record_property("wisp_report", res.report)
        pytest.fail(res.report + "".join(f"{t}\n" for t in res.todos), pytrace=False)


def test_groups_exercise_their_part():
    """Each group's scripts show the results its part of IPC is about
    (in the model's traces of its random scripts), and its scenarios
    exist."""
    want = {"callreply": ["reply=", "reply -> EBADF"], "fifo": ["wake"],
            "transfer": ["buf=", "words=", "-> EMSGSIZE", "-> EFAULT"],
            "rights": ["-> EACCES", "-> EINVAL", "badge=3"],
            "grants": ["handles=", "-> EBADF"], "ntfn": ["word=", "wait -> blocked"],
            "death": ["kill -> ok", "-> EPIPE"]}
    for name, g in GROUPS.items():
        text = "\n".join("\n".join(I.model_trace(S.gen_script(k, profile=g.profile)))
                         for k in g.seeds)
        missing = [w for w in want[name] if w not in text]
        assert not missing, f"{name}: no {missing} in the model's traces of its scripts"
        assert all(n in SCENARIOS for n in g.scenarios), name


def test_side_by_side_marks_the_first_difference():
    """Against a trace that lost a reply's wake (the model's, with that
    line dropped), the table shows each step beside the model's, says
    "same" where they agree, and marks the first row that differs."""
    sc = SCENARIOS["two_calls_held"][0]
    expected = I.model_trace(sc)
    actual = [ln for ln in expected if ln != "8: wake 2 -> ok badge=0 label=10"]
    table = I.side_by_side(sc, expected, actual, "yours")
    text = "\n".join(table)
    assert table[0].split() == ["step", "model", "yours"], text
    row = [ln for ln in table if "<== the first difference" in ln]
    assert len(row) == 1 and "wake 2: ok badge=0 label=10" in row[0] and \
        "(nothing)" in row[0], text
    assert re.search(r"^ 8  1 reply 1 label=10 +ok +same$", text, re.M), text
    assert re.search(r"^ 1  1 ep_create +ok h=0 +same$", text, re.M), text


def test_scenarios_show_what_they_name():
    """The model's trace of each named scenario holds its key lines."""
    for name, (sc, lines) in SCENARIOS.items():
        trace = I.model_trace(sc)
        missing = [ln for ln in lines if ln not in trace]
        assert not missing, f"{name}: model trace lacks {missing}:\n" + "\n".join(trace)


def fail_with(divs, who, shrinker):
    """pytest.fail with the first divergence and its shrunk script."""
    __tracebackhide__ = True
    d = divs[0]
    pytest.fail(f"{len(divs)} script(s) diverge; the first:\n"
                + I.describe(d, who, shrinker(d.script)))


# --- host ----------------------------------------------------------------------
def test_host_random_scripts_match_model():
    scripts = [S.gen_script(k) for k in HOST_SEEDS]
    divs = I.compare(scripts, I.host_traces(scripts))
    if divs:
        fail_with(divs, "host", I.shrink_host_divergence)


def test_host_named_scenarios_match_model():
    scripts = [sc for sc, _ in SCENARIOS.values()]
    divs = I.compare(scripts, I.host_traces(scripts))
    if divs:
        fail_with(divs, "host", I.shrink_host_divergence)


def run_host(text):
    """(exit status, stdout lines) of the host runner on a container text."""
    r = subprocess.run([str(I.HOST_RUNNER), "-"], input=text, capture_output=True,
                       text=True, timeout=60)
    assert not r.stderr, r.stderr
    return r.returncode, r.stdout.splitlines()


MALFORMED = [
    ("garbage\n", r"^error: line 1: expected 'wisp-ipc-script 1'"),
    ("", r"^error: no script"),
    ("wisp-ipc-script 1\nprocs 0\n", r"^error: line 2: expected 'procs N'"),
    ("wisp-ipc-script 1\nprocs 99\n", r"^error: line 2: expected 'procs N'"),
    ("wisp-ipc-script 1\n", r"^error: line 1: expected 'procs N'"),
    ("wisp-ipc-script 1\nprocs 2\n1 frobnicate\n", r"^error: line 3: unknown op"),
    ("wisp-ipc-script 1\nprocs 2\n3 ep_create\n", r"^error: line 3: expected PID"),
    ("wisp-ipc-script 1\nprocs 2\n1 dup 0 sx 0\n", r"^error: line 3: bad positional"),
    ("wisp-ipc-script 1\nprocs 2\n1 close\n", r"^error: line 3: missing arguments"),
    ("wisp-ipc-script 1\nprocs 2\n1 send 0 label=4294967296\n", r"^error: line 3: bad label"),
    ("wisp-ipc-script 1\nprocs 2\n1 send 0 buf=5\n", r"^error: line 3: bad buf"),
    ("wisp-ipc-script 1\nprocs 2\n1 send 0 words=1,,2\n", r"^error: line 3: bad words"),
    ("wisp-ipc-script 1\nprocs 2\n1 send 0 handles=m\n", r"^error: line 3: bad handles"),
    ("wisp-ipc-script 1\nprocs 2\n1 send 0 colour=red\n", r"^error: line 3: unknown key"),
    ("wisp-ipc-script 1\nprocs 2\n1 send 0" + " label=1" * 30 + "\n",
     r"^error: line 3: too many words"),
    # valid syntax, but a step its process cannot issue (an invalid script)
    ("wisp-ipc-script 1\nprocs 2\n1 exit\n1 ep_create\n",
     r"^error: step 2: its process cannot issue it"),
    ("wisp-ipc-script 1\nprocs 2\n2 kill\n2 kill\n", r"^error: step 2:"),
]


@pytest.mark.parametrize("text,error", MALFORMED)
def test_host_malformed_script_is_one_error_line(text, error):
    """A malformed script prints one clear error line, exits 1, and the
    scripts after it in the same file still run."""
    good = S.format_script(SCENARIOS["call_reply"][0])
    status, out = run_host(text + good if text.startswith(S.SCRIPT_MAGIC) else text)
    assert status != 0
    errors = [ln for ln in out if ln.startswith("error:")]
    assert len(errors) == 1 and re.search(error, errors[0]), out
    if text.startswith(S.SCRIPT_MAGIC):
        traces = I.split_container("\n".join(out))
        assert traces[-1] == I.model_trace(SCENARIOS["call_reply"][0]), out


# --- the comparison can fail ------------------------------------------------
def test_comparison_reports_a_mutated_trace():
    """A trace that differs from the model's in one line -- a wake lost,
    a result changed -- is a divergence at that line, in that script."""
    scripts = [S.gen_script(k) for k in range(1, 21)]
    expected = [I.model_trace(sc) for sc in scripts]
    assert not I.compare(scripts, expected)
    for mutate in (lambda t, i: t[:i] + t[i + 1:],             # a line lost
                   lambda t, i: t[:i] + [t[i] + " !bad"] + t[i + 1:]):
        broken = [list(t) for t in expected]
        broken[7] = mutate(broken[7], 3)
        divs = I.compare(scripts, broken)
        assert [d.index for d in divs] == [7]
        assert divs[0].first[0] == 4 and divs[0].first[1] == expected[7][3]
        assert "script 8: kernel trace differs from the model's at line 4" in \
            I.describe(divs[0])


def epipe_blind(traces_of_model):
    """A fake broken runner: the model, except that every EPIPE is
    reported as EAGAIN (as a kernel that forgot rule 2 might)."""
    return [[ln.replace("EPIPE", "EAGAIN") for ln in t] for t in traces_of_model]


def test_shrink_finds_a_short_script_for_a_broken_runner():
    """Against the fake broken runner, the divergence is found and
    shrunk (script.shrink, as on the host) to a few steps that still
    show it; the batched shrink (as in QEMU) also shrinks it, in a
    bounded number of batches."""
    runner = lambda scs: epipe_blind([I.model_trace(sc) for sc in scs])  # noqa: E731
    scripts = [S.gen_script(k) for k in range(1, 101)]
    divs = I.compare(scripts, runner(scripts))
    assert divs, "100 random scripts and no EPIPE at all?"
    sc = divs[0].script
    small = S.shrink(sc, I.diverges_on(runner))
    assert I.diverges_on(runner)(small) and len(small.steps) < len(sc.steps)
    assert len(small.steps) <= 10, S.format_script(small)
    batches = []

    def counted(scs):
        batches.append(len(scs))
        return runner(scs)

    small2 = I.shrink_batched(sc, counted, rounds=8)
    assert len(batches) <= 8
    assert I.diverges_on(runner)(small2) and len(small2.steps) < len(sc.steps)


# --- the kernel (one boot runs every script) -----------------------------------
@pytest.fixture(scope="module")
def kernel_run():
    """The kernel's traces of the random scripts, then of the named
    scenarios, then of a malformed script; and the outputs of `mem`,
    `ipcstat` and `ipcscript` of a missing file, run afterwards."""
    random_scripts = [S.gen_script(k) for k in QEMU_SEEDS]
    named = [sc for sc, _ in SCENARIOS.values()]
    iso = I.iso_with_files({
        I.SCRIPTS_FILE: I.container(random_scripts + named),
        "bad.txt": "wisp-ipc-script 1\nprocs 2\n1 frobnicate\n"
                   + S.format_script(named[0]),
    })
    with I.Wisp(iso=iso) as w:      # named after the first test using it
        w.boot()
        out = w.cmd(f"ipcscript {I.SCRIPTS_FILE}", timeout=900)
        extra = {c: w.cmd(c) for c in ("ipcscript bad.txt", "ipcscript nosuch.txt",
                                       "ipcscript hello.wasm", "mem", "ipcstat",
                                       "echo alive")}
    return random_scripts, named, I.split_container(out), extra


def test_kernel_random_scripts_match_model(kernel_run):
    scripts, named, traces, _ = kernel_run
    assert len(traces) == len(scripts) + len(named)
    divs = I.compare(scripts, traces[:len(scripts)])
    if divs:
        fail_with(divs, "kernel", I.shrink_kernel_divergence)


def test_kernel_named_scenarios_match_model(kernel_run):
    scripts, named, traces, _ = kernel_run
    divs = I.compare(named, traces[len(scripts):])
    if divs:
        fail_with(divs, "kernel", I.shrink_kernel_divergence)


def test_kernel_badge_identity_demo(record_property):
    """The badge identity demo, in the kernel (ipcscript at the monitor,
    the IPC core built into it): a server mints a badge for each of three
    clients and tells their calls apart by it, answers each through its
    own reply handle, and a client can neither re-badge its handle nor
    widen its rights.  The kernel must print the model's trace."""
    sc, lines = SCENARIOS["badge_identity"]
    expected = I.model_trace(sc)
    trace = I.qemu_traces([sc], timeout=120)[0]
    if trace != expected:
        report = ["the kernel's trace of the badge identity demo is not the model's:", ""]
        report += ["  " + ln for ln in I.side_by_side(sc, expected, trace, "kernel")]
        record_property("wisp_report", "\n".join(report))
        pytest.fail("\n".join(report), pytrace=False)
    assert all(ln in trace for ln in lines)


def test_kernel_ipcscript_bad_input_is_an_error_line(kernel_run):
    """A malformed script is one error line (the next script still runs),
    a missing file one message; the monitor carries on."""
    *_, extra = kernel_run
    bad = extra["ipcscript bad.txt"]
    assert "error: line 3: unknown op" in bad
    assert "ipcscript: bad.txt: 1 script(s) failed" in bad
    assert I.split_container(bad)[1] == I.model_trace(SCENARIOS["call_reply"][0])
    assert "ipcscript: no file 'nosuch.txt' in the initrd" in extra["ipcscript nosuch.txt"]
    binary = extra["ipcscript hello.wasm"].splitlines()     # not a script at all
    assert len(binary) == 1 and binary[0].startswith("error: line 1: expected "), binary
    assert extra["echo alive"].strip() == "alive"


def test_kernel_scripts_leave_no_ipc_objects(kernel_run):
    """Every script's objects are freed (the service checks this after
    each script too): `mem` and `ipcstat` count none left."""
    *_, extra = kernel_run
    assert re.search(r"^ipc objects: 0 live$", extra["mem"], re.M), extra["mem"]
    assert "0 endpoints and notifications; ipc objects: 0 live" in extra["ipcstat"]


# --- ipcstat and mem with real processes -------------------------------------
IPCSTAT_EP_RE = (r"^  ep(\d+) +handles 2 \(s 1, r 1\)  sendq [01]  recvq [01]  "
                 r"delivered (\d+)$")


def test_ipcstat_shows_a_live_endpoint_and_mem_counts_none_after(monitor):
    """While ping calls pong, ipcstat lists their endpoint (ping's send
    handle, pong's receive handle); once ping is killed and pong has seen
    EPIPE and exited, nothing is left: `mem` and `ipcstat` count 0."""
    out = monitor.cmd("run ping 100000000 &")
    pid = int(re.search(r"^\[pid (\d+)\] started", out, re.M).group(1))
    monitor.expect(r"ping: pong is pid (\d+)")
    stat = monitor.cmd("ipcstat")
    assert re.search(IPCSTAT_EP_RE, stat, re.M), stat
    assert re.search(r"^1 endpoints and notifications; ipc objects: [1-9]\d* live", stat,
                     re.M), stat
    assert not re.search(r"^ipc objects: 0 live$", monitor.cmd("mem"), re.M)
    start = len(monitor.log)
    monitor.cmd(f"kill {pid}")
    for line in (r"pong: served \d+ calls, \d+ with ping's badge; recv -> EPIPE",
                 r"\[pid \d+ pong.wasm\] exit 0"):
        if not re.search(line, monitor.log[start:]):    # may follow the prompt
            monitor.expect(line)
    assert re.search(r"^ipc objects: 0 live$", monitor.cmd("mem"), re.M)
    assert "0 endpoints and notifications; ipc objects: 0 live" in monitor.cmd("ipcstat")
