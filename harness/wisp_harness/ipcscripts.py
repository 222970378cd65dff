"""Model-based testing of the IPC layer: the same scripts run in the
reference model (spec/ipc/script.py), in the host runner
build/host/ipc-script and in the kernel (the monitor's `ipcscript`, in
QEMU), and their traces must be identical line for line.

A divergence is reported with the first differing line and the shortest
script still showing it (script.py's shrink on the host runner, or, when
only the kernel diverges, a batched shrink that runs every candidate of a
round in one boot, with a bounded number of boots).

For a person reading a divergence, side_by_side() prints a script's
steps with the model's result and the runner's beside each other, and
group_report() checks a group of scripts (the lab 6 grader's groups)
and reports the shortest script that shows a difference in that form.

As a program (`make spec-long` runs `long`; `make ipc-compare S=FILE`
runs `compare`):

    python3 -m wisp_harness.ipcscripts long [--scripts N] [--seed S]
                                            [--batch B] [--no-qemu]
    python3 -m wisp_harness.ipcscripts compare FILE
"""

import argparse
import os
import re
import subprocess
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path

from .iso import iso_with_files
from .qemu import ROOT, HarnessError, Wisp, log_dir

sys.path.insert(0, str(ROOT / "spec" / "ipc"))
import script as S  # noqa: E402  (spec/ipc/script.py)

HOST_RUNNER = ROOT / "build" / "host" / "ipc-script"
SCRIPTS_FILE = "ipcscripts.txt"     # the initrd file the kernel runs
QEMU_BOOTS_MAX = 12                 # boots one QEMU shrink may use


def container(scripts):
    """The text of a container file holding the scripts, in order."""
    return "".join(S.format_script(sc) for sc in scripts)


def split_container(text, lenient=False):
    """The traces (lists of lines) of a runner's container output: the
    lines after each "=== script K" header, up to the next header or
    "=== end".  A missing "=== end" (the runner died) is a HarnessError,
    unless lenient: then the traces so far, the last one cut short."""
    traces, cur = [], None
    for ln in text.splitlines():
        if ln.startswith("=== script "):
            cur = []
            traces.append(cur)
        elif ln == "=== end":
            return traces
        elif cur is not None:
            cur.append(ln.rstrip())
    if lenient:
        return traces
    raise HarnessError(f"runner output has no '=== end' line "
                       f"({len(traces)} scripts started):\n{text[-2000:]}")


def model_trace(sc):
    """The reference model's trace of a script, as lines."""
    return S.run_script(sc)[0]


TODO_RE = re.compile(r"^LAB-TODO: lab \d+: \w+ is not written yet$")


@dataclass
class HostRun:
    """What build/host/ipc-script did with some scripts: the traces it
    printed (fewer than the scripts if it crashed), the LAB-TODO lines
    of the stubs it ran into, and, if it did not end well (a sanitizer's
    report, a crash), its exit status and the rest of standard error."""
    traces: list
    todos: list
    crash: str


def host_run(scripts):
    """Run the scripts through build/host/ipc-script (HostRun)."""
    if not HOST_RUNNER.is_file():
        raise HarnessError(f"{HOST_RUNNER} does not exist: run make first")
    with tempfile.NamedTemporaryFile("w", suffix=".txt") as f:
        f.write(container(scripts))
        f.flush()
        r = subprocess.run([str(HOST_RUNNER), f.name], capture_output=True,
                           text=True, timeout=600)
    err = r.stderr.splitlines()
    todos = [ln for ln in err if TODO_RE.match(ln)]
    rest = [ln for ln in err if not TODO_RE.match(ln)]
    crash = ""
    if r.returncode not in (0, 1) or rest:
        crash = f"ipc-script exited {r.returncode}:\n" + "\n".join(rest)[-4000:]
    return HostRun(split_container(r.stdout, lenient=True), todos, crash)


def host_traces(scripts):
    """The traces build/host/ipc-script prints for the scripts (a crash
    is a HarnessError; LAB-TODO lines are left out)."""
    run = host_run(scripts)
    if run.crash or len(run.traces) < len(scripts):
        raise HarnessError(run.crash or "ipc-script printed no '=== end' line")
    return run.traces


def qemu_traces(scripts, name=None, timeout=900, extra_cmds=()):
    """The traces the kernel prints for the scripts: one boot of an ISO
    whose initrd holds them as SCRIPTS_FILE, `ipcscript SCRIPTS_FILE` at
    the monitor.  extra_cmds: more monitor commands run after it; their
    outputs are returned too, as (traces, [outputs])."""
    iso = iso_with_files({SCRIPTS_FILE: container(scripts)})
    with Wisp(iso=iso, name=name) as w:
        w.boot()
        out = w.cmd(f"ipcscript {SCRIPTS_FILE}", timeout=timeout)
        more = [w.cmd(c) for c in extra_cmds]
    traces = split_container(out)
    return (traces, more) if extra_cmds else traces


@dataclass
class Divergence:
    """Script number `index` (from 0) printed `actual` where the model
    printed `expected`; `first` is script.first_divergence's triple."""
    index: int
    script: object
    expected: list
    actual: list
    first: tuple


def compare(scripts, traces, expected=None):
    """The Divergences between the traces a runner printed and the
    model's (expected: the model's traces, if already computed)."""
    expected = expected or [model_trace(sc) for sc in scripts]
    divs = []
    for i, sc in enumerate(scripts):
        actual = traces[i] if i < len(traces) else ["(no trace: the runner stopped)"]
        first = S.first_divergence(expected[i], actual)
        if first:
            divs.append(Divergence(i, sc, expected[i], actual, first))
    return divs


def describe(div, who="kernel", shrunk=None):
    """A report of a divergence: where, the two lines, and the shrunk
    script if there is one."""
    n, e, a = div.first
    text = (f"script {div.index + 1}: {who} trace differs from the model's at "
            f"line {n}\n  model:  {e}\n  {who + ':':7} {a}\n")
    if shrunk is not None:
        first = S.first_divergence(model_trace(shrunk[0]), shrunk[1])
        text += (f"shortest script showing it ({len(shrunk[0].steps)} steps; "
                 f"first divergence line {first[0] if first else '?'}: "
                 f"model {first[1] if first else '?'!r}, "
                 f"{who} {first[2] if first else '?'!r}):\n"
                 f"{S.format_script(shrunk[0])}\n"
                 + "\n".join(side_by_side(shrunk[0], model_trace(shrunk[0]),
                                         shrunk[1], who)) + "\n")
    else:
        text += f"script:\n{S.format_script(div.script)}"
    return text


def diverges_on(traces_of):
    """The shrink predicate "the runner's trace differs from the model's"
    for a runner traces_of(list of scripts) -> list of traces."""
    return lambda sc: model_trace(sc) != traces_of([sc])[0]


def shrink_batched(sc, traces_of, rounds=QEMU_BOOTS_MAX):
    """script.shrink's chunk-dropping search, but every candidate of one
    chunk size goes to the runner in one batch (one QEMU boot), at most
    `rounds` batches.  Returns the smallest script found that shows the
    divergence (sc itself if none smaller does)."""
    steps = list(sc.steps)
    chunk = max(1, len(steps) // 2)
    while chunk >= 1 and rounds > 0:
        cands = [S.Script(sc.nprocs, tuple(steps[:i] + steps[i + chunk:]))
                 for i in range(0, len(steps), chunk)]
        cands = [c for c in cands if c.steps and S.is_valid(c)]
        if not cands:
            chunk //= 2
            continue
        rounds -= 1
        shown = [c for c, t in zip(cands, traces_of(cands)) if model_trace(c) != t]
        if shown:
            steps = list(shown[0].steps)
            chunk = min(chunk, max(1, len(steps) // 2))
        else:
            chunk //= 2
    return S.Script(sc.nprocs, tuple(steps))


def shrink_kernel_divergence(sc, name=None):
    """(shortest script, its kernel trace) for a script whose kernel
    trace diverges: shrunk on the host runner if it diverges there too
    (fast), else in QEMU in batches."""
    if diverges_on(host_traces)(sc):
        small = S.shrink(sc, diverges_on(host_traces))
    else:
        small = shrink_batched(sc, lambda cs: qemu_traces(cs, name=name))
    return small, qemu_traces([small], name=name)[0]


def shrink_host_divergence(sc):
    """(shortest script, its host trace) for a host divergence."""
    small = S.shrink(sc, diverges_on(host_traces))
    return small, host_traces([small])[0]


# --- a group of scripts, as the lab 6 grader checks it -------------------------
HOST_SHRINK_ROUNDS = 400        # runner runs one host shrink may use
SHRINK_CANDIDATES = 3           # diverging scripts shrunk, the shortest kept


def _padded_host_traces(scripts):
    """The host runner's traces, one per script even if it crashed (a
    script it never finished has NO_TRACE)."""
    traces = host_run(scripts).traces
    return traces + [[NO_TRACE]] * (len(scripts) - len(traces))


def renumbered(sc):
    """sc with only the processes its steps name, renumbered 1, 2, ... in
    order (a `give` names its target too); sc itself if it names all."""
    used = sorted({st.pid for st in sc.steps} |
                  {v for st in sc.steps if st.op == "give" for k, v in st.args if k == "to"})
    if len(used) == sc.nprocs:
        return sc
    new = {old: i for i, old in enumerate(used, 1)}
    steps = tuple(S.Step(new[st.pid], st.op,
                         tuple((k, new[v] if st.op == "give" and k == "to" else v)
                               for k, v in st.args)) for st in sc.steps)
    return S.Script(max(len(used), 1), steps)


def shrink_host(sc):
    """The shortest script found that still shows sc's host divergence:
    shrink_batched's steps, then only the processes they name."""
    small = shrink_batched(sc, _padded_host_traces, HOST_SHRINK_ROUNDS)
    fewer = renumbered(small)
    if fewer is not small and S.is_valid(fewer) and \
            model_trace(fewer) != _padded_host_traces([fewer])[0]:
        return fewer
    return small


def shown_path(path):
    """path as the person who ran make sees it: relative to the top of
    their tree ($WISP_TOP, set when a grader runs in an assembled tree)."""
    top = os.environ.get("WISP_TOP") or str(ROOT)
    return os.path.relpath(path, top)


@dataclass
class GroupResult:
    """What group_report found: how many scripts differ, the report (""
    when none does), the LAB-TODO lines the runner printed, and the
    shortest script showing the difference (None if none)."""
    differ: int
    report: str
    todos: list
    shortest: object


def group_report(title, scripts, save_as, who="your ipc/"):
    """Run the scripts through the host runner and compare each trace
    with the model's.  If any differs (or the runner crashed), shrink up
    to SHRINK_CANDIDATES of the shortest diverging scripts, save the
    shortest result in save_as, and report it step by step beside the
    model (side_by_side), with how to run it by hand."""
    run = host_run(scripts)
    expected = [model_trace(sc) for sc in scripts]
    divs = compare(scripts, run.traces + [[NO_TRACE]] * (len(scripts) - len(run.traces)),
                   expected)
    if not divs and not run.crash:
        return GroupResult(0, "", run.todos, None)
    if not divs:
        return GroupResult(0, f"{title}: every trace is the model's, but the runner did "
                           f"not end cleanly:\n{run.crash}\n", run.todos, None)
    cands = sorted(divs, key=lambda d: len(d.script.steps))[:SHRINK_CANDIDATES]
    small = min((shrink_host(d.script) for d in cands),
                key=lambda sc: (len(sc.steps), sc.nprocs))
    alone = host_run([small])
    trace = alone.traces[0] if alone.traces else [NO_TRACE]
    save_as = Path(save_as)
    save_as.parent.mkdir(parents=True, exist_ok=True)
    save_as.write_text(S.format_script(small))
    shown = shown_path(save_as)
    lines = [f"{title}: {len(divs)} of {len(scripts)} scripts end with a trace that "
             f"is not the model's.",
             f"The shortest script that shows it has {len(small.steps)} steps "
             f"(saved as {shown}).",
             "Each step with what the model returns and what your ipc/ returns:", ""]
    lines += ["  " + ln for ln in side_by_side(small, model_trace(small), trace, who)]
    if alone.crash:
        lines += ["", "Your ipc/ did not survive this script:"]
        lines += ["  " + ln for ln in alone.crash.splitlines()[-12:]]
    lines += ["", f"Run it yourself: make ipc-compare S={shown}",
              f"  (your trace alone: {shown_path(HOST_RUNNER)} {shown};",
              f"  the model's: python3 spec/ipc/script.py run {shown})"]
    return GroupResult(len(divs), "\n".join(lines) + "\n", run.todos, small)


def compare_file(path):
    """`compare FILE`: each script of a file through the host runner,
    shown beside the model's trace; 0 if every one agrees, else 1."""
    text = Path(path).read_text()
    starts = [m.start() for m in re.finditer(rf"^{re.escape(S.SCRIPT_MAGIC)}$", text, re.M)]
    scripts = [S.parse_script(text[a:b]) for a, b in zip(starts, starts[1:] + [len(text)])]
    if not scripts:
        raise ValueError(f"{path}: no script (a script starts with '{S.SCRIPT_MAGIC}')")
    run = host_run(scripts)
    traces = run.traces + [[NO_TRACE]] * (len(scripts) - len(run.traces))
    bad = 0
    for k, (sc, trace) in enumerate(zip(scripts, traces), 1):
        expected = model_trace(sc)
        same = expected == trace
        bad += not same
        print(f"script {k}: {'the same as the model' if same else 'NOT the model'}")
        print("\n".join("  " + ln for ln in side_by_side(sc, expected, trace, "your ipc/")))
    for ln in run.todos:
        print(ln)
    if run.crash:
        print(run.crash)
    return 1 if bad or run.crash else 0


# --- reading a divergence: the model and the runner side by side ------------
STEP_RE = re.compile(r"^(\d+): (\d+) \S+ -> (.*)$")
WAKE_RE = re.compile(r"^(\d+): wake (\d+) -> (.*)$")
STEP_ERR_RE = re.compile(r"^error: step (\d+): (.*)$")
STATE_RE = re.compile(r"^(proc \d+|ep\d+|ntfn\d+) (.*)$")
NO_TRACE = "(no trace: the runner stopped)"
COL_MAX = 40                    # widest step or model column before a wrap


@dataclass
class _Parsed:
    """A trace taken apart: step n -> its result, its wakes ("wake PID:
    RESULT"), the final state (key -> rest of the line), other lines."""
    ret: dict
    wakes: dict
    final: dict
    other: list


def _parse(trace):
    p = _Parsed({}, {}, {}, [])
    in_final = False
    for ln in trace:
        m = STEP_RE.match(ln)
        w = WAKE_RE.match(ln)
        e = STEP_ERR_RE.match(ln)
        st = STATE_RE.match(ln) if in_final else None
        if ln == "final":
            in_final = True
        elif st:
            p.final[st[1]] = st[2]
        elif w:
            p.wakes.setdefault(int(w[1]), []).append(f"wake {w[2]}: {w[3]}")
        elif m:
            p.ret[int(m[1])] = m[3]
        elif e:
            p.ret[int(e[1])] = f"error: {e[2]}"
        else:
            p.other.append(ln)
    return p


def _rows(sc, expected, actual):
    """(label, model, yours) rows: a row per step, per wake and per line
    of the final state; None where a trace has nothing."""
    e, a = _parse(expected), _parse(actual)
    rows = []
    for n, st in enumerate(sc.steps, 1):
        rows.append((f"{n:>2}  {S.format_step(st)}", e.ret.get(n), a.ret.get(n)))
        ew, aw = e.wakes.get(n, []), a.wakes.get(n, [])
        for i in range(max(len(ew), len(aw))):
            rows.append(("", ew[i] if i < len(ew) else None,
                         aw[i] if i < len(aw) else None))
    rows.append(("    final state", "", ""))
    for key in list(e.final) + [k for k in a.final if k not in e.final]:
        rows.append((f"    {key}", e.final.get(key), a.final.get(key)))
    for ln in a.other:
        rows.append(("", None, ln))
    return rows


def _layout(cells, starts):
    """One row of a table as lines: each cell at its column; a cell that
    runs into the next column's gap pushes the rest to a new line."""
    lines, line = [], ""
    for text, col in zip(cells, starts):
        if line and len(line) > col - 2:
            lines.append(line)
            line = ""
        line = line.ljust(col) + text
    return lines + [line.rstrip()]


def side_by_side(sc, expected, actual, who="yours"):
    """The lines of a table: each step of script sc, what the model's
    trace says it returned and what the runner's says ("same" when they
    agree), each wake and each line of the final state likewise; rows
    that differ are marked, the first one as such."""
    rows = _rows(sc, expected, actual)
    show = lambda v: "(nothing)" if v is None else v     # noqa: E731
    w1 = min(COL_MAX, max(len(r[0]) for r in rows))
    w2 = min(COL_MAX, max(len(show(r[1])) for r in rows))
    starts = (0, w1 + 2, w1 + w2 + 4)
    out = _layout(["step", "model", who], starts)
    first = True
    for label, m, y in rows:
        if label == "    final state":
            out.append(label)
            continue
        mark = ""
        if m != y:
            mark = "   <== the first difference" if first else "   <=="
            first = False
        out += _layout([label, show(m), ("same" if m == y else show(y)) + mark],
                       starts)
    return out


# --- make spec-long ----------------------------------------------------------
def _check_batch(scripts, traces, who, shrinker):
    """Compare one batch; print and return the first divergence's report."""
    divs = compare(scripts, traces)
    if not divs:
        return None
    text = describe(divs[0], who, shrinker(divs[0].script))
    print(f"{len(divs)} of {len(scripts)} scripts diverge on the {who}; the first:\n{text}")
    return text


def long_run(n, seed, batch, qemu=True):
    """Run n random scripts (seeds seed..seed+n-1) through the host
    runner and, in batches of `batch` per boot, the kernel; compare each
    with the model.  Returns 0 if all agree, 1 otherwise."""
    scripts = [S.gen_script(k) for k in range(seed, seed + n)]
    bad = 0
    for i in range(0, n, 1000):
        part = scripts[i:i + 1000]
        bad += bool(_check_batch(part, host_traces(part), "host", shrink_host_divergence))
    print(f"host runner: {n} scripts (seeds {seed}..{seed + n - 1}): "
          f"{'DIVERGES' if bad else 'identical to the model'}", flush=True)
    for i in range(0, n if qemu else 0, batch):
        part = scripts[i:i + batch]
        name = f"spec-long-{seed + i}"
        traces = qemu_traces(part, name=name)
        found = _check_batch(part, traces, "kernel",
                             lambda sc: shrink_kernel_divergence(sc, name))
        bad += bool(found)
        if not found:               # keep only the serial logs that matter
            for p in log_dir().glob(f"{name}.*log"):
                p.unlink()
        print(f"kernel: scripts {i + 1}..{i + len(part)} of {n}: "
              f"{'DIVERGE' if found else 'identical to the model'}", flush=True)
    return 1 if bad else 0


def main(argv):
    ap = argparse.ArgumentParser(prog="ipcscripts", description=__doc__.split("\n\n")[0])
    ap.add_argument("what", choices=["long", "compare"])
    ap.add_argument("file", nargs="?", help="compare: a file of scripts")
    ap.add_argument("--scripts", type=int, default=5000)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--batch", type=int, default=500)
    ap.add_argument("--no-qemu", action="store_true")
    a = ap.parse_args(argv)
    try:
        if a.what == "compare":
            if not a.file:
                ap.error("compare needs a FILE of scripts")
            return compare_file(a.file)
        return long_run(a.scripts, a.seed, a.batch, qemu=not a.no_qemu)
    except (OSError, ValueError, S.ScriptError) as e:
        print(f"ipcscripts: {e}", file=sys.stderr)
        return 2
    except HarnessError as e:
        print(f"ipcscripts: {e}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
