"""The demo programs of the initrd, run from the shell: modules written
by hand in WebAssembly text (one writes and reads a file), Rust programs
using std::fs and stdin (WASI over IPC, unchanged), a foreground program
reading the lines typed at the console up to Ctrl-D, and a
producer/consumer pair."""

import re

from wisp_harness.shell import SHELL_PROMPT_RE, ends

PRIMES = ("2 3 5 7 11 13 17 19 23 29 31 37 41 43 47 53 59 61 67 71 73 79 83 "
          "89 97")


def test_the_hand_written_wat_program(sh):
    out = sh.cmd("primes")
    assert f"primes (hand-written wat): {PRIMES}\nprimes: 25 below 100\n" in out, out
    assert [how for _, how in ends(sh.log, "primes.wasm")] == ["exit 0"]


def test_the_wat_program_jot_writes_and_reads_a_file(sh):
    line = "jot: a line from hand-written wat\n"
    sh.cmd("echo first > /tmp/jot")
    for n in (1, 2):
        out = sh.cmd("jot")
        want = "first\n" + line * n
        assert out.startswith(want), \
            f"jot run {n} printed {out!r}, want it to print {want!r}"
    out = sh.cmd("cat /tmp/jot")
    assert out == want, f"cat /tmp/jot printed {out!r}, want {want!r}"
    got = [how for _, how in ends(sh.log, "jot.wasm")]
    assert got == ["exit 0"] * 2, f"jot ended {got}, want exit 0 twice"


def test_rust_cp_copies_files_through_the_file_service(sh):
    """cp reads with std::fs::read and writes with std::fs::write; a
    program of 124 KiB takes several reads and writes (a message carries
    at most 64 KiB)."""
    sh.cmd("echo one two > /tmp/a")
    out = sh.cmd("cp /tmp/a /tmp/b")
    assert out.startswith("[pid"), f"cp /tmp/a /tmp/b printed {out!r}, want nothing"
    out = sh.cmd("cat /tmp/b")
    assert out == "one two\n", f"the copy holds {out!r}, want 'one two\\n'"
    sh.cmd("cp /wc.wasm /tmp/w")
    size = re.search(r"^  wc\.wasm +(\d+) bytes$", sh.cmd("ls /"), re.M).group(1)
    out = sh.cmd("ls /tmp")
    assert re.search(rf"^  w +{size} bytes$", out, re.M), \
        f"want /tmp/w of {size} bytes (the size of /wc.wasm), ls /tmp says:\n{out}"
    out = sh.cmd("wc /tmp/w /wc.wasm")
    counts = re.findall(r"^ +(\d+ +\d+ +\d+) (?:/tmp/w|/wc.wasm)$", out, re.M)
    assert len(counts) == 2 and counts[0] == counts[1], \
        f"want the copy's lines, words and bytes to be the original's:\n{out}"
    out = sh.cmd("cp /tmp/none /tmp/c")
    assert re.search(r"^cp: /tmp/none: .*(not found|No such file)", out, re.M), \
        f"want cp: /tmp/none: No such file or directory, got:\n{out}"
    out = sh.cmd("cp /tmp/a /x")
    assert re.search(r"^cp: /x: .*Read-only file system", out, re.M), \
        f"want cp: /x: Read-only file system, got:\n{out}"
    got = [how for _, how in ends(sh.log, "cp.wasm")]
    assert got == ["exit 0"] * 2 + ["exit 1"] * 2, \
        f"cp ended {got}, want exit 0 twice, then exit 1 twice"


def test_rust_wc_reads_files_through_the_file_service(sh):
    sh.cmd("echo one two three > /tmp/a")
    sh.cmd("echo four >> /tmp/a")
    sh.cmd("echo five six > /tmp/b")
    out = sh.cmd("wc /tmp/a /tmp/b")
    assert re.search(r"^ +2 +4 +19 /tmp/a\n +1 +2 +9 /tmp/b\n +3 +6 +28 total$",
                     out, re.M), out
    assert [how for _, how in ends(sh.log, "wc.wasm")] == ["exit 0"]


def test_rust_wc_reports_a_missing_file(sh):
    out = sh.cmd("wc /tmp/none")
    assert re.search(r"^wc: /tmp/none: .*(not found|No such file)", out, re.M), out
    assert [how for _, how in ends(sh.log, "wc.wasm")] == ["exit 1"]


def test_a_foreground_program_reads_the_typed_lines(sh):
    sh.sendline("wc")
    sh.expect(r"wc\n")                  # the console echoed the command
    sh.sendline("hello wisp")
    sh.expect(r"hello wisp\n")          # echoed: wc is reading
    sh.sendline("a b c")
    sh.expect(r"a b c\n")
    sh.send("\x04")                     # Ctrl-D: end of input
    sh.expect(re.compile(r"^ +2 +5 +17 $", re.M))
    sh.expect(SHELL_PROMPT_RE)
    assert [how for _, how in ends(sh.log, "wc.wasm")] == ["exit 0"]
    assert sh.cmd("echo alive").strip() == "alive"


def test_producer_and_consumer_from_the_shell(sh):
    """producer starts consumer itself and streams to it over IPC; both
    print through the console the shell gave the producer."""
    out = sh.cmd("producer 50", timeout=180)
    assert re.search(r"^consumer: 50 messages, \d+ bytes, all in order and intact$",
                     out, re.M), out
    assert re.search(r"^producer: sent 50 messages \(\d+ bytes\); the consumer got "
                     r"50, 0 bad$", out, re.M), out
    assert [how for _, how in ends(sh.log, "producer.wasm")] == ["exit 0"]
    if not ends(sh.log, "consumer.wasm"):     # it may end after the prompt
        sh.wait_end("consumer.wasm")
    assert [how for _, how in ends(sh.log, "consumer.wasm")] == ["exit 0"]
