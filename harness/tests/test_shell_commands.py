"""The shell (services/shell/) on the demo system, command by command, as
a user at its `$ ` prompt sees it: help, ls, cat, echo (to /tmp too),
rm, mkdir, rmdir, run (a bare program name too), background programs, ps, kill, mem,
uptime, ipcstat, ping, monitor and exit; a wrong command or argument is
one clear line and the shell answers the next one."""

import re
from pathlib import Path

import pytest

from wisp_harness.qemu import PROMPT_RE
from wisp_harness.shell import SHELL_PROMPT_RE, ends

ROOT = Path(__file__).resolve().parents[2]
COMMANDS = ["help", "ls", "cat", "echo", "rm", "mkdir", "rmdir", "run",
            "ps", "kill", "restart", "mem",
            "uptime", "ipcstat", "ping", "monitor", "exit"]
PS_ROW_RE = re.compile(r"^ +(\d+) (\S+) +(\S+) +(\d+) +(\d+) +(\d+)$", re.M)


def ps_rows(sh):
    """{pid: name} from the shell's ps."""
    return {int(r[0]): r[1] for r in PS_ROW_RE.findall(sh.cmd("ps"))}


def test_help_lists_every_command(sh):
    out = sh.cmd("help")
    for c in COMMANDS:
        assert re.search(rf"^  {c}\b", out, re.M), f"{c} missing from help:\n{out}"


def test_ls_lists_the_initrd_and_tmp(sh):
    out = sh.cmd("ls")
    for name in ("hello.wasm", "shell.wasm", "primes.wasm"):
        size = (ROOT / "build" / "services" / name).stat().st_size
        assert re.search(rf"^  {re.escape(name)} +{size} bytes$", out, re.M), \
            f"want {name} with its size, {size} bytes, in ls; got:\n{out}"
    assert re.search(r"^  tmp/$", out, re.M), f"want tmp/ in ls; got:\n{out}"
    out = sh.cmd("ls /tmp")
    assert "0 entries" in out, f"want an empty /tmp; ls /tmp says:\n{out}"
    out = sh.cmd("ls /nosuch")
    assert re.search(r"^ls: /nosuch: No such file or directory$", out, re.M), \
        f"want ls: /nosuch: No such file or directory, got:\n{out}"


def expect_out(sh, line, want):
    """Run line; fail unless it printed exactly want."""
    out = sh.cmd(line)
    assert out == want, f"{line!r} printed {out!r}, want {want!r}"


def test_echo_prints_and_writes_files_in_tmp(sh):
    expect_out(sh, "echo hello   wisp", "hello wisp\n")
    expect_out(sh, "echo first line > /tmp/notes", "")
    expect_out(sh, "cat /tmp/notes", "first line\n")
    expect_out(sh, "echo second >> /tmp/notes", "")
    expect_out(sh, "cat /tmp/notes", "first line\nsecond\n")
    out = sh.cmd("ls /tmp")
    assert re.search(r"^  notes +18 bytes$", out, re.M), \
        f"want notes of 18 bytes, ls /tmp says:\n{out}"
    sh.cmd("echo new > /tmp/notes")               # > empties the file first
    expect_out(sh, "cat /tmp/notes", "new\n")


def test_rm_mkdir_and_rmdir_in_tmp(sh):
    expect_out(sh, "mkdir /tmp/d /tmp/e", "")
    sh.cmd("echo inside > /tmp/d/f")
    out = sh.cmd("ls /tmp")
    assert re.search(r"^  d/$", out, re.M), f"want d/ in ls /tmp, got:\n{out}"
    expect_out(sh, "cat /tmp/d/f", "inside\n")
    expect_out(sh, "rmdir /tmp/d", "rmdir: /tmp/d: Directory not empty\n")
    expect_out(sh, "rm /tmp/d/f /tmp/d/none",   # one fails, the other goes
               "rm: /tmp/d/none: No such file or directory\n")
    expect_out(sh, "rmdir /tmp/d /tmp/e", "")
    out = sh.cmd("ls /tmp")
    assert "0 entries" in out, f"want an empty /tmp, ls /tmp says:\n{out}"
    for line, error in [("rm /hello.wasm", "Read-only file system"),
                        ("rmdir /tmp", "Read-only file system"),
                        ("mkdir /x", "Read-only file system"),
                        ("rm /tmp", "Is a directory"),
                        ("rmdir /hello.wasm", "Not a directory")]:
        out = sh.cmd(line)
        assert out.strip().endswith(": " + error), \
            f"{line!r} printed {out.strip()!r}, want an error ending in ': {error}'"


def test_files_outside_tmp_are_read_only(sh):
    expect_out(sh, "echo x > /hello.wasm",
               "shell: /hello.wasm: Read-only file system\n")
    expect_out(sh, "cat /tmp/nothing /nosuch",
               "cat: /tmp/nothing: No such file or directory\n"
               "cat: /nosuch: No such file or directory\n")


def test_paths_through_a_file_or_a_missing_directory(sh):
    """A path that goes on through a file, or through a directory that
    does not exist, is an error of its own; slashes at the end name the
    directory."""
    sh.cmd("echo x > /tmp/f")
    for line, error in [
            ("cat /manifest/x", "cat: /manifest/x: Not a directory"),
            ("echo y > /tmp/f/g", "shell: /tmp/f/g: Not a directory"),
            ("cat /tmp/none/x", "cat: /tmp/none/x: No such file or directory"),
            ("mkdir /tmp/none/d",
             "mkdir: /tmp/none/d: No such file or directory"),
            ("echo y > /tmp/none/f",
             "shell: /tmp/none/f: No such file or directory")]:
        out = sh.cmd(line)
        assert out.strip() == error, f"{line!r}: got {out.strip()!r}, want {error!r}"
    out = sh.cmd("ls /tmp/")
    assert re.search(r"^  f +2 bytes\n1 entries$", out, re.M), \
        f"want ls /tmp/ to list f (2 bytes), got:\n{out}"


def test_cat_prints_an_initrd_file(sh):
    out = sh.cmd("cat /manifest")           # init's list of services
    assert re.search(r"^shell +shell\.wasm ", out, re.M) and \
        re.search(r"^echo +echo\.wasm ", out, re.M), \
        f"want the manifest's lines (shell, echo), cat printed:\n{out}"


@pytest.mark.parametrize("line", ["run hello one two", "hello one two",
                                  "hello.wasm one two"])
def test_run_a_program_in_the_foreground(sh, line):
    out = sh.cmd(line)
    m = re.search(r"^hello from wasm, pid (\d+)$", out, re.M)
    assert m, f"want hello's first line, 'hello from wasm, pid N'; got:\n{out}"
    want = "argv[0] = hello.wasm\nargv[1] = one\nargv[2] = two\n"
    assert want in out, f"want hello's arguments\n{want}got:\n{out}"
    got = ends(sh.log, "hello.wasm")
    assert got == [(int(m.group(1)), "exit 0")], \
        f"want hello (pid {m.group(1)}) to end with exit 0, the log says {got}"


def test_background_program_ps_and_kill(sh):
    out = sh.cmd("sleeper 1000 50 &")
    m = re.search(r"^\[pid (\d+)\]$", out, re.M)
    assert m, f"want '[pid N]' for a program started with &, got:\n{out}"
    pid = int(m.group(1))
    sh.expect(r"sleeper: 2/1000 slept")
    rows = ps_rows(sh)
    assert rows.get(pid) == "sleeper.wasm", \
        f"want pid {pid} sleeper.wasm in ps, ps shows {rows}"
    sh.cmd(f"kill {pid}")
    assert (pid, "killed") in ends(sh.log, "sleeper.wasm"), \
        f"want '[pid {pid} sleeper.wasm] killed' after kill {pid}; " \
        f"the log says {ends(sh.log, 'sleeper.wasm')}"
    rows = ps_rows(sh)
    assert pid not in rows, f"pid {pid} still in ps after kill: {rows}"


def test_ps_shows_the_services(sh):
    names = set(ps_rows(sh).values())
    for service in ("init.wasm", "names.wasm", "console.wasm", "fs.wasm",
                    "echo.wasm", "shell.wasm"):
        assert service in names, names


def test_mem_and_uptime(sh):
    out = sh.cmd("mem")
    m = re.search(r"^frames: (\d+) free of (\d+) \(4 KiB each\)\nheap: (\d+) bytes in "
                  r"use, (\d+) free\nipc objects: (\d+)\nprocesses: (\d+)$", out, re.M)
    assert m, out
    free, total, _, _, objs, procs = map(int, m.groups())
    assert 0 < free < total and objs > 0 and procs >= 6
    up = [float(re.fullmatch(r"up (\d+\.\d\d) s\n", sh.cmd("uptime")).group(1))
          for _ in range(2)]
    assert 0 < up[0] <= up[1]


def test_ipcstat_counts_the_messages_of_ping(sh):
    def counts():
        out = sh.cmd("ipcstat")
        rows = re.findall(r"^  (ep\d+|ntfn\d+) +\d+ +\d+ +\d+ +(\d+)$", out, re.M)
        assert rows and re.search(r"^\d+ objects$", out, re.M), out
        return {obj: int(n) for obj, n in rows}
    before = counts()
    sh.cmd("ping 50")
    after = counts()
    grew = [o for o in before if o in after and after[o] - before[o] >= 50]
    assert grew, f"no endpoint took 50 more messages: {before} -> {after}"


def test_ping_reports_the_round_trip_time(sh):
    out = sh.cmd("ping 200", timeout=300)
    assert re.fullmatch(r"ping: 200 round trips to echo, \d+\.\d{3} us per round "
                        r"trip\n", out), out


def test_monitor_borrows_the_line_and_gives_it_back(sh):
    sh.sendline("monitor")
    sh.expect(r"\[pid \d+ console.wasm\] the kernel monitor has the serial line")
    sh.expect(PROMPT_RE)                    # the monitor reads from here on
    assert re.search(r"^ +\d+ shell.wasm ", sh.monitor_cmd("ps"), re.M)
    sh.sendline("exit")
    sh.expect(r"shell: back from the monitor\n\$ ")
    assert sh.cmd("echo shell again").strip() == "shell again"


def test_exit_ends_the_shell_and_init_starts_another(sh):
    sh.sendline("exit")
    pid, how = sh.wait_end("shell.wasm")
    assert how == "exit 0"
    sh.expect(rf"init: shell \(pid {pid}\) ended, restarting")
    sh.expect(SHELL_PROMPT_RE)
    assert sh.cmd("echo alive").strip() == "alive"
    assert re.search(r"^ +\d+ shell.wasm ", sh.cmd("ps"), re.M)


@pytest.mark.parametrize("line, error", [
    ("foo", "shell: unknown command: foo (try help)"),
    ("run nosuch", "run: nosuch: no such program (ls lists them)"),
    ("run notwasm", "run: notwasm: cannot load it (not a valid program, or "
                    "arguments too long)"),
    ("run", "usage: run PROG [ARGS...]"),
    ("kill", "usage: kill PID"),
    ("kill 1 2", "usage: kill PID"),
    ("kill x1", "kill: 'x1' is not a pid (a positive number; ps lists them)"),
    ("kill 0", "kill: '0' is not a pid (a positive number; ps lists them)"),
    ("kill 4242", "kill: 4242 is not a program this shell started (it holds no "
                  "handle to it; restart NAME restarts a service)"),
    ("kill 1", "kill: 1 is not a program this shell started (it holds no handle "
               "to it; restart NAME restarts a service)"),
    ("restart nosuch", "restart: no service 'nosuch' in init's manifest"),
    ("ping 0", "ping: '0' is not a count (1..1000000)"),
    ("ping -5", "ping: '-5' is not a count (1..1000000)"),
    ("ps &", "ps: & runs only programs in the background"),
    ("&", "shell: & needs a program before it"),
    ("cat", "usage: cat FILE..."),
    ("rm", "usage: rm FILE..."),
    ("mkdir", "usage: mkdir DIR..."),
    ("ls / /tmp", "usage: ls [DIR]"),
    ("echo " + "w " * 20, "shell: too many words (at most 16)"),
])
def test_bad_commands_and_arguments_get_one_clear_line(sh, line, error):
    out = sh.cmd(line)
    assert out.strip().split("\n")[-1] == error, out
    assert sh.cmd("echo alive").strip() == "alive"
