"""WASI stdio over IPC (kernel/proc/wasicons.c): a program started with
an endpoint send handle in slot 0 has its fd 0/1/2 turned into CONS_READ
and CONS_WRITE calls through it, badge and all, by the kernel; a program
the monitor runs keeps the serial line, even if it makes an endpoint that
lands in its slot 0.  services/systest.c's `serve` is the console here:
it prints what its client writes as "[cons 7] ..." (7: the client's
badge) and answers reads with two lines, then end of input."""

import re


def test_stdout_stderr_and_stdin_go_through_slot_0(monitor):
    out = monitor.cmd("run systest serve systest.wasm stdio", timeout=120)
    # every byte the client printed came through the server
    client = [l for l in out.splitlines() if "stdio:" in l]
    assert client and all(l.startswith("[cons 7] stdio:") for l in client), out
    text = out.replace("[cons 7] ", "")
    assert ("stdio: hello over IPC\n"
            "stdio: this is stderr\n"
            "stdio: read first line\n"
            "stdio: read second line\n"
            "stdio: end of input\n") in text
    # slot 1 is not a file service: no preopened directory, no files
    m = re.search(r"^stdio: fopen /hello.wasm: (.*)$", text, re.M)
    assert m and m[1] != "opened"
    # the client's end closed the only send handle: the server's recv
    # ends with EPIPE after three reads (two lines, then end of input)
    assert "serve: systest.wasm gone (EPIPE), 3 reads" in out
    assert len(re.findall(r"^\[pid \d+ systest.wasm\] exit 0$", out, re.M)) == 2


def test_an_unchanged_wasi_program_prints_through_slot_0(monitor):
    out = monitor.cmd("run systest serve hello.wasm one two", timeout=120)
    text = out.replace("[cons 7] ", "")
    assert re.search(r"^hello from wasm, pid \d+\nargv\[0\] = hello.wasm\n"
                     r"argv\[1\] = one\nargv\[2\] = two\n", text, re.M), out
    assert "[cons 7] hello from wasm" in out
    assert "serve: hello.wasm gone (EPIPE), 0 reads" in out


def test_a_monitor_program_keeps_the_serial_line(monitor):
    # systest info makes an endpoint first (slot 0): its prints still go
    # to the serial line, not into its own endpoint
    out = monitor.cmd("run systest info")
    assert re.search(r"^mem: frames ", out, re.M) and "[cons" not in out
    out = monitor.cmd("run hello")
    assert "hello from wasm" in out and "[cons" not in out
