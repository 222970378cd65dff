"""pytest glue for every Wisp test: the `monitor` and `sh` fixtures, and
keeping the serial logs of failing tests.

Each Wisp machine streams its serial log to build/test-logs/<test>.log (and
QEMU's -D log to <test>.qemu.log).  When a test passes, the logs of the
machines it booted are deleted; when it fails, they stay, and the report
names them and shows the last lines of the serial log.
"""

import os

import pytest

import wisp_harness
from wisp_harness import HarnessError, Wisp
from wisp_harness.shell import Shell


@pytest.fixture
def monitor():
    """A booted Wisp (default ISO, BIOS) at the `monitor> ` prompt, named
    after the test; QEMU is killed when the test ends.  With
    WISP_IPCFAST=off (or on) in the environment, the monitor's `ipcfast`
    sets the IPC fast path first, so any test can run its IPC through the
    slow path too."""
    with Wisp() as w:
        w.boot()
        if os.environ.get("WISP_IPCFAST"):
            w.ipcfast(os.environ["WISP_IPCFAST"])
        yield w


@pytest.fixture
def sh():
    """The demo system (build/wisp-demo.iso: init, the services, the
    shell) booted to the shell's `$ ` prompt, named after the test; QEMU
    is killed when the test ends."""
    with Shell() as w:
        w.boot()
        yield w


@pytest.hookimpl(tryfirst=True)
def pytest_runtest_setup(item):
    """Machines made from here on belong to this test."""
    wisp_harness.instances.clear()
    item.wisp_failed = False


def _log_section(machines):
    """A report section naming each machine's logs and quoting the serial
    log's last lines."""
    parts = []
    for w in machines:
        files = ", ".join(str(p) for p in w.log_files()) or "(none written)"
        parts.append(f"{w.name}: kept {files}\n"
                     f"--- last {wisp_harness.qemu.TAIL_LINES} lines ---\n{w.tail()}")
    return "\n\n".join(parts)


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    """On failure keep the logs and show their tail (a HarnessError already
    carries it in its message); after a passing test delete them."""
    outcome = yield
    rep = outcome.get_result()
    machines = list(wisp_harness.instances)
    if rep.failed:
        item.wisp_failed = True
        # the kept logs, by path, for the lab graders (harness/tools/grade.py)
        rep.user_properties.append(
            ("wisp_logs", [str(p) for w in machines for p in w.log_files()]))
        harness_error = call.excinfo is not None and call.excinfo.errisinstance(HarnessError)
        if machines and not harness_error:
            rep.sections.append(("wisp serial log", _log_section(machines)))
    if rep.when == "teardown":
        for w in machines:
            # a machine still running belongs to a wider-scoped fixture: its
            # log is still being written, so it stays
            if not w.running and not getattr(item, "wisp_failed", False):
                for path in w.log_files():
                    path.unlink()
        wisp_harness.instances.clear()
