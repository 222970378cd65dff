"""wisp-run built with ASan + UBSan (build/host/wisp-run-san, on the
engine's libwasm-san.a) runs a cross-section of the programs, bad modules
and bad guest pointers with no sanitizer report and the same output as the
plain build.  (WISP_RUN=build/host/wisp-run-san runs the whole suite so.)"""
import os
import subprocess

import pytest

from test_wisp_run_helpers import ROOT, RUN_TIMEOUT, WISP_RUN, artifact, text

SAN = ROOT / 'build' / 'host' / 'wisp-run-san'


def run(binary, args, stdin=b''):
    env = dict(os.environ, ASAN_OPTIONS='detect_leaks=1:abort_on_error=0',
               UBSAN_OPTIONS='print_stacktrace=1')
    return subprocess.run([str(binary), *map(str, args)], input=stdin,
                          capture_output=True, timeout=RUN_TIMEOUT, env=env)


def case_args(case, tmp_path):
    """The command line of a case; files it needs are made in tmp_path."""
    kind, rest = case[0], list(case[1:])
    if kind == 'prog':
        return [artifact(rest[0] + '.wasm'), *rest[1:]]
    if kind == 'dir':
        box = tmp_path / 'box'
        (box / 'sub').mkdir(parents=True, exist_ok=True)
        (box / 'file.txt').write_text('inside')
        if not (box / 'link_up').is_symlink():
            os.symlink('..', box / 'link_up')
        return ['--dir', f'{box}:.', artifact(rest[0] + '.wasm'), *rest[1:]]
    if kind == 'invoke':
        return ['--invoke', rest[0], artifact(rest[1]), *rest[2:]]
    data = artifact('printf.wasm').read_bytes()     # 'cut': truncated
    path = tmp_path / 'cut.wasm'
    path.write_bytes(data[:int(len(data) * rest[0])])
    return [path]


CASES = [
    ('prog', 'printf'), ('prog', 'heap'), ('prog', 'args_env', 'a', 'b c'),
    ('prog', 'trap', 'oob'), ('prog', 'trap', 'recurse'),
    ('prog', 'exit_code', 'exit', '9'), ('dir', 'files'), ('dir', 'escape'),
    ('invoke', 'multi', 'invoke.wasm', '5'),
    ('invoke', 'write', 'wasi_raw.wasm', '16', '65530', '100', '24'),
    ('invoke', 'args', 'wasi_raw.wasm', '0', '65535'),
    ('invoke', 'load', 'invoke.wasm', '65535'),
    ('cut', 0.3), ('cut', 0.7),
]


@pytest.mark.parametrize('case', CASES, ids=['-'.join(map(str, c)) for c in CASES])
def test_sanitized_runner_agrees(case, tmp_path):
    if not SAN.exists():
        pytest.fail(f'{SAN} is missing: `make wisp-run` builds it')
    (tmp_path / 'plain').mkdir()
    (tmp_path / 'san').mkdir()
    plain = run(WISP_RUN, case_args(case, tmp_path / 'plain'), b'stdin\n')
    san = run(SAN, case_args(case, tmp_path / 'san'), b'stdin\n')
    err = text(san.stderr)
    assert 'Sanitizer' not in err and 'runtime error' not in err, err
    assert san.stdout == plain.stdout
    assert san.returncode == plain.returncode, err
    assert err.replace(str(tmp_path / 'san'), '') == \
        text(plain.stderr).replace(str(tmp_path / 'plain'), '')
