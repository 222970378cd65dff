"""The kernel under QEMU (BIOS): the boot banner, every monitor command,
bad input at the prompt, and the fatal paths (panic, CPU faults, halt,
reboot, triple fault), as a user on the serial console sees them.

Backtraces are checked against the built kernel with nm: each line's
name+offset must be exactly the address printed beside it."""

import re
import subprocess
from contextlib import contextmanager
from functools import lru_cache
from pathlib import Path

import pytest

from wisp_harness import BANNER_RE, PROMPT_RE, Wisp

ROOT = Path(__file__).resolve().parents[2]
ELF = ROOT / "build" / "kernel" / "wisp.elf"
COMMANDS = ["help", "kerninfo", "backtrace", "mem", "echo", "panic", "fault",
            "halt", "reboot"]
LINE_MAX = 127          # MON_LINE_MAX in kernel/param.h

# "  #3 0xffffffff80101234 monitor_run+0x2a"
BT_LINE = re.compile(r"^  #(\d+) 0x([0-9a-f]{16}) (\S+)\+0x([0-9a-f]+)$", re.M)


@lru_cache(maxsize=None)
def kernel_symbols():
    """{name: address} of the built kernel, from nm."""
    out = subprocess.run(["nm", "--defined-only", str(ELF)], capture_output=True,
                         text=True, check=True).stdout
    return {f[2]: int(f[0], 16) for f in map(str.split, out.splitlines()) if len(f) == 3}


def backtrace_names(text):
    """The function names of the backtrace in text, innermost first, after
    checking each line against nm (name+offset == the printed address) and
    that the frames are numbered 0, 1, 2, ..."""
    syms = kernel_symbols()
    frames = BT_LINE.findall(text)
    assert frames, f"no backtrace lines in:\n{text}"
    for depth, (d, addr, name, off) in enumerate(frames):
        assert int(d) == depth, text
        assert name in syms, f"backtrace names {name!r}, not a kernel symbol"
        assert syms[name] + int(off, 16) == int(addr, 16), \
            f"{name}+0x{off} is not 0x{addr}"
    return [f[2] for f in frames]


# ---- boot and commands ---------------------------------------------------

def test_banner_version_and_memory():
    with Wisp() as w:
        m = w.expect(BANNER_RE)
        assert m.group(1) == "0.1.0"
        assert 200 <= int(m.group(2)) <= 256      # QEMU runs with -m 256M
        w.expect(PROMPT_RE)


def test_help_lists_every_command(monitor):
    out = monitor.cmd("help")
    listed = re.findall(r"^  (\S+) ", out, re.M)
    assert set(COMMANDS) <= set(listed), f"missing: {set(COMMANDS) - set(listed)}"
    assert len(listed) == len(set(listed)), "a command is listed twice"
    for line in out.strip().split("\n"):
        assert len(line.split()) >= 2, f"no description: {line!r}"


def test_kerninfo_sections_match_the_elf(monitor):
    out = monitor.cmd("kerninfo")
    syms = kernel_symbols()
    for sec in ["text", "rodata", "data", "bss"]:
        m = re.search(rf"^  {sec} +0x([0-9a-f]+)-0x([0-9a-f]+) +phys 0x([0-9a-f]+) +(\d+) bytes$",
                      out, re.M)
        assert m, f"no {sec} line in:\n{out}"
        start, end, phys = (int(m.group(i), 16) for i in (1, 2, 3))
        size = int(m.group(4))
        assert start == syms[f"_{sec}_start"] and end == syms[f"_{sec}_end"]
        assert size == end - start and phys == start - 0xffffffff80000000
    assert syms["_text_end"] > syms["_text_start"] >= 0xffffffff80100000
    m = re.search(r"kernel footprint: (\d+) KiB", out)
    assert m and 16 <= int(m.group(1)) <= 4096
    assert re.search(r"^command line: \(none\)$", out, re.M)   # grub.cfg passes none
    assert re.search(r"^boot loader: GRUB ", out, re.M)


# Where every chain of calls starts: kmain, called from the boot code.
CHAIN_END = ["kmain", "start64_high"]


def assert_chain(names, innermost):
    """The backtrace's names are exactly `innermost` and then the calls
    from the monitor down to the boot code, in order."""
    want = innermost + ["monitor_exec", "monitor_run"] + CHAIN_END
    assert names == want, f"backtrace names {names}, want {want}"


def test_backtrace_names_the_monitor_and_kmain(monitor):
    assert_chain(backtrace_names(monitor.cmd("backtrace")), ["mon_backtrace"])


def test_mem_shows_the_memory_map(monitor):
    out = monitor.cmd("mem")
    regions = re.findall(r"^  0x([0-9a-f]{16})-0x([0-9a-f]{16}) +(\d+) KiB  (.+)$", out, re.M)
    assert len(regions) >= 3
    avail = [r for r in regions if r[3] == "available"]
    assert any(int(r[0], 16) == 0x100000 for r in avail), "no RAM at 1 MiB"
    assert {r[3] for r in regions} <= {"available", "reserved", "ACPI reclaimable",
                                       "ACPI NVS", "bad RAM", "unknown"}
    total_kib = sum(int(r[2]) for r in avail)
    m = re.search(r"^available: (\d+) MiB \((\d+) KiB\)", out, re.M)
    assert m and abs(int(m.group(2)) - total_kib) <= len(avail)
    assert 200 <= int(m.group(1)) <= 256


def test_echo(monitor):
    assert monitor.cmd("echo hello   wide  world") == "hello wide world\n"
    assert monitor.cmd("echo") == "\n"


def test_unknown_command_then_prompt_returns(monitor):
    assert monitor.cmd("frobnicate now") == "unknown command 'frobnicate' (try help)\n"
    assert monitor.cmd("echo still here") == "still here\n"


def test_empty_line_just_prompts_again(monitor):
    assert monitor.cmd("") == ""
    assert monitor.cmd("   ") == ""


def test_words_are_split_at_runs_of_spaces(monitor):
    """The monitor's line splitting: runs of spaces separate words, spaces
    around the line are ignored, 16 words fit and 17 do not."""
    assert monitor.cmd("echo hello   wide  world") == "hello wide world\n"
    assert monitor.cmd("   echo  lead and trail   ") == "lead and trail\n"
    assert monitor.cmd("  help  ").startswith("  help ")
    fifteen = " ".join("abcdefghijklmno")
    assert monitor.cmd(f" echo  {fifteen}   ") == fifteen + "\n"
    assert "too many words (max 16)" in monitor.cmd(f"echo {fifteen} p")
    assert monitor.cmd("   ") == ""


def test_too_many_words(monitor):
    out = monitor.cmd("echo " + " ".join("w" * 17))
    assert "too many words (max 16)" in out
    assert monitor.cmd("echo " + " ".join("w" * 15)) == " ".join("w" * 15) + "\n"


# ---- line editing and bad input -----------------------------------------

def test_long_line_is_refused_not_overflowed(monitor):
    out = monitor.cmd("echo " + "x" * 300)
    assert f"line too long (max {LINE_MAX})" in out
    assert "xxxxxxxx\n" not in out.split("\n", 1)[-1]   # the command did not run
    assert monitor.cmd("echo ok") == "ok\n"


def test_longest_line_is_accepted(monitor):
    word = "y" * (LINE_MAX - len("echo "))
    assert monitor.cmd("echo " + word) == word + "\n"


def test_backspace_and_delete_edit_the_line(monitor):
    monitor.send("echo hx\bello wor\x7fld\r")
    monitor.expect(r"\nhello wold\n")
    monitor.expect(PROMPT_RE)
    monitor.send("\b\b\x7fecho again\r")            # nothing to erase: ignored
    monitor.expect(r"\nagain\n")
    monitor.expect(PROMPT_RE)


def test_non_ascii_bytes_are_rejected_with_a_message(monitor):
    monitor.send("echo caf\xc3\xa9\r".encode("latin-1"))
    m = monitor.expect(r"line ignored: (\d+) non-ASCII or control byte\(s\), first 0x(\w\w)")
    assert m.group(1) == "2" and m.group(2) == "c3"
    monitor.expect(PROMPT_RE)
    monitor.send(b"echo \x01\xff\x1b[A\r")
    m = monitor.expect(r"line ignored: (\d+) non-ASCII or control byte\(s\), first 0x(\w\w)")
    assert m.group(1) == "3" and m.group(2) == "01"
    monitor.expect(PROMPT_RE)
    assert monitor.cmd("echo fine") == "fine\n"


def test_ctrl_c_abandons_the_line(monitor):
    monitor.send("echo never\x03")
    monitor.expect(r"\^C\n")
    monitor.expect(PROMPT_RE)
    assert "never\n" not in monitor.log.split("^C")[-1]
    assert monitor.cmd("echo after") == "after\n"


def test_fault_without_kind_prints_usage(monitor):
    out = monitor.cmd("fault")
    assert "usage: fault <kind>" in out
    for kind in ["pf", "gp", "ud", "de", "bp", "df", "triple"]:
        assert re.search(rf"^  {kind} ", out, re.M), out
    out = monitor.cmd("fault nosuch")
    assert "unknown fault kind 'nosuch'" in out and "usage:" in out


# ---- the ways a run ends ---------------------------------------------------

@contextmanager
def boot_and_send(line):
    """A machine that may panic, at the prompt, after sending line."""
    with Wisp(allow_panic=True) as w:
        w.expect(BANNER_RE)
        w.expect(PROMPT_RE)
        w.sendline(line)
        yield w


def test_panic_reports_message_registers_backtrace_and_exits():
    with boot_and_send("panic the sky is falling") as w:
        w.expect(r"PANIC: the sky is falling\n")
        w.expect(r"registers:\n  rsp=0x[0-9a-f]{16} rbp=0x[0-9a-f]{16}")
        m = w.expect(r"backtrace:\n((?:  #.*\n)+)WISP-EXIT")
        assert_chain(backtrace_names(m.group(1)), ["panic", "mon_panic"])
        e = w.wait_exit()
        assert (e.status, e.marker, e.reason) == (3, 1, "panic")


FAULTS = [
    # kind, name, vector, function that faults
    ("pf", "page fault", 14, "fault_pf"),
    ("gp", "general protection fault", 13, "fault_gp"),
    ("ud", "invalid opcode", 6, "fault_ud"),
    ("de", "divide error", 0, "fault_de"),
    ("df", "double fault", 8, "fault_df"),
]


@pytest.mark.parametrize("kind,name,vector,func", FAULTS, ids=[f[0] for f in FAULTS])
def test_fault_is_reported_with_symbolised_rip(kind, name, vector, func):
    with boot_and_send(f"fault {kind}") as w:
        m = w.expect(rf"FAULT: {name} \(vector {vector}\) error=0x([0-9a-f]+) "
                     r"rip=0x([0-9a-f]{16}) (\S+)\+0x([0-9a-f]+)(.*)\n")
        rip, sym, off = int(m.group(2), 16), m.group(3), int(m.group(4), 16)
        assert sym == func
        assert kernel_symbols()[sym] + off == rip
        rest = m.group(5)
        if kind == "pf":
            assert rest == " cr2=0x00000dead0000000"
            w.expect(r"cause: read from a not-present page")
        else:
            assert "cr2" not in rest
        if kind == "df":
            w.expect(r"handled on the IST1 stack")
        m = w.expect(r"backtrace:\n((?:  #.*\n)+)WISP-EXIT")
        assert_chain(backtrace_names(m.group(1)), [func, "fault_cmd"])
        e = w.wait_exit()
        assert (e.status, e.marker, e.reason) == (3, 1, "panic")


def test_breakpoint_returns_with_registers_intact(monitor):
    """int3 is the one exception the kernel survives: the handler returns
    through trap_common, which must restore every register."""
    out = monitor.cmd("fault bp")
    m = re.search(r"^breakpoint at rip=0x([0-9a-f]{16}) fault_bp\+0x([0-9a-f]+), continuing$",
                  out, re.M)
    assert m, out
    assert kernel_symbols()["fault_bp"] + int(m.group(2), 16) == int(m.group(1), 16)
    assert "back from the breakpoint: registers intact" in out
    assert monitor.cmd("echo still alive") == "still alive\n"


def test_double_fault_runs_on_its_own_stack():
    """The faulting code's %rsp is the unmapped address; the handler's is
    inside the kernel's IST stack."""
    with boot_and_send("fault df") as w:
        m = w.expect(r"IST1 stack, rsp=0x([0-9a-f]{16})")
        assert int(m.group(1), 16) >= 0xffffffff80100000
        m = w.expect(r"rbp=0x[0-9a-f]{16} rsp=0x([0-9a-f]{16})")
        assert int(m.group(1), 16) == 0xdead0000000
        w.wait_exit()


def test_halt_ends_cleanly():
    with Wisp() as w:
        w.expect(PROMPT_RE)
        w.sendline("halt")
        e = w.wait_exit()
        assert (e.status, e.marker, e.reason) == (1, 0, "clean halt")


def test_reboot_resets_and_qemu_exits():
    with Wisp() as w:
        w.expect(PROMPT_RE)
        w.sendline("reboot")
        w.expect(r"rebooting\n")
        e = w.wait_exit()
        assert e.marker is None and e.reason == "reset" and e.status == 0


def test_triple_fault_is_detected():
    with boot_and_send("fault triple") as w:
        e = w.wait_exit()
        assert e.marker is None and e.reason == "triple fault"
        assert "FAULT:" not in w.log
