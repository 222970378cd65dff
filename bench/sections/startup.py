"""bench/sections/startup.py: what a run costs before any work.

Times the empty benchmark (bench/nop.c, scale 1) on every engine of the
engine table, so a reader can tell how much of each column is the fixed cost
of starting the process and loading the module (node's start-up is the
largest).  Also an example of a report section: run(ctx) returns a Table.
"""


def run(ctx):
    """The start-up table: one row per engine; a run that fails or does not
    print 1 (bench_nop's checksum at scale 1) is a failure."""
    t = ctx.Table(f'Start-up: the empty program ({ctx.clock} seconds, median '
                  f'of {ctx.repeat})', ['engine', 'seconds'])
    for col, argv, parse in ctx.engines:
        try:
            secs, result = ctx.run_median(argv('nop', 1), parse)
        except ctx.RunError as e:
            t.rows.append([col, 'FAIL'])
            t.failures.append(f'startup: {col}: {e}')
            continue
        t.rows.append([col, f'{secs:.3f}'])
        if result != 1:
            t.failures.append(f'startup: {col}: checksum {result}, '
                              'expected 1')
    return t
