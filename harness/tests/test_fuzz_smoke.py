"""Short libFuzzer runs of the engine: interp/fuzz/fuzz_engine.c seeded
from the spec suite's modules and the edge-case inputs (build/fuzz/seeds;
known crashes are replayed by test_fuzz_regressions.py instead), and the
valid-module generator interp/fuzz/fuzz_gen.c.  Each fails if libFuzzer
finds a crash, a sanitizer report, a leak, a hang, or (fuzz_gen) a module
the engine wrongly rejects or a call that ends differently twice.

WISP_FUZZ_SMOKE_SECONDS (default 60) and WISP_FUZZ_GEN_SMOKE_SECONDS
(default 30) set the lengths; `make fuzz` is the long run.  A finding is
copied to build/fuzz/artifacts/ so it survives."""
import os
import pathlib
import shutil
import subprocess

import pytest

ROOT = pathlib.Path(__file__).resolve().parents[2]
FUZZ_BIN = ROOT / 'build' / 'host' / 'fuzz_engine'
FUZZ_GEN_BIN = ROOT / 'build' / 'host' / 'fuzz_gen'
SEEDS = ROOT / 'build' / 'fuzz' / 'seeds'
KEPT = ROOT / 'build' / 'fuzz' / 'artifacts'
SECONDS = int(os.environ.get('WISP_FUZZ_SMOKE_SECONDS', '60'))
GEN_SECONDS = int(os.environ.get('WISP_FUZZ_GEN_SMOKE_SECONDS', '30'))
# Per-input hang limit and memory cap: the same as `make fuzz`.
OPTS = ['-timeout=20', '-rss_limit_mb=2560', '-max_len=65536']


def need(binary):
    if not binary.exists():
        pytest.fail(f'{binary} is missing: `make test` builds it '
                    '(interp/fuzz/Makefrag)')
    return binary


def run_fuzzer(binary, seconds, tmp_path, opts, seed_dirs):
    """Runs a libFuzzer binary for `seconds` with a fresh corpus; fails
    with its log's tail if it found anything."""
    corpus = tmp_path / 'corpus'
    corpus.mkdir()
    proc = subprocess.run(
        [str(need(binary)), *opts, f'-max_total_time={seconds}',
         f'-artifact_prefix={tmp_path}/', str(corpus), *map(str, seed_dirs)],
        capture_output=True, timeout=seconds * 10 + 900)
    found = [p for p in tmp_path.iterdir() if p.is_file()]
    if found:
        KEPT.mkdir(parents=True, exist_ok=True)
        for p in found:
            shutil.copy(p, KEPT / f'{binary.name}-{p.name}')
    log = proc.stderr.decode('utf-8', 'replace')
    assert proc.returncode == 0 and not found, (
        f'libFuzzer found {[p.name for p in found]} (copied to {KEPT}; '
        f'exit {proc.returncode}); replay with {binary} <file>\n'
        + '\n'.join(log.splitlines()[-60:]))
    assert 'Done' in log or 'DONE' in log, log[-2000:]


def test_fuzz_smoke(tmp_path):
    if not any(SEEDS.glob('*.wasm')):
        pytest.fail(f'no seeds in {SEEDS}: `make test` copies them from the '
                    'spec suite (build/spec/.converted)')
    run_fuzzer(FUZZ_BIN, SECONDS, tmp_path, OPTS, [SEEDS])


def test_fuzz_gen_smoke(tmp_path):
    run_fuzzer(FUZZ_GEN_BIN, GEN_SECONDS, tmp_path,
               ['-timeout=20', '-rss_limit_mb=2560', '-max_len=4096'], [])
