"""Isolation and fault recovery (book: Isolation): a program that misbehaves
ends alone and leaves nothing behind, every pointer it hands the kernel
is checked at the very edges of its memory, a server's death answers its
callers, and init brings a dead service back.

    badhandle, memhog   refused requests are errors, not the end of
                        anything: the program goes on and exits
    bounds              the last bytes of memory are inside, one byte
                        past them is not, a sum past 2^32 is refused
    crashloop 50        fifty servers crash holding a call, a file,
                        handles and memory: every call gets EPIPE and
                        `mem` comes back to where it was
    a killed service    init restarts it at once and it serves again

The trap reports themselves (a line naming the function) are
test_proc_faults.py's; a server dying mid-call, test_ipc_demos.py's;
init's back-off, test_authority.py's.
"""

import re

import pytest

from test_authority import mem, services
from test_proc_run import exit_line, used
from wisp_harness.shell import SHELL_PROMPT_RE, ends

# program, what it prints when the kernel refused it as it should
REFUSED = [
    ("badhandle", r"badhandle: all 8 forged or misused handles refused"),
    ("memhog", r"memhog: memory\.grow returned -1 at 256 pages"),
]
IPC_RE = re.compile(r"^ipc objects: (\d+) live$", re.M)


def ipc_objects(w):
    """Live IPC objects, from the monitor's `mem`."""
    out = w.cmd("mem")
    m = IPC_RE.search(out)
    assert m, out
    return int(m.group(1))


@pytest.mark.parametrize("prog, said", REFUSED, ids=[r[0] for r in REFUSED])
def test_refused_requests_end_only_the_program(monitor, prog, said):
    """A forged handle is EBADF, memory past the limit is -1: the program
    is told, goes on, and exits 0; what it made is gone after it."""
    monitor.cmd("run hello")
    before = used(monitor), ipc_objects(monitor)
    out = monitor.cmd(f"run {prog}", timeout=120)
    assert re.search(said, out), f"expected /{said}/ from {prog}, got:\n{out}"
    assert "UNEXPECTED" not in out, out
    pid, code = exit_line(out, f"{prog}.wasm")
    assert code == 0, f"{prog} (pid {pid}) exited {code}, expected 0:\n{out}"
    assert monitor.cmd("echo alive").strip().endswith("alive")
    assert re.search(r"^\[pid \d+ hello.wasm\] exit 0$", monitor.cmd("run hello"), re.M), \
        "hello did not run after it"
    after = used(monitor), ipc_objects(monitor)
    assert after == before, \
        f"(frames, heap bytes) and IPC objects were {before} before {prog}, {after} after"


# ---- pointers at the edges of memory -------------------------------------------

BOUNDS_CASE_RE = re.compile(r"^bounds: (.*?) +-> (\S+) +\(want (\S+)\)(  WRONG)?$", re.M)
SUMMARY_RE = re.compile(r"^bounds: \w+: \d+ cases, \d+ wrong$", re.M)


def run_bounds(monitor):
    """Run bounds; return its output (its cases, summaries and end)."""
    out = monitor.cmd("run bounds", timeout=120)
    assert "bounds: memory ends at" in out, f"bounds did not get to its cases:\n{out}"
    return out


def group(out, name, count):
    """Check the summary of group `name` of bounds' cases (its case lines
    come after the previous summary): count cases, none wrong; a failure
    lists the wrong ones."""
    m = re.search(rf"^bounds: {name}: (\d+) cases, (\d+) wrong$", out, re.M)
    assert m, f"bounds printed no summary of its {name}:\n{out}"
    start = max((s.end() for s in SUMMARY_RE.finditer(out, 0, m.start())), default=0)
    wrong = [f"{what}: got {got}, want {want}"
             for what, got, want, bad in BOUNDS_CASE_RE.findall(out[start:m.start()])
             if bad]
    if wrong or m.group(2) != "0":
        pytest.fail(f"{name}: the kernel answered wrongly:\n  " + "\n  ".join(wrong),
                    pytrace=False)
    assert int(m.group(1)) == count, out


def test_the_last_byte_is_inside_and_one_past_is_not(monitor):
    """IPC calls on a range ending at the last byte of memory are
    accepted, one byte more is EFAULT, an empty range at the end is
    inside; for WASI, one byte past the end is a trap naming the call."""
    out = run_bounds(monitor)
    group(out, "edges", 11)
    assert "bounds: random_get of the last byte -> 0" in out, out
    end = re.search(r"^\[pid \d+ bounds.wasm\] (.*)$", out, re.M)
    want = r"trap: bad host-call pointer in func \d+ \(__wasi_random_get\)"
    assert end and re.fullmatch(want, end.group(1)), \
        f"random_get one byte past the end: expected /{want}/, got: " \
        f"{end.group(1) if end else 'no end line'}\n{out}"


def test_lengths_that_wrap_are_refused(monitor):
    """A pointer and a length whose sum passes 2^32 (a sum computed in 32
    bits wraps to a small number, which looks inside) are EFAULT."""
    group(run_bounds(monitor), "wraps", 4)


# ---- recovery -------------------------------------------------------------------


def test_fifty_crashes_and_restarts_leave_nothing_behind(sh):
    """Fifty servers trap holding a call, a file, handles and memory;
    each call is answered EPIPE, and the kernel heap, the IPC objects and
    the processes are what they were before (crashloop.c)."""
    sh.cmd("crashloop 1")                   # first uses grow the stacks
    mem(sh)                                 # of the shell and the services
    before = mem(sh)
    out = sh.cmd("crashloop 50", timeout=600)
    done = "crashloop: 50 cycles, 50 calls answered EPIPE"
    assert done in out, f"expected '{done}', got:\n{out[-2000:]}"
    traps = [how for _, how in ends(sh.log, "crashloop.wasm")]
    crashed = [h for h in traps if re.fullmatch(r"trap: unreachable in func \d+ \(crash\)", h)]
    assert len(crashed) == 51, f"expected 51 servers to end in crash(), got: {traps}"
    after = mem(sh)
    assert after == before, \
        f"(heap bytes, IPC objects, processes) were {before} before 50 crashes, {after} after"


def first_after(w, pattern, since, timeout=None):
    """The first match of pattern (re.M) in the log from index since on,
    waiting for it if it has not come yet."""
    pat = re.compile(pattern, re.M)
    m = pat.search(w.log, since)
    while not m:
        w.expect(pat, timeout)
        m = pat.search(w.log, since)
    return m


def kill_from_the_monitor(sh, pid):
    """Kill pid with the kernel monitor's precise kill (as a crash would
    end it: init did not ask), then give the line back to the shell."""
    sh.sendline("monitor")
    sh.expect("monitor> ")
    out = sh.monitor_cmd(f"kill {pid}")
    assert f"[pid {pid} echo.wasm] killed" in out + sh.log, out
    sh.sendline("exit")
    sh.expect("shell: back from the monitor")
    sh.expect(SHELL_PROMPT_RE)


def test_a_killed_service_is_restarted_and_works_again(sh):
    """echo is killed three times behind init's back; each time init
    restarts it (at once, or after a back-off if the last one had only
    just started), it registers again and answers, and nothing of
    the dead ones is left (init closes its handle on each).  The figures
    are taken after the first round, whose first uses of the monitor,
    ps and mem grow the shell's and the console's stacks."""
    base = None
    for _ in range(3):
        (pid,) = [p for p, n in services(sh) if n == "echo.wasm"]
        since = len(sh.log)
        kill_from_the_monitor(sh, pid)
        m = first_after(sh, rf"init: echo \(pid {pid}\) ended.*$", since)
        assert re.search(r"ended(, restarting|.*; restarting in \d+ ms)$", m.group(0)), \
            f"expected 'init: echo (pid {pid}) ended, restarting' (or restarting " \
            f"after a delay, if it had just started), got '{m.group(0)}'"
        new = int(first_after(sh, r"init: started echo \(pid (\d+)\)", since).group(1))
        out = sh.cmd("ping 3")
        assert "3 round trips to echo" in out, f"echo (pid {new}) does not answer:\n{out}"
        if base is None:
            mem(sh)
            base = mem(sh)
    after = mem(sh)
    assert after == base, \
        f"(heap bytes, IPC objects, processes) were {base} after the first restart, " \
        f"{after} after two more"
