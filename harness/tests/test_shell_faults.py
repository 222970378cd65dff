"""Faults on the demo system: every fault program run from the shell ends
alone, with the kernel's one-line report, and the shell answers the next
command; a server that dies mid-call answers its client with EPIPE;
Ctrl-C ends a foreground program; twenty programs run at once; twenty
pasted commands all run; a line too long and binary garbage at the
prompt get an error.  (A service
killed from the shell and restarted by init, ping working again:
test_services.py, test_ping_works_after_a_restart.)"""

import re

import pytest

from wisp_harness.shell import SHELL_PROMPT_RE, end_re, ends

PS_ROW_RE = re.compile(r"^ +(\d+) (\S+) +\S+ +\d+ +\d+ +\d+$", re.M)

# program (and arguments), how the kernel reports its end
FAULTS = [
    ("oob", r"trap: out of bounds memory access in func \d+ \(write_loop\)"),
    ("unreachable", r"trap: unreachable in func \d+ \(crash\)"),
    ("divzero", r"trap: integer divide by zero in func \d+ \(divide\)"),
    ("overflow", r"trap: integer overflow in func \d+ \(divide\)"),
    ("stackoverflow", r"trap: call stack exhausted in func \d+ \(recurse\)"),
    ("badindirect", r"trap: indirect call type mismatch in func \d+ \(call_it\)"),
    ("badptr", r"trap: bad host-call pointer in func \d+ \(__wasi_fd_write\)"),
    ("memhog", r"exit 0"),
    ("badhandle", r"exit 0"),
]


@pytest.mark.parametrize("prog, end", FAULTS, ids=[f[0] for f in FAULTS])
def test_a_fault_ends_only_the_faulting_program(sh, prog, end):
    out = sh.cmd(prog, timeout=180)
    name = prog + ".wasm"
    got = ends(sh.log, name)
    assert len(got) == 1 and re.fullmatch(end, got[0][1]), f"{got}\n{out}"
    assert sh.cmd("echo alive").strip() == "alive"
    assert "hello from wasm" in sh.cmd("hello")
    assert re.search(r"per round trip", sh.cmd("ping 10"))


def test_forged_handles_are_refused_not_fatal(sh):
    out = sh.cmd("badhandle")
    assert "UNEXPECTED" not in out, out
    assert "badhandle: call on slot 9 (never given)" in out
    assert "badhandle: all 8 forged or misused handles refused" in out


def test_memhog_stops_at_the_limit_and_the_system_goes_on(sh):
    out = sh.cmd("memhog", timeout=180)
    assert re.search(r"^memhog: memory.grow returned -1 at 256 pages", out, re.M), out
    assert re.search(r"per round trip", sh.cmd("ping 10"))


def test_a_server_that_crashes_mid_call_answers_epipe(sh):
    """epipe starts dier as its server and calls it; dier traps holding
    the call (services/epipe.c, dier.c)."""
    out = sh.cmd("epipe trap")
    assert re.search(r"^epipe: call -> EPIPE", out, re.M), out
    got = ends(sh.log, "dier.wasm")
    assert len(got) == 1 and re.fullmatch(r"trap: unreachable in func \d+ \(main\)",
                                          got[0][1]), got
    assert [how for _, how in ends(sh.log, "epipe.wasm")] == ["exit 0"]
    assert sh.cmd("echo alive").strip() == "alive"


def test_a_server_killed_mid_call_answers_epipe(sh):
    """The same with dier holding the call until the shell kills it."""
    sh.cmd("epipe hold &")
    # dier prints straight to the line (its slot 0 is not the console),
    # so its lines may share one with the prompt: no ^ for those
    sh.seen_or_expect(r"dier: holding the call, blocked in recv")
    server = int(re.search(r"epipe: dier hold is pid (\d+)", sh.log).group(1))
    sh.cmd(f"kill {server}")
    assert ends(sh.log, "dier.wasm") == [(server, "killed")]
    sh.seen_or_expect(r"^epipe: call -> EPIPE")
    sh.seen_or_expect(end_re("epipe.wasm"))
    assert [how for _, how in ends(sh.log, "epipe.wasm")] == ["exit 0"]
    assert sh.cmd("echo alive").strip() == "alive"


def test_ctrl_c_kills_the_foreground_program(sh):
    sh.sendline("loop")
    sh.expect("loop: spinning forever")
    sh.send("\x03")
    pid, how = sh.wait_end("loop.wasm")
    assert how == "killed"
    sh.expect(SHELL_PROMPT_RE)
    assert pid not in [int(p) for p, _ in PS_ROW_RE.findall(sh.cmd("ps"))]
    assert sh.cmd("echo alive").strip() == "alive"


def test_twenty_programs_at_once(sh):
    pids = []
    for _ in range(20):
        out = sh.cmd("sleeper 1000 1000 &")
        pids.append(int(re.search(r"^\[pid (\d+)\]$", out, re.M).group(1)))
    running = [int(p) for p, n in PS_ROW_RE.findall(sh.cmd("ps"))
               if n == "sleeper.wasm"]
    assert sorted(running) == sorted(pids)
    assert "hello from wasm" in sh.cmd("hello")
    sh.expect(r"sleeper: 2/1000 slept")     # they keep running
    for pid in pids:
        sh.cmd(f"kill {pid}", timeout=180)
    assert [p for p, how in ends(sh.log, "sleeper.wasm") if how == "killed"] == pids
    assert "sleeper.wasm" not in sh.cmd("ps")


def test_a_line_too_long_gets_an_error(sh):
    """The console cuts the line (and says so); the shell gets the first
    255 bytes, which name no command."""
    out = sh.cmd("x" * 1000, timeout=180)
    assert re.search(r"^console: line too long: cut to 255 bytes$", out, re.M), out
    assert re.search(r"^shell: unknown command: x{40}\.\.\. \(try help\)$", out,
                     re.M), out
    assert sh.cmd("echo alive").strip() == "alive"


def test_pasted_lines_all_run_in_order(sh):
    """Twenty commands typed at once (a paste) behind a slow one wait in
    the console's queue of typed lines (CS_QUEUE_MAX) until the shell
    reads them: none is dropped, and they run in order."""
    sh.send("ping 20000\r" + "".join(f"echo pasted {i}\r" for i in range(20)))
    sh.expect(r"(?m)^(?:\$ )?pasted 19\r?\n")   # after the prompt: the
    sh.expect(SHELL_PROMPT_RE)                      # line was echoed before
    ran = [int(n) for n in re.findall(r"^(?:\$ )?pasted (\d+)\r?$", sh.log,
                                      re.M)]
    assert ran == list(range(20)), sh.log
    assert "line dropped" not in sh.log, sh.log
    assert sh.cmd("echo alive").strip() == "alive"


def test_binary_garbage_gets_an_error(sh):
    """The console drops control and non-ASCII bytes (and counts them);
    what is left names no command."""
    garbage = bytes(range(0x80, 0x100)) + b"\x01\x02qq\x1b[2J\x0e\x0f\xff"
    sh.send(garbage + b"\r")
    sh.expect(r"console: 134 control or non-ASCII byte\(s\) ignored")
    sh.expect(r"shell: unknown command: qq\[2J \(try help\)\n\$ ")
    assert sh.cmd("echo alive").strip() == "alive"
