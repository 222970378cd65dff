"""Interrupts, the timer and kernel threads (issue 3, items 4 and 5), as the
monitor shows them: `uptime`, `irqstat`, `threads` and the `threadtest`
self-test, whose lines are checked here one by one rather than trusting
its own PASS line.  Durations are measured in the kernel's own timer ticks
(TIMER_HZ = 100, kernel/param.h), never in host time."""

import re

import pytest

TIMER_HZ = 100          # kernel/param.h
MS_PER_TICK = 1000 // TIMER_HZ

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


@pytest.fixture(scope="module")
def selftest():
    """One boot's `threadtest` output (several tests read it)."""
    from wisp_harness import Wisp
    with Wisp(name="test_threads_kernel.selftest") as w:
        w.boot()
        yield w.cmd("threadtest", timeout=60)


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
    assert turns == [(f"w{w}", str(r)) for r in (1, 2, 3) for w in (1, 2, 3)]


def test_join_returns_each_exit_code(selftest):
    codes = re.findall(r"^  joined (w\d): exit code (\d+)$", selftest, re.M)
    assert codes == [("w1", "11"), ("w2", "12"), ("w3", "13")]


def test_sleep_is_roughly_right_and_sleepers_overlap(selftest):
    slept = [(int(a), int(b), int(c)) for a, b, c in
             re.findall(r"^  slept (\d+) ms: (\d+) ticks \(asked (\d+)\)$", selftest, re.M)]
    # started longest first, so they must wake shortest first
    assert [ms for ms, _, _ in slept] == [20, 50, 100]
    for ms, ticks, asked in slept:
        assert asked == ms // MS_PER_TICK
        assert asked <= ticks <= asked + 2, f"sleep_ms({ms}) took {ticks} ticks"
    total = int(re.search(r"^  all three took (\d+) ticks$", selftest, re.M).group(1))
    assert 10 <= total < 17          # concurrently: about the longest one


def test_thread_interrupt_cuts_waits_short(selftest):
    assert "  intr is sleeping\n" in selftest
    assert "  waitq_sleep returned false\n" in selftest
    ticks = int(re.search(r"^  sleep_ms\(10000\) ended after (\d+) ticks$",
                          selftest, re.M).group(1))
    assert ticks < 1000 // MS_PER_TICK


def test_cpu_bound_threads_are_preempted_at_safe_points(selftest):
    # two threads that yield only when their preempt hook (called by the
    # timer at the end of a 5-tick slice) asks: both must run, in turns
    spins = re.findall(r"^  (spin\d): preempted (\d+) times, (\d+) cpu ticks$", selftest, re.M)
    assert [name for name, _, _ in spins] == ["spin1", "spin2"]
    for name, preempted, ticks in spins:
        assert int(preempted) >= 2, f"{name} was never preempted"
        assert int(ticks) >= 10, f"{name} hardly ran"


def test_backtrace_on_a_thread_stack_reaches_thread_start(selftest):
    bt = selftest.split("threadtest: backtrace\n", 1)[1]
    names = re.findall(r"^  #\d+ 0x[0-9a-f]{16} (\w+)\+0x[0-9a-f]+$", bt, re.M)
    assert names[:3] == ["bt_worker", "thread_start", "thread_trampoline"], bt
    assert "bad frame pointer" not in bt


def test_join_and_reap_free_everything(selftest):
    m = re.search(r"^  threads (\d+) -> (\d+) after the detached one ended$", selftest, re.M)
    assert m and m.group(1) == m.group(2)
    m = re.search(r"^threadtest: threads (\d+) -> (\d+), heap bytes (\d+) -> (\d+), "
                  r"free frames (\d+) -> (\d+)$", selftest, re.M)
    assert m, selftest
    n0, n1, h0, h1, f0, f1 = map(int, m.groups())
    assert (n0, h0, f0) == (n1, h1, f1)
    assert selftest.rstrip().endswith("threadtest: PASS")


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
