#!/usr/bin/python3
"""spec/ipc/trail.py: spin runs of spec/ipc/wide.pml as IPC scripts.

wide.pml prints each kernel operation it performs as "@ PID OP ARGS".  A
random simulation (`spin -nSEED wide.pml`) or the replay of a
counterexample trail (`spin -t -DBUG_... wide.pml`) therefore prints a
run of the Promela model as the steps of a script; after SETUP (which
builds, in the C core's terms, the handles the Promela model takes for
granted) it is a script of spec/ipc.md's format, which the tests run
through the Python model and the C core.  So the Promela abstraction is
tested against the code: every run spin makes must be a valid script,
the model and the C must agree on it, and (with no bug planted in the
Promela kernel) every reply must reach the client that made the call.

Processes: clients 1..NC, servers NC+1..NC+NS, the waiter NC+NS+1 (NC =
NS = 2).  Each client holds a send handle to the endpoint (slot 0) and a
send handle to the notification badged with its bit (slot 1); each
server a receive handle (slot 0), its reply handles landing in slots 1
and 2 as wide.pml's two; the waiter a receive handle to the notification
(slot 3).

    trail.py sim SEED       print the script of a random simulation
    trail.py trail DIR      print the script of DIR's wide.pml.trail
                            (DIR holds the wide.pml it was found with)
"""

import re
import subprocess
import sys
from pathlib import Path

import script as S

NC, NS = 2, 2
SETUP = """\
3 ep_create
3 dup 0 -r- 0
3 dup 0 s-- 0
3 give 2 1
3 give 2 2
3 give 1 4
3 close 2
3 close 0
3 dup 1 -r- 0
3 close 1
5 ntfn_create
5 dup 0 s-- 1
5 give 1 1
5 dup 0 s-- 2
5 give 2 2
5 dup 0 -r- 0
5 close 0
5 close 1
5 close 2
"""
OP_RE = re.compile(r"^\s*@ (\d+ .*)$")


def steps_of(output):
    """The step lines a spin run printed, a reply followed by a recv of the
    same server merged into one reply_recv (what wide.pml's reply_recv
    does in one atomic step)."""
    out = []
    for ln in output.splitlines():
        m = OP_RE.match(ln)
        if not m:
            continue
        tok = m[1].split()
        if tok[1] == "recv" and out and out[-1].split()[:2] == [tok[0], "reply"]:
            prev = out.pop().split()
            out.append(" ".join([tok[0], "reply_recv", prev[2], "0"] + prev[3:]))
            continue
        out.append(m[1])
    return out


def script_of(output):
    """The Script of a spin run's output."""
    text = f"{S.SCRIPT_MAGIC}\nprocs {NC + NS + 1}\n{SETUP}" + \
        "".join(f"{ln}\n" for ln in steps_of(output))
    return S.parse_script(text)


def simulate(pml_dir, seed, defines=()):
    """The output of a random simulation of pml_dir/wide.pml."""
    return subprocess.run(["spin", *defines, f"-n{seed}", "wide.pml"], cwd=pml_dir,
                          capture_output=True, text=True, check=True).stdout


def replay(pml_dir, defines=()):
    """The output of replaying pml_dir/wide.pml.trail."""
    return subprocess.run(["spin", *defines, "-t", "wide.pml"], cwd=pml_dir,
                          capture_output=True, text=True, check=True).stdout


def own_replies(trace):
    """Whether every client's call was answered with its own number
    (wide.pml's ghost, on the model's trace): the wake lines of clients
    1..NC carry label=PID."""
    ok = True
    for ln in trace:
        m = re.match(r"\d+: wake (\d+) -> ok badge=0 label=(\d+)", ln)
        if m and int(m[1]) <= NC:
            ok = ok and m[1] == m[2]
    return ok


def main(argv):
    spec = Path(__file__).resolve().parent
    if argv[:1] == ["sim"] and len(argv) == 2:
        print(S.format_script(script_of(simulate(spec, int(argv[1])))), end="")
        return 0
    if argv[:1] == ["trail"] and len(argv) == 2:
        print(S.format_script(script_of(replay(argv[1]))), end="")
        return 0
    print("usage: trail.py sim SEED | trail DIR", file=sys.stderr)
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
