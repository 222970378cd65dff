"""The specialised call and reply_recv of the IPC fast path (ipc/fast.c)
in the kernel: the monitor's `ipcfast` counts the operations they made.
ipcbench's round trips of 0 and 8 words are their plain case (a server
waiting, words alone), so with the fast path on nearly every one of its
calls and reply_recvs goes the specialised way, and ipcbench's own check
of each echo passes; with it off none does, and the programs see the
same thing.  That the specialised operations leave every field as the
general ones do is checked step by step on the host
(ipc/tests/fast.c): by test_ipc_core.py with every other unit test, and
alone (`ipc-core-test fast`) by the first test here, the one lab 6
grades."""
import re
import subprocess
from pathlib import Path

from test_proc_run import exit_line

CORE_TEST = Path(__file__).resolve().parents[2] / "build" / "host" / "ipc-core-test"

COUNT_RE = re.compile(r"^ipcfast: (on|off) \(specialised: (\d+) calls, "
                      r"(\d+) reply_recvs\)$", re.M)
TRIPS_RE = re.compile(r"^ipcbench: (0 words|8 words): (\d+) round trips",
                      re.M)


def counts(w):
    """(path, specialised calls, specialised reply_recvs) from `ipcfast`."""
    out = w.cmd("ipcfast")
    m = COUNT_RE.search(out)
    assert m, out
    return m.group(1), int(m.group(2)), int(m.group(3))


def word_trips(w):
    """Round trips of 0 and 8 words in one `run ipcbench 1`, which must
    exit 0 (it checks that every reply echoes its call)."""
    out = w.cmd("run ipcbench 1", timeout=300)
    assert exit_line(out, "ipcbench.wasm")[1] == 0, out
    trips = dict((name, int(n)) for name, n in TRIPS_RE.findall(out))
    assert set(trips) == {"0 words", "8 words"}, out
    return sum(trips.values())


def same_as_the_general_operations():
    """`ipc-core-test fast`: one conversation run through the general
    operations and through the specialised ones, every field of every
    process compared after each step (ipc/tests/fast.c)."""
    assert CORE_TEST.is_file(), f"{CORE_TEST} is missing: run make {CORE_TEST.name}"
    r = subprocess.run([str(CORE_TEST), "fast"], capture_output=True, text=True,
                       timeout=120)
    out = r.stdout + r.stderr
    assert r.returncode == 0 and re.search(r"\d+ checks, 0 failed", r.stdout), (
        "the specialised call and reply_recv must take every plain case and leave "
        f"each process exactly as the general operations do:\n{out}")


def test_round_trips_of_words_take_the_specialised_path(monitor):
    same_as_the_general_operations()
    path, calls, rrs = counts(monitor)
    assert path == "on"
    n = word_trips(monitor)
    _, calls2, rrs2 = counts(monitor)
    # every measured round trip but the client's first call (which makes
    # its spare reply object) is a specialised call and reply_recv
    assert calls2 - calls >= n - 1, (calls, calls2, n)
    assert rrs2 - rrs >= n, (rrs, rrs2, n)


def test_with_the_fast_path_off_nothing_is_specialised(monitor):
    monitor.ipcfast("off")
    _, calls, rrs = counts(monitor)
    assert word_trips(monitor) > 0
    assert counts(monitor) == ("off", calls, rrs)
