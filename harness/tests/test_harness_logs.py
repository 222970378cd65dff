"""conftest.py's log keeping, checked on inner pytest runs (pytester): a
failing test keeps its serial log and shows its tail, a passing test's log
is deleted."""

import shutil
from pathlib import Path

HARNESS = Path(__file__).resolve().parents[1]
FAKE = Path(__file__).with_name("fakeqemu.py")

INNER = f'''
import sys
from wisp_harness import Wisp, PROMPT_RE

def machine(scenario):
    return Wisp(iso={str(FAKE)!r}, qemu=[sys.executable, "-u", {str(FAKE)!r}, scenario])

def test_passes():
    with machine("monitor") as w:
        w.expect(PROMPT_RE)
        assert w.cmd("fine") == "you said: fine\\n"

def test_assertion_fails():
    with machine("monitor") as w:
        w.expect(PROMPT_RE)
        assert w.cmd("the answer") == "42\\n"

def test_panics():
    with machine("panic") as w:
        w.expect(PROMPT_RE)
'''


def run_inner(pytester, monkeypatch, tmp_path):
    shutil.copy(HARNESS / "conftest.py", pytester.path / "conftest.py")
    pytester.makepyfile(test_inner=INNER)
    logs = tmp_path / "logs"
    monkeypatch.setenv("WISP_LOG_DIR", str(logs))
    monkeypatch.setenv("PYTHONPATH", str(HARNESS))
    return pytester.runpytest_subprocess("-p", "no:cacheprovider"), logs


def test_failing_tests_keep_their_logs(pytester, monkeypatch, tmp_path):
    result, logs = run_inner(pytester, monkeypatch, tmp_path)
    result.assert_outcomes(passed=1, failed=2)
    kept = sorted(p.name for p in logs.iterdir())
    assert "test_inner.test_passes.log" not in kept
    assert "test_inner.test_assertion_fails.log" in kept
    assert "test_inner.test_panics.log" in kept
    text = (logs / "test_inner.test_assertion_fails.log").read_text()
    assert "you said: the answer" in text
    out = result.stdout.str()
    # An assertion failure shows the log's tail in its own report section...
    assert "wisp serial log" in out and "kept " + str(logs) in out
    # ...and a panic names itself and quotes the dump.
    assert "kernel panic: PANIC: kernel ran out of ideas" in out
    assert "monitor_run+0x2a" in out
