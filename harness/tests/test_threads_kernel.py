"""Interrupts, the timer, kernel threads and the scheduler, as the monitor
shows them: `uptime`, `irqstat`, `threads`, `churn` and the `threadtest`
self-test, whose lines are checked here one by one rather than trusting
its own PASS line; and Wasm programs that never yield, which must share
the CPU with each other and with the monitor all the same.  Durations
are measured in the kernel's own timer ticks (TIMER_HZ = 100,
kernel/param.h), never in host time.  Where the order of events
matters, QEMU runs under -icount (ICOUNT): the guest's clock then
follows the instructions it executes, so which thread runs when depends
on the kernel alone, not on how busy the host is."""

import re
import time

import pytest

from test_proc_run import used
from wisp_harness import HarnessError, Wisp, timeout_scale

TIMER_HZ = 100          # kernel/param.h
MS_PER_TICK = 1000 // TIMER_HZ
SLICE_TICKS = 5         # SCHED_SLICE_TICKS, kernel/param.h
# One guest instruction per nanosecond of guest time (the time-stamp
# counter counts instructions; ten million of them make a tick).
ICOUNT = ["-icount", "shift=0"]

UPTIME_RE = re.compile(r"^up (\d+)\.(\d{3}) s \((\d+) ticks at (\d+) Hz\)$", re.M)


def uptime(monitor):
    """(milliseconds, ticks) from `uptime`, after checking they agree."""
    m = UPTIME_RE.search(monitor.cmd("uptime"))
    assert m, "no uptime line"
    ms = int(m.group(1)) * 1000 + int(m.group(2))
    ticks = int(m.group(3))
    assert int(m.group(4)) == TIMER_HZ
    assert ms == ticks * MS_PER_TICK
    return ms, ticks


def irqstat(monitor, args=""):
    """{name: number} from `irqstat`: "irq0", "irq4", "spurious",
    "received", "dropped", "switches"."""
    out = monitor.cmd(("irqstat " + args).strip())
    stats = {f"irq{n}": int(c) for n, c in re.findall(r"^  irq +(\d+) \S* *(\d+)$", out, re.M)}
    stats["spurious"] = int(re.search(r"^  spurious: (\d+)$", out, re.M).group(1))
    m = re.search(r"^  console: (\d+) bytes received, (\d+) dropped$", out, re.M)
    stats["received"], stats["dropped"] = int(m.group(1)), int(m.group(2))
    stats["switches"] = int(re.search(r"^  context switches: (\d+)$", out, re.M).group(1))
    return stats


def threads(monitor):
    """[(tid, name, state, cputicks)] from `threads`, checking its count."""
    out = monitor.cmd("threads")
    rows = [(int(t), n, s, int(c)) for t, n, s, c in
            re.findall(r"^ +(\d+) (\S+) +(\S+) +(\d+)$", out, re.M)]
    assert f"\n{len(rows)} threads\n" in "\n" + out
    return rows


def answered(w, line, why, timeout=10):
    """w.cmd(line), or an AssertionError that says the monitor did not
    answer within timeout seconds (scaled) and why it should have."""
    try:
        return w.cmd(line, timeout=timeout)
    except HarnessError as e:
        first = str(e).strip().split("\n")[0].split(": ", 1)[-1]
        raise AssertionError(f"the monitor did not answer `{line}` ({first}): {why}") from None


def phase(selftest, name):
    """The lines of threadtest's phase `name` (from its "threadtest: name"
    line to the next phase), to show in a failure message."""
    start = selftest.find(f"threadtest: {name}\n")
    if start < 0:
        return f"(no phase '{name}' in threadtest's output)"
    end = selftest.find("\nthreadtest: ", start + 1)
    return selftest[start:end + 1 if end >= 0 else len(selftest)]


def found(pattern, text, what):
    """re.search(pattern, text, re.M), or an AssertionError naming what
    line was expected and showing the text."""
    m = re.search(pattern, text, re.M)
    assert m, f"expected {what}; the output was:\n{text}"
    return m


@pytest.fixture(scope="module")
def selftest():
    """One boot's `threadtest` output, under -icount (several tests read
    it)."""
    with Wisp(name="test_threads_kernel.selftest", extra_args=ICOUNT) as w:
        w.boot()
        yield w.cmd("threadtest", timeout=120)


@pytest.fixture
def icount_monitor():
    """A booted Wisp at the monitor's prompt, under -icount."""
    with Wisp(extra_args=ICOUNT) as w:
        w.boot()
        yield w


# ---- the timer ----------------------------------------------------------

def test_timer_ticks_and_uptime_grows(monitor):
    ms0, t0 = uptime(monitor)
    assert "spun 300 ms" in monitor.cmd("spin 300")
    ms1, t1 = uptime(monitor)
    assert t1 - t0 >= 300 // MS_PER_TICK
    assert irqstat(monitor)["irq0"] >= t1


def test_spin_time_is_charged_to_the_monitor_thread(monitor):
    before = {n: c for _, n, _, c in threads(monitor)}
    monitor.cmd("spin 200")
    after = {n: c for _, n, _, c in threads(monitor)}
    assert after["monitor"] - before["monitor"] >= 200 // MS_PER_TICK - 1


def test_threads_lists_the_monitor_and_the_idle_thread(monitor):
    rows = threads(monitor)
    assert [(t, n, s) for t, n, s, _ in rows] == [
        (1, "monitor", "running"), (2, "idle", "runnable")]


# ---- threadtest: round robin, sleep, join, interrupt, reaping ---------

def test_threads_take_turns_round_robin(selftest):
    turns = re.findall(r"^  rr (\w+) (\d)$", selftest, re.M)
    want = [(f"w{w}", str(r)) for r in (1, 2, 3) for w in (1, 2, 3)]
    assert turns == want, (
        "three threads that yield after each round must take turns, w1 w2 w3 in every "
        "round (a yielding thread goes to the tail of the run queue); they ran: "
        + " ".join(f"{w}/{r}" for w, r in turns))


def test_join_returns_each_exit_code(selftest):
    codes = re.findall(r"^  joined (w\d): exit code (-?\d+)$", selftest, re.M)
    assert codes == [("w1", "11"), ("w2", "12"), ("w3", "13")], \
        f"thread_join must return each thread's exit code (w1 11, w2 12, w3 13); got {codes}"
    m = found(r"^  threads: (\d+) before, (\d+) after the joins$", phase(selftest, "round robin"),
              "a line 'threads: N before, N after the joins'")
    assert m.group(1) == m.group(2), \
        f"a joined thread must be freed: {m.group(1)} threads before, {m.group(2)} after the joins"


def test_sleepers_wake_in_deadline_order(selftest):
    slept = [(int(ms), name, int(ticks), int(asked), int(cpu)) for ms, name, ticks, asked, cpu in
             re.findall(r"^  slept (\d+) ms \((\w)\): (\d+) ticks \(asked (\d+)\), (\d+) cpu ticks$",
                        selftest, re.M)]
    order = [(ms, name) for ms, name, _, _, _ in slept]
    # started a 100, b 50, c 20, d 50: they must wake shortest first, and
    # the two due at the same tick in the order they fell asleep
    assert order == [(20, "c"), (50, "b"), (50, "d"), (100, "a")], (
        "sleepers must wake in the order of their deadlines (c 20 ms, b 50, d 50, a 100; "
        f"b and d are due at the same tick and b fell asleep first); they woke: {order}")
    for ms, name, ticks, asked, cpu in slept:
        assert asked == ms // MS_PER_TICK
        assert asked <= ticks <= asked + 2, \
            f"sleep_ms({ms}) ({name}) took {ticks} ticks; expected {asked} to {asked + 2}"
        assert cpu <= 1, f"sleep_ms({ms}) ({name}) used {cpu} ticks of CPU: a sleeper must not run"
    total = int(found(r"^  all four took (\d+) ticks$", phase(selftest, "sleep"),
                      "a line 'all four took N ticks'").group(1))
    assert 10 <= total < 17, \
        f"the four sleepers took {total} ticks in all; sleeping at once, they take about 10"


def test_thread_interrupt_cuts_waits_short(selftest):
    lines = phase(selftest, "interrupt")
    assert "  intr is sleeping\n" in lines, \
        "a thread in waitq_sleep must be listed as sleeping:\n" + lines
    assert "  waitq_sleep returned false\n" in lines, \
        "waitq_sleep cut short by thread_interrupt must return false:\n" + lines
    ticks = int(found(r"^  sleep_ms\(1000\) ended after (\d+) ticks$", lines,
                      "a line 'sleep_ms(1000) ended after N ticks'").group(1))
    assert ticks <= 4, \
        f"sleep_ms(1000), interrupted after 20 ms, ended after {ticks} ticks instead of about 2"


def test_an_interrupted_join_waits_and_keeps_the_interrupt(selftest):
    m = found(r"^  joined joinee: exit code (-?\d+); the next sleep_ms\(200\) took (\d+) ticks$",
              phase(selftest, "join, interrupted"),
              "a line 'joined joinee: exit code N; the next sleep_ms(200) took N ticks'")
    code, ticks = int(m.group(1)), int(m.group(2))
    assert code == 7, f"a join interrupted while it waits must go on waiting: exit code {code}, not 7"
    assert ticks == 0, (f"the interrupt a join absorbed must stay pending, so the next sleep "
                        f"returns at once; sleep_ms(200) took {ticks} ticks")


def test_cpu_bound_threads_are_preempted_at_safe_points(selftest):
    # spin1 never yields unless its preempt hook (called by the timer at the
    # end of a 5-tick slice) asks: it runs alone while the tester sleeps, and
    # the tester must still get the CPU back when its sleep is over
    lines = phase(selftest, "preempt")
    ticks = int(found(r"^  sleep_ms\(100\) beside spin1 took (\d+) ticks$", lines,
                      "a line 'sleep_ms(100) beside spin1 took N ticks'").group(1))
    assert ticks <= 10 + 2, (
        f"sleep_ms(100) beside a spinning thread took {ticks} ticks: once the sleeper is "
        "runnable, the spinner must be preempted at the next tick, even though its slice "
        "ran out earlier while nobody was waiting")
    spins = re.findall(r"^  (spin\d): (\d+) turns, preempted (\d+) times, (\d+) cpu ticks$",
                       lines, re.M)
    assert [name for name, _, _, _ in spins] == ["spin1", "spin2"], \
        "expected a line from each spinner, spin1 then spin2:\n" + lines
    for name, turns, preempted, cpu in spins:
        assert int(turns) >= 3, (f"{name} got {turns} turn(s): two spinners must take turns at "
                                 f"every {SLICE_TICKS}-tick slice")
        assert int(cpu) >= 6 * SLICE_TICKS, f"{name} ran {cpu} ticks"


def test_backtrace_on_a_thread_stack_reaches_thread_start(selftest):
    bt = selftest.split("threadtest: backtrace\n", 1)[1]
    names = re.findall(r"^  #\d+ 0x[0-9a-f]{16} (\w+)\+0x[0-9a-f]+$", bt, re.M)
    assert names[:3] == ["bt_worker", "thread_start", "thread_trampoline"], bt
    assert "bad frame pointer" not in bt


def test_join_and_reap_free_everything(selftest):
    m = found(r"^  threads (\d+) -> (\d+) after the detached one ended$", phase(selftest, "detach"),
              "a line 'threads N -> N after the detached one ended'")
    assert m.group(1) == m.group(2), \
        f"a detached thread must be reaped when it ends: threads {m.group(1)} -> {m.group(2)}"
    m = found(r"^threadtest: threads (\d+) -> (\d+), heap bytes (\d+) -> (\d+), "
              r"free frames (\d+) -> (\d+)$", selftest, "threadtest's totals")
    n0, n1, h0, h1, f0, f1 = map(int, m.groups())
    assert (n0, h0, f0) == (n1, h1, f1), \
        f"threadtest left threads {n0} -> {n1}, heap bytes {h0} -> {h1}, free frames {f0} -> {f1}"


def test_threadtest_twice_leaves_memory_as_it_was(monitor):
    def frames_and_heap():
        out = monitor.cmd("mem")
        return re.search(r"^frames: (\d+) free", out, re.M).group(1), \
            re.search(r"^heap: (\d+) bytes in use", out, re.M).group(1)
    before = frames_and_heap()
    for _ in range(2):
        assert monitor.cmd("threadtest", timeout=60).rstrip().endswith("PASS")
    assert frames_and_heap() == before
    assert len(threads(monitor)) == 2


# ---- many threads ---------------------------------------------------------

CHURN_RE = (r"^churn: 1000 threads: (\d+) joined \((\d+) wrong exit codes\), "
            r"(\d+) detached, (\d+) not created$")
CHURN_MEM_RE = (r"^churn: threads (\d+) -> (\d+), heap bytes (\d+) -> (\d+), "
                r"free frames (\d+) -> (\d+)$")


def test_a_thousand_short_threads_leave_memory_at_its_baseline(monitor):
    monitor.cmd("churn 16")         # the heap and the stacks take their first pages
    before = used(monitor)
    out = monitor.cmd("churn 1000", timeout=120)
    counts = tuple(map(int, found(CHURN_RE, out, "churn's count of threads").groups()))
    assert counts == (500, 0, 500, 0), \
        f"churn 1000: expected 500 joined (0 wrong exit codes), 500 detached, 0 not created; got {counts}"
    n0, n1, h0, h1, f0, f1 = map(int, found(CHURN_MEM_RE, out, "churn's totals").groups())
    assert (n0, h0, f0) == (n1, h1, f1), (
        "after 1000 threads, half joined and half detached, everything must be back: "
        f"threads {n0} -> {n1}, heap bytes {h0} -> {h1}, free frames {f0} -> {f1}")
    assert used(monitor) == before, f"mem: frames used and heap bytes {before} -> {used(monitor)}"
    assert len(threads(monitor)) == 2


# ---- Wasm programs that never yield ---------------------------------------

COUNTER_STEPS = 100000  # more than the test waits for: it kills both counters
INTERLEAVED_RE = re.compile(r"a+b+a+b")   # each counter ran, then the other, twice


def test_two_wasm_programs_share_the_cpu_while_the_monitor_answers(icount_monitor):
    """counter never yields nor blocks (a printf to the console does not
    block): the two counters' steps interleave, and the monitor answers
    while they run, only if the kernel preempts them.  The counters are
    given more steps than the test waits for and are killed at the end, so
    nothing depends on how fast the host types compared with the guest."""
    w = icount_monitor
    pids = {}
    for name in "ab":
        line = f"run counter {name} {COUNTER_STEPS} &"
        out = answered(w, line, "it was typed while a counter ran: the counter must be "
                       "preempted when its slice is over")
        pids[name] = int(found(r"^\[pid (\d+)\] started", out,
                               f"'[pid N] started in the background' after `{line}`").group(1))
    out = answered(w, "ps", "two programs that never yield must be preempted")
    listed = {int(p) for p in re.findall(r"^ +(\d+) counter\.wasm ", out, re.M)}
    ended = [name for name, pid in pids.items() if pid not in listed]
    assert not ended, (f"counter {' and '.join(ended)} ended before the monitor answered "
                       f"`ps`, long before its {COUNTER_STEPS} steps:\n{out}")

    # a step may follow the prompt on its line: "monitor> a: step 1/100000"
    step_re = re.compile(rf"^(?:monitor> )?([ab]): step \d+/{COUNTER_STEPS}$", re.M)

    def steps():
        return "".join(step_re.findall(w.log))

    deadline = time.monotonic() + 120 * timeout_scale()
    while not INTERLEAVED_RE.search(steps()) and time.monotonic() < deadline:
        try:
            w.expect(step_re, timeout=10)
        except HarnessError:
            break
    assert INTERLEAVED_RE.search(steps()), (
        f"the two counters' steps must interleave; they came as {steps()[-400:]!r}")
    for pid in pids.values():
        answered(w, f"kill {pid}", "two programs that never yield must be preempted")
        w.seen_or_expect(rf"^\[pid {pid} counter\.wasm\] killed$", timeout=30)


def test_a_wasm_infinite_loop_is_preempted_and_killable(icount_monitor):
    w = icount_monitor
    out = w.cmd("run loop &")
    pid = int(found(r"^\[pid (\d+)\] started", out,
                    "'[pid N] started in the background' after `run loop &`").group(1))
    w.seen_or_expect("loop: spinning forever")
    # Let the loop run alone for a while, as it does while you think about
    # your next command: its slice runs out with nobody waiting, and the
    # monitor, woken later by the keys typed, must get the CPU all the same.
    # (The pause only lets guest time pass; nothing measures it.)
    time.sleep(1.0)
    why = "a Wasm program that loops forever must be preempted at a safe point"

    def cpu_ticks():
        out = answered(w, "ps", why)
        row = found(rf"^ +{pid} loop\.wasm +\S+ +\d+ +\d+ +(\d+)$", out,
                    f"loop.wasm (pid {pid}) in `ps`")
        return int(row.group(1))

    # Between two answers the loop gets the CPU back: its tick count grows.
    # The guest time between two commands is what the vCPU ran while the
    # host typed, little on a loaded host, so ask again after a pause
    # (each answered at once, or the monitor was starved) until it shows.
    ticks = [cpu_ticks()]
    for _ in range(5):
        time.sleep(0.5)
        ticks.append(cpu_ticks())
        if ticks[-1] > ticks[0]:
            break
    assert ticks[-1] > ticks[0], \
        f"loop.wasm must go on running between the monitor's answers: CPU ticks {ticks}"
    out = answered(w, f"kill {pid}", why)
    assert re.search(rf"^\[pid {pid} loop\.wasm\] killed$", out, re.M), \
        f"`kill {pid}` must end the loop at its next safe point; the output was:\n{out}"
    assert "0 processes" in answered(w, "ps", "the loop was killed")


# ---- interrupts ----------------------------------------------------------

def test_spurious_interrupts_are_counted_not_fatal(monitor):
    before = irqstat(monitor)["spurious"]
    assert irqstat(monitor, "spurious")["spurious"] == before + 2
    assert monitor.cmd("echo still alive") == "still alive\n"


def test_context_switch_benchmark_runs(monitor):
    out = monitor.cmd("swbench 1000")
    m = re.search(r"^swbench: (\d+) switches in (\d+) cycles: (\d+) cycles per switch$",
                  out, re.M)
    assert m, out
    assert int(m.group(1)) >= 2000          # each yield switches to the other


@pytest.mark.parametrize("line, usage", [
    ("spin", "usage: spin MS"), ("spin x1", "'x1' is not a number"),
    ("spin 0", "'0' is not a number"), ("spin 99999999999999999999999", "is not a number"),
    ("swbench -3", "'-3' is not a number"), ("irqstat nonsense", "usage: irqstat"),
])
def test_bad_arguments_get_a_usage_message(monitor, line, usage):
    assert usage in monitor.cmd(line)
    assert monitor.cmd("echo ok") == "ok\n"
