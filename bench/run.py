#!/usr/bin/python3
"""bench/run.py: run Wisp's benchmarks, check their checksums, print a table.

`make bench` calls this after building every benchmark three ways (see
bench/Makefrag).  For each benchmark it runs every engine REPEAT times,
takes the median wall-clock time of the process, checks that every engine
printed the same checksum (a disagreement is a failure: the table still
prints, then the run exits 1), and prints a table of times and ratios.  The
same tables go to OUT/results.md as Markdown.

The output is made of sections.  The engine section is built in; a later
subsystem adds its own rows by dropping a module into bench/sections/ that
defines `run(ctx)` returning a Table (see Context and Table below), e.g.
IPC round trips or boot time under QEMU.
"""
import argparse
import datetime
import importlib.util
import os
import pathlib
import platform
import re
import resource
import statistics
import subprocess
import sys
import time

HERE = pathlib.Path(__file__).resolve().parent
TARGET_SPEEDUP = 8.0    # Wisp's aim: wisp-run >= 8x faster than wasm-interp
MASK64 = (1 << 64) - 1


class RunError(Exception):
    """An engine failed one run: it exited non-zero, timed out or printed
    something that is not a checksum."""


class Table:
    """One section of the report: a title, column headers, rows of cells
    (strings), notes printed under it and the failures found while making
    it (each a one-line message; any failure makes the whole run fail)."""

    def __init__(self, title, headers):
        self.title, self.headers = title, headers
        self.rows, self.notes, self.failures = [], [], []

    def text(self):
        """The table as aligned plain text."""
        widths = [max(len(h), *(len(r[i]) for r in self.rows))
                  for i, h in enumerate(self.headers)]
        line = lambda cells: '  '.join(c.rjust(w) if i else c.ljust(w)
                                       for i, (c, w) in
                                       enumerate(zip(cells, widths)))
        out = [self.title, line(self.headers),
               '  '.join('-' * w for w in widths)]
        out += [line(r) for r in self.rows] + self.notes
        return '\n'.join(out)

    def markdown(self):
        """The table as a Markdown section."""
        out = ['## ' + self.title, '',
               '| ' + ' | '.join(self.headers) + ' |',
               '|' + '|'.join('---' if i == 0 else '---:'
                              for i in range(len(self.headers))) + '|']
        out += ['| ' + ' | '.join(r) + ' |' for r in self.rows]
        out += [''] + ['- ' + n for n in self.notes] if self.notes else []
        return '\n'.join(out)


class Context:
    """What a section gets: the options, and run_median() to time a
    command the way every section should."""

    def __init__(self, opts):
        self.opts = opts
        self.repeat = opts.repeat
        self.out = pathlib.Path(opts.out)
        self.root = HERE.parent
        self.Table = Table        # so a section needs no import of run.py
        self.engines = engines(opts)
        self.clock = 'wall-clock' if opts.clock == 'wall' else 'CPU'
        self.RunError = RunError

    def run_once(self, argv):
        """Runs argv once.  Returns (seconds, stdout); raises RunError.
        The seconds are the wall clock of the process, or with --clock cpu
        its user + system CPU time (steadier on a loaded machine; counts
        every thread, so node's background compiler threads add to it)."""
        start = time.perf_counter()
        cpu0 = resource.getrusage(resource.RUSAGE_CHILDREN)
        try:
            p = subprocess.run(argv, stdin=subprocess.DEVNULL,
                               capture_output=True, text=True,
                               timeout=self.opts.timeout)
        except subprocess.TimeoutExpired:
            raise RunError(f'timed out after {self.opts.timeout} s')
        except OSError as e:
            raise RunError(f'cannot run {argv[0]}: {e.strerror}')
        elapsed = time.perf_counter() - start
        if self.opts.clock == 'cpu':     # user + system time of the child
            cpu1 = resource.getrusage(resource.RUSAGE_CHILDREN)
            elapsed = (cpu1.ru_utime - cpu0.ru_utime
                       + cpu1.ru_stime - cpu0.ru_stime)
        if p.returncode != 0:
            err = (p.stderr.strip() or p.stdout.strip()).splitlines()
            raise RunError(f'exit status {p.returncode}'
                           + (f': {err[-1]}' if err else ''))
        return elapsed, p.stdout

    def run_median(self, argv, parse):
        """Runs argv self.repeat times; parse(stdout) extracts the result
        (raising RunError if it cannot).  Returns (median seconds, result);
        raises RunError if a run fails or two runs disagree."""
        times, results = [], set()
        for _ in range(self.repeat):
            t, out = self.run_once(argv)
            times.append(t)
            results.add(parse(out))
        if len(results) != 1:
            raise RunError('different results on repeated runs: '
                           + ', '.join(map(str, sorted(results))))
        return statistics.median(times), results.pop()


def parse_plain(out):
    """Checksum printed alone on the last line (the hosted drivers;
    wisp-run --invoke prints each result on its own line, maybe typed as
    `i64:N` and maybe signed)."""
    lines = out.strip().splitlines()
    m = re.fullmatch(r'(?:i64[:=]\s*)?(-?\d+)', lines[-1].strip()) \
        if lines else None
    if not m:
        raise RunError(f'no checksum in output {out.strip()[:80]!r}')
    return int(m.group(1)) & MASK64


def parse_wasm_interp(out):
    """Checksum from wasm-interp --run-all-exports: `run() => i64:N`."""
    m = re.search(r'^run\(\) => i64:(\d+)\s*$', out, re.M)
    if not m:
        raise RunError(f'no `run() => i64:N` in output {out.strip()[:80]!r}')
    return int(m.group(1)) & MASK64


def engines(opts):
    """The engines of the engine section: (column, argv(name, units),
    parse).  Column names are what the table shows."""
    out = pathlib.Path(opts.out)
    wasi = lambda n: str(out / 'wasi' / f'{n}.wasm')
    free = lambda n, u: str(out / 'free' / f'{n}.s{u}.wasm')
    return [
        ('native', lambda n, u: [str(out / 'native' / n), str(u)],
         parse_plain),
        ('wisp-run', lambda n, u: [opts.wisp_run, wasi(n), str(u)],
         parse_plain),
        ('node', lambda n, u: [opts.node, str(HERE / 'node_wasi.mjs'),
                               wasi(n), str(u)], parse_plain),
        ('wisp-run --invoke', lambda n, u: [opts.wisp_run, '--invoke', 'run',
                                            free(n, u)], parse_plain),
        ('wasm-interp', lambda n, u: [opts.wasm_interp, '--run-all-exports',
                                      free(n, u)], parse_wasm_interp),
    ] + peer_engines(opts, wasi)


def peer_engines(opts, wasi):
    """The interpreters given on the command line (make bench WASM3=...
    IWASM=...): wasm3 and WAMR's iwasm, each running the WASI command as
    wisp-run does.  None is installed by make deps (Debian packages
    neither); ../shared/peers/build.sh builds both."""
    out = []
    for col, path in (('wasm3', opts.wasm3), ('iwasm', opts.iwasm)):
        if path:
            out.append((col, lambda n, u, path=path: [path, wasi(n), str(u)],
                        parse_plain))
    return out


def ratio(a, b):
    """a / b as `12.3x`, or `-` when either is missing."""
    return f'{a / b:.1f}x' if a is not None and b else '-'


# The optional interpreters, compared with wisp-run as a time ratio.
PEERS = ('wasm3', 'iwasm')


def fraction(a, b):
    """a / b as `0.85`, or `-` when either is missing."""
    return f'{a / b:.2f}' if a is not None and b else '-'


def time_engines(ctx, table, name, units):
    """Runs one benchmark on every engine.  Returns ({column: median
    seconds or None}, {column: checksum}); a failed engine and a checksum
    disagreement each add a line to table.failures."""
    times, sums = {}, {}
    for col, argv, parse in ctx.engines:
        try:
            times[col], sums[col] = ctx.run_median(argv(name, units), parse)
        except RunError as e:
            times[col] = None
            table.failures.append(f'{name}: {col}: {e}')
    if len(set(sums.values())) > 1:
        table.failures.append(f'{name}: CHECKSUM MISMATCH: ' + ', '.join(
            f'{c}={s}' for c, s in sums.items()))
    return times, sums


def engine_row(ctx, table, name, units):
    """Times one benchmark on every engine and appends its row: times,
    ratios, whether the speedup target is met and whether all agree."""
    times, sums = time_engines(ctx, table, name, units)
    secs = [f'{t:.3f}' if t is not None else 'FAIL' for t in times.values()]
    interp, wisp = times['wasm-interp'], times['wisp-run --invoke']
    met = '-' if not (interp and wisp) else \
        ('yes' if interp / wisp >= TARGET_SPEEDUP else 'NO')
    agree = len(sums) == len(times) and len(set(sums.values())) == 1
    peers = [fraction(times['wisp-run'], times[c]) for c in PEERS
             if c in times]
    table.rows.append([name, str(units)] + secs + [
        ratio(times['wisp-run'], times['native']),
        ratio(times['node'], times['native']),
        ratio(interp, wisp)] + peers + [met, 'ok' if agree else 'FAIL'])


def engine_section(ctx):
    """The built-in section: every --bench on every engine."""
    cols = [c for c, _, _ in ctx.engines]
    table = Table(f'Wasm engines ({ctx.clock} seconds, median of '
                  f'{ctx.repeat})',
                  ['benchmark', 'units'] + cols +
                  ['wisp/native', 'node/native', 'wasm-interp/wisp'] +
                  [f'wisp/{c}' for c in PEERS if c in cols] +
                  [f'>= {TARGET_SPEEDUP:g}x', 'checksums'])
    for spec in ctx.opts.bench:
        name, units = spec
        print(f'  running {name} ({units} units) ...', file=sys.stderr,
              flush=True)
        engine_row(ctx, table, name, units)
    table.notes = [
        'wisp-run and node run the wasm32-wasi command; wisp-run --invoke '
        'and wasm-interp run the freestanding module (same kernel code).',
        'wasm-interp/wisp = wasm-interp time / wisp-run --invoke time; the '
        f'target is >= {TARGET_SPEEDUP:g}x on every benchmark.',
        f'Times are the {ctx.clock} time of the whole process (startup '
        'included).', target_summary(table)]
    peers = [c for c in PEERS if c in cols]
    if peers:
        table.notes.insert(2, ', '.join(f'wisp/{c}' for c in peers) +
                           ' = wisp-run time / that interpreter\'s time on the '
                           'same WASI command (below 1: wisp-run is faster); '
                           'geometric mean over the benchmarks: ' +
                           ', '.join(f'{c} {geomean(table, c)}'
                                     for c in peers) + '.')
    else:
        table.notes.insert(2, 'wasm3 and WAMR are compared when given: '
                           'make bench WASM3=path/to/wasm3 IWASM=path/to/iwasm.')
    return table


def geomean(table, peer):
    """Geometric mean of the wisp/peer column, or `-`."""
    i = table.headers.index(f'wisp/{peer}')
    vals = [float(r[i]) for r in table.rows if r[i] != '-']
    if not vals:
        return '-'
    return f'{statistics.geometric_mean(vals):.2f}'



def target_summary(table):
    """One line: on how many rows wasm-interp/wisp reaches the target, and
    which rows miss it (a miss is reported, not a failure of the run)."""
    speed = table.headers.index('wasm-interp/wisp')
    met = table.headers.index(f'>= {TARGET_SPEEDUP:g}x')
    good = [r for r in table.rows if r[met] == 'yes']
    missed = [f'{r[0]} {r[speed]}' for r in table.rows if r[met] != 'yes']
    return (f'Target wasm-interp/wisp >= {TARGET_SPEEDUP:g}x: met on '
            f'{len(good)} of {len(table.rows)} benchmarks'
            + (f'; missed: {", ".join(missed)}.' if missed else '.'))


def plugin_sections(folder):
    """Section functions found in folder/*.py (each defines run(ctx) ->
    Table), in file-name order."""
    found = []
    for path in sorted(pathlib.Path(folder).glob('*.py')):
        spec = importlib.util.spec_from_file_location(
            f'bench_section_{path.stem}', path)
        mod = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(mod)
        found.append(mod.run)
    return found


def run_section(section, ctx):
    """section(ctx), or a one-line failure table if the section itself
    crashed (a broken plugin must not hide the other results)."""
    try:
        return section(ctx)
    except Exception as e:       # any bug in a plugin is reported, not fatal
        where = getattr(section, '__module__', '?')
        table = Table(f'section {where}', ['error'])
        table.rows.append([f'{type(e).__name__}: {e}'])
        table.failures.append(f'section {where} crashed: {e!r}')
        return table


def bench_spec(s):
    """argparse type of --bench: NAME:UNITS."""
    m = re.fullmatch(r'([a-z0-9_]+):([1-9][0-9]*)', s)
    if not m:
        raise argparse.ArgumentTypeError(f'expected NAME:UNITS, got {s!r}')
    return m.group(1), int(m.group(2))


def parse_args(argv):
    """The command line (make bench passes everything explicitly)."""
    ap = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    ap.add_argument('--out', required=True,
                    help='build directory of the benchmarks (build/bench)')
    ap.add_argument('--bench', type=bench_spec, action='append', default=[],
                    help='NAME:UNITS, one per benchmark to run')
    ap.add_argument('--repeat', type=int, default=3)
    ap.add_argument('--clock', choices=['wall', 'cpu'], default='wall',
                    help='what a run costs: wall-clock time (default) or '
                         'user + system CPU time of the process')
    ap.add_argument('--timeout', type=float, default=600.0,
                    help='seconds before one run counts as hung')
    ap.add_argument('--wisp-run', default='build/host/wisp-run')
    ap.add_argument('--node', default='node')
    ap.add_argument('--wasm-interp', default='wasm-interp')
    ap.add_argument('--wasm3', help='wasm3 binary: adds a wasm3 column')
    ap.add_argument('--iwasm', help="WAMR's iwasm binary: adds an iwasm column")
    ap.add_argument('--sections', default=str(HERE / 'sections'),
                    help='folder of extra sections (default bench/sections)')
    ap.add_argument('--no-plugins', action='store_true',
                    help='only the engine section')
    ap.add_argument('--md', help='Markdown report (default OUT/results.md)')
    opts = ap.parse_args(argv)
    if opts.repeat < 1:
        ap.error('--repeat must be at least 1')
    if not opts.bench:
        ap.error('no --bench NAME:UNITS given')
    return opts


def source_version():
    """The tree the engines were built from: `git describe --always
    --dirty` (dirty = uncommitted changes), or `unknown` outside git."""
    try:
        p = subprocess.run(['git', 'describe', '--always', '--dirty'],
                           cwd=HERE, capture_output=True, text=True,
                           timeout=30)
    except (OSError, subprocess.TimeoutExpired):
        return 'unknown'
    return p.stdout.strip() if p.returncode == 0 else 'unknown'


def write_markdown(path, tables, opts):
    """Writes the report: a header saying when and where, then each
    table."""
    now = datetime.datetime.now(datetime.timezone.utc)
    head = ['# Wisp benchmarks', '',
            f'{now:%Y-%m-%d %H:%M} UTC on {platform.node()} '
            f'({platform.machine()}, {os.cpu_count()} CPUs), '
            f'median of {opts.repeat} runs, source {source_version()}.', '']
    failures = [f for t in tables for f in t.failures]
    if failures:
        head += [f'**FAILED** ({len(failures)} problems):', '']
        head += [f'- {f}' for f in failures] + ['']
    body = '\n\n'.join(t.markdown() for t in tables)
    head.append('')
    pathlib.Path(path).parent.mkdir(parents=True, exist_ok=True)
    pathlib.Path(path).write_text('\n'.join(head) + body + '\n')


def section_main(run, argv, doc):
    """The standalone quick mode of a section (`bench/sections/X.py
    --quick [--out DIR]`, which its tests use): run(ctx, quick=True)
    with a context of its own, the table printed as text, each failure
    on stderr.  Returns the exit status: 1 if the section failed."""
    ap = argparse.ArgumentParser(description=doc.split('\n')[0])
    ap.add_argument('--quick', action='store_true', required=True)
    ap.add_argument('--out', default='build/bench')
    opts = ap.parse_args(argv)
    ctx = argparse.Namespace(root=HERE.parent, out=pathlib.Path(opts.out),
                             Table=Table, RunError=RunError)
    t = run(ctx, quick=True)
    print(t.text())
    for f in t.failures:
        print('FAILED: ' + f, file=sys.stderr)
    return 1 if t.failures else 0


def main(argv):
    opts = parse_args(argv)
    ctx = Context(opts)
    sections = [engine_section] + ([] if opts.no_plugins
                                   else plugin_sections(opts.sections))
    tables = [run_section(section, ctx) for section in sections]
    md = opts.md or str(pathlib.Path(opts.out) / 'results.md')
    write_markdown(md, tables, opts)
    print('\n\n'.join(t.text() for t in tables))
    print(f'(Markdown: {md})')
    failures = [f for t in tables for f in t.failures]
    if failures:
        print(f'\nbench: FAILED ({len(failures)} problems)', file=sys.stderr)
        for f in failures:
            print('  ' + f, file=sys.stderr)
        return 1
    return 0


if __name__ == '__main__':
    sys.exit(main(sys.argv[1:]))
