"""The engine passes the official WebAssembly spec test suite
(../shared/wasm-testsuite, converted by wast2json into build/spec), both as
built and under ASan + UBSan; every skip is a SIMD file or a text-format
assertion.  The runner itself is shown to fail on a wrong expectation and
to reject bad input with a clear message."""
import json
import os
import random
import re
import shutil
import subprocess
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
HOST = REPO / 'build' / 'host'
SPEC_DIR = REPO / 'build' / 'spec'
# The suite lies beside the checkout (WISP_TOP: where make or the graders
# were started, when this runs in a tree assembled under build/).
SUITE = Path(os.environ.get('WASM_TESTSUITE') or
             Path(os.environ.get('WISP_TOP') or REPO) / '..' / 'shared' / 'wasm-testsuite')
TIMEOUT = 1800 * float(os.environ.get('WISP_TIMEOUT_SCALE', '1'))

FINAL = re.compile(r'^spectest: (\d+) passed, (\d+) failed, (\d+) skipped$', re.M)
FILE_LINE = re.compile(r'^(\S+\.wast): (\d+) passed, (\d+) failed, (\d+) skipped(.*)$', re.M)
SKIP_LINE = re.compile(r'^skip: (\d+) commands(?: in (\d+) files)?: (.*)$', re.M)
SIMD_REASON = 'fixed-width SIMD is out of scope (spec/wasm.md)'
TEXT_REASON = 'text format'


def run_spectest(binary, *args, env=None):
    """Runs a runner binary from the repository root; returns the process."""
    path = HOST / binary
    assert path.exists(), f'{path} is missing: run make test (or make spectest)'
    return subprocess.run([str(path), '--suite', str(SUITE), '--spec-dir', str(SPEC_DIR), *args],
                          capture_output=True, text=True, cwd=REPO, timeout=TIMEOUT,
                          env={**os.environ, **(env or {})})


def final_line(out):
    """(passed, failed, skipped) from the last line, which must be it."""
    lines = out.rstrip('\n').splitlines()
    assert lines, 'the runner printed nothing'
    m = FINAL.fullmatch(lines[-1])
    assert m, f'last line is not the summary: {lines[-1]!r}'
    return tuple(int(g) for g in m.groups())


def check_skips(out):
    """Every skip is a whole SIMD file or a text-format assertion, and the
    skip lines account for every skipped command."""
    _, _, skipped = final_line(out)
    text_skips = simd_skips = 0
    for name, _, _, nskip, note in FILE_LINE.findall(out):
        if name.startswith('simd_'):
            assert SIMD_REASON in note, f'{name} is not skipped as SIMD'
            simd_skips += int(nskip)
        else:
            text_skips += int(nskip)
    reasons = {reason: int(n) for n, _, reason in SKIP_LINE.findall(out)}
    assert set(reasons) <= {SIMD_REASON, TEXT_REASON}, f'unexpected skip reasons: {reasons}'
    assert reasons.get(SIMD_REASON, 0) == simd_skips
    assert reasons.get(TEXT_REASON, 0) == text_skips, 'a non-SIMD file skipped something that is not text format'
    assert simd_skips + text_skips == skipped


def failures(out):
    """The failure lines the runner printed, for the assertion message."""
    return '\n'.join(line for line in out.splitlines() if line.startswith('  FAIL'))[:20000]


def check_suite_run(run):
    passed, failed, skipped = final_line(run.stdout)
    print(run.stdout.rstrip().splitlines()[-1])
    assert failed == 0, f'{failed} spec tests failed (all of them: build/spec/failures.txt):\n' \
                        f'{failures(run.stdout)}'
    assert run.returncode == 0, run.stderr[-4000:]
    check_skips(run.stdout)
    files = FILE_LINE.findall(run.stdout)
    assert len(files) == len(list(SUITE.glob('*.wast'))), 'not every .wast file was run'
    assert passed > 10000


def test_spec_suite_passes():
    run = run_spectest('spectest', '--failures', str(SPEC_DIR / 'failures.txt'))
    check_suite_run(run)


def test_spec_suite_passes_under_sanitizers():
    run = run_spectest('spectest-san', env={'ASAN_OPTIONS': 'detect_leaks=1',
                                            'UBSAN_OPTIONS': 'print_stacktrace=1'})
    assert 'runtime error' not in run.stderr, run.stderr[-4000:]
    assert 'Sanitizer' not in run.stderr, run.stderr[-4000:]
    assert run.returncode in (0, 1), f'the runner crashed (status {run.returncode}):\n' \
                                     f'{run.stderr[-4000:]}'
    check_suite_run(run)


# ---- the runner can fail ---------------------------------------------------

def leb(n):
    out = bytearray()
    while True:
        b = n & 0x7f
        n >>= 7
        out.append(b | (0x80 if n else 0))
        if not n:
            return bytes(out)


def section(sid, payload):
    return bytes([sid]) + leb(len(payload)) + payload


def module(body, results=b'\x7f'):
    """A module exporting `answer`: () -> results, with the given body."""
    functype = bytes([0x01, 0x60, 0x00]) + leb(len(results)) + results
    export = bytes([0x01, 0x06]) + b'answer' + bytes([0x00, 0x00])
    body = bytes([0x00]) + body
    return (b'\0asm' + bytes([1, 0, 0, 0]) + section(1, functype) +
            section(3, bytes([0x01, 0x00])) + section(7, export) +
            section(10, bytes([0x01]) + leb(len(body)) + body))


def answer_module():
    """`answer` returns 42."""
    return module(bytes([0x41, 42, 0x0b]))


def write_script(tmp_path, commands, wasm=None):
    (tmp_path / 'answer.wasm').write_bytes(wasm or answer_module())
    script = tmp_path / 'tiny.json'
    script.write_text(json.dumps({'source_filename': 'tiny.wast', 'commands': commands}))
    return script


def invoke(field):
    return {'type': 'invoke', 'field': field, 'args': []}


def binary(kind, line, filename, text):
    """A command about a binary module: assert_invalid and the like."""
    return {'type': kind, 'line': line, 'filename': filename, 'module_type': 'binary',
            'text': text}


def test_runner_reports_a_wrong_result(tmp_path):
    script = write_script(tmp_path, [
        {'type': 'module', 'line': 1, 'filename': 'answer.wasm'},
        {'type': 'assert_return', 'line': 2, 'action': invoke('answer'),
         'expected': [{'type': 'i32', 'value': '42'}]},
        {'type': 'assert_return', 'line': 3, 'action': invoke('answer'),
         'expected': [{'type': 'i32', 'value': '43'}]},
    ])
    run = run_spectest('spectest', str(script))
    assert final_line(run.stdout) == (2, 1, 0), run.stdout
    assert run.returncode == 1
    assert re.search(r'FAIL tiny\.json:3: assert_return: wrong result: "answer": '
                     r'expected \(i32:43\), got \(i32:42\)', run.stdout), run.stdout


def test_runner_reports_missed_errors(tmp_path):
    """A module that loads fine fails assert_invalid and assert_malformed;
    a call that returns fails assert_trap; a missing export is a failure."""
    module = {'filename': 'answer.wasm', 'module_type': 'binary', 'text': 'x'}
    script = write_script(tmp_path, [
        {'type': 'module', 'line': 1, 'filename': 'answer.wasm'},
        {'type': 'assert_invalid', 'line': 2, **module},
        {'type': 'assert_malformed', 'line': 3, **module},
        {'type': 'assert_trap', 'line': 4, 'action': invoke('answer'),
         'text': 'unreachable'},
        {'type': 'assert_return', 'line': 5, 'action': invoke('nothing'), 'expected': []},
        {'type': 'assert_malformed', 'line': 6, 'filename': 'x.wat',
         'module_type': 'text', 'text': 'y'},
    ])
    run = run_spectest('spectest', str(script))
    assert final_line(run.stdout) == (1, 4, 1), run.stdout
    for line, cause in ((2, 'module accepted'), (3, 'module accepted'), (4, 'no trap'),
                        (5, 'export not found')):
        assert f'tiny.json:{line}: ' in run.stdout and cause in run.stdout, run.stdout


def test_runner_tells_nan_patterns_apart(tmp_path):
    """0x7fe00000 is an arithmetic NaN (quiet bit set) but not the
    canonical one (payload = the quiet bit only)."""
    nan = module(bytes([0x43]) + (0x7fe00000).to_bytes(4, 'little') + bytes([0x0b]),
                 results=b'\x7d')
    expect = lambda v: [{'type': 'f32', 'value': v}]
    script = write_script(tmp_path, [
        {'type': 'module', 'line': 1, 'filename': 'answer.wasm'},
        {'type': 'assert_return', 'line': 2, 'action': invoke('answer'),
         'expected': expect('nan:arithmetic')},
        {'type': 'assert_return', 'line': 3, 'action': invoke('answer'),
         'expected': expect('nan:canonical')},
        {'type': 'assert_return', 'line': 4, 'action': invoke('answer'),
         'expected': expect(str(0x7fe00000))},
        {'type': 'assert_return', 'line': 5, 'action': invoke('answer'),
         'expected': expect(str(0x7fe00001))},
    ], wasm=nan)
    run = run_spectest('spectest', str(script))
    assert final_line(run.stdout) == (3, 2, 0), run.stdout
    assert 'tiny.json:3: ' in run.stdout and 'tiny.json:5: ' in run.stdout, run.stdout


def test_runner_insists_on_the_error_kind(tmp_path):
    """A module that does not decode is malformed, not invalid; a module
    that links is not unlinkable."""
    (tmp_path / 'broken.wasm').write_bytes(b'\0asm\x01\0\0\0\x01\x05\x01\x60')
    script = write_script(tmp_path, [
        binary('assert_invalid', 1, 'broken.wasm', 'type mismatch'),
        binary('assert_malformed', 2, 'broken.wasm', 'unexpected end'),
        binary('assert_unlinkable', 3, 'answer.wasm', 'unknown import'),
        binary('assert_uninstantiable', 4, 'answer.wasm', 'unreachable'),
    ])
    run = run_spectest('spectest', str(script))
    assert final_line(run.stdout) == (1, 3, 0), run.stdout
    assert re.search(r'tiny\.json:1: assert_invalid: wrong error kind: expected invalid .*got malformed',
                     run.stdout), run.stdout
    assert 'tiny.json:3: assert_unlinkable: module instantiated' in run.stdout, run.stdout
    assert 'tiny.json:4: assert_uninstantiable: module instantiated' in run.stdout, run.stdout


def test_runner_stops_an_endless_loop(tmp_path):
    """The fuel hook ends a call that never returns: a bug in the engine
    cannot hang the suite."""
    endless = module(bytes([0x03, 0x40, 0x0c, 0x00, 0x0b, 0x0b]), results=b'')
    script = write_script(tmp_path, [
        {'type': 'module', 'line': 1, 'filename': 'answer.wasm'},
        {'type': 'assert_return', 'line': 2, 'action': invoke('answer'), 'expected': []},
    ], wasm=endless)
    run = run_spectest('spectest', str(script))
    assert final_line(run.stdout) == (1, 1, 0), run.stdout
    assert 'tiny.json:2: assert_return: trapped instead of returning: "answer": stopped by embedder' \
        in run.stdout, run.stdout


@pytest.mark.parametrize('text', ['', '{"commands": [', '{"commands": [{"type": "module",}]}',
                                  '[' * 100 + ']' * 100, '{"commands": 7}'])
def test_runner_rejects_bad_json_clearly(tmp_path, text):
    script = tmp_path / 'bad.json'
    script.write_text(text)
    run = run_spectest('spectest', str(script))
    assert final_line(run.stdout)[1] == 1, run.stdout
    assert run.returncode == 1
    assert re.search(r'FAIL bad\.json:0: \w+: (bad JSON|bad script)', run.stdout), run.stdout


def test_runner_names_a_missing_suite(tmp_path):
    run = subprocess.run([str(HOST / 'spectest'), '--suite', str(tmp_path / 'nowhere')],
                         capture_output=True, text=True, cwd=REPO, timeout=60)
    assert run.returncode == 2
    assert 'test suite is not at' in run.stderr


def corrupt(text, rng):
    """One random corruption of a JSON script: truncation, a changed or
    deleted byte range, or a value replaced by a hostile one."""
    kind = rng.randrange(4)
    at = rng.randrange(len(text))
    if kind == 0:
        return text[:at]
    if kind == 1:
        return text[:at] + chr(rng.randrange(32, 127)) * rng.randrange(1, 4) + text[at + 1:]
    if kind == 2:
        return text[:at] + text[at + rng.randrange(1, 200):]
    hostile = rng.choice(['"-1"', '"nan:canonical"', '"null"', '"99999999999999999999999"',
                          '[]', '{}', '"\\u0000"', '1e999', '"../../etc/passwd"', 'null'])
    return re.sub(r'("(?:value|filename|field|type|line|as|name)": )("[^"]*"|\d+)',
                  lambda m: m.group(1) + hostile if rng.random() < 0.05 else m.group(0), text)


def test_runner_survives_corrupted_scripts(tmp_path):
    """Bad input gets a failure, never a crash: 300 corrupted copies of
    real scripts, under ASan + UBSan, in one run."""
    rng = random.Random(20261121)
    names = []
    for base in ('linking', 'i32', 'table_copy', 'names', 'float_exprs'):
        src = SPEC_DIR / base
        assert (src / f'{base}.json').exists(), 'build/spec is not converted: run make test'
        for wasm in src.glob('*.wasm'):
            shutil.copy(wasm, tmp_path)
        text = (src / f'{base}.json').read_text()
        for i in range(60):
            name = tmp_path / f'{base}-{i}.json'
            name.write_text(corrupt(text, rng))
            names.append(str(name))
    run = run_spectest('spectest-san', *names, env={'ASAN_OPTIONS': 'detect_leaks=1'})
    assert 'Sanitizer' not in run.stderr and 'runtime error' not in run.stderr, run.stderr[-4000:]
    assert run.returncode in (0, 1), run.stderr[-4000:]
    passed, failed, _ = final_line(run.stdout)
    assert failed > 0 and passed > 0


def test_load_only_decodes_and_validates_but_runs_nothing(tmp_path):
    """--load-only: modules load without being instantiated (a start
    function that would trap does not run), and every command that runs
    code is skipped under its own reason."""
    script = write_script(tmp_path, [
        {'type': 'module', 'line': 1, 'filename': 'answer.wasm'},
        {'type': 'assert_return', 'line': 2, 'action': invoke('answer'),
         'expected': [{'type': 'i32', 'value': '43'}]},
        {'type': 'register', 'line': 3, 'as': 'm'},
        {'type': 'assert_trap', 'line': 4, 'action': invoke('answer'), 'text': 'unreachable'},
        binary('assert_uninstantiable', 5, 'answer.wasm', 'unreachable'),
        binary('assert_invalid', 6, 'answer.wasm', 'type mismatch'),
    ])
    run = run_spectest('spectest', '--load-only', str(script))
    assert final_line(run.stdout) == (2, 1, 3), run.stdout
    assert 'skip: 3 commands: execution (--load-only)' in run.stdout, run.stdout
    assert 'tiny.json:6: assert_invalid: module accepted' in run.stdout, run.stdout


def test_messages_hold_invalid_modules_to_the_spec_text(tmp_path):
    """--messages: an invalid module refused for another reason than the
    spec's fails; malformed modules are still judged by their kind."""
    bad = module(bytes([0x41, 0x00, 0x42, 0x00, 0x6a, 0x0b]))      # i32.add of i32, i64
    (tmp_path / 'bad.wasm').write_bytes(bad)
    (tmp_path / 'cut.wasm').write_bytes(b'\0asm\x01\0\0\0\x01\x05\x01\x60')
    script = write_script(tmp_path, [
        binary('assert_invalid', 1, 'bad.wasm', 'type mismatch'),
        binary('assert_invalid', 2, 'bad.wasm', 'unknown label'),
        binary('assert_malformed', 3, 'cut.wasm', 'integer representation too long'),
    ])
    run = run_spectest('spectest', '--messages', str(script))
    assert final_line(run.stdout) == (2, 1, 0), run.stdout
    assert re.search(r'tiny\.json:2: assert_invalid: wrong message: expected invalid '
                     r'\("unknown label"\), got invalid at offset \d+: type mismatch',
                     run.stdout), run.stdout
    run = run_spectest('spectest', str(script))
    assert final_line(run.stdout) == (3, 0, 0), run.stdout
