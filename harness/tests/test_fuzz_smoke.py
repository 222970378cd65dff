"""A short libFuzzer run of the engine (interp/fuzz/fuzz_engine.c), seeded
from the spec suite's modules and the edge-case inputs (build/fuzz/seeds;
known crashes are replayed by test_fuzz_regressions.py instead): it fails
if libFuzzer finds a crash, a sanitizer report, a leak or a hang.

WISP_FUZZ_SMOKE_SECONDS sets the length (default 60); `make fuzz` is the
long run.  A finding is copied to build/fuzz/artifacts/ so it survives."""
import os
import pathlib
import shutil
import subprocess

import pytest

ROOT = pathlib.Path(__file__).resolve().parents[2]
FUZZ_BIN = ROOT / 'build' / 'host' / 'fuzz_engine'
SEEDS = ROOT / 'build' / 'fuzz' / 'seeds'
KEPT = ROOT / 'build' / 'fuzz' / 'artifacts'
SECONDS = int(os.environ.get('WISP_FUZZ_SMOKE_SECONDS', '60'))
# Per-input hang limit and memory cap: the same as `make fuzz`.
OPTS = ['-timeout=20', '-rss_limit_mb=2560', '-max_len=65536']


def fuzz_bin():
    if not FUZZ_BIN.exists():
        pytest.fail(f'{FUZZ_BIN} is missing: `make test` builds it '
                    '(interp/fuzz/Makefrag)')
    return FUZZ_BIN


def test_fuzz_smoke(tmp_path):
    if not any(SEEDS.glob('*.wasm')):
        pytest.fail(f'no seeds in {SEEDS}: `make test` copies them from the '
                    'spec suite (build/spec/.converted)')
    corpus = tmp_path / 'corpus'
    corpus.mkdir()
    proc = subprocess.run(
        [str(fuzz_bin()), *OPTS, f'-max_total_time={SECONDS}',
         f'-artifact_prefix={tmp_path}/', str(corpus), str(SEEDS)],
        capture_output=True, timeout=SECONDS * 10 + 900)
    found = [p for p in tmp_path.iterdir() if p.is_file()]
    if found:
        KEPT.mkdir(parents=True, exist_ok=True)
        for p in found:
            shutil.copy(p, KEPT / p.name)
    log = proc.stderr.decode('utf-8', 'replace')
    assert proc.returncode == 0 and not found, (
        f'libFuzzer found {[p.name for p in found]} (copied to {KEPT}; '
        f'exit {proc.returncode}); replay with {FUZZ_BIN} <file>\n'
        + '\n'.join(log.splitlines()[-60:]))
    assert 'Done' in log or 'INITED' in log, log[-2000:]
