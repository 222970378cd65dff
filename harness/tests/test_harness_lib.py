"""The harness library against a fake QEMU (tests/fakeqemu.py): each way a
run can go wrong must be reported as what it is, and must be able to fail
a test."""

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from wisp_harness import BANNER_RE, PROMPT_RE, HarnessError, Wisp
from wisp_harness.qemu import after_echo

FAKE = str(Path(__file__).with_name("fakeqemu.py"))


def fake(scenario, **kw):
    """A Wisp whose "QEMU" plays `scenario`; any existing file is its ISO."""
    kw.setdefault("iso", FAKE)
    return Wisp(qemu=[sys.executable, "-u", FAKE, scenario], **kw)


def test_cmd_returns_output_without_echo():
    with fake("monitor") as w:
        m = w.expect(BANNER_RE)
        assert m.group(1) == "0.1.0" and m.group(2) == "255"
        w.expect(PROMPT_RE)
        assert w.cmd("hello there") == "you said: hello there\n"
        assert w.cmd("again") == "you said: again\n"
        w.sendline("halt")
        assert w.wait_exit() == (1, 0, "clean halt")
    assert "\r" not in w.log and w.log.endswith("WISP-EXIT: 0\n")


def test_cmd_output_leaves_out_what_came_before_the_echo():
    """Another process's line, or the newline ending one it had printed
    just before the command was sent, is not the command's output."""
    echo = "cat /tmp/victim\nfirst half\n"
    assert after_echo(echo, "cat /tmp/victim") == "first half\n"
    assert after_echo("\n" + echo, "cat /tmp/victim") == "first half\n"
    assert after_echo("[pid 12 a.wasm] exit 0\n" + echo, "cat /tmp/victim") == "first half\n"
    assert after_echo("no echo here\n", "cat /tmp/victim") == "no echo here\n"
    assert after_echo("\nout\n", "") == "out\n"


def test_panic_raises_with_the_whole_dump():
    with pytest.raises(HarnessError) as e:
        with fake("panic") as w:
            w.expect(PROMPT_RE)
    msg = str(e.value)
    assert "kernel panic: PANIC: kernel ran out of ideas" in msg
    assert "#0 0xffffffff80101234 monitor_run+0x2a" in msg   # read after the PANIC line
    assert w.exit.reason == "panic"


def test_panic_after_a_command_raises():
    with fake("monitor") as w:
        w.expect(PROMPT_RE)
        with pytest.raises(HarnessError, match="kernel panic: PANIC: monitor asked"):
            w.cmd("panic")


def test_fault_raises_naming_the_fault():
    with pytest.raises(HarnessError, match=r"CPU fault: FAULT: page fault \(vector 14\)"):
        with fake("fault") as w:
            w.expect(PROMPT_RE)


def test_allow_panic_lets_a_test_check_the_panic():
    with fake("fault", allow_panic=True) as w:
        m = w.expect(r"FAULT: (\w+ \w+) \(vector (\d+)\)")
        assert m.groups() == ("page fault", "14")
        w.expect(r"kmain\+0x10")
        assert w.wait_exit() == (3, 1, "panic")


def test_no_progress_timeout_fires_and_scales(monkeypatch):
    monkeypatch.setenv("WISP_TIMEOUT_SCALE", "0.5")
    with fake("stall", progress_timeout=2) as w:
        w.expect(BANNER_RE)
        with pytest.raises(HarnessError, match=r"timeout: no output for 1 s waiting for /monitor> /"):
            w.expect(PROMPT_RE)
    assert w.exit.reason == "killed"


def test_total_timeout_fires_despite_progress(monkeypatch):
    monkeypatch.setenv("WISP_TIMEOUT_SCALE", "2")
    with fake("trickle", progress_timeout=5) as w:
        with pytest.raises(HarnessError, match=r"timeout: 2 s in all waiting for /monitor> /"):
            w.expect(PROMPT_RE, timeout=1)


@pytest.mark.parametrize("value", ["fast", "0", "-1"])
def test_bad_timeout_scale_is_an_error(monkeypatch, value):
    monkeypatch.setenv("WISP_TIMEOUT_SCALE", value)
    with fake("monitor") as w:
        with pytest.raises(HarnessError, match="WISP_TIMEOUT_SCALE"):
            w.expect(PROMPT_RE)


def test_triple_fault_is_reported():
    with fake("triple") as w:
        with pytest.raises(HarnessError, match=r"QEMU ended: triple fault \(no WISP-EXIT marker\)"):
            w.expect(PROMPT_RE)


def test_triple_fault_allowed_is_an_exit_reason():
    with fake("triple", allow_panic=True) as w:
        assert w.wait_exit() == (0, None, "triple fault")


def test_reset_is_reported():
    with fake("reset") as w:
        with pytest.raises(HarnessError, match=r"QEMU ended: reset, before /monitor> / appeared"):
            w.expect(PROMPT_RE)
    with fake("reset") as w:
        assert w.wait_exit().reason == "reset"


def test_marker_without_debug_exit_breaks_the_protocol():
    with fake("badmarker") as w:
        with pytest.raises(HarnessError, match=r"WISP-EXIT: 0 but QEMU exit status 0"):
            w.wait_exit()


def test_qemu_failing_shows_its_stderr():
    with fake("broken") as w:
        with pytest.raises(HarnessError, match=r"QEMU failed with status 1: .*-cdrom: no such file"):
            w.expect(BANNER_RE)


def test_bytes_are_decoded_across_reads_and_bad_bytes_replaced():
    with fake("utf8") as w:
        w.expect(PROMPT_RE)
        assert "café \ufffd\ufffd ok\n" in w.log


def test_missing_iso_is_a_clear_error(tmp_path):
    with pytest.raises(HarnessError, match="does not exist: run make"):
        with fake("monitor", iso=str(tmp_path / "nope.iso")):
            pass


def test_killed_on_exit_even_after_an_error():
    with pytest.raises(ZeroDivisionError):
        with fake("stall") as w:
            w.expect(BANNER_RE)
            1 / 0
    assert w._proc.poll() is not None and w.exit.reason == "killed"


def test_log_is_streamed_to_a_file_named_after_the_test():
    with fake("monitor") as w:
        w.expect(PROMPT_RE)
        w.cmd("written")
        assert w.name == "test_harness_lib.test_log_is_streamed_to_a_file_named_after_the_test"
        assert "you said: written" in w.log_path.read_text()
    w2 = fake("monitor")
    assert w2.name.endswith("-2")      # a second machine in one test


def test_qemu_command_line():
    args = Wisp().command()
    assert args[0] == "qemu-system-x86_64"
    for flag in (["-accel", "tcg"], ["-no-reboot"], ["-display", "none"], ["-m", "256M"],
                 ["-device", "isa-debug-exit,iobase=0xf4,iosize=0x04"],
                 ["-d", "cpu_reset,guest_errors"], ["-serial", "stdio"]):
        i = args.index(flag[0])
        assert args[i:i + len(flag)] == flag
    assert "kvm" not in " ".join(args) and "-bios" not in args
    uefi = Wisp(uefi=True, memory="64M", extra_args=["-smp", "2"]).command()
    assert uefi[uefi.index("-bios") + 1] == "/usr/share/ovmf/OVMF.fd"
    assert uefi[-2:] == ["-smp", "2"] and "64M" in uefi
    assert "-D" in args and args[args.index("-D") + 1].endswith(".qemu.log")


def test_using_a_machine_outside_with_is_an_error():
    w = fake("monitor")
    with pytest.raises(HarnessError, match="not running"):
        w.expect(PROMPT_RE)
    with w:
        w.expect(PROMPT_RE)
    with pytest.raises(HarnessError, match="not running"):
        w.sendline("halt")


def test_qemu_dies_with_the_test_process(tmp_path):
    # a child Python boots a stalling machine and is then killed outright
    script = tmp_path / "victim.py"
    script.write_text(f"""
import os, sys, time
sys.path.insert(0, {str(Path(__file__).resolve().parents[1])!r})
from wisp_harness import Wisp
w = Wisp(iso={FAKE!r}, qemu=[sys.executable, "-u", {FAKE!r}, "stall"]).start()
w.expect("MiB RAM")
print(w._proc.pid, flush=True)
time.sleep(60)
""")
    victim = subprocess.Popen([sys.executable, str(script)], stdout=subprocess.PIPE, text=True,
                              env=dict(os.environ, WISP_LOG_DIR=str(tmp_path)))
    qemu_pid = int(victim.stdout.readline())
    victim.kill()
    victim.wait()
    victim.stdout.close()
    for _ in range(100):                 # the kernel delivers SIGKILL at once
        try:
            with open(f"/proc/{qemu_pid}/stat") as f:
                if f.read().rsplit(")", 1)[1].split()[0] == "Z":
                    return               # dead, not yet reaped
        except FileNotFoundError:
            return
        time.sleep(0.05)
    os.kill(qemu_pid, signal.SIGKILL)
    pytest.fail(f"QEMU {qemu_pid} outlived the test process")
