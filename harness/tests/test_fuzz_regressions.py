"""Every input in interp/fuzz/regressions/ (crash reproducers the fuzzer
found and hand-made edge cases) runs through the fuzz target without a
crash, sanitizer report or hang."""
import pathlib
import subprocess

import pytest

ROOT = pathlib.Path(__file__).resolve().parents[2]
FUZZ_BIN = ROOT / 'build' / 'host' / 'fuzz_engine'
# gen-* inputs are choices for the generator target (fuzz_gen.c)
FUZZ_GEN_BIN = ROOT / 'build' / 'host' / 'fuzz_gen'
REGRESSIONS = ROOT / 'interp' / 'fuzz' / 'regressions'
INPUTS = sorted(p for p in REGRESSIONS.iterdir()
                if p.name.startswith(('crash-', 'edge-', 'leak-',
                                      'timeout-', 'oom-', 'gen-')))


def test_there_are_regression_inputs():
    assert len(INPUTS) >= 5


@pytest.mark.parametrize('path', INPUTS, ids=[p.name for p in INPUTS])
def test_regression_input_replays_cleanly(path):
    binary = FUZZ_GEN_BIN if path.name.startswith('gen-') else FUZZ_BIN
    if not binary.exists():
        pytest.fail(f'{binary} is missing: `make test` builds it')
    proc = subprocess.run([str(binary), '-timeout=20', '-rss_limit_mb=2560',
                           str(path)], capture_output=True, timeout=600)
    log = proc.stderr.decode('utf-8', 'replace')
    assert proc.returncode == 0, '\n'.join(log.splitlines()[-60:])
    assert 'Executed' in log, log[-2000:]
