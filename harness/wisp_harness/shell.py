"""The demo system: build/wisp-demo.iso boots init.wasm, which starts the
services and the shell (services/shell.c); tests talk to the shell's `$ `
prompt instead of the kernel monitor's.

    with Shell() as sh:
        sh.boot()                 # the banner, then the first `$ `
        out = sh.cmd("ls")        # what ls printed

A Shell is a Wisp (qemu.py) whose default image is the demo ISO and
whose prompt is the shell's; everything else (logs, timeouts, failure
lines) is the same.
"""

import re

from .qemu import BANNER_RE, PROMPT_RE, Wisp

DEMO_ISO = "build/wisp-demo.iso"
# The shell prints "$ " at the start of a line and waits for input.
SHELL_PROMPT_RE = re.compile(r"^\$ ", re.M)
# What ends a boot of the demo: the shell's first prompt, or the
# kernel's line that init ended (the monitor has the line then).
BOOT_END_RE = re.compile(r"^\$ |init ended: the kernel monitor has the serial line$",
                         re.M)
# The kernel's line when a process ends (as for programs run at the monitor).
END_RE = r"^\[pid (\d+) {name}\] (exit -?\d+|killed|trap: .*)$"


class Shell(Wisp):
    """A Wisp booting the demo ISO, whose cmd() waits for the shell's
    prompt.  monitor_cmd() talks to the kernel monitor after the shell's
    `monitor` command has handed it the serial line."""

    def __init__(self, iso=DEMO_ISO, **kwargs):
        super().__init__(iso=iso, **kwargs)

    def boot(self, timeout=None):
        """Wait for the boot banner, then the shell's first prompt; return
        the banner's match.  If init ends first (the kernel says so and
        its monitor takes the line), no prompt will ever come: that is a
        HarnessError at once, naming init's end."""
        banner = self.expect(BANNER_RE, timeout)
        m = self.expect(BOOT_END_RE, timeout)
        if m.group(0) != "$ ":
            end = re.search(r"^\[pid 1 init\.wasm\] .*$", self.log, re.M)
            self._fail("init ended before the shell's first prompt"
                       + (f": {end.group(0)}" if end else ""))
        return banner

    def cmd(self, line, prompt=SHELL_PROMPT_RE, timeout=None):
        """Send a line to the shell; return what it printed before the
        next prompt."""
        return super().cmd(line, prompt=prompt, timeout=timeout)

    def monitor_cmd(self, line, timeout=None):
        """Send a line to the kernel monitor (after `monitor`)."""
        return super().cmd(line, prompt=PROMPT_RE, timeout=timeout)

    def wait_end(self, name, timeout=None):
        """Wait for the kernel's end line of program `name` (e.g.
        "hello.wasm") after the last match; return (pid, how)."""
        m = self.expect(end_re(name), timeout)
        return int(m.group(1)), m.group(2)


def end_re(name):
    """The kernel's end line of program `name`: group 1 the pid, group 2
    how it ended ("exit N", "killed" or "trap: ...")."""
    return re.compile(END_RE.format(name=re.escape(name)), re.M)


def ends(text, name):
    """Every (pid, how) end line of program `name` in text."""
    return [(int(p), how) for p, how in end_re(name).findall(text)]
