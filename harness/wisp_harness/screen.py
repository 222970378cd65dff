"""The PC's screen and keyboard, through QEMU's machine protocol (QMP).

A Screen is a Shell (shell.py) whose QEMU also listens for QMP on a unix
socket of its own, so a test can do what a person at QEMU's window
would: read the screen and type.  The serial line stays the test's main
channel, as for every other test.

    with Screen() as sc:
        sc.boot()
        sc.type_text("echo hi\\n")           # PS/2 key presses (sendkey)
        sc.wait_screen(r"^hi$")              # the VGA text window, as text

screen() reads the VGA text window (physical 0xB8000, 80 x 25 cells of a
character byte and a colour byte) with QMP's pmemsave: what the VGA
driver wrote there is exactly what the display shows.  screendump()
saves the picture QEMU's display would show, as PNG or PPM.
"""

import json
import os
import re
import shutil
import socket
import tempfile
import time
from pathlib import Path

from .qemu import HarnessError, timeout_scale
from .shell import Shell

VGA_TEXT = 0xB8000
COLS, ROWS = 80, 25

# sendkey's names (QEMU qcodes) of the characters that are not a letter
# or a digit, and whether Shift is held for them (US layout).
_KEYS = {
    " ": "spc", "\n": "ret", "\t": "tab", "-": "minus", "=": "equal",
    "[": "bracket_left", "]": "bracket_right", ";": "semicolon",
    "'": "apostrophe", "`": "grave_accent", "\\": "backslash",
    ",": "comma", ".": "dot", "/": "slash",
}
_SHIFTED = {
    "!": "1", "@": "2", "#": "3", "$": "4", "%": "5", "^": "6", "&": "7",
    "*": "8", "(": "9", ")": "0", "_": "minus", "+": "equal",
    "{": "bracket_left", "}": "bracket_right", ":": "semicolon",
    '"': "apostrophe", "~": "grave_accent", "|": "backslash", "<": "comma",
    ">": "dot", "?": "slash",
}


def key_of(ch):
    """The sendkey argument that types ch ("a", "shift-a", "spc", ...)."""
    if ch.isascii() and (ch.islower() or ch.isdigit()):
        return ch
    if ch.isascii() and ch.isupper():
        return "shift-" + ch.lower()
    if ch in _KEYS:
        return _KEYS[ch]
    if ch in _SHIFTED:
        return "shift-" + _SHIFTED[ch]
    raise ValueError(f"no key types {ch!r}")


class Screen(Shell):
    """A Shell with QMP: screen(), cells(), type_text(), key(), screendump()."""

    def __init__(self, **kwargs):
        self._dir = tempfile.mkdtemp(prefix="wisp-qmp-", dir="/tmp")
        self._sock_path = os.path.join(self._dir, "qmp.sock")
        extra = list(kwargs.pop("extra_args", ()))
        extra += ["-qmp", f"unix:{self._sock_path},server=on,wait=off"]
        super().__init__(extra_args=extra, **kwargs)
        self._qmp = None

    def kill(self):
        if self._qmp is not None:
            try:
                self._qmp.close()
            except OSError:
                pass
            self._qmp = None
        super().kill()
        shutil.rmtree(self._dir, ignore_errors=True)

    # ---- QMP ---------------------------------------------------------------

    def _connect(self):
        deadline = time.monotonic() + 10 * timeout_scale()
        while self._qmp is None:
            try:
                s = socket.socket(socket.AF_UNIX)
                s.connect(self._sock_path)
            except OSError:
                s.close()
                if time.monotonic() > deadline:
                    raise HarnessError(f"{self.name}: QEMU's QMP socket never opened")
                time.sleep(0.1)
                continue
            s.settimeout(30 * timeout_scale())
            self._qmp = s.makefile("rw")
            self._answer()                      # the greeting
            self.qmp("qmp_capabilities")

    def _answer(self):
        while True:
            line = self._qmp.readline()
            if not line:
                raise HarnessError(f"{self.name}: QEMU closed its QMP socket")
            msg = json.loads(line)
            if "event" not in msg:
                return msg

    def qmp(self, command, **arguments):
        """Run a QMP command; return its "return" value (an error is a
        HarnessError naming it)."""
        if self._qmp is None:
            self._connect()
        req = {"execute": command}
        if arguments:
            req["arguments"] = arguments
        self._qmp.write(json.dumps(req) + "\n")
        self._qmp.flush()
        msg = self._answer()
        if "error" in msg:
            raise HarnessError(f"{self.name}: QMP {command}: {msg['error']}")
        return msg.get("return")

    # ---- the screen ---------------------------------------------------------

    def cells(self):
        """The VGA text window: ROWS lists of COLS (char, colour) pairs."""
        path = os.path.join(self._dir, "vga.bin")
        self.qmp("pmemsave", val=VGA_TEXT, size=COLS * ROWS * 2, filename=path)
        data = Path(path).read_bytes()
        return [[(data[(r * COLS + c) * 2], data[(r * COLS + c) * 2 + 1])
                 for c in range(COLS)] for r in range(ROWS)]

    def screen(self):
        """The screen's text: ROWS lines, trailing blanks removed."""
        return "\n".join("".join(chr(ch) if 0x20 <= ch < 0x7f else " "
                                 for ch, _ in row).rstrip()
                         for row in self.cells())

    def wait_screen(self, regex, timeout=10.0):
        """Wait until the screen's text matches regex (re.M); return the
        match.  A HarnessError shows the screen if it never does."""
        pattern = re.compile(regex, re.M)
        deadline = time.monotonic() + timeout * timeout_scale()
        while True:
            text = self.screen()
            m = pattern.search(text)
            if m:
                return m
            if time.monotonic() > deadline:
                raise HarnessError(f"{self.name}: {regex!r} never on the screen; "
                                   f"it shows:\n{text}")
            time.sleep(0.3)

    def screendump(self, path):
        """Save what QEMU's display shows to path (.png or .ppm)."""
        fmt = "png" if str(path).endswith(".png") else "ppm"
        self.qmp("screendump", filename=str(path), format=fmt)

    # ---- the keyboard -------------------------------------------------------

    def key(self, name, hold_ms=None):
        """Press and release one key (sendkey's name, e.g. "ctrl-c")."""
        line = f"sendkey {name}" + (f" {hold_ms}" if hold_ms else "")
        out = self.qmp("human-monitor-command", **{"command-line": line})
        if out:
            raise HarnessError(f"{self.name}: {line}: {out.strip()}")
        time.sleep(0.05)

    def type_text(self, text):
        """Type text on the PS/2 keyboard, one key press per character."""
        for ch in text:
            self.key(key_of(ch))

    def key_events(self, *events):
        """Send raw key events: (qcode, down) pairs, e.g. a key held down
        (pressed again and again, as a keyboard's repeat does) before its
        release."""
        self.qmp("input-send-event", events=[
            {"type": "key", "data": {"down": down,
                                     "key": {"type": "qcode", "data": code}}}
            for code, down in events])
        time.sleep(0.05)
