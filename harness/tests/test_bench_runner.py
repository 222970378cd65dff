"""bench/run.py, the driver of `make bench`, with stand-in engines: it must
accept agreeing checksums, and fail loudly on a disagreement or a failed
run.  The stand-ins print fixed outputs; nothing is timed."""
import pathlib
import subprocess
import sys

import pytest

ROOT = pathlib.Path(__file__).resolve().parents[2]
OUT = ROOT / 'build' / 'bench'


def fake(tmp_path, name, body):
    """An executable shell script tmp_path/name running body."""
    path = tmp_path / name
    path.write_text('#!/bin/sh\n' + body + '\n')
    path.chmod(0o755)
    return str(path)


def native_sum():
    """The checksum of fib at scale 1, from the native build."""
    p = subprocess.run([str(OUT / 'native' / 'fib'), '1'],
                       capture_output=True, text=True, check=True)
    return int(p.stdout)


def bench(tmp_path, wisp, interp, *more):
    """Runs bench/run.py on fib:1 with a stand-in wisp-run, node and
    wasm-interp (and the options `more`).  Returns the completed process."""
    node = fake(tmp_path, 'node', f'echo {native_sum()}')
    return subprocess.run(
        [sys.executable, str(ROOT / 'bench' / 'run.py'), '--out', str(OUT),
         '--repeat', '2', '--bench', 'fib:1', '--no-plugins',
         '--wisp-run', wisp, '--node', node, '--wasm-interp', interp,
         '--md', str(tmp_path / 'results.md'), *more],
        capture_output=True, text=True, timeout=120)


@pytest.fixture
def good(tmp_path):
    """Stand-ins that all print the native checksum."""
    s = native_sum()
    return (fake(tmp_path, 'wisp-run', f'echo {s}'),
            fake(tmp_path, 'wasm-interp', f'echo "run() => i64:{s}"'))


def test_agreeing_engines_pass_and_write_markdown(tmp_path, good):
    p = bench(tmp_path, *good)
    assert p.returncode == 0, p.stderr
    row = [l for l in p.stdout.splitlines() if l.startswith('fib ')]
    assert len(row) == 1 and row[0].split()[-1] == 'ok'
    md = (tmp_path / 'results.md').read_text()
    assert '| fib | 1 |' in md and 'wasm-interp/wisp' in md
    assert 'FAILED' not in md
    assert 'Target wasm-interp/wisp >= 8x: met on ' in p.stdout


def test_signed_invoke_output_is_accepted(tmp_path, good):
    # wisp-run --invoke may print an i64 as signed: same 64 bits.
    s = native_sum()
    signed = s - (1 << 64) if s >= 1 << 63 else s
    wisp = fake(tmp_path, 'wisp-run', f'echo {signed}')
    assert bench(tmp_path, wisp, good[1]).returncode == 0


def test_checksum_mismatch_fails_loudly(tmp_path, good):
    bad = fake(tmp_path, 'bad-interp',
               f'echo "run() => i64:{native_sum() + 1}"')
    p = bench(tmp_path, good[0], bad)
    assert p.returncode == 1
    assert 'CHECKSUM MISMATCH' in p.stderr and 'bench: FAILED' in p.stderr
    md = (tmp_path / 'results.md').read_text()
    assert '**FAILED**' in md and 'CHECKSUM MISMATCH' in md


def test_failing_engine_fails_the_run(tmp_path, good):
    trap = fake(tmp_path, 'trapping', 'echo "trap: unreachable" >&2; exit 134')
    p = bench(tmp_path, trap, good[1])
    assert p.returncode == 1
    assert 'exit status 134: trap: unreachable' in p.stderr
    assert 'FAIL' in p.stdout


def test_garbage_output_fails_the_run(tmp_path, good):
    p = bench(tmp_path, good[0], fake(tmp_path, 'chatty', 'echo hello'))
    assert p.returncode == 1 and 'no `run() => i64:N`' in p.stderr


def test_plugin_section_is_printed_and_its_failures_count(tmp_path, good):
    # A later subsystem adds rows through bench/sections/*.py; here a
    # stand-in section in its own folder.
    sections = tmp_path / 'sections'
    sections.mkdir()
    (sections / 'ipc.py').write_text(
        'def run(ctx):\n'
        '    t = ctx.Table("IPC round trips", ["what", "us"])\n'
        '    t.rows.append(["call/reply", "1.5"])\n'
        '    t.failures.append("ipc: made-up failure")\n'
        '    return t\n')
    (sections / 'broken.py').write_text('def run(ctx):\n    1 / 0\n')
    s = native_sum()
    node = fake(tmp_path, 'node', f'echo {s}')
    p = subprocess.run(
        [sys.executable, str(ROOT / 'bench' / 'run.py'), '--out', str(OUT),
         '--repeat', '1', '--bench', 'fib:1', '--sections', str(sections),
         '--wisp-run', good[0], '--node', node, '--wasm-interp', good[1],
         '--md', str(tmp_path / 'results.md')],
        capture_output=True, text=True, timeout=120)
    assert p.returncode == 1
    assert 'IPC round trips' in p.stdout and 'call/reply' in p.stdout
    assert 'ipc: made-up failure' in p.stderr
    assert 'section' in p.stderr and 'ZeroDivisionError' in p.stderr
    assert '## IPC round trips' in (tmp_path / 'results.md').read_text()


def test_given_peers_get_columns_and_a_geomean(tmp_path, good):
    # make bench WASM3=... IWASM=...: each adds its time column and a
    # wisp/peer ratio; without them the note says how to add them.
    s = native_sum()
    wasm3 = fake(tmp_path, 'wasm3', f'echo {s}')
    iwasm = fake(tmp_path, 'iwasm', f'echo {s}')
    p = bench(tmp_path, *good, '--wasm3', wasm3, '--iwasm', iwasm)
    assert p.returncode == 0, p.stderr
    md = (tmp_path / 'results.md').read_text()
    assert '| wasm3 | iwasm |' in md and 'wisp/wasm3 | wisp/iwasm' in md
    assert 'geometric mean over the benchmarks: wasm3 ' in md
    p = bench(tmp_path, *good)
    assert 'make bench WASM3=' in p.stdout and 'wisp/wasm3' not in p.stdout


def test_a_failing_peer_fails_the_run(tmp_path, good):
    wasm3 = fake(tmp_path, 'wasm3', 'exit 3')
    p = bench(tmp_path, *good, '--wasm3', wasm3)
    assert p.returncode == 1 and 'fib: wasm3: exit status 3' in p.stderr
