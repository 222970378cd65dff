"""Boot Wisp in QEMU and talk to it over its serial port.

One Wisp object is one QEMU process.  Its serial port is QEMU's stdio, on
pipes of our own, so every test has its own machine and tests run in
parallel.  Everything QEMU prints is appended to `log` (without carriage
returns) and streamed to build/test-logs/<name>.log as it arrives; QEMU's
own -D log (CPU resets, triple faults, guest errors) goes beside it in
<name>.qemu.log.  pytest deletes both when the test passes (harness/conftest.py).

Every read checks the serial stream for the kernel's failure lines, "PANIC: "
and "FAULT: ", and every end of QEMU for how it ended: the kernel's
"WISP-EXIT: N" marker before isa-debug-exit, or no marker (a triple fault
when the -D log says so, otherwise a reset).  Unless allow_panic is set, a
panic, a fault, a triple fault or a reset raises HarnessError naming it,
with the last lines of the serial log.
"""

import codecs
import collections
import ctypes
import os
import re
import select
import shlex
import signal
import subprocess
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
OVMF = "/usr/share/ovmf/OVMF.fd"
DEFAULT_QEMU = "qemu-system-x86_64"

# The kernel's serial protocol (see kernel/ and /tmp/wisp-team.md).
BANNER_RE = r"Wisp (\S+) \(x86_64\), (\d+) MiB RAM"
PROMPT_RE = r"monitor> "
FAILURE_RE = re.compile(r"^(PANIC|FAULT): .*$", re.M)
MARKER_RE = re.compile(r"^WISP-EXIT: (\d+)$", re.M)
# A lab hole's stub says once that it is not written yet (kernel/labtodo.h);
# the graders read these lines from the log, cmd() leaves them out.
LAB_TODO_LINE_RE = re.compile(r"^LAB-TODO: lab \d+: .*\n", re.M)


def after_echo(out, line):
    """What follows the echo of `line` in `out`: the text after the first
    whole line that ends with it.  `out` itself when no line does (a
    terminal that does not echo)."""
    echo = line.rstrip()
    head, nl, rest = out.partition("\n")
    while nl:
        if head.rstrip().endswith(echo):
            return rest
        head, nl, rest = rest.partition("\n")
    return out


TAIL_LINES = 20          # lines of serial log quoted in an error message
PANIC_DRAIN = 3.0        # seconds to keep reading after a panic, for the dump

Exit = collections.namedtuple("Exit", "status marker reason")
Exit.__doc__ = """How QEMU ended: its exit status, the WISP-EXIT marker (None
if there was none) and the reason: "clean halt", "panic", "triple fault",
"reset" or "killed"."""

# Every Wisp made in this process, in order (conftest.py uses it to find
# the logs of a test's machines).
instances = []
_names_used = collections.Counter()


try:
    _prctl = ctypes.CDLL(None).prctl      # resolved here, not in the child
except (OSError, AttributeError):
    _prctl = None


def _die_with_parent():
    """In the child, before exec: have the kernel SIGKILL QEMU when the
    test process dies, so a killed pytest worker leaves no QEMU behind."""
    if _prctl is not None:
        _prctl(1, int(signal.SIGKILL))     # PR_SET_PDEATHSIG


class HarnessError(Exception):
    """The machine did something a test did not ask for, or did not do
    what it asked for in time: the message says which, and ends with the
    last lines of the serial log and the log's path."""


def timeout_scale():
    """Return WISP_TIMEOUT_SCALE as a float (1.0 when unset); a value that
    is not a positive number is a HarnessError, not a silent default."""
    text = os.environ.get("WISP_TIMEOUT_SCALE", "").strip()
    if not text:
        return 1.0
    try:
        scale = float(text)
    except ValueError:
        scale = -1.0
    if not scale > 0:
        raise HarnessError(f"WISP_TIMEOUT_SCALE={text!r} is not a positive number")
    return scale


def default_name():
    """Name a machine after the running pytest test ("test_file.test_name"),
    or "wisp" outside pytest."""
    current = os.environ.get("PYTEST_CURRENT_TEST", "")
    if not current:
        return "wisp"
    nodeid = current.rsplit(" (", 1)[0]
    path, _, test = nodeid.partition("::")
    stem = Path(path).stem
    return f"{stem}.{test}" if test else stem


def _safe(name):
    return re.sub(r"[^A-Za-z0-9_.=\[\]-]", "_", name)[:150] or "wisp"


def log_dir():
    """Where serial logs go: $WISP_LOG_DIR, else build/test-logs."""
    return Path(os.environ.get("WISP_LOG_DIR") or ROOT / "build" / "test-logs")


class Wisp:
    """One QEMU machine booting a Wisp ISO; use it as a context manager:

        with Wisp() as w:
            w.expect(BANNER_RE)
            out = w.cmd("help")

    iso          the image to boot, relative to the repository root
                 (default $WISP_ISO, else build/wisp.iso)
    uefi         boot with OVMF instead of SeaBIOS
    allow_panic  the test expects a panic/fault/triple fault/reset: do not
                 raise when one happens (wait_exit() reports it)
    name         log file name (default: the pytest test's name)
    memory       guest RAM (-m)
    extra_args   more QEMU arguments
    qemu         the QEMU command (a list or a string), default $WISP_QEMU
                 or qemu-system-x86_64; the harness's own tests put a fake
                 QEMU here
    progress_timeout, total_timeout
                 default timeouts in seconds (before WISP_TIMEOUT_SCALE):
                 no output for progress_timeout, or total_timeout in all,
                 while waiting is a HarnessError
    """

    def __init__(self, iso=None, uefi=False, allow_panic=False,
                 name=None, memory="256M", extra_args=(), qemu=None,
                 progress_timeout=None, total_timeout=None):
        self.iso = Path(ROOT, iso or os.environ.get("WISP_ISO") or "build/wisp.iso")
        self.uefi = uefi
        self.allow_panic = allow_panic
        self.memory = memory
        self.extra_args = list(extra_args)
        if qemu is None:
            qemu = os.environ.get("WISP_QEMU") or DEFAULT_QEMU
        self.qemu = shlex.split(qemu) if isinstance(qemu, str) else list(qemu)
        # OVMF is slow under TCG and quiet for long stretches.
        self.progress_timeout = progress_timeout or (60.0 if uefi else 15.0)
        self.total_timeout = total_timeout or (300.0 if uefi else 120.0)
        base = _safe(name or default_name())
        _names_used[base] += 1
        if _names_used[base] > 1:
            base = f"{base}-{_names_used[base]}"
        self.name = base
        self.log_path = log_dir() / f"{base}.log"
        self.qemu_log_path = log_dir() / f"{base}.qemu.log"
        self.stderr_path = log_dir() / f"{base}.stderr.log"
        self.log = ""
        self.exit = None
        self._pos = 0            # expect() searches the log from here
        self._scanned = 0        # failure lines are looked for from here
        self._failure = None     # the first PANIC:/FAULT: line seen
        self._proc = None
        self._eof = False
        self._killed = False
        self._decoder = codecs.getincrementaldecoder("utf-8")("replace")
        self._logfile = None
        instances.append(self)

    # ---- starting and stopping ------------------------------------------

    def command(self):
        """Return the full QEMU command line this machine runs."""
        args = self.qemu + [
            "-accel", "tcg", "-no-reboot", "-display", "none",
            "-monitor", "none", "-serial", "stdio",
            "-m", self.memory,
            "-device", "isa-debug-exit,iobase=0xf4,iosize=0x04",
            "-d", "cpu_reset,guest_errors", "-D", str(self.qemu_log_path),
            "-boot", "d", "-cdrom", str(self.iso),
        ]
        if self.uefi:
            args += ["-bios", OVMF]
        return args + self.extra_args

    def start(self):
        """Start QEMU (the `with` statement calls this)."""
        if self._proc is not None:
            raise HarnessError(f"{self.name}: machine already started")
        if not self.iso.is_file():
            raise HarnessError(f"{self.iso} does not exist: run make first")
        if self.uefi and not Path(OVMF).is_file():
            raise HarnessError(f"{OVMF} is missing: run make deps (package ovmf)")
        self.log_path.parent.mkdir(parents=True, exist_ok=True)
        self._logfile = open(self.log_path, "w", encoding="utf-8")
        with open(self.stderr_path, "wb") as err:
            try:
                self._proc = subprocess.Popen(
                    self.command(), stdin=subprocess.PIPE,
                    stdout=subprocess.PIPE, stderr=err, cwd=ROOT,
                    start_new_session=True, preexec_fn=_die_with_parent)
            except OSError as e:
                raise HarnessError(f"cannot run {self.qemu[0]}: {e}") from None
        os.set_blocking(self._proc.stdout.fileno(), False)
        return self

    def kill(self):
        """Stop QEMU at once if it still runs (its whole process group,
        which it leads) and close the log.  Safe to call twice."""
        proc = self._proc
        if proc is not None and proc.poll() is None:
            self._killed = True
            try:
                os.killpg(proc.pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
            proc.wait()
        if proc is not None and self.exit is None:
            self._finish()
        if proc is not None:
            for pipe in (proc.stdin, proc.stdout):
                try:
                    pipe.close()
                except OSError:       # stdin's last bytes cannot be flushed
                    pass
        if self._logfile is not None:
            self._logfile.close()
            self._logfile = None
        if self.stderr_path.exists() and self.stderr_path.stat().st_size == 0:
            self.stderr_path.unlink()

    def __enter__(self):
        return self.start()

    def __exit__(self, *exc):
        self.kill()
        return False

    @property
    def running(self):
        """True between start() and the end of QEMU (or kill())."""
        return self._proc is not None and self._logfile is not None

    def log_files(self):
        """The log files this machine wrote (that still exist)."""
        paths = (self.log_path, self.qemu_log_path, self.stderr_path)
        return [p for p in paths if p.exists()]

    # ---- reading -----------------------------------------------------------

    def _append(self, data):
        """Decode a chunk of serial bytes, drop carriage returns (a kernel
        ends its lines "\r\n" for terminals; tests match on "\n"), append
        it to the log (and its file) and look for failure lines."""
        text = self._decoder.decode(data, final=not data).replace("\r", "")
        if not text:
            return
        self.log += text
        self._logfile.write(text)
        self._logfile.flush()
        self._scan()

    def _scan(self):
        """Look at each new complete line for PANIC:/FAULT:."""
        end = self.log.rfind("\n") + 1 if not self._eof else len(self.log)
        if end <= self._scanned:
            return
        m = FAILURE_RE.search(self.log, self._scanned, end)
        self._scanned = end
        if m and self._failure is None:
            self._failure = m.group(0)
            if not self.allow_panic:
                self._drain()
                kind = "kernel panic" if m.group(1) == "PANIC" else "CPU fault"
                self._fail(f"{kind}: {self._failure}")

    def _read(self, wait):
        """Wait up to `wait` seconds for output; return True if some came.
        At end of file, record how QEMU ended."""
        if self._eof:
            return False
        if not self.running:
            raise HarnessError(f"{self.name}: machine not running (use `with`)")
        fd = self._proc.stdout.fileno()
        ready, _, _ = select.select([fd], [], [], max(wait, 0))
        if not ready:
            return False
        try:
            data = os.read(fd, 65536)
        except BlockingIOError:
            return False
        if not data:
            self._eof = True
            self._finish()
            self._append(b"")
            self._scan()
            return False
        self._append(data)
        return True

    def _drain(self):
        """After a panic: keep reading until QEMU exits or goes quiet, so
        the log holds the register dump and the backtrace."""
        quiet = PANIC_DRAIN * timeout_scale()
        deadline = time.monotonic() + 4 * quiet
        while not self._eof and time.monotonic() < deadline:
            if not self._read(quiet):
                break

    def _finish(self):
        """QEMU has ended: reap it and set self.exit."""
        status = self._proc.wait()
        markers = MARKER_RE.findall(self.log)
        marker = int(markers[-1]) if markers else None
        if self._killed or status < 0:
            reason = "killed"
        elif marker is not None:
            reason = "clean halt" if marker == 0 else "panic"
        elif self._qemu_log_says("Triple fault"):
            reason = "triple fault"
        else:
            reason = "reset"
        self.exit = Exit(status, marker, reason)

    def _qemu_log_says(self, text):
        try:
            return text in self.qemu_log_path.read_text(errors="replace")
        except OSError:
            return False

    def _check_exit(self):
        """Raise for an ending a test did not allow, or one that breaks
        the protocol (a marker whose exit status does not match it; QEMU
        failing with no marker at all)."""
        e = self.exit
        if e.reason == "killed":
            return
        if e.marker is not None and e.status != (e.marker << 1) | 1:
            self._fail(f"WISP-EXIT: {e.marker} but QEMU exit status {e.status}"
                       f" (isa-debug-exit gives {(e.marker << 1) | 1})")
        if e.marker is None and e.status != 0:
            self._fail(f"QEMU failed with status {e.status}: {self._stderr()}")
        if e.reason in ("panic", "triple fault") and not self.allow_panic:
            how = "no WISP-EXIT marker" if e.marker is None else f"WISP-EXIT: {e.marker}"
            self._fail(f"QEMU ended: {e.reason} ({how})")

    def _stderr(self):
        try:
            return self.stderr_path.read_text(errors="replace").strip()
        except OSError:
            return ""

    def tail(self, n=TAIL_LINES):
        """The last n lines of the serial log."""
        return "\n".join(self.log.rstrip("\n").split("\n")[-n:])

    def _fail(self, what):
        raise HarnessError(
            f"{self.name}: {what}\n"
            f"--- serial log {self.log_path} (last {TAIL_LINES} lines) ---\n"
            f"{self.tail()}\n--- end of serial log; QEMU log: {self.qemu_log_path}")

    def _waiting(self, timeout, what, done):
        """Read until done() is true; the two timeouts apply."""
        scale = timeout_scale()
        total = (timeout if timeout is not None else self.total_timeout) * scale
        progress = self.progress_timeout * scale
        start = last = time.monotonic()
        while not done():
            if self._eof:
                return False
            now = time.monotonic()
            if now - start >= total:
                self._fail(f"timeout: {total:g} s in all waiting for {what}")
            if now - last >= progress:
                self._fail(f"timeout: no output for {progress:g} s waiting for {what}")
            if self._read(min(start + total, last + progress) - now):
                last = time.monotonic()
        return True

    # ---- the API tests use -------------------------------------------------

    def expect(self, regex, timeout=None):
        """Wait for `regex` (a string or a compiled pattern) to appear in
        the output after the previous match; return the re.Match (its
        positions index self.log).  timeout: the total timeout in seconds
        (default total_timeout); both timeouts scale by WISP_TIMEOUT_SCALE."""
        pat = re.compile(regex) if isinstance(regex, str) else regex
        found = []

        def done():
            m = pat.search(self.log, self._pos)
            if m:
                found.append(m)
            return bool(m)

        if not self._waiting(timeout, f"/{pat.pattern}/", done):
            self._check_exit()
            self._fail(f"QEMU ended: {self.exit.reason}, before /{pat.pattern}/ appeared")
        self._pos = found[0].end()
        return found[0]

    def seen_or_expect(self, regex, timeout=None):
        """Wait for `regex` anywhere in the whole log: a line another
        process printed may have come before the last match (a prompt),
        or may still be coming.  A string pattern is compiled with re.M
        (^ and $ match at lines).  Returns the re.Match."""
        pat = re.compile(regex, re.M) if isinstance(regex, str) else regex
        return pat.search(self.log) or self.expect(pat, timeout)

    def boot(self, timeout=None):
        """Wait for the boot banner, then the first prompt; return the
        banner's match (group 1: the version, group 2: MiB of RAM)."""
        banner = self.expect(BANNER_RE, timeout)
        self.expect(PROMPT_RE, timeout)
        return banner

    def send(self, data):
        """Send bytes (or a str, as UTF-8) to the serial port."""
        if isinstance(data, str):
            data = data.encode("utf-8")
        if not self.running:
            raise HarnessError(f"{self.name}: machine not running (use `with`)")
        try:
            self._proc.stdin.write(data)
            self._proc.stdin.flush()
        except (BrokenPipeError, ValueError):
            self._fail("cannot send: QEMU has exited")

    def sendline(self, text):
        """Send text and Enter (a carriage return, as a terminal does)."""
        self.send(text + "\r")

    def cmd(self, line, prompt=PROMPT_RE, timeout=None):
        """Send a command line, wait for the next prompt, and return what
        the command printed: the text between the echoed command line and
        the prompt (without carriage returns, and without the LAB-TODO
        lines of unwritten lab holes, which stay in the log).  Output of
        other processes that lands before the echo (or the end of a line
        they had half printed) is not the command's and is left out."""
        while self._read(0):      # output already on its way is not ours
            pass
        self._pos = start = len(self.log)
        self.sendline(line)
        m = self.expect(prompt, timeout)
        return LAB_TODO_LINE_RE.sub("", after_echo(self.log[start:m.start()], line))

    def ipcfast(self, path):
        """`ipcfast on` or `ipcfast off` at the monitor prompt: the IPC fast
        path of call and reply_recv on or off (the kernel boots with it
        on); a HarnessError unless the kernel says it is set."""
        out = self.cmd(f"ipcfast {path}")
        if f"ipcfast: {path}" not in out:
            self._fail(f"ipcfast {path}: the kernel said {out.strip()!r}")

    def wait_exit(self, timeout=None):
        """Wait for QEMU to end and return Exit(status, marker, reason).
        A panic or a triple fault raises HarnessError unless allow_panic;
        a reset (no marker, e.g. the `reboot` command) is returned: check
        exit.reason."""
        self._waiting(timeout, "QEMU to exit", lambda: False)
        self._check_exit()
        return self.exit
