"""Coverage as a gate for the IPC core (`make spec-cover`, part of
`make spec`).

Four checks, each printed with its figures:

1. the model's coverage of the directed suite (spec/ipc/cover.py): every
   (operation, result) pair, free-slot boundary and named feature, and
   every side of every `if` of model.py a script can reach;
2. the directed suite through a host runner of the C core, each trace
   compared with the model's;
3. every script of up to --depth steps (cover.exhaustive_scripts)
   through the same runner, compared likewise;
4. gcov's line coverage of ipc/*.c over all of that (and whatever else
   ran the same objects first, e.g. the core's unit tests), against
   --min-lines.

    python3 -m wisp_harness.ipccover --runner PROG [--depth D]
                                     [--gcov OBJDIR --min-lines P]

Exit status 0 when every check passes, 1 otherwise.
"""

import argparse
import re
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from .qemu import ROOT

sys.path.insert(0, str(ROOT / "spec" / "ipc"))
import cover as C  # noqa: E402  (spec/ipc/cover.py)
import script as S  # noqa: E402

CHUNK = 4000                    # scripts per runner process


def runner_traces(runner, scripts):
    """The traces a runner prints for the scripts, CHUNK per process."""
    out = []
    for i in range(0, len(scripts), CHUNK):
        part = scripts[i:i + CHUNK]
        with tempfile.NamedTemporaryFile("w", suffix=".txt") as f:
            f.write("".join(S.format_script(sc) for sc in part))
            f.flush()
            r = subprocess.run([str(runner), f.name], capture_output=True, text=True,
                               timeout=1200)
        traces, cur = [], None
        for ln in r.stdout.splitlines():
            if ln.startswith("=== script "):
                cur = []
                traces.append(cur)
            elif ln == "=== end":
                cur = None
            elif cur is not None:
                cur.append(ln.rstrip())
        out += traces + [["(no trace: the runner stopped)"]] * (len(part) - len(traces))
    return out


def divergences(runner, scripts, expected):
    """[(index, first differing line triple)] of the runner against the
    model's traces."""
    bad = []
    for i, tr in enumerate(runner_traces(runner, scripts)):
        first = S.first_divergence(expected[i], tr)
        if first:
            bad.append((i, first))
    return bad


def show(scripts, bad, what):
    """Print the first divergence of a list (the shortest script)."""
    i, (n, e, a) = min(bad, key=lambda b: len(scripts[b[0]].steps))
    print(f"{what}: {len(bad)} of {len(scripts)} scripts differ from the model; "
          f"the shortest, at trace line {n}:\n  model:  {e}\n  runner: {a}\n"
          f"{S.format_script(scripts[i])}")


GCOV_RE = re.compile(r"File '([^']+)'\nLines executed:([\d.]+)% of (\d+)")


def gcov_lines(objdir):
    """{source: (lines run, lines)} for each ipc/*.c gcov has data for but
    invariants.c (the checker: its failure lines run only on a bug)."""
    srcs = sorted(str(p.relative_to(ROOT)) for p in (ROOT / "ipc").glob("*.c")
                  if (Path(objdir) / (p.stem + ".gcda")).exists() and
                  p.name != "invariants.c")
    r = subprocess.run(["gcov", "-n", "-o", str(objdir)] + srcs, capture_output=True,
                       text=True, cwd=ROOT)
    out = {}
    for name, pct, n in GCOV_RE.findall(r.stdout):
        if name.startswith("ipc/") and name.count("/") == 1:
            out[name] = (round(float(pct) * int(n) / 100), int(n))
    return out


def main(argv):
    ap = argparse.ArgumentParser(prog="ipccover")
    ap.add_argument("--runner", required=True)
    ap.add_argument("--depth", type=int, default=3)
    ap.add_argument("--gcov", help="object directory of ipc/*.c built with --coverage")
    ap.add_argument("--min-lines", type=float, default=0.0)
    a = ap.parse_args(argv)
    ok = True

    t = time.time()
    scripts, cov = C.directed_suite()
    print(f"directed suite: {len(scripts)} scripts, "
          f"{sum(len(sc.steps) for sc in scripts)} steps ({time.time() - t:.1f} s)")
    pct, missed, missb = C.report(cov)
    if missed or missb:
        print("ipccover: the directed suite misses part of the model", file=sys.stderr)
        ok = False

    t = time.time()
    expected = [S.run_script(sc)[0] for sc in scripts]
    bad = divergences(a.runner, scripts, expected)
    print(f"directed suite through {a.runner}: "
          f"{'DIFFERS' if bad else 'identical to the model'} ({time.time() - t:.1f} s)")
    if bad:
        show(scripts, bad, "directed suite")
        ok = False

    t = time.time()
    ex, ex_traces, states = C.exhaustive_scripts(a.depth)
    t_model = time.time() - t
    bad = divergences(a.runner, ex, ex_traces)
    print(f"every script of depth {a.depth}: {len(ex)} scripts from {states} distinct "
          f"model states (model {t_model:.1f} s, runner and comparison "
          f"{time.time() - t - t_model:.1f} s): "
          f"{'DIFFER' if bad else 'identical to the model'}")
    if bad:
        show(ex, bad, f"depth {a.depth}")
        ok = False

    if a.gcov:
        files = gcov_lines(a.gcov)
        run = sum(r for r, _ in files.values())
        total = sum(n for _, n in files.values())
        for name, (r, n) in sorted(files.items()):
            print(f"  gcov {name:14} {r:4}/{n:<4} lines ({100.0 * r / n:5.1f}%)")
        lpct = 100.0 * run / total if total else 0.0
        print(f"gcov: ipc/*.c {run}/{total} lines ({lpct:.1f}%; the gate: "
              f"{a.min_lines:.0f}%)")
        if lpct < a.min_lines:
            print(f"ipccover: line coverage {lpct:.1f}% is below {a.min_lines}%",
                  file=sys.stderr)
            ok = False
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
