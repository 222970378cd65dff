"""bench/sections/kernel_spawn.py: what a process costs the kernel.

Boots build/wisp.iso under QEMU with `-icount shift=0` (the TSC then
counts guest instructions, see kernel_switch.py) and runs the monitor
command `spawncost N NAME` (kernel/proc/proccmds.c) for a few programs.
It spawns NAME N times, one after the other, and prints the mean
instructions of proc_spawn alone (find the file, decode, validate,
compile, link, instantiate, make the exec and the thread) and of
spawn-to-reaped (the whole life of the program, its output included),
and the kernel bytes one live process holds beyond its linear memory:
its kernel-heap blocks (headers included; the compiled module among
them) plus its thread's stack; then the bytes a second process of the
same program costs while the first runs (it shares the compiled module),
and what it holds at its peak (the engine's stacks grow as calls need).
Two boots must agree within 1%.
"""
import os
import re
import sys

PROGRAMS = ['hello', 'unreachable']   # a printf program, a tiny one
SPAWNS = 5
RUNS = 2
COST_RE = re.compile(r"^spawncost: \S+ x\d+: spawn (\d+) cycles, spawn to "
                     r"reaped (\d+) cycles \(means\)$", re.M)
SECOND_RE = re.compile(r"^spawncost: a second process of the same program: "
                       r"(\d+) = heap", re.M)
PEAK_RE = re.compile(r"^spawncost: \.\.\. at its peak: (\d+) ", re.M)
CACHED_RE = re.compile(r"^spawncost: cached spawn (\d+) cycles; compiling "
                       r"(\d+) bytes of module (\d+) cycles \((\d+) per "
                       r"byte\)$", re.M)
BYTES_RE = re.compile(r"^spawncost: kernel bytes per process: (\d+) = heap "
                      r"(\d+) \(module (\d+), the rest (\d+)\) \+ thread "
                      r"stack (\d+)$", re.M)


def measure(ctx, wisp_class, prog):
    """One boot: (spawn, life, total bytes, module bytes, the rest, stack,
    2nd process, 2nd at its peak, cached spawn, .wasm bytes, compile
    cycles per byte) from `spawncost SPAWNS prog`."""
    with wisp_class(iso=str(ctx.root / 'build' / 'wisp.iso'),
                    name='bench-kernel-spawn',
                    extra_args=['-icount', 'shift=0']) as w:
        w.boot()
        out = w.cmd(f'spawncost {SPAWNS} {prog}', timeout=600)
    cost, size = COST_RE.search(out), BYTES_RE.search(out)
    second, peak = SECOND_RE.search(out), PEAK_RE.search(out)
    cached = CACHED_RE.search(out)
    if not cost or not size or not second or not peak or not cached:
        raise ctx.RunError(f'no spawncost lines in {out!r}')
    return tuple(map(int, cost.groups())) + (
        int(size.group(1)), int(size.group(3)), int(size.group(4)),
        int(size.group(5)), int(second.group(1)), int(peak.group(1)),
        int(cached.group(1)), int(cached.group(2)), int(cached.group(4)))


def row(ctx, wisp_class, prog, t):
    """Measure prog RUNS times; add its row, or a failure."""
    results = []
    for _ in range(RUNS):
        results.append(measure(ctx, wisp_class, prog))
    spawns = [r[0] for r in results]
    if max(spawns) > min(spawns) * 1.01:
        t.failures.append(f'kernel_spawn: {prog}: runs disagree: {spawns}')
    (spawn, life, total, module, rest, stack, second, peak, cached, wasm,
     per_byte) = results[0]
    t.rows.append([prog, f'{spawn:,}', f'{cached:,}', f'{wasm:,}',
                   f'{per_byte:,}', f'{life:,}', f'{total:,}',
                   f'{module:,}', f'{rest:,}', f'{stack:,}', f'{second:,}',
                   f'{peak:,}'])


def run(ctx):
    """The table: one row per program; a missing ISO, a failed boot or
    two boots that disagree is a failure."""
    t = ctx.Table('Kernel processes: spawn cost (guest instructions, QEMU '
                  '-icount shift=0) and kernel bytes per process',
                  ['program', 'spawn', 'cached spawn', '.wasm bytes',
                   'compile/byte', 'spawn to reaped', 'bytes/process',
                   'module', 'the rest', 'thread stack',
                   'bytes/2nd process', '2nd at its peak'])
    iso = ctx.root / 'build' / 'wisp.iso'
    if not iso.is_file():
        t.rows.append(['-'] * 12)
        t.failures.append(f'kernel_spawn: {iso} missing: run make first')
        return t
    sys.path.insert(0, str(ctx.root / 'harness'))
    os.environ.setdefault('WISP_LOG_DIR', str(ctx.out / 'logs'))
    from wisp_harness import HarnessError, Wisp
    for prog in PROGRAMS:
        try:
            row(ctx, Wisp, prog, t)
        except (HarnessError, ctx.RunError) as e:
            t.rows.append([prog] + ['FAIL'] * 11)
            t.failures.append(f'kernel_spawn: {prog}: {e}')
    t.notes.append('spawn = proc_spawn when no process runs the program, so '
                   'its module is decoded, validated and compiled first; '
                   'cached spawn = proc_spawn while one does, so the module '
                   'cache (kernel/proc/modcache.c) has it compiled; '
                   'compile/byte = (spawn - cached spawn) / .wasm bytes, the '
                   'instructions compiling costs per byte of module.')
    t.notes.append('bytes/process = the heap blocks one live process holds '
                   '(module + "the rest": instance, exec, process, thread '
                   'structure, arguments) + its kernel stack; linear memory '
                   'is not counted.  A second process of a program that is '
                   'already running shares its compiled module '
                   '(kernel/proc/modcache.c): bytes/2nd process, right '
                   'after its spawn.  The exec\'s value and call stacks start '
                   'at 128 slots and 16 frames and double as calls need, up '
                   'to PROC_VALUE_SLOTS and PROC_CALL_DEPTH, so a process '
                   'holds more while it runs: 2nd at its peak (the old and '
                   'the new stack of a growth included).  Host-call values '
                   'travel on the C stack; the instance is allocated to its '
                   'exact size.')
    return t
