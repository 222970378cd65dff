"""The system services (spec/services.md): init and its manifest, the name
server, the console's line multiplexing and line editing, restarts.

Most tests boot the current kernel with init=init.wasm and a manifest of
their own (iso_with_files replaces the initrd's `manifest`); the rest
boot the demo ISO and drive the shell (services/shell/).  Every wait is
for a line the system prints, never for time."""

import re

import pytest

from wisp_harness import Wisp
from wisp_harness.iso import iso_with_files
from wisp_harness.qemu import BANNER_RE

SHELL_PROMPT = re.compile(r"^\$ ", re.M)
PS_ROW_RE = re.compile(r"^ +(\d+) (\S+) +\S+ +\d+ +\d+ +\d+$", re.M)

# The services every test manifest starts first (as services/manifest).
BASE = """\
names    names.wasm    restart           slots=-,-,notify,serve
console  console.wasm  restart register  slots=device,init,names,serve
fs       fs.wasm       restart register  slots=console,-,names,serve
"""


def boot_manifest(text):
    """A Wisp booting init.wasm with `text` as its manifest (not started:
    use it in a with statement)."""
    iso = iso_with_files({"manifest": text}, cmdline="init=init.wasm")
    return Wisp(iso=iso)


def started(w, name):
    """Wait for init's line that it started `name`; return the pid."""
    return int(w.expect(rf"init: started {re.escape(name)} \(pid (\d+)\)").group(1))


def whole_line(text):
    """A pattern matching text (a regex) as a whole line of the log."""
    return re.compile(f"^{text}$", re.M)


def log_lines(w):
    """The serial log's lines, without carriage returns."""
    return w.log.replace("\r", "").split("\n")


@pytest.fixture
def demo():
    """The demo system at the shell's first prompt."""
    with Wisp(iso="build/wisp-demo.iso") as w:
        w.expect(BANNER_RE)
        for name in ("names", "console", "fs", "echo", "shell"):
            started(w, name)
        w.expect(SHELL_PROMPT)
        yield w


def sh(w, line, timeout=None):
    """Run a shell command line; return what it printed."""
    return w.cmd(line, prompt=SHELL_PROMPT, timeout=timeout)


def pids_of(w, name):
    """The pids of the live processes called name, from the shell's ps."""
    return [int(p) for p, n in PS_ROW_RE.findall(sh(w, "ps")) if n == name]


# ---- init and the manifest ----------------------------------------------------


def test_init_starts_the_lines_in_order_and_reports_bad_ones():
    manifest = BASE + """\
# a comment, then a blank line

bogus
x hello.wasm slots=frob
y hello.wasm register
nope nothere.wasm
hi hello.wasm slots=console,fs,names -- one two
"""
    with boot_manifest(manifest) as w:
        w.expect(BANNER_RE)
        pids = [started(w, n) for n in ("names", "console", "fs")]
        assert pids == sorted(pids)
        w.expect(r"init: cannot start nope \(nothere.wasm\): ENOENT "
                 r"\(no such program in the initrd\)")
        pid = started(w, "hi")
        w.expect(rf"init: hi \(pid {pid}\) ended")
        lines = log_lines(w)
        for msg in (r"manifest line 6: expected NAME PROGRAM .*; line ignored",
                    r"manifest line 7: unknown slot word .*; line ignored",
                    r"manifest line 8: `register` needs a `names` slot; line ignored"):
            assert any(re.search(f"init: {msg}$", ln) for ln in lines), msg
        # hello ran with its arguments, its output through the console
        assert f"hello from wasm, pid {pid}" in lines
        assert "argv[1] = one" in lines and "argv[2] = two" in lines


def test_init_restarts_a_restart_line():
    with boot_manifest(BASE + "hi hello.wasm restart slots=console\n") as w:
        first = started(w, "hi")
        w.expect(rf"init: hi \(pid {first}\) ended, restarting")
        second = started(w, "hi")
        assert second != first


# ---- the name server -----------------------------------------------------------

NAMETEST_OWNER = [
    "register echo (the echo service's): EEXIST",
    "register a name with a blank: EINVAL",
    "register a name of 32 bytes: EINVAL",
    "register nametest-mark: ok",
    "register nametest-mark again: ok",
    "look nametest-mark up: ok",
    "signal it: the second handle's badge: word 2",
    "call echo through the looked-up handle: ok",
    "look up a name nobody registered: ENOENT",
    "register our own name: ok",
    "0 failed",
]
NAMETEST_CLIENT = [
    "register without the right: EACCES",
    "call echo through the looked-up handle: ok",
    "0 failed",
]


def test_the_name_server_refuses_taken_names_and_lookups_reach_the_owner():
    """services/nametest.c, as a service that may register (after echo)
    and as a client that may not: a name another service holds is
    refused, the same service registering a name again replaces its
    handle, a lookup gives a handle that reaches the service, a client
    cannot register."""
    manifest = BASE + (
        "echo echo.wasm restart register slots=console,fs,names,serve\n"
        "own nametest.wasm register slots=console,-,names,serve -- owner own\n"
        "cli nametest.wasm slots=console,-,names -- client\n")
    with boot_manifest(manifest) as w:
        for name in ("own", "cli"):     # cli starts once own has registered
            pid = w.seen_or_expect(rf"init: started {name} \(pid (\d+)\)").group(1)
            w.seen_or_expect(rf"^\[pid {pid} nametest.wasm\] exit")
        lines = log_lines(w)
        for mode, want in (("owner", NAMETEST_OWNER), ("client", NAMETEST_CLIENT)):
            got = [ln.removeprefix(f"nametest {mode}: ") for ln in lines
                   if ln.startswith(f"nametest {mode}: ")]
            assert got == want, f"nametest {mode} said:\n" + "\n".join(got) + \
                "\nwant:\n" + "\n".join(want)


# ---- the console --------------------------------------------------------------


def test_console_keeps_each_senders_lines_whole():
    """Two chatters write every line in three pieces at once; each line
    comes out whole (each piece is its own CONS_WRITE)."""
    manifest = BASE + ("a chatter.wasm slots=console -- alpha 25\n"
                       "b chatter.wasm slots=console -- beta 25\n")
    with boot_manifest(manifest) as w:
        a, b = started(w, "a"), started(w, "b")
        w.expect(rf"init: (a \(pid {a}\)|b \(pid {b}\)) ended")
        w.expect(rf"init: (a \(pid {a}\)|b \(pid {b}\)) ended")
        lines = [ln for ln in log_lines(w) if "alpha" in ln or "beta" in ln]
        line_re = re.compile(r"(alpha|beta): line (\d+) of 25, in three pieces")
        bad = [ln for ln in lines if not line_re.fullmatch(ln)]
        assert not bad, bad
        for who in ("alpha", "beta"):
            nums = [int(m.group(2)) for ln in lines
                    if (m := line_re.fullmatch(ln)) and m.group(1) == who]
            assert nums == list(range(1, 26)), (who, nums)


def test_producer_consumer_through_the_services():
    manifest = BASE + "pc producer.wasm slots=console,fs,names -- 300\n"
    with boot_manifest(manifest) as w:
        started(w, "pc")
        w.expect(r"consumer: 300 messages, \d+ bytes, all in order and intact")
        w.expect(r"producer: sent 300 messages \(\d+ bytes\); the consumer "
                 r"got 300, 0 bad")


def test_line_editing(demo):
    demo.send("ecx\x7fho one\r")             # DEL erases the x
    demo.expect(whole_line("one"))
    demo.expect(SHELL_PROMPT)
    demo.send("nonsense\x15echo two\r")      # Ctrl-U erases the line
    demo.expect(whole_line("two"))
    demo.expect(SHELL_PROMPT)
    demo.send("bad\x03")                     # Ctrl-C: a fresh prompt
    demo.expect(r"\^C")
    demo.expect(SHELL_PROMPT)
    assert sh(demo, "echo three").strip() == "three"


def test_long_lines_and_garbage_are_cut_with_a_message(demo):
    out = sh(demo, "echo " + "x" * 400)
    assert "console: line too long: cut to 255 bytes" in out, out
    assert "x" * 250 in out
    demo.send(bytes(range(0, 256)).replace(b"\r", b"").replace(b"\n", b"")
              .replace(b"\x03", b"").replace(b"\x04", b"") + b"\r")
    demo.expect(r"console: \d+ control or non-ASCII byte\(s\) ignored")
    demo.expect(SHELL_PROMPT)
    assert sh(demo, "echo alive").strip() == "alive"


# ---- restarts and the name server ---------------------------------------------


def settle(w, since):
    """Wait for the shell's prompt unless it has been printed in the log
    from index `since` on (init's lines and the prompt race)."""
    if not SHELL_PROMPT.search(w.log, since):
        w.expect(SHELL_PROMPT)


def kill_service(w, name):
    """Have init restart service `name` from the shell (`restart`: the
    shell holds no handle on a service, init does); wait until init has
    restarted it and the shell prompts again.  Returns (old pid, new
    pid)."""
    (pid,) = pids_of(w, f"{name}.wasm")
    since = len(w.log)
    w.sendline(f"restart {name}")
    w.expect(rf"init: {name} \(pid {pid}\) asks to be restarted")
    w.expect(rf"init: {name} \(pid {pid}\) ended, restarting")
    new = started(w, name)
    settle(w, since)
    return pid, new


@pytest.mark.parametrize("service", ["names", "echo"])
def test_ping_works_after_a_restart(demo, service):
    """A restarted echo serves init's endpoint again; a restarted name
    server gets the services' names again from init."""
    kill_service(demo, service)
    out = sh(demo, "ping 5")
    assert "5 round trips to echo" in out, out


def test_killing_the_consoles_input_helper_restarts_the_console(demo):
    """Only the operator can kill the helper (the shell holds no handle
    on it): from the kernel monitor, while the console has lent it the
    line.  Its end asks init to restart the console, which was waiting in
    the monitor's call: the new console takes the line at `exit`."""
    console, helper = sorted(pids_of(demo, "console.wasm"))
    assert "not a program this shell started" in sh(demo, f"kill {helper}")
    demo.sendline("monitor")
    demo.expect("monitor> ")
    demo.cmd(f"kill {helper}")
    demo.expect(rf"init: console \(pid {console}\) asks to be restarted")
    demo.expect(rf"init: console \(pid {console}\) ended, restarting")
    started(demo, "console")
    demo.sendline("exit")
    # the shell's prompt may have gone with the old console, or come
    # after the typed line: no settle(), and the answer may follow "$ "
    demo.sendline("echo alive")
    demo.expect(whole_line(r"(?:\$ )?alive"))
    demo.expect(SHELL_PROMPT)
    assert len(pids_of(demo, "console.wasm")) == 2


def test_a_restarted_file_service_starts_with_an_empty_tmp(demo):
    sh(demo, "echo kept > /tmp/f")
    assert sh(demo, "cat /tmp/f").strip() == "kept"
    kill_service(demo, "fs")
    assert "No such file" in sh(demo, "cat /tmp/f")
    assert "shell" in sh(demo, "cat /manifest")
