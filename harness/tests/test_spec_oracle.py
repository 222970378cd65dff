"""The IPC model against the real system calls (spec/ipc.md, "The oracle
through the system calls"): scripts run by worker processes of the test
kernel, each step a real "wisp" host call (kernel/proc/ipccall.c's
decoding and checks, real threads blocking and waking, real kills),
their traces compared with the model's line for line.

One boot runs the oracle's own scripts (processes killed while blocked
in each place, the allocation-failure switch, the ABI's check order,
badges and grants through real messages) and cover.py's directed suite
(about 110 scripts, 4600 steps: some seconds under TCG); `make
spec-oracle` adds random scripts.  Also here, without QEMU: the numeric encoding the driver reads,
the ABI form of a script, and the scripts showing what they are named
for."""

import pytest

from wisp_harness import ipcoracle as O
from wisp_harness import oraclescripts as OS

S = O.S


@pytest.fixture(scope="module")
def oracle_run():
    """(the oracle's scripts, the ABI forms of all, Divergences) of one
    boot: the oracle's scripts, then the directed suite."""
    import cover                # spec/ipc/cover.py (on the path: ipcscripts)
    own = OS.scripts()
    suite = cover.directed_suite()[0]
    forms, divs = O.compare(own + suite, timeout=900)
    return own, forms, divs


def _fail(divs, record_property):
    text = O.report(divs)
    record_property("wisp_report", text)
    pytest.fail(f"{len(divs)} script(s) differ from the model:\n{text}", pytrace=False)


def test_oracle_scripts_match_model(oracle_run, record_property):
    own, _, divs = oracle_run
    mine = [d for d in divs if d.index < len(own)]
    if mine:
        _fail(mine, record_property)


def test_directed_suite_matches_model(oracle_run, record_property):
    own, forms, divs = oracle_run
    theirs = [d for d in divs if d.index >= len(own)]
    assert len(forms) > len(own)
    if theirs:
        _fail(theirs, record_property)


def test_scripts_show_what_they_name():
    """Each kind of oracle script reaches its path in the model: kills of
    blocked processes wake partners, the switch gives ENOMEM (after
    EMFILE), a bad pointer wins over a bad handle, the console device
    wakes its waiter, keeps input, passes on with r alone, outlives its
    holders."""
    t = {name: "\n".join(S.run_script(sc, check=True)[0])
         for name, sc in OS.named().items()}
    assert "7: wake 2 -> EPIPE\n7: wake 3 -> EPIPE" in t["kill_server_two_callers"]
    assert "6: 1 reply -> EPIPE" in t["kill_caller_in_reply"]
    assert "wake 3 -> EPIPE" in t["kill_last_sender_wakes_receivers"]
    assert "2: 1 ep_create -> ENOMEM" in t["enomem_create"]
    assert "EMFILE\n67: 1 close -> ok\n68: 1 ntfn_create -> ENOMEM" in t["enomem_after_emfile"]
    bad = t["badptr_before_bad_handle"]
    assert bad.count("-> EFAULT") == 11 and "12: 1 send -> EBADF" in bad
    w = t["watch_errors"]
    assert all(f"1 watch -> {e}" in w for e in ("EBADF", "EACCES", "ESRCH"))
    assert "1 watch -> ENOSPC" in t["watch_limit"]
    assert "10: wake 1 -> ok word=4" in t["watch_exit_signals_the_last_reference"]
    assert "8: wake 3 -> EPIPE" in t["watcher_dies_first"]
    assert t["watch_keeps_the_object_alive"].endswith("ntfn1 word=1 waitq=-")
    k = t["kdev_input_wakes_a_waiter"]
    assert "2: 1 wait -> blocked\n3: 2 kinput -> ok\n3: wake 1 -> ok word=1" in k
    assert "4: 1 signal -> EACCES" in k
    assert "4: 1 wait -> ok word=1\n5: 1 kinput -> EINVAL" in t["kdev_input_before_a_wait"]
    p = t["kdev_passed_on"]
    assert "4: 1 dup -> EACCES" in p and "15: 2 signal -> EACCES" in p
    assert "13: wake 2 -> ok word=1" in p and "14: wake 3 -> ok word=1" in p
    assert t["kdev_holder_killed_while_waiting"].endswith(
        "proc 1 dead\nproc 2 dead\nproc 3 running\nntfn1 word=1 waitq=-")
    f = t["kdev_table_full"]
    assert "65: 1 kdev -> EMFILE" in f and "69: 1 kdev -> ENOMEM" in f


def test_encoding_has_every_field():
    """encode() writes oracle.c's fields: a message with every part."""
    sc = S.parse_script(f"{S.SCRIPT_MAGIC}\nprocs 2\n1 ep_create\n"
                        "1 call 0 label=7 words=1,2 buf=8+100 handles=0m rbuf=16+32\n")
    lines = O.encode([sc]).splitlines()
    assert lines[0] == "script 2" and lines[-1] == "end"
    f = [int(x) for x in lines[2].split()]
    assert len(f) == O.FIELDS
    assert f[:2] == [1, O.OPS.index("call")] and f[7:11] == [7, 2, 1, 2]
    assert f[18:21] == [1, 8, 100] and f[21:23] == [1, 0] and f[27] == 1
    assert f[32:35] == [1, 16, 32]


def test_abi_form_drops_empty_buffers():
    """The ABI has no empty buffer: length 0 is none, in the model too."""
    sc = S.parse_script(f"{S.SCRIPT_MAGIC}\nprocs 1\n1 ep_create\n"
                        "1 send 0 buf=8+0\n1 recv 0 rbuf=0+0\n1 send 0 buf=8+5\n")
    form = O.abi_form(sc)
    assert [dict(st.args).get("buf") for st in form.steps] == [None, None, None, (8, 5)]
    assert "rbuf" not in dict(form.steps[2].args)


def test_comparison_catches_a_wrong_trace():
    """A trace that differs in one wake is a divergence."""
    sc = OS.named()["kill_server_two_callers"]
    good = S.run_script(sc)[0]
    bad = [ln.replace("wake 3 -> EPIPE", "wake 3 -> ok") for ln in good]
    assert not O.I.compare([sc], [good])
    assert O.I.compare([sc], [bad])[0].first[1] == "7: wake 3 -> EPIPE"
