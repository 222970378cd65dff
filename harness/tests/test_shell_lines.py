"""How the shell (services/shell/line.c) reads a line, on the demo
system: words separated by blanks, quotes that keep blanks and operators
in a word, & at the end for the background, > FILE and >> FILE for a
command's output; and what runs it: a command, checked against its
usage, or a program.  A malformed line is one clear line of error and
the shell answers the next one."""

import re

from wisp_harness.shell import ends


def hello_args(out):
    """The argv lines hello printed, as a list (argv[1] on)."""
    return re.findall(r"^argv\[[1-9]\d*\] = (.*)$", out, re.M)


def test_words_quotes_and_blanks(sh):
    for line, want in [
            ("echo one   two three", "one two three\n"),
            ('echo "one   two" three', "one   two three\n"),
            ("echo 'a > b' \"c & d\" 'e\"f'", 'a > b c & d e"f\n'),
            ('echo a"b c"d', "ab cd\n"),
            ('echo "" x', " x\n"),
            ("echo last", "last\n")]:
        out = sh.cmd(line)
        assert out == want, f"{line!r} printed {out!r}, want {want!r}"
    out = sh.cmd("hello 'one two' three \"\"")
    assert hello_args(out) == ["one two", "three", ""], \
        f"hello got {hello_args(out)}, want ['one two', 'three', '']:\n{out}"


def test_output_to_a_file_with_gt_and_gtgt(sh):
    for line, then, want in [
            ("echo first > /tmp/out", "cat /tmp/out", "first\n"),
            ("echo second>>/tmp/out", "cat /tmp/out", "first\nsecond\n"),
            ("> /tmp/out echo third", "cat /tmp/out", "third\n")]:
        out = sh.cmd(line)
        assert out == "", f"{line!r} printed {out!r} on the console, want nothing"
        out = sh.cmd(then)
        assert out == want, f"after {line!r}, {then!r} printed {out!r}, want {want!r}"
    out = sh.cmd("ls / > /tmp/list")
    assert out == "", f"'ls / > /tmp/list' printed {out!r} on the console, want nothing"
    listing = sh.cmd("cat /tmp/list")
    assert re.search(r"^  hello\.wasm +\d+ bytes$", listing, re.M) and \
        re.search(r"^\d+ entries$", listing, re.M), \
        f"want ls's listing of / in /tmp/list, it holds:\n{listing}"
    out = sh.cmd("ls /nosuch > /tmp/list").strip()
    want = "ls: /nosuch: No such file or directory"
    assert out == want, f"an error goes to the console: got {out!r}, want {want!r}"


BAD_LINES = [
    ('echo "open', "shell: unterminated quote"),
    ("echo 'open", "shell: unterminated quote"),
    ("echo a >", "shell: > needs a file name"),
    ("echo a > > /tmp/x", "shell: > needs a file name"),
    ("echo a > /tmp/x > /tmp/y", "shell: one > per line"),
    ("hello & hello", "shell: & must end the line"),
    ("&", "shell: & needs a program before it"),
    ("> /tmp/x", "shell: > needs a command before it"),
    ("ps &", "ps: & runs only programs in the background"),
    ("hello > /tmp/x",
     "shell: > FILE takes the output of the shell's own commands only"),
    ("ls / /tmp", "usage: ls [DIR]"),
    ("kill 1 2", "usage: kill PID"),
    ("run", "usage: run PROG [ARGS...]"),
    ("nosuch arg", "shell: unknown command: nosuch (try help)"),
    ("run nosuch", "run: nosuch: no such program (ls lists them)"),
    ("notwasm", "notwasm: cannot load it (not a valid program, or arguments "
                "too long)"),
    ("echo x > /hello.wasm", "shell: /hello.wasm: Read-only file system"),
]


def test_bad_lines_get_one_clear_line(sh):
    for line, error in BAD_LINES:
        out = sh.cmd(line).strip()
        # the kernel's own line about a module it could not load may come first
        if line == "notwasm":
            out = out.split("\n")[-1]
        assert out == error, f"{line!r}: got {out!r}, want {error!r}"
    out = sh.cmd("echo alive")
    assert out == "alive\n", f"after the bad lines, echo alive printed {out!r}"
    assert not ends(sh.log, "hello.wasm"), "a refused line ran hello"
    out = sh.cmd("ls /tmp")
    assert "0 entries" in out, f"a refused line made a file:\n{out}"
