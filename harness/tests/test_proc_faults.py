"""Each class of fault in a Wasm program ends that program alone, with
one line "[pid N NAME] trap: <reason> in func I (<name>)" naming the
function from the module's name section; the monitor answers afterwards,
another program runs, and nothing the faulting one held is left behind
(frames and heap as before)."""

import re

import pytest

FRAMES_RE = re.compile(r"^frames: \d+ free, (\d+) used, \d+ total", re.M)
HEAP_RE = re.compile(r"^heap: (\d+) bytes in use", re.M)

# program (and arguments), the trap's reason, the function it names
FAULTS = [
    ("oob", "out of bounds memory access", "write_loop"),
    ("unreachable", "unreachable", "crash"),
    ("divzero", "integer divide by zero", "divide"),
    ("overflow", "integer overflow", "divide"),
    ("stackoverflow", "call stack exhausted", "recurse"),
    ("badindirect", "indirect call type mismatch", "call_it"),
    ("badindirect null", "uninitialized element", "call_it"),
    ("badptr", "bad host-call pointer", "__wasi_fd_write"),
]


def used(w):
    out = w.cmd("mem")
    return int(FRAMES_RE.search(out).group(1)), int(HEAP_RE.search(out).group(1))


@pytest.mark.parametrize("prog, reason, func", FAULTS, ids=[f[0] for f in FAULTS])
def test_fault_ends_only_the_faulting_program(monitor, prog, reason, func):
    monitor.cmd("run hello")
    before = used(monitor)
    out = monitor.cmd(f"run {prog}", timeout=120)
    name = prog.split()[0] + ".wasm"
    lines = re.findall(rf"^\[pid \d+ {re.escape(name)}\] .*$", out, re.M)
    assert lines and re.fullmatch(
        rf"\[pid \d+ {re.escape(name)}\] trap: {re.escape(reason)} in func \d+ "
        rf"\({re.escape(func)}\)", lines[0]), out
    assert len(lines) == 1, f"more than one report line:\n{out}"
    assert monitor.cmd("echo alive").strip().endswith("alive")
    assert re.search(r"^\[pid \d+ hello.wasm\] exit 0$", monitor.cmd("run hello"), re.M)
    assert used(monitor) == before


def test_a_fault_leaves_a_background_program_running(monitor):
    out = monitor.cmd("run sleeper 1000 50 &")
    pid = int(re.search(r"^\[pid (\d+)\] started", out, re.M).group(1))
    monitor.cmd("run divzero")
    monitor.expect(r"sleeper: 5/1000 slept")
    monitor.cmd(f"kill {pid}")
    assert re.search(rf"^\[pid {pid} sleeper.wasm\] killed$", monitor.log, re.M)
