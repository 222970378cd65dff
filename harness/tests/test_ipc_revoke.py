"""revoke under QEMU, through the real host calls (services/revoke.c,
spec/ipc.md "Revoke"): a server mints a badged handle for a client it
starts, the client passes a copy on to a third process in a message,
both call the server through their copies, and while both are queued in
a second call the server revokes the handle it minted.  Both wake with
ECANCELED, their next call is EBADF, and the server's own handles still
work.  Afterwards `mem` shows no IPC object left."""

import re

from test_ipc_demos import leftovers, no_processes_left
from test_proc_run import exit_line


def test_revoke_takes_back_the_client_and_the_third_copy(monitor):
    out = monitor.cmd("run revoke", timeout=300)
    # both calls reached the server through copies of the minted handle
    assert len(re.findall(r"^revoke: call with label [12] and badge 7$", out,
                          re.M)) == 2, out
    assert re.search(r"^revoke: revoke -> ok, 2 handles taken back$", out,
                     re.M), out
    assert re.search(r"^revoke: my own handle still works: try_send -> EAGAIN$",
                     out, re.M), out
    assert exit_line(out, "revoke.wasm")[1] == 0
    for who in ("client", "third"):
        monitor.seen_or_expect(rf"^revoke {who}: next call -> \S+$")
        log = monitor.log
        assert re.search(rf"^revoke {who}: call -> ok$", log, re.M), log
        assert re.search(rf"^revoke {who}: call blocked until the revoke -> "
                         r"ECANCELED$", log, re.M), log
        assert re.search(rf"^revoke {who}: next call -> EBADF$", log, re.M), log
    assert no_processes_left(monitor)
    ends = re.findall(r"^\[pid \d+ revoke.wasm\] exit (\d+)$", monitor.log, re.M)
    assert ends == ["0", "0", "0"], monitor.log
    assert leftovers(monitor)[0] == 0
