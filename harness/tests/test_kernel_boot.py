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


def test_command_line_and_modules_are_recorded(tmp_path):
    """An ISO whose GRUB passes a kernel command line and two modules (the
    next lab's initrd arrives this way): kerninfo shows the command line,
    mem lists each module with its size and string."""
    root = tmp_path / "iso"
    (root / "boot" / "grub").mkdir(parents=True)
    subprocess.run(["objcopy", "--strip-debug", str(ELF), str(root / "boot" / "wisp.elf")],
                   check=True)
    (root / "boot" / "one.txt").write_bytes(b"x" * 1000)
    (root / "boot" / "two.bin").write_bytes(bytes(range(256)) * 20)
    (root / "boot" / "grub" / "grub.cfg").write_text(
        "set timeout=0\n"
        'menuentry "Wisp" {\n'
        "  multiboot2 /boot/wisp.elf answer=42 mode=test\n"
        "  module2 /boot/one.txt first module\n"
        "  module2 /boot/two.bin second\n"
        "  boot\n}\n")
    iso = tmp_path / "mods.iso"
    subprocess.run(["grub-mkrescue", "-o", str(iso), str(root)], check=True,
                   capture_output=True)
    with Wisp(iso=str(iso)) as w:
        w.expect(BANNER_RE)
        w.expect(PROMPT_RE)
        assert re.search(r"^command line: answer=42 mode=test$",
                         w.cmd("kerninfo"), re.M)
        mods = re.findall(r"^module (\d+): 0x([0-9a-f]+)-0x([0-9a-f]+) (.*)$",
                          w.cmd("mem"), re.M)
        assert [(m[0], m[3]) for m in mods] == [("0", "first module"), ("1", "second")]
        sizes = [int(m[2], 16) - int(m[1], 16) for m in mods]
        assert sizes == [1000, 5120]
