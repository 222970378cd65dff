"""The harness against real QEMU (TCG), BIOS and UEFI, booting a stand-in
kernel written in GRUB script (tests/grubmon/grub.cfg, built by make into
build/harness/grubmon.iso) that speaks the kernel's serial protocol.  These
prove the QEMU command line, the serial pipes and isa-debug-exit work
before, and independently of, the kernel."""

import pytest

from wisp_harness import PROMPT_RE, HarnessError, Wisp

ISO = "build/harness/grubmon.iso"
FIRMWARE = [pytest.param(False, id="bios"), pytest.param(True, id="uefi")]


@pytest.mark.parametrize("uefi", FIRMWARE)
def test_boot_command_and_clean_halt(uefi):
    with Wisp(iso=ISO, uefi=uefi) as w:
        assert w.boot().group(1, 2) == ("0.1.0", "255")
        assert w.cmd("hello serial") == "grubmon: hello serial\n"
        w.sendline("halt")
        assert w.wait_exit() == (1, 0, "clean halt")


def test_panic_is_caught():
    with Wisp(iso=ISO) as w:
        w.expect(PROMPT_RE)
        with pytest.raises(HarnessError, match="kernel panic: PANIC: grubmon was asked"):
            w.cmd("panic")
    assert w.exit == (3, 1, "panic")
    assert "grubmon_panic+0x2a" in w.log


def test_reset_is_an_exit_reason():
    with Wisp(iso=ISO) as w:
        w.expect(PROMPT_RE)
        w.sendline("reset")
        assert w.wait_exit() == (0, None, "reset")
    assert "CPU Reset" in w.qemu_log_path.read_text()


def test_triple_fault_is_caught():
    with Wisp(iso=ISO) as w:
        w.expect(PROMPT_RE)
        w.sendline("triple")
        with pytest.raises(HarnessError, match=r"QEMU ended: triple fault \(no WISP-EXIT marker\)"):
            w.expect(PROMPT_RE)
    with Wisp(iso=ISO, allow_panic=True) as w:
        w.expect(PROMPT_RE)
        w.sendline("triple")
        assert w.wait_exit() == (0, None, "triple fault")


@pytest.fixture
def grubmon(monkeypatch):
    """Make the stand-in the default ISO (for fixtures that boot the default)."""
    monkeypatch.setenv("WISP_ISO", ISO)


def test_monitor_fixture_is_at_the_prompt(grubmon, monitor):
    assert monitor.iso.name == "grubmon.iso"
    assert monitor.log.endswith("monitor> ")
    assert monitor.cmd("x") == "grubmon: x\n"
