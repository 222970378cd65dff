"""Every input in interp/fuzz/regressions/ (crash reproducers the fuzzer
found and hand-made edge cases) runs through the fuzz target without a
crash, sanitizer report or hang."""
import pathlib
import subprocess

import pytest

ROOT = pathlib.Path(__file__).resolve().parents[2]
FUZZ_BIN = ROOT / 'build' / 'host' / 'fuzz_engine'
REGRESSIONS = ROOT / 'interp' / 'fuzz' / 'regressions'
INPUTS = sorted(p for p in REGRESSIONS.iterdir()
                if p.name.startswith(('crash-', 'edge-', 'leak-',
                                      'timeout-', 'oom-')))


def test_there_are_regression_inputs():
    assert len(INPUTS) >= 5


@pytest.mark.parametrize('path', INPUTS, ids=[p.name for p in INPUTS])
def test_regression_input_replays_cleanly(path):
    if not FUZZ_BIN.exists():
        pytest.fail(f'{FUZZ_BIN} is missing: `make test` builds it')
    proc = subprocess.run([str(FUZZ_BIN), '-timeout=20', '-rss_limit_mb=2560',
                           str(path)], capture_output=True, timeout=600)
    log = proc.stderr.decode('utf-8', 'replace')
    assert proc.returncode == 0, '\n'.join(log.splitlines()[-60:])
    assert 'Executed' in log, log[-2000:]
