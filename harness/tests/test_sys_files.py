"""WASI files over IPC (kernel/proc/wasifs.c) on the demo system: an
unmodified wasi-libc program started by the shell (slot 1 = the file
service) writes, appends, reads back, seeks, stats, makes directories,
lists and unlinks files with stdio, dirent and unistd calls, every path
resolved by the kernel (`..` never above `/`), every failure the errno
POSIX names.  services/systest.c's `files` mode is that program; the
shell's own `ls` and `cat` see what it leaves."""

import re

import pytest

from wisp_harness.shell import Shell, ends

FILES_LINES = [
    "fopen /tmp/systest.txt w",
    "fclose",
    "append three",
    "read back",
    "text: one 1",
    "two 2",
    "three",
    "read back by tmp/../../tmp/./systest.txt",
    "fseek from the end, ftell",
    "stat: a file of 18 bytes",
    "stat /tmp: a directory",
    "stat /../../hello.wasm: the initrd's hello.wasm",
    "open, lseek to the end of hello.wasm, close",
    "mkdir /tmp/d",
    "mkdir /tmp/d again: File exists",
    "create /tmp/d/inner",
    "readdir /tmp and /tmp/d",
    "readdir /",
    "fopen /tmp/none/x w: No such file or directory",
    "opendir a file: Not a directory",
    "unlink /tmp/systest.txt",
    "fopen it again: No such file or directory",
    "unlink /hello.wasm: Read-only file system",
    "fopen /hello.wasm w: Read-only file system",
    "rmdir /tmp/d, not empty: Directory not empty",
    "unlink /tmp/d/inner",
    "rmdir /tmp: Read-only file system",
    "rmdir /hello.wasm: Not a directory",
    "mkdir /tmp/e, remove it",
    "open files: 15, then No file descriptors available",   # WASIFS_FDS
    "systest files: 0 failed",
]


@pytest.fixture
def shell():
    """The demo system at the shell's prompt."""
    with Shell() as sh:
        sh.boot()
        yield sh


def test_wasi_libc_files_through_the_file_service(shell):
    out = shell.cmd("run systest files", timeout=180)
    lines = [l for l in out.splitlines() if l and not l.startswith("[pid")]
    assert lines == FILES_LINES, out
    assert re.search(r"^\[pid \d+ systest.wasm\] exit 0$", out, re.M)
    # what it left: /tmp/d, empty
    assert re.search(r"^  d/$", shell.cmd("ls /tmp"), re.M)
    assert "0 entries" in shell.cmd("ls /tmp/d")


def test_stdin_and_files_of_a_program_the_shell_runs(shell):
    shell.sendline("run systest stdio")
    shell.expect(r"stdio: hello over IPC")
    shell.expect(r"stdio: this is stderr")
    shell.sendline("typed at the console")
    shell.expect(r"stdio: read typed at the console")
    shell.send("\x04")                         # Ctrl-D: end of input
    shell.expect(r"stdio: end of input")
    shell.expect(r"stdio: fopen /hello.wasm: opened")   # slot 1: the files
    shell.expect(r"\[pid \d+ systest.wasm\] exit 0")


HOLD_RE = r"systest hold: (\d+) files open \(then: ([^)\r\n]+)\)"


def test_programs_holding_files_deny_nobody(shell):
    """Six `systest hold` programs open files until they can open no more:
    each stops at its own limit (15 descriptors), below its quota at the
    file service (FS_CLIENT_MAX), and the table, sized for every process's
    quota, never runs out: the shell's `cat` works all along and after
    they are killed."""
    pids = []
    for i in range(6):
        out = shell.cmd("systest hold &")
        pids.append(int(re.search(r"^\[pid (\d+)\]$", out, re.M).group(1)))
        m = shell.expect(HOLD_RE, timeout=120)
        assert m.group(1) == "15", shell.log         # its own limit (WASIFS_FDS)
        out = shell.cmd("cat /manifest")
        assert "shell" in out and "echo" in out, out
    for pid in pids:
        shell.cmd(f"kill {pid}")
        assert (pid, "killed") in ends(shell.log, "systest.wasm"), shell.log
    out = shell.cmd("cat /manifest")
    assert "shell" in out and "echo" in out, out
