"""bench/sections/kernel_switch.py: the kernel's context-switch cost.

Boots build/wisp.iso under QEMU with `-icount shift=0`: QEMU then advances
the guest's virtual clock, and the TSC with it, by exactly one per guest
instruction, so rdtsc deltas count instructions and do not depend on how
busy the host is.  The monitor command `swbench N` (kernel/threadcmds.c)
makes two kernel threads yield to each other N times each and prints the
switches and TSC cycles in between; one switch is one sched_yield: the
run-queue work in schedule() plus sched_switch's register save and
restore.  Two runs must agree exactly (determinism is part of the claim).
"""
import os
import re
import sys

YIELDS = 20000          # per thread: about 40000 switches per run
RUNS = 2
SWBENCH_RE = re.compile(r"^swbench: (\d+) switches in (\d+) cycles: "
                        r"(\d+) cycles per switch$", re.M)


def measure(ctx, wisp_class):
    """One boot: (switches, instructions) from `swbench YIELDS`."""
    with wisp_class(iso=str(ctx.root / 'build' / 'wisp.iso'),
                    name='bench-kernel-switch',
                    extra_args=['-icount', 'shift=0']) as w:
        w.boot()
        out = w.cmd(f'swbench {YIELDS}', timeout=300)
    m = SWBENCH_RE.search(out)
    if not m:
        raise ctx.RunError(f'no swbench line in {out!r}')
    return int(m.group(1)), int(m.group(2))


def run(ctx):
    """The table: one row per boot, and the per-switch instruction count;
    a missing ISO, a failed boot or two boots that disagree is a failure."""
    t = ctx.Table('Kernel context switch (guest instructions, QEMU '
                  '-icount shift=0)',
                  ['run', 'switches', 'instructions', 'per switch'])
    iso = ctx.root / 'build' / 'wisp.iso'
    if not iso.is_file():
        t.rows.append(['-', '-', '-', 'FAIL'])
        t.failures.append(f'kernel_switch: {iso} missing: run make first')
        return t
    sys.path.insert(0, str(ctx.root / 'harness'))
    os.environ.setdefault('WISP_LOG_DIR', str(ctx.out / 'logs'))
    from wisp_harness import HarnessError, Wisp
    per = set()
    for i in range(1, RUNS + 1):
        try:
            switches, instrs = measure(ctx, Wisp)
        except (HarnessError, ctx.RunError) as e:
            t.rows.append([str(i), '-', '-', 'FAIL'])
            t.failures.append(f'kernel_switch: run {i}: {e}')
            continue
        per.add(round(instrs / switches, 1))   # a timer tick more or less
        t.rows.append([str(i), str(switches), str(instrs),
                       f'{instrs / switches:.1f}'])
    if len(per) > 1:
        t.failures.append('kernel_switch: runs disagree: '
                          + ', '.join(f'{p:.1f}' for p in sorted(per)))
    t.notes.append('One switch = one sched_yield() from a kernel thread to '
                   'the other: schedule() plus sched_switch (6 callee-saved '
                   'registers, the x87 control word and MXCSR).  The count '
                   'also holds the two threads\' start and join, and any '
                   'timer interrupt: under 0.1 per switch.')
    return t
