"""The specialised call and reply_recv of the IPC fast path (ipc/fast.c)
in the kernel: the monitor's `ipcfast` counts the operations they made.
ipcbench's round trips of 0 and 8 words are their plain case (a server
waiting, words alone), so with the fast path on nearly every one of its
calls and reply_recvs goes the specialised way, and ipcbench's own check
of each echo passes; with it off none does, and the programs see the
same thing.  That the specialised operations leave every field as the
general ones do is checked step by step on the host
(ipc/tests/fast.c, run by test_ipc_core.py)."""
import re

from test_proc_run import exit_line

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


def test_round_trips_of_words_take_the_specialised_path(monitor):
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
