"""bench/sections/ipc.py: the IPC round trip, two ways.

A round trip is a client's `call` and its server's `reply_recv`: one
message each way.  Three messages: empty (label only), 8 words, and a
4 KiB buffer sent with the call and echoed back with the reply.

Guest instructions: boots build/wisp.iso under QEMU with `-icount
shift=0` and runs `run ipcbench TICKS` (services/ipcbench.c), which
spawns itself as the server and makes round trips from one timer tick to
TICKS ticks later, reading the clock once per 256 round trips.  Under
`-icount shift=0` QEMU's virtual clock advances one nanosecond per guest
instruction (and the TSC one per instruction: kernel_switch.py), and the
kernel's timer runs on that clock, so the nanoseconds the program
measures are guest instructions.  Nothing is subtracted: the figure
holds both programs' Wasm loops in the interpreter, the host calls, the
IPC core, two thread switches, the clock reads and the timer
interrupts (a clock read costs about 470 instructions, under 2 per round
trip or null call).  Each boot runs ipcbench twice: with the fast path of call
and reply_recv (the monitor's `ipcfast on`, as the kernel boots;
kernel/proc/ipcfast.c), then on the slow path (`ipcfast off`).  Two
boots must agree within 1%.

Host nanoseconds: build/bench/ipc_host (bench/ipc_host.c) runs the same
round trips on the C core alone (build/host/libipc.a): two struct
ipc_proc in one host process, no interpreter and no scheduler; the
median over batches of the thread's CPU time.

Quick mode (`bench/sections/ipc.py --quick`, used by the tests): one
boot with 2 ticks per size and a short host run, printed as text.
"""
import os
import pathlib
import re
import subprocess
import sys

TICKS = 50              # timer ticks (10 ms = 10M instructions) per size
RUNS = 2
HOST_ROUNDS, HOST_BATCHES = 20000, 21
QUICK = {'ticks': 2, 'runs': 1, 'rounds': 2000, 'batches': 3}
TARGET = 1000           # guest instructions for a 0-word round trip
NULL_TARGET = 100       # guest instructions for a null host call
SIZES = ['0 words', '8 words', '4 KiB buffer']
ISO = 'build/wisp.iso'
HOST = 'build/bench/ipc_host'
NULL = 'null host call'
PATHS = ['on', 'off']    # the fast path, then the slow one (`ipcfast`)
GUEST_RE = re.compile(r'^ipcbench: (.+?): (\d+) (?:round trips|calls) in '
                      r'(\d+) ns: (\d+\.\d) ns per (?:round trip|call)$', re.M)
HOST_RE = re.compile(r'^ipc_host: (.+?): (\d+) round trips x (\d+), '
                     r'(\d+\.\d) ns per round trip$', re.M)


def parse(regex, out, who, ctx, names=SIZES):
    """{name: the line's groups} for every name, or RunError."""
    found = {m.group(1): m.groups()[1:] for m in regex.finditer(out)}
    missing = [s for s in names if s not in found]
    if missing:
        raise ctx.RunError(f'{who}: no line for {", ".join(missing)} in '
                           f'{out.strip()[-300:]!r}')
    return found


def host(ctx, rounds, batches):
    """{size: host ns per round trip} from one run of ipc_host."""
    path = ctx.root / HOST
    if not path.is_file():
        raise ctx.RunError(f'{path} missing: run make bench-build')
    p = subprocess.run([str(path), str(rounds), str(batches)],
                       capture_output=True, text=True, timeout=600)
    if p.returncode != 0:
        raise ctx.RunError(f'ipc_host: exit {p.returncode}: '
                           f'{(p.stderr or p.stdout).strip()[-200:]}')
    return {s: float(g[2]) for s, g in parse(HOST_RE, p.stdout, 'ipc_host',
                                            ctx).items()}


def ipcbench(ctx, w, ticks):
    """{size: (round trips, instructions)} from one `run ipcbench`, and
    the same for the null host call (calls, instructions)."""
    out = w.cmd(f'run ipcbench {ticks}', timeout=600)
    if not re.search(r'^\[pid \d+ ipcbench\.wasm\] exit 0$', out, re.M):
        raise ctx.RunError('ipcbench did not exit 0: '
                           f'{out.strip()[-300:]!r}')
    return {s: (int(g[0]), int(g[1]))
            for s, g in parse(GUEST_RE, out, 'ipcbench', ctx,
                              SIZES + [NULL]).items()}


def guest(ctx, wisp_class, ticks):
    """One boot, ipcbench run with each path (the monitor's `ipcfast`):
    {path: ipcbench's figures}."""
    res = {}
    with wisp_class(iso=str(ctx.root / ISO), name='bench-ipc',
                    extra_args=['-icount', 'shift=0']) as w:
        w.boot()
        for path in PATHS:
            w.ipcfast(path)
            res[path] = ipcbench(ctx, w, ticks)
    return res


def guest_runs(ctx, t, ticks, runs):
    """{(path, size): [instructions per round trip of each boot]} and
    {size: round trips of the fast path}, failures in t."""
    per = {(p, s): [] for p in PATHS for s in SIZES + [NULL]}
    trips = {}
    if not (ctx.root / ISO).is_file():
        t.failures.append(f'ipc: {ctx.root / ISO} missing: run make first')
        return per, trips
    sys.path.insert(0, str(ctx.root / 'harness'))
    os.environ.setdefault('WISP_LOG_DIR', str(ctx.out / 'logs'))
    from wisp_harness import HarnessError, Wisp
    for i in range(runs):
        try:
            res = guest(ctx, Wisp, ticks)
        except (HarnessError, ctx.RunError) as e:
            t.failures.append(f'ipc: guest run {i + 1}: {e}')
            continue
        for p, sizes in res.items():
            for s, (n, ns) in sizes.items():
                per[p, s].append(ns / n)
                if p == PATHS[0]:
                    trips[s] = n
    for (p, s), v in per.items():
        if v and max(v) > min(v) * 1.01:
            t.failures.append(f'ipc: {s} (ipcfast {p}): boots disagree: '
                              + ', '.join(f'{x:.1f}' for x in v))
    return per, trips


def mean(v):
    """The mean of v as a table cell, FAIL if there is none."""
    return f'{sum(v) / len(v):,.1f}' if v else 'FAIL'


def run(ctx, quick=False):
    """The table: one row per message size; a missing ISO or host
    program, a failed run or two boots that disagree is a failure."""
    q = QUICK if quick else {'ticks': TICKS, 'runs': RUNS,
                             'rounds': HOST_ROUNDS, 'batches': HOST_BATCHES}
    t = ctx.Table('IPC round trip: call + reply_recv (guest instructions '
                  'under QEMU -icount shift=0; host ns of the C core)',
                  ['message', 'round trips (calls) measured',
                   'guest instructions each', 'slow path',
                   'host ns each'])
    per, trips = guest_runs(ctx, t, q['ticks'], q['runs'])
    try:
        ns = host(ctx, q['rounds'], q['batches'])
    except (ctx.RunError, OSError, subprocess.TimeoutExpired) as e:
        t.failures.append(f'ipc: host: {e}')
        ns = {}
    for s in SIZES + [NULL]:
        t.rows.append([s, f'{trips[s]:,}' if s in trips else 'FAIL',
                       mean(per['on', s]),
                       '-' if s == NULL else mean(per['off', s]),
                       '-' if s == NULL else
                       f'{ns[s]:.1f}' if s in ns else 'FAIL'])
    for size, target, what, incl in (
            ('0 words', TARGET, 'a 0-word round trip', 'both Wasm loops'),
            (NULL, NULL_TARGET, 'a null host call', 'its Wasm loop')):
        v = per['on', size]
        if v:
            got = sum(v) / len(v)
            t.notes.append(f'Target: {what} in <= {target:,} guest '
                           f'instructions ({incl} included): '
                           + ('met' if got <= target
                              else f'missed ({got:,.1f})'))
    t.notes.append(f'Guest: services/ipcbench.c, {q["ticks"]} timer ticks '
                   f'({q["ticks"] * 10} ms of virtual time) per size, mean '
                   f'of {q["runs"]} boot(s); one nanosecond of virtual time '
                   'is one instruction, nothing subtracted (the clock reads '
                   'and timer interrupts count).  Guest instructions: with '
                   'the fast path of call and reply_recv (`ipcfast on`, '
                   'as the kernel boots); slow path: the same boot after '
                   '`ipcfast off`.  The 4 KiB buffer goes both '
                   f'ways.  {NULL}: wisp.getpid in a loop, for scale (a '
                   'round trip makes two host calls).  seL4: about 760 cycles per round trip on Skylake, '
                   'native code.')
    t.notes.append(f'Host: bench/ipc_host.c on build/host/libipc.a, median '
                   f'of {q["batches"]} batches of {q["rounds"]:,} round '
                   'trips, thread CPU time: the IPC core without interpreter, '
                   'host calls or thread switches.')
    return t


if __name__ == '__main__':
    # quick mode, through bench/run.py's section_main
    sys.path.insert(0, str(pathlib.Path(__file__).resolve().parents[1]))
    import run as bench_run
    sys.exit(bench_run.section_main(run, sys.argv[1:], __doc__))
