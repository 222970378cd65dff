"""Booting the kernel other ways: under UEFI firmware (OVMF) from the same
ISO, and under gdb (the `make qemu-gdb` + `make gdb` path)."""

import re
import socket
import subprocess
from pathlib import Path

from wisp_harness import BANNER_RE, PROMPT_RE, Wisp, timeout_scale

ROOT = Path(__file__).resolve().parents[2]
ELF = ROOT / "build" / "kernel" / "wisp.elf"


def test_uefi_boot_banner_and_commands():
    with Wisp(uefi=True) as w:
        m = w.expect(BANNER_RE)
        assert 64 <= int(m.group(2)) <= 256
        w.expect(PROMPT_RE)
        assert w.cmd("echo from uefi") == "from uefi\n"
        out = w.cmd("mem")
        assert re.search(r"^available: \d+ MiB", out, re.M)
        names = re.findall(r"^  #\d+ 0x[0-9a-f]+ (\w+)\+", w.cmd("backtrace"), re.M)
        assert names[:2] == ["mon_backtrace", "monitor_exec"] and "kmain" in names
        w.sendline("halt")
        assert w.wait_exit().reason == "clean halt"


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_gdb_breakpoint_on_kmain():
    """What `make gdb` does (kernel/boot/gdbinit), then: break kmain,
    continue, backtrace."""
    port = free_port()
    with Wisp(extra_args=["-S", "-gdb", f"tcp:127.0.0.1:{port}"]) as w:
        gdb = subprocess.run(
            ["gdb", "-q", "-batch", "-nx", str(ELF),
             "-ex", f"target remote 127.0.0.1:{port}",
             "-x", str(ROOT / "kernel" / "boot" / "gdbinit"),
             "-ex", "break kmain", "-ex", "continue", "-ex", "bt"],
            capture_output=True, text=True, timeout=120 * timeout_scale())
        out = gdb.stdout + gdb.stderr
        assert "Breakpoint 2, kmain (magic=920085129" in out, out   # 0x36d76289
        assert re.search(r"#1 +0x[0-9a-f]+ in start64_high", out), out
        assert "warning" not in out.lower(), out
        # gdb detached: the kernel runs on to the prompt
        w.expect(BANNER_RE)
        w.expect(PROMPT_RE)
