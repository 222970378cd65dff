"""Model-based testing of the IPC layer: the same scripts run in the
reference model (spec/ipc/script.py), in the host runner
build/host/ipc-script and in the kernel (the monitor's `ipcscript`, in
QEMU), and their traces must be identical line for line.

A divergence is reported with the first differing line and the shortest
script still showing it (script.py's shrink on the host runner, or, when
only the kernel diverges, a batched shrink that runs every candidate of a
round in one boot, with a bounded number of boots).

As a program (`make spec-long` runs it):

    python3 -m wisp_harness.ipcscripts long [--scripts N] [--seed S]
                                            [--batch B] [--no-qemu]
"""

import argparse
import subprocess
import sys
import tempfile
from dataclasses import dataclass

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


def split_container(text):
    """The traces (lists of lines) of a runner's container output: the
    lines after each "=== script K" header, up to the next header or
    "=== end".  A missing "=== end" (the runner died) is a HarnessError."""
    traces, cur = [], None
    for ln in text.splitlines():
        if ln.startswith("=== script "):
            cur = []
            traces.append(cur)
        elif ln == "=== end":
            return traces
        elif cur is not None:
            cur.append(ln.rstrip())
    raise HarnessError(f"runner output has no '=== end' line "
                       f"({len(traces)} scripts started):\n{text[-2000:]}")


def model_trace(sc):
    """The reference model's trace of a script, as lines."""
    return S.run_script(sc)[0]


def host_traces(scripts):
    """The traces build/host/ipc-script prints for the scripts."""
    if not HOST_RUNNER.is_file():
        raise HarnessError(f"{HOST_RUNNER} does not exist: run make first")
    with tempfile.NamedTemporaryFile("w", suffix=".txt") as f:
        f.write(container(scripts))
        f.flush()
        r = subprocess.run([str(HOST_RUNNER), f.name], capture_output=True,
                           text=True, timeout=600)
    if r.returncode not in (0, 1) or r.stderr:
        raise HarnessError(f"ipc-script exited {r.returncode}:\n{r.stderr[-4000:]}")
    return split_container(r.stdout)


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
                 f"{S.format_script(shrunk[0])}")
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
    ap.add_argument("what", choices=["long"])
    ap.add_argument("--scripts", type=int, default=5000)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--batch", type=int, default=500)
    ap.add_argument("--no-qemu", action="store_true")
    a = ap.parse_args(argv)
    try:
        return long_run(a.scripts, a.seed, a.batch, qemu=not a.no_qemu)
    except HarnessError as e:
        print(f"ipcscripts: {e}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
