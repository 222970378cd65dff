"""wisp-run --invoke calls an export with numbers from the command line and
prints its results; bad modules, imports and command lines give exit 2 and
a precise message, never a crash."""
import random
import re

import pytest

from test_wisp_run_helpers import artifact, invoke, text, wisp_run


def results(name, *args, opts=()):
    out = invoke(artifact('invoke.wasm'), name, *args, opts=opts)
    assert out.returncode == 0, text(out.stderr)
    return text(out.stdout).splitlines()


@pytest.mark.parametrize('name,args,expected', [
    ('add', [2, 3], ['5']),
    ('add', ['0x7fffffff', 1], ['-2147483648']),
    ('add', [-1, '0xffffffff'], ['-2']),
    ('neg64', ['9223372036854775807'], ['-9223372036854775807']),
    ('neg64', ['0x8000000000000000'], ['-9223372036854775808']),
    ('fdiv', [1, 3], ['0.3333333333333333']),
    ('fdiv', [1, 0], ['inf']),
    ('fdiv', [-1, 0], ['-inf']),
    ('fdiv', ['2.5e300', '1e-10'], ['inf']),
    ('fdiv', [10, 4], ['2.5']),
    ('f32mul', [1.5, 2], ['3']),
    ('f32mul', [0.1, 1], ['0.1']),
    ('multi', [7], ['7', '7', '7', '2.3333333333333335']),
    ('multi', [-1], ['-1', '-1', '-1', '-0.3333333333333333']),
    ('started', [], ['42']),
    ('nothing', [], []),
])
def test_invoke_prints_results(name, args, expected):
    assert results(name, *args) == expected


def test_invoke_nan():
    assert re.fullmatch(r'-?nan', results('fdiv', 0, 0)[0])


@pytest.mark.parametrize('name,args,reason', [
    ('div', [7, 0], 'integer divide by zero'),
    ('div', ['0x80000000', -1], 'integer overflow'),
    ('boom', [], 'unreachable'),
    ('deep', [0], 'call stack exhausted'),
    ('load', [65536], 'out of bounds memory access'),
    ('load', [65533], 'out of bounds memory access'),
])
def test_invoke_traps(name, args, reason):
    out = invoke(artifact('invoke.wasm'), name, *args)
    assert out.returncode == 134
    assert out.stdout == b''
    assert re.fullmatch(rf'trap: {reason} in func \d+( \(\S+\))?\n',
                        text(out.stderr)), text(out.stderr)


def test_trap_names_the_function_from_the_name_section():
    out = invoke(artifact('invoke.wasm'), 'boom')
    assert re.fullmatch(r'trap: unreachable in func \d+ \(boom\)\n',
                        text(out.stderr)), text(out.stderr)


def test_fuel_stops_a_spinning_export():
    out = invoke(artifact('invoke.wasm'), 'spin', opts=('--fuel', '5000'))
    assert out.returncode == 134
    assert re.fullmatch(r'trap: stopped by embedder in func \d+ \(spin\)\n',
                        text(out.stderr)), text(out.stderr)


@pytest.mark.parametrize('name,args,message', [
    ('add', [1], "'add' takes 2 arguments, got 1"),
    ('add', ['x', 1], "argument 1 ('x') is not a valid i32"),
    ('add', ['4294967296', 1], 'is not a valid i32'),
    ('add', ['-2147483649', 1], 'is not a valid i32'),
    ('neg64', ['1.5'], 'is not a valid i64'),
    ('fdiv', ['one', 1], 'is not a valid f64'),
    ('missing', [], "no export named 'missing'"),
    ('a_global', [], "export 'a_global' is not a function"),
])
def test_invoke_bad_arguments(name, args, message):
    out = invoke(artifact('invoke.wasm'), name, *args)
    assert out.returncode == 2
    assert message in text(out.stderr)


# ---- bad modules and command lines ------------------------------------------

LOAD_ERR = r'wisp-run: {}: {} at offset 0x([0-9a-f]+): \S.*\n'


def load_error(path, kind):
    """Runs path; checks exit 2 and a one-line "<kind> at offset" error.
    Returns the offset."""
    out = wisp_run(path)
    assert out.returncode == 2, text(out.stderr)
    m = re.fullmatch(LOAD_ERR.format(re.escape(str(path)), kind),
                     text(out.stderr))
    assert m, text(out.stderr)
    return int(m.group(1), 16)


@pytest.mark.parametrize('data', [b'', b'hello world', b'\0asm',
                                  b'\0asm\x02\0\0\0', b'\0ASM\x01\0\0\0'])
def test_garbage_is_malformed(tmp_path, data):
    path = tmp_path / 'bad.wasm'
    path.write_bytes(data)
    assert load_error(path, 'malformed module') <= len(data)


def test_truncated_program_is_malformed(tmp_path):
    data = artifact('printf.wasm').read_bytes()
    for cut in (9, 100, len(data) // 2, len(data) - 1):
        path = tmp_path / f'cut{cut}.wasm'
        path.write_bytes(data[:cut])
        assert load_error(path, 'malformed module') <= cut


def test_invalid_module_is_reported(tmp_path):
    # (func (result i32)) with an empty body: a type mismatch at its end
    data = (b'\0asm\1\0\0\0' b'\x01\x05\x01\x60\x00\x01\x7f'
            b'\x03\x02\x01\x00' b'\x0a\x04\x01\x02\x00\x0b')
    path = tmp_path / 'invalid.wasm'
    path.write_bytes(data)
    assert 0 < load_error(path, 'invalid module') < len(data)


def test_unknown_import_is_named():
    out = wisp_run(artifact('bad_import.wasm'))
    assert out.returncode == 2
    assert 'unknown import: env.foo (function)' in text(out.stderr)


def test_wrong_wasi_signature_is_a_link_error():
    out = wisp_run(artifact('bad_sig.wasm'))
    assert out.returncode == 2
    assert re.search(r': link error at offset 0x[0-9a-f]+: \S',
                     text(out.stderr)), text(out.stderr)


def test_module_without_start_is_not_a_command():
    out = wisp_run(artifact('invoke.wasm'))
    assert out.returncode == 2
    assert 'no exported function _start' in text(out.stderr)


@pytest.mark.parametrize('args,message', [
    ([], 'no module given'),
    (['--bogus', 'x.wasm'], "unknown option '--bogus'"),
    (['--fuel', 'lots', 'x.wasm'], '--fuel needs a positive number'),
    (['--env', 'NOEQUALS', 'x.wasm'], '--env needs KEY=VALUE'),
    (['--dir'], "missing value for '--dir'"),
    (['/nonexistent/prog.wasm'], '/nonexistent/prog.wasm: No such file'),
])
def test_bad_command_lines(args, message):
    out = wisp_run(*args)
    assert out.returncode == 2
    assert message in text(out.stderr)


def test_missing_preopen_directory(tmp_path):
    out = wisp_run('--dir', tmp_path / 'nope', artifact('printf.wasm'))
    assert out.returncode == 2
    assert 'No such file or directory' in text(out.stderr)


def test_mutated_modules_never_crash_the_runner(tmp_path):
    """Byte flips of a real program: every run ends with a status (an
    error, a trap or an exit), never a signal."""
    data = bytearray(artifact('exit_code.wasm').read_bytes())
    rng = random.Random(6)
    path = tmp_path / 'mut.wasm'
    for i in range(60):
        mutant = bytearray(data)
        for _ in range(rng.randint(1, 8)):
            mutant[rng.randrange(8, len(mutant))] = rng.randrange(256)
        path.write_bytes(mutant)
        out = wisp_run('--fuel', '10000000', path, 'return', '3')
        assert out.returncode >= 0, f'mutant {i}: signal {-out.returncode}'


def test_help():
    out = wisp_run('--help')
    assert out.returncode == 0
    assert text(out.stdout).startswith('usage: wisp-run [--dir HOST_DIR')
