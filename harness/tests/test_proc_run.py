"""Processes under QEMU, as a user at the monitor sees them: `ls` lists
the initrd, `run` starts a Wasm program from it (in the foreground or
with `&` in the background), programs print through WASI, get their
arguments, sleep, and run side by side (preempted at safe points), and
`ps`, `kill` and Ctrl-C manage them.  Spawn errors (no such program, a
malformed module, an unknown import, a full heap) are one clear line and
leave the kernel as it was."""

import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
SERVICES = ROOT / "build" / "services"
EXIT_RE = r"^\[pid (\d+) {name}\] exit (-?\d+)$"
FRAMES_RE = re.compile(r"^frames: \d+ free, (\d+) used, \d+ total", re.M)
HEAP_RE = re.compile(r"^heap: (\d+) bytes in use", re.M)


def exit_line(out, name):
    """(pid, code) from the "[pid N NAME] exit C" line in out."""
    m = re.search(EXIT_RE.format(name=re.escape(name)), out, re.M)
    assert m, f"no exit line for {name} in:\n{out}"
    return int(m.group(1)), int(m.group(2))


def used(w):
    """(frames used, heap bytes in use) from `mem`."""
    out = w.cmd("mem")
    f, h = FRAMES_RE.search(out), HEAP_RE.search(out)
    assert f and h, out
    return int(f.group(1)), int(h.group(1))


def ps_rows(w):
    """{pid: (name, state, mem KiB, heap KiB, ticks)} from `ps`."""
    out = w.cmd("ps")
    rows = re.findall(r"^ +(\d+) (\S+) +(\S+) +(\d+) +(\d+) +(\d+)$", out, re.M)
    return {int(r[0]): (r[1], r[2], int(r[3]), int(r[4]), int(r[5])) for r in rows}


def test_ls_lists_every_program_with_its_size(monitor):
    out = monitor.cmd("ls")
    files = sorted(SERVICES.glob("*.wasm")) + [ROOT / "services" / "manifest"]
    assert len(files) >= 12
    for f in files:
        assert re.search(rf"^  {re.escape(f.name)} +{f.stat().st_size} bytes$", out, re.M), \
            f"{f.name} ({f.stat().st_size} bytes) not listed:\n{out}"
    assert f"{len(files)} files" in out


def test_hello_prints_its_pid_and_arguments(monitor):
    out = monitor.cmd("run hello one two")
    pid, code = exit_line(out, "hello.wasm")
    assert code == 0
    assert f"hello from wasm, pid {pid}\n" in out
    assert "argv[0] = hello.wasm\nargv[1] = one\nargv[2] = two\n" in out
    # the name may be given with or without .wasm; pids are never reused
    pid2, _ = exit_line(monitor.cmd("run hello.wasm"), "hello.wasm")
    assert pid2 > pid


def test_two_cpu_bound_programs_both_make_progress(monitor):
    """counter never yields nor calls a blocking host function: the two
    counters' steps interleave only if the kernel preempts them."""
    out = monitor.cmd("run counter a 6 &")
    pid = int(re.search(r"^\[pid (\d+)\] started", out, re.M).group(1))
    monitor.cmd("run counter b 6", timeout=240)
    done = rf"\[pid {pid} counter.wasm\] exit 0\n"
    monitor.seen_or_expect(done, timeout=240)     # a may end after b
    # a step may follow the prompt on its line: "monitor> a: step 1/6"
    steps = re.findall(r"^(?:monitor> )?([ab]): step \d/6$", monitor.log, re.M)
    assert steps.count("a") == 6 and steps.count("b") == 6, monitor.log
    first_b, last_a = steps.index("b"), len(steps) - 1 - steps[::-1].index("a")
    assert first_b < last_a, f"a ran to its end before b started: {steps}"
    assert "a" in steps[first_b:] and "b" in steps[:last_a], steps


def test_sleeper_sleeps_about_as_long_as_asked(monitor):
    out = monitor.cmd("run sleeper 3 200", timeout=120)
    slept = [int(s) for s in re.findall(r"^sleeper: \d/3 slept (\d+) ms \(asked 200\)$",
                                        out, re.M)]
    assert len(slept) == 3, out
    # measured by the kernel's 100 Hz tick: at least the time asked, less
    # the first partial tick, and not a slice more than that
    assert all(190 <= s <= 260 for s in slept), slept
    assert exit_line(out, "sleeper.wasm")[1] == 0


def test_ps_shows_a_sleeping_process_and_kill_ends_it(monitor):
    out = monitor.cmd("run sleeper 1000 50 &")
    pid = int(re.search(r"^\[pid (\d+)\] started in the background$", out, re.M).group(1))
    monitor.expect(r"sleeper: 2/1000 slept")
    rows = ps_rows(monitor)
    assert pid in rows, rows
    name, state, mem_kib, heap_kib, ticks = rows[pid]
    assert name == "sleeper.wasm" and state in ("sleeping", "ready", "running")
    assert mem_kib == 128 and heap_kib > 0      # 2 Wasm pages; its module
    out = monitor.cmd(f"kill {pid}")
    assert re.search(rf"^\[pid {pid} sleeper.wasm\] killed$", out, re.M), out
    assert pid not in ps_rows(monitor)
    assert "0 processes" in monitor.cmd("ps")


def test_kill_ends_an_infinite_loop(monitor):
    out = monitor.cmd("run loop &")
    pid = int(re.search(r"^\[pid (\d+)\] started", out, re.M).group(1))
    monitor.expect("loop: spinning forever")
    assert ps_rows(monitor)[pid][0] == "loop.wasm"
    out = monitor.cmd(f"kill {pid}")
    assert re.search(rf"^\[pid {pid} loop.wasm\] killed$", out, re.M), out
    assert monitor.cmd("echo still here").strip().endswith("still here")


def test_ctrl_c_kills_the_foreground_program(monitor):
    monitor.sendline("run loop")
    monitor.expect("loop: spinning forever")
    monitor.send("\x03")
    monitor.expect(r"\^C\n\[pid \d+ loop.wasm\] killed\n")
    monitor.expect("monitor> ")
    assert "0 processes" in monitor.cmd("ps")


def test_memory_grow_stops_at_the_process_limit(monitor):
    out = monitor.cmd("run memhog", timeout=120)
    assert re.search(r"^memhog: memory.grow returned -1 at 256 pages \(16384 KiB\)", out,
                     re.M), out           # PROC_MEM_MAX_PAGES in kernel/param.h
    assert exit_line(out, "memhog.wasm")[1] == 0


def test_fifty_programs_are_reaped_without_leaks(monitor):
    monitor.cmd("run hello")                    # anything made on first use
    before = used(monitor)
    for i in range(25):
        monitor.cmd("run hello &")
        monitor.cmd(f"run counter c{i} 1")
    monitor.cmd("echo sync")
    for _ in range(200):
        if "0 processes" in monitor.cmd("ps"):
            break
    assert monitor.log.count("hello.wasm] exit 0") == 26
    assert len(re.findall(r"^\[pid \d+ counter.wasm\] exit 0$", monitor.log, re.M)) == 25
    assert used(monitor) == before


def test_spawn_with_the_heap_exhausted_fails_cleanly(monitor):
    monitor.cmd("run hello")
    before = used(monitor)
    assert "kmalloc now returns NULL" in monitor.cmd("heapfill", timeout=120)
    out = monitor.cmd("run hello")
    assert re.search(r"^run: hello: out of memory", out, re.M), out
    assert "hello from wasm" not in out
    monitor.cmd("heapfree")
    assert used(monitor) == before
    assert exit_line(monitor.cmd("run hello"), "hello.wasm")[1] == 0


@pytest.mark.parametrize("line, error", [
    ("run nosuch", "run: nosuch: no such program in the initrd (try ls)"),
    ("run notwasm", "run: notwasm: malformed module at offset 0x0: "
                    "magic header not detected"),
    ("run badimport", "run: badimport: unknown import: env.missing"),
    ("run", "usage: run NAME [args...] [&]   (ls lists the programs)"),
    ("run &", "usage: run NAME [args...] [&]   (ls lists the programs)"),
    ("kill", "usage: kill PID   (ps lists the pids)"),
    ("kill x1", "kill: 'x1' is not a pid (a positive number)"),
    ("kill 0", "kill: '0' is not a pid (a positive number)"),
    ("kill 4242", "kill: no process 4242"),
    ("spawncost 0", "usage: spawncost [N (1..1000) [NAME]]"),
])
def test_bad_names_and_arguments_get_a_clear_error(monitor, line, error):
    before = used(monitor)
    out = monitor.cmd(line)
    assert out.strip().split("\n")[-1] == error, out
    assert used(monitor) == before
    assert "0 processes" in monitor.cmd("ps")


def test_a_program_rejects_its_own_bad_arguments(monitor):
    out = monitor.cmd("run counter x -3")
    assert "counter: STEPS must be a positive number" in out
    assert exit_line(out, "counter.wasm")[1] == 2


def test_spawncost_reports_cycles_and_bytes(monitor):
    """spawncost's numbers add up, and a second process of a running
    program costs less than the first (it shares the compiled module)."""
    out = monitor.cmd("spawncost 2 hello", timeout=120)
    assert len(re.findall(r"^\[pid \d+ hello.wasm\] exit 0$", out, re.M)) == 4
    m = re.search(r"^spawncost: hello x2: spawn (\d+) cycles, spawn to reaped (\d+) "
                  r"cycles \(means\)$", out, re.M)
    assert m and 0 < int(m.group(1)) < int(m.group(2)), out
    b = re.search(r"^spawncost: kernel bytes per process: (\d+) = heap (\d+) \(module "
                  r"(\d+), the rest (\d+)\) \+ thread stack (\d+)$", out, re.M)
    total, heap, module, rest, stack = map(int, b.groups())
    assert total == heap + stack and heap == module + rest and module > 0, out
    second = int(re.search(r"^spawncost: a second process of the same program: "
                           r"(\d+) = heap", out, re.M).group(1))
    assert second <= total - module + 1024, out
    # hello's printf calls outgrow the exec's first stacks, which grow
    p = re.search(r"^spawncost: \.\.\. at its peak: (\d+) \(its stacks grew "
                  r"by (\d+) while it ran\)$", out, re.M)
    assert p and int(p.group(1)) == second + int(p.group(2)), out
    assert int(p.group(2)) > 0, out
    # the second spawn finds the module compiled: it costs less than the
    # first, and the difference (compiling) is reported per byte of module
    c = re.search(r"^spawncost: cached spawn (\d+) cycles; compiling (\d+) bytes "
                  r"of module (\d+) cycles \((\d+) per byte\)$", out, re.M)
    assert c, out
    cached, size, compile_, per_byte = map(int, c.groups())
    assert 0 < cached < int(m.group(1)) and size > 0, out
    assert compile_ == int(m.group(1)) - cached and per_byte == compile_ // size, out
