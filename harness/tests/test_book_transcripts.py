"""The book's transcripts against the current system.

A chapter shows what Wisp printed in a block

    ```{.transcript boot="monitor"}      (or "shell", or "host"; end="panic")
    monitor> mem
    frames: «64905» free, ...
    ```

(book/filters/transcript.lua renders it).  Each such block is a test here:
a fresh machine is booted (the monitor of build/wisp.iso, or the shell of
build/wisp-demo.iso; "host" runs the commands with bash in the tree), the
block's commands (its lines that start with the prompt) are typed one by
one, and everything the machine printed from the first command on must
match the block line by line: runs of blanks match any blanks, text
between « and » (marked in the book as varying from run to run) matches
anything, and a line `...` matches any number of lines.  After a command
that ends with `&` (a job in the background) the test waits, as a reader
would, for the last line the block shows after it before typing on; a
command typed after a job's output took the prompt's line may show
without its prompt.  With end="panic"
the last command stops the machine (a panic, a CPU fault) and the output
is compared up to QEMU's exit.  For the shell,
the lines before the first prompt are what the boot printed, and must
appear in the boot's output in that order.  A failure shows the block and
what the machine printed, side by side."""

import difflib
import functools
import re
import subprocess
from pathlib import Path

import pytest

from wisp_harness import Wisp
from wisp_harness.qemu import PROMPT_RE
from wisp_harness.shell import Shell

ROOT = Path(__file__).resolve().parents[2]
BLOCK_RE = re.compile(r'^```\{\.transcript([^}\n]*)\}\n(.*?)\n```$', re.M | re.S)
ATTR_RE = re.compile(r'(\w+)="([^"]*)"')
PROMPTS = {"monitor": "monitor> ", "shell": "$ ", "host": "$ "}
VARIES_RE = re.compile(r"«(.*?)»")
# A long command (a benchmark of 100000 round trips) may print nothing for
# a while; these are the harness's timeouts before WISP_TIMEOUT_SCALE.
PROGRESS_S, TOTAL_S = 60.0, 600.0


def transcripts():
    """A pytest param per transcript block of the book's chapters."""
    out = []
    for md in sorted((ROOT / "book").glob("[0-9][0-9]-*.md")):
        for i, m in enumerate(BLOCK_RE.finditer(md.read_text()), 1):
            attrs = dict(ATTR_RE.findall(m.group(1)))
            out.append(pytest.param(attrs.get("boot", ""), attrs.get("end", ""), m.group(2),
                                    id=f"{md.stem}-{i}"))
    return out


def line_re(line):
    """The regular expression one expected line stands for."""
    parts = []
    for k, piece in enumerate(VARIES_RE.split(line.strip())):
        if k % 2:
            parts.append(r".*?")
        else:
            parts.append(r"\s+".join(re.escape(w) for w in re.split(r"\s+", piece)))
    return re.compile("".join(parts))


def command_re(line, prompt):
    """A command line: the prompt and what was typed, or what was typed
    alone (when a background job's output took the prompt's line)."""
    typed = line_re(line[len(prompt):])
    return re.compile(r"(?:" + re.escape(prompt.strip()) + r"\s+)?" + typed.pattern)


def matches(expected, actual, prompt=None):
    """True if the expected lines (with `...` and «») match all of actual."""
    rx = [None if e.strip() == "..." else
          command_re(e, prompt) if prompt and e.startswith(prompt) else line_re(e)
          for e in expected]

    @functools.lru_cache(maxsize=None)
    def m(i, j):
        if i == len(rx):
            return j == len(actual)
        if rx[i] is None:
            return any(m(i + 1, k) for k in range(j, len(actual) + 1))
        return j < len(actual) and rx[i].fullmatch(actual[j].strip()) is not None \
            and m(i + 1, j + 1)
    return m(0, 0)


def in_order(expected, actual):
    """True if each expected line matches a line of actual, in order."""
    rx = [line_re(e) for e in expected if e.strip() != "..."]
    j = 0
    for r in rx:
        while j < len(actual) and not r.fullmatch(actual[j].strip()):
            j += 1
        if j == len(actual):
            return False
        j += 1
    return True


def report(expected, actual):
    """The block and what came, as a diff, for a failing test."""
    diff = difflib.unified_diff(expected, actual, "the book", "this system", lineterm="")
    return "the transcript no longer matches the system:\n" + "\n".join(diff)


def lines_of(text):
    """Lines as the terminal shows them: no carriage returns."""
    return [l.rstrip() for l in text.replace("\r", "").split("\n")]


def split(text, prompt):
    """(boot lines, commands, lines from the first command on); each
    command is (the line typed, the lines the block shows after it)."""
    lines = text.split("\n")
    first = next((k for k, l in enumerate(lines) if l.startswith(prompt)), len(lines))
    commands = []
    for l in lines[first:]:
        if l.startswith(prompt):
            commands.append((l[len(prompt):], []))
        elif l.strip() != "...":
            commands[-1][1].append(l)
    return lines[:first], commands, lines[first:]


def run_host(commands):
    out = []
    for c in commands:
        r = subprocess.run(["bash", "-c", c], cwd=ROOT, capture_output=True, text=True,
                           timeout=600)
        out += ["$ " + c] + lines_of(r.stdout + r.stderr)
        while out and out[-1] == "":
            out.pop()
    return out


def run_machine(boot, commands, end):
    """Boot, type the commands, return (boot lines, lines from the first
    command on).  end="panic": the last command stops the machine (a
    panic or a CPU fault the kernel reports)."""
    kw = dict(progress_timeout=PROGRESS_S, total_timeout=TOTAL_S, allow_panic=end == "panic")
    with (Shell(**kw) if boot == "shell" else Wisp(**kw)) as w:
        if boot == "shell":
            w.boot()
        else:
            w.expect(PROMPT_RE)
        start = len(w.log)
        booted = lines_of(w.log[:start])
        for k, (c, after) in enumerate(commands):
            if end == "panic" and k == len(commands) - 1:
                w.sendline(c)
                w.wait_exit()
                continue
            w.cmd(c)            # up to the next prompt (the shell's, or the monitor's)
            if c.rstrip().endswith("&") and after:
                # a job in the background: the reader waits for what it
                # prints before typing on
                w.expect(re.compile(r"^" + line_re(after[-1]).pattern + r"\r?$", re.M))
        text = PROMPTS[boot] + w.log[start:]
    got = lines_of(text)
    # the last prompt, waiting for the next command, is not the transcript's
    while got and got[-1] in ("", PROMPTS[boot].rstrip(), PROMPTS[boot]):
        got.pop()
    return booted, got


@pytest.mark.parametrize("boot,end,text", transcripts())
def test_transcript_matches_the_system(boot, end, text):
    prompt = PROMPTS[boot]
    before, commands, expected = split(text, prompt)
    assert commands, "a transcript shows at least one command typed at its prompt"
    if boot == "host":
        assert not before, "a host transcript starts with its command"
        got = run_host([c for c, _ in commands])
    else:
        booted, got = run_machine(boot, commands, end)
        assert in_order(before, booted), report(before, booted)
    assert matches(expected, got, prompt), report(expected, got)


def test_the_matching_rules():
    """«» matches anything within a line, blanks any blanks, `...` any lines."""
    assert matches(["frames: «64905» free,   14 used"], ["frames: 1 free, 14 used"])
    assert not matches(["frames: «64905» free, 14 used"], ["frames: 1 free, 15 used"])
    assert matches(["a", "...", "d"], ["a", "b", "c", "d"])
    assert matches(["a", "...", "b"], ["a", "b"])
    assert not matches(["a", "b"], ["a", "b", "c"])
    assert in_order(["init: started names (pid 2)"], ["x", "init: started names (pid 2)", "y"])
    assert not in_order(["b", "a"], ["a", "b"])
    assert matches(["$ ls", "x", "$ cat y"], ["$ ls", "x", "cat y"], "$ ")
    assert split("x\n$ ls\nfoo\n...\n$ cat y\nbar", "$ ") == \
        (["x"], [("ls", ["foo"]), ("cat y", ["bar"])], ["$ ls", "foo", "...", "$ cat y", "bar"])


def test_the_book_has_transcripts():
    assert all(p.values[0] in PROMPTS for p in transcripts()), "boot= monitor, shell or host"
    assert len(transcripts()) >= 5


def test_every_block_that_shows_a_prompt_is_a_checked_transcript():
    """A code block of a chapter that starts at a prompt shows what a
    command printed: it must be a transcript block, so that it is checked
    here, not an untested block that drifts."""
    fence = re.compile(r"^```([^\n]*)\n(.*?)^```$", re.M | re.S)
    for md in sorted((ROOT / "book").glob("[0-9][0-9]-*.md")):
        text = md.read_text()
        for m in fence.finditer(text):
            first = m.group(2).split("\n", 1)[0]
            if first.startswith(("monitor> ", "$ ")):
                assert "transcript" in m.group(1), \
                    f"{md.name}: a block starting `{first}` is not a transcript"
        for m in re.finditer(r"(?:^    .*\n)+", text, re.M):
            first = m.group(0).split("\n", 1)[0][4:]
            assert not first.startswith(("monitor> ", "$ ")), \
                f"{md.name}: an indented block starting `{first}` is not a transcript"
