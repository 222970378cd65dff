"""The VGA text console and the PS/2 keyboard: drivers as services
(services/vga.c, services/kbd.c, the console's CONS_SCREEN and CONS_KEYS).

The demo system runs both drivers (services/manifest).  These tests do
what a person at QEMU's window would: they read the screen (the VGA text
window, from the machine's memory) and type on the PS/2 keyboard
(QEMU's sendkey), while the serial line keeps working as always."""

import re
import time

import pytest

from wisp_harness.screen import COLS, Screen
from wisp_harness.shell import SHELL_PROMPT_RE


@pytest.fixture
def sc():
    with Screen() as s:
        s.boot()
        s.wait_screen(r"^\$$")
        yield s


def typed(sc, text):
    """Type text on the keyboard; wait for the shell's next prompt on the
    serial line; return what the serial line showed meanwhile."""
    start = len(sc.log)
    sc.type_text(text)
    sc.expect(SHELL_PROMPT_RE)
    return sc.log[start:]


def test_the_shell_is_on_the_screen_with_a_title_bar(sc):
    rows = sc.cells()
    title = "".join(chr(c) for c, _ in rows[0])
    assert title.startswith(" Wisp  -  VGA text console (vga.wasm, pid ")
    assert all(a == 0x1F for _, a in rows[0])            # white on blue
    assert re.search(r"^Wisp shell: help lists the commands$", sc.screen(), re.M)
    sc.cmd("echo typed on the serial line")
    sc.wait_screen(r"^\$ echo typed on the serial line\ntyped on the serial line\n\$$")


def test_a_command_typed_on_the_keyboard_runs_and_answers_on_both(sc):
    out = typed(sc, "echo Hello, keyboard!\n")
    assert "Hello, keyboard!" in out                      # the serial line
    sc.wait_screen(r"^\$ echo Hello, keyboard!\nHello, keyboard!\n\$$")
    punct = "1+2=3 (a-b_c) [x]{y} 50% #7 @home: ~/t.c; \\o/ `q` ^ *,"
    out = typed(sc, f"echo {punct}\n")
    assert re.search(rf"^{re.escape(punct)}$", out, re.M), out


def test_shift_caps_lock_and_ctrl(sc):
    sc.type_text("echo ")
    sc.key("caps_lock")
    sc.type_text("ab")
    sc.key("shift-c")                                    # Shift undoes Caps Lock
    sc.key("caps_lock")
    out = typed(sc, "d\n")
    assert re.search(r"^ABcd$", out, re.M)
    sc.type_text("echo wrong")
    sc.key("ctrl-u")                                     # erases the line
    out = typed(sc, "echo right\n")
    assert re.search(r"^right$", out, re.M) and "wrong" not in out.replace("echo wrong", "")
    sc.wait_screen(r"^right$")
    sc.type_text("loop\n")
    sc.expect(r"loop")
    sc.key("ctrl-c")                                     # interrupts the program
    sc.expect(r"\[pid \d+ loop.wasm\] killed")
    sc.expect(SHELL_PROMPT_RE)
    sc.wait_screen(r"\^C")


def ppm_pixels(path):
    """(width, height, rgb bytes) of a binary PPM (P6, maxval 255)."""
    data = path.read_bytes()
    magic, w, h, maxval, rest = data.split(maxsplit=4)
    assert magic == b"P6" and maxval == b"255"
    return int(w), int(h), rest


def test_the_cursor_is_after_the_prompt(sc, tmp_path):
    """The hardware cursor (the CRT controller's registers, which only
    the VGA driver's capability reaches) is drawn on scan lines 14-15 of
    the cell after the prompt; it blinks, so a few pictures are taken."""
    row = sc.screen().splitlines().index("$")
    def lit(pix, width, r, c):
        return sum(1 for y in (r * 16 + 14, r * 16 + 15) for x in range(c * 9, c * 9 + 8)
                   if pix[(y * width + x) * 3] > 0x40)
    seen = []
    for i in range(8):
        path = tmp_path / f"s{i}.ppm"
        sc.screendump(path)
        width, _, pix = ppm_pixels(path)
        seen.append((lit(pix, width, row, 2), lit(pix, width, row, 3),
                     lit(pix, width, row + 1, 0)))
        time.sleep(0.15)
    assert any(here == 16 for here, _, _ in seen), seen     # on at times
    assert all(after == 0 and below == 0 for _, after, below in seen), seen


def test_a_held_key_repeats(sc):
    sc.type_text("echo ")
    # a held key: its make code again and again, then one break code
    sc.key_events(("x", True), ("x", True), ("x", True), ("x", True), ("x", False))
    out = typed(sc, "\n")
    assert re.search(r"^xxxx$", out, re.M)


def test_colours_scrolling_and_the_screen_picture(sc, tmp_path):
    sc.cmd("devtest colors")
    row = next(r for r in sc.cells() if bytes(c for c, _ in r).startswith(b"colours:"))
    text = bytes(c for c, _ in row).decode()
    def colour_of(word):
        return row[text.index(word)][1]
    assert colour_of("red") == 0x04 and colour_of("green") == 0x02
    assert colour_of("blue") == 0x01 and colour_of("yellow") == 0x06
    assert colour_of("bright-on-red") == 0x4F and colour_of("end") == 0x07
    sc.cmd("devtest lines 40")
    lines = sc.screen().splitlines()
    assert lines[0].startswith(" Wisp ")                 # the title stays
    assert lines[1:24] == [f"line {i}" for i in range(18, 41)]
    assert lines[24] == "$"
    png = tmp_path / "screen.png"
    sc.screendump(png)
    data = png.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    width, height = int.from_bytes(data[16:20], "big"), int.from_bytes(data[20:24], "big")
    assert (width, height) == (COLS * 9, 25 * 16)         # 9x16 character cells


def test_a_program_the_shell_starts_reaches_no_device(sc):
    out = sc.cmd("devtest")
    assert "devtest: slot 1 is no I/O capability (EBADF)" in out
    # its slots 1 and 2 are the file service and the name server
    assert "devtest: port_in 0x60: EBADF" in out
    assert "devtest: mem_write to the screen: EBADF" in out
    assert "devtest: irq_ack: EBADF" in out


def test_killed_drivers_come_back_and_the_serial_shell_keeps_working(sc):
    def pid_of(name):
        return re.search(rf"init: started {name} \(pid (\d+)\)", sc.log).group(1)
    vga, kbd = pid_of("vga"), pid_of("kbd")
    sc.cmd("echo before the restart")
    sc.cmd("restart vga")
    sc.seen_or_expect(rf"init: vga \(pid {vga}\) ended, restarting")
    m = sc.seen_or_expect(rf"init: started vga \(pid (?!{vga}\))(\d+)\)")
    # the new driver draws its title and gets the last screenful back
    sc.wait_screen(rf"^ Wisp  -  VGA text console \(vga\.wasm, pid {m.group(1)}\)")
    sc.wait_screen(r"^before the restart$")
    sc.cmd("restart kbd")
    sc.seen_or_expect(rf"init: kbd \(pid {kbd}\) ended, restarting")
    sc.seen_or_expect(rf"init: started kbd \(pid (?!{kbd}\))\d+\)")
    assert "still here" in sc.cmd("echo still here")      # the serial line
    out = typed(sc, "echo keys again\n")                   # the new driver
    assert re.search(r"^keys again$", out, re.M)
    sc.wait_screen(r"^keys again$")
    # a new console starts counting its output from 0: the screen driver
    # sees the count go back, clears and shows the new console's
    sc.cmd("restart console")
    sc.seen_or_expect(r"init: console \(pid \d+\) ended, restarting")
    sc.cmd("echo after the console")
    sc.wait_screen(r"^after the console$")
    assert "keys again" not in sc.screen()


def test_under_uefi_the_console_says_it_has_no_screen():
    with Screen(uefi=True) as s:
        s.boot()
        s.seen_or_expect(r"^console: no VGA text screen \(booted by UEFI firmware, "
                         r"which has no text mode\): the console is on the serial line only$")
        assert "hello" in s.cmd("echo hello")
        s.cmd("ps")
        assert not re.search(r"init: vga \(pid \d+\) ended", s.log)   # no restart loop
