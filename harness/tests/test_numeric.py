"""interp/numeric.h, the engine's float and bit helpers, gives the answers
the WebAssembly spec defines: build/host/test_numeric checks edge cases
(NaN payloads, signed zeros, ties, conversion bounds, denormals) and
cross-checks random inputs against libm.  The mutation tests prove that
checker notices a wrong helper."""
import re
import shutil
import subprocess
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
HOST = REPO / 'build' / 'host'
SUMMARY = re.compile(r'^numeric: (\d+) checks, (\d+) failed$', re.M)


def summary(output):
    """(checks, failed) from the checker's last line."""
    m = SUMMARY.search(output)
    assert m, f'no summary line in:\n{output}'
    return int(m.group(1)), int(m.group(2))


@pytest.mark.parametrize('binary', ['test_numeric', 'test_numeric-clang'])
def test_numeric_helpers_match_the_spec(binary):
    """Built with gcc and with clang-14: both compile the engine."""
    path = HOST / binary
    assert path.exists(), f'{path} is missing: run make test (or make {path.relative_to(REPO)})'
    run = subprocess.run([str(path)], capture_output=True, text=True, timeout=300)
    checks, failed = summary(run.stdout)
    print(run.stdout.splitlines()[-1])
    assert failed == 0, run.stdout
    assert run.returncode == 0
    assert checks > 100000


# Each mutation breaks one rule of the spec in a copy of numeric.h.
MUTATIONS = {
    'min picks +0 over -0': ('num_f32_bits(a) | num_f32_bits(b)',
                             'num_f32_bits(a) & num_f32_bits(b)'),
    'nearest rounds ties away from zero': (
        'return num_f64_copysign((a + NUM_F64_INTEGRAL) - NUM_F64_INTEGRAL, d);',
        'return num_f64_copysign(num_f64_trunc(a + 0.5), d);'),
    'i32.trunc_f64_s admits -2^31-1': ('x > -0x1p31 - 1.0', 'x >= -0x1p31 - 1.0'),
    'u64 -> float without the sticky bit': ('((u >> 1) | (u & 1))', '(u >> 1)'),
    'demote drops the quiet bit': ('NUM_F32_EXP | NUM_F32_QUIET | payload',
                                   'NUM_F32_EXP | payload'),
    'i32.rotr rotates left': ('(x >> n) | (x << (32 - n))', '(x << n) | (x >> (32 - n))'),
}


@pytest.mark.parametrize('name', sorted(MUTATIONS))
def test_checker_catches_a_wrong_helper(tmp_path, name):
    old, new = MUTATIONS[name]
    source = (REPO / 'interp' / 'numeric.h').read_text()
    assert old in source, f'mutation {name!r} no longer applies to numeric.h'
    (tmp_path / 'numeric.h').write_text(source.replace(old, new))
    shutil.copy(REPO / 'interp' / 'wasm.h', tmp_path / 'wasm.h')
    (tmp_path / 'spectest').mkdir()
    shutil.copy(REPO / 'interp' / 'spectest' / 'test_numeric.c', tmp_path / 'spectest')
    exe = tmp_path / 'test_numeric'
    subprocess.run(['gcc', '-std=c11', '-O2', str(tmp_path / 'spectest' / 'test_numeric.c'),
                    '-o', str(exe), '-lm'], check=True, timeout=120)
    run = subprocess.run([str(exe), '20000'], capture_output=True, text=True, timeout=120)
    _, failed = summary(run.stdout)
    assert failed > 0, f'the checker missed: {name}'
    assert run.returncode == 1
