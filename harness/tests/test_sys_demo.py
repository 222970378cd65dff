"""The demo ISO (make demo): the kernel, booted with init=init.wasm,
starts init as pid 1 with the console device and gives it the serial
line; init brings up the services and the shell.  Typed lines go to the
shell, not the monitor, until the shell's `monitor` hands the line to
the kernel monitor, whose `exit` gives it back."""

import re
import subprocess

from wisp_harness.qemu import PROMPT_RE, ROOT
from wisp_harness.shell import SHELL_PROMPT_RE, Shell


def test_make_demo_boots_the_demo_iso_under_tcg():
    r = subprocess.run(["make", "-n", "demo"], cwd=ROOT, capture_output=True, text=True)
    assert r.returncode == 0, r.stderr
    assert "-drive file=build/wisp-demo.iso" in r.stdout
    assert "-accel tcg" in r.stdout and "-serial mon:stdio" in r.stdout
    cfg = (ROOT / "kernel" / "boot" / "grub-demo.cfg").read_text()
    assert re.search(r"^\s*multiboot2 /boot/wisp.elf init=init.wasm$", cfg, re.M)


def test_init_is_pid_1_and_the_shell_has_the_line():
    with Shell() as sh:
        sh.boot()
        head = sh.log[:sh.log.index("$ ")]
        assert "init: init.wasm is pid 1; the serial line is its console" in head
        assert "monitor>" not in head and "Type 'help'" not in head
        out = sh.cmd("kerninfo")                # a monitor command: not the shell's
        assert "kernel sections" not in out


def test_the_shells_monitor_command_and_exit():
    with Shell() as sh:
        sh.boot()
        sh.sendline("monitor")
        sh.expect(r"\[pid \d+ console.wasm\] the kernel monitor has the serial line; "
                  r"its `exit` gives it back")
        sh.expect(PROMPT_RE)
        out = sh.monitor_cmd("ps")
        for name in ("init.wasm", "names.wasm", "console.wasm", "fs.wasm", "shell.wasm"):
            assert name in out, out
        assert re.search(r"^command line: .*init=init.wasm", sh.monitor_cmd("kerninfo"), re.M)
        sh.sendline("exit")
        sh.expect(r"the serial line goes back to the console service")
        sh.expect(SHELL_PROMPT_RE)
        assert "hello from wasm" in sh.cmd("run hello")
