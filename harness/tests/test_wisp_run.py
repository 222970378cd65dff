"""wisp-run runs unmodified C programs built for wasm32-wasi and they
print exactly what their native (gcc) builds print, with the same exit
status; traps end a run with a one-line report and status 134."""
import os
import re
import subprocess

import pytest

from test_wisp_run_helpers import RUN_TIMEOUT, artifact, text, wisp_run


def run_native(name, args=(), env=None, stdin=b'', cwd=None):
    """Runs build/run-tests/<name>.native with exactly env."""
    return subprocess.run([str(artifact(name + '.native')), *args],
                          input=stdin, capture_output=True, cwd=cwd,
                          env=env if env is not None else {},
                          timeout=RUN_TIMEOUT)


def assert_same(native, wasm):
    """Same stdout (byte for byte) and same exit status."""
    assert text(wasm.stdout) == text(native.stdout), text(wasm.stderr)
    assert wasm.returncode == native.returncode, text(wasm.stderr)


def compare(name, args=(), env=None, stdin=b''):
    """Runs a program natively and on wisp-run and checks they agree."""
    env = env or {}
    native = run_native(name, args, env, stdin)
    envopts = [x for kv in env.items() for x in ('--env', '='.join(kv))]
    wasm = wisp_run(*envopts, artifact(name + '.wasm'), *args, stdin=stdin)
    assert_same(native, wasm)
    return wasm


def test_printf_matches_native():
    out = compare('printf')
    assert b'hello, world\n' in out.stdout


def test_args_and_environ_match_native():
    env = {'WISP_A': 'alpha', 'B': 'two words', 'EMPTY': '', 'EQ': 'a=b'}
    out = compare('args_env', ['one', 'two words', '', 'ünïcode'], env)
    assert b'argv[2]=[two words]' in out.stdout
    assert b'env EQ=a=b' in out.stdout


def test_no_environment_matches_native():
    out = compare('args_env')
    assert b'environ has 0 entries' in out.stdout


def test_checked_operations_match_native():
    """Division and remainder of every sign, a dense switch (br_table),
    calls through function pointers (call_indirect), conversions near the
    limits, array accesses: what the interpreter checks, on values where
    C and Wasm agree."""
    out = compare('ops')
    assert b'state ' in out.stdout and b'i64(-2147483648.9)=-2147483648' in out.stdout


def test_malloc_qsort_strings_match_native():
    out = compare('heap')
    assert b'sorted 200000' in out.stdout


def test_stdin_matches_native():
    data = b'the quick brown fox\njumps over\n\n  the lazy dog' * 50
    out = compare('stdin_wc', stdin=data)
    assert b'THE QUICK BROWN FOX' in out.stdout


def test_empty_stdin_matches_native():
    compare('stdin_wc', stdin=b'')


@pytest.mark.parametrize('args', [['exit', '0'], ['exit', '3'],
                                  ['exit', '300'], ['return', '7'],
                                  ['return', '0'], []])
def test_exit_status_matches_native(args):
    out = compare('exit_code', args)
    if args:
        assert out.returncode == int(args[1]) % 256


def test_file_io_matches_native(tmp_path):
    """create/write/read/seek/stat/readdir/rename/unlink/mkdir/rmdir in a
    directory: natively in its cwd, on wisp-run through --dir DIR:."""
    nat_dir, wasm_dir = tmp_path / 'native', tmp_path / 'wasm'
    nat_dir.mkdir()
    wasm_dir.mkdir()
    native = run_native('files', cwd=nat_dir)
    wasm = wisp_run('--dir', f'{wasm_dir}:.', artifact('files.wasm'))
    assert_same(native, wasm)
    assert b'ls sub: deeper/(0) n.txt(96)' in wasm.stdout
    assert sorted(os.listdir(wasm_dir)) == sorted(os.listdir(nat_dir))


def test_no_dir_means_no_files(tmp_path):
    """Without --dir a program sees no file at all, even in wisp-run's
    own working directory."""
    (tmp_path / 'file.txt').write_text('host file')
    out = wisp_run(artifact('escape.wasm'), cwd=tmp_path)
    assert out.returncode == 0, text(out.stderr)
    lines = text(out.stdout).splitlines()
    assert len(lines) == 23
    assert all(line.endswith(('denied', 'refused')) for line in lines), lines


TRAP_RE = r'trap: {} in func \d+ \((\S+)\)\n'


@pytest.mark.parametrize('what,reason,func', [
    ('oob', 'out of bounds memory access', 'poke_far'),
    ('div', 'integer divide by zero', 'divide'),
    ('unreachable', 'unreachable', None),
    ('recurse', 'call stack exhausted', 'recurse'),
])
def test_trap_reports_reason_and_function(what, reason, func):
    out = wisp_run(artifact('trap.wasm'), what)
    assert out.returncode == 134, text(out.stderr)
    assert out.stdout == f'about to trap: {what}\n'.encode()
    m = re.fullmatch(TRAP_RE.format(re.escape(reason)), text(out.stderr))
    assert m, text(out.stderr)
    if func:
        assert m.group(1) == func


def test_no_trap_path_exits_zero():
    out = wisp_run(artifact('trap.wasm'), 'none')
    assert out.returncode == 0
    assert out.stdout.endswith(b'no trap\n')


def test_fuel_stops_an_infinite_loop():
    out = wisp_run('--fuel', '100000', artifact('trap.wasm'), 'loop')
    assert out.returncode == 134
    assert re.fullmatch(TRAP_RE.format('stopped by embedder'),
                        text(out.stderr)), text(out.stderr)


def test_enough_fuel_lets_a_program_finish():
    out = wisp_run('--fuel', '100000000', artifact('printf.wasm'))
    assert out.returncode == 0, text(out.stderr)
    assert out.stdout.startswith(b'hello, world\n')


def test_clocks_sleep_and_random_match_native():
    out = compare('clock')
    assert text(out.stdout).count(': 1\n') == 6      # every fact holds
    assert b'nanosleep: 0\nusleep: 0\n' in out.stdout


def test_binary_stdin_passes_through_unchanged():
    data = bytes(range(256)) * 64
    out = compare('cat', stdin=data)
    assert out.stdout == data


def test_dir_without_guest_name_uses_the_host_path(tmp_path):
    """--dir HOST_DIR: the guest sees the directory under the host's name,
    so the same absolute paths work natively and on wisp-run."""
    (tmp_path / 'sub').mkdir()
    (tmp_path / 'a.txt').write_text('first file\n')
    (tmp_path / 'sub' / 'b.txt').write_text('second file\n')
    args = [str(tmp_path / 'a.txt'), str(tmp_path / 'sub' / 'b.txt')]
    native = run_native('cat', args)
    wasm = wisp_run('--dir', tmp_path, artifact('cat.wasm'), *args)
    assert_same(native, wasm)
    assert wasm.stdout == b'first file\nsecond file\n'


def test_paths_outside_every_dir_cannot_be_opened(tmp_path):
    (tmp_path / 'a.txt').write_text('inside\n')
    outside = tmp_path.parent / f'{tmp_path.name}-outside.txt'
    outside.write_text('outside\n')
    try:
        wasm = wisp_run('--dir', tmp_path, artifact('cat.wasm'),
                        tmp_path / 'a.txt', outside, '/etc/passwd')
    finally:
        outside.unlink()
    assert wasm.returncode == 1
    assert text(wasm.stdout) == (f'inside\ncat: cannot open {outside}\n'
                                 'cat: cannot open /etc/passwd\n')
