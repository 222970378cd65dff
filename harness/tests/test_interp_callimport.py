"""A call of an imported function with one result (OP_CALL_IMPORT, interp/ops.h)
through build/host/wasm-probe (interp/probe.c): with the imports plain host
functions, and with them raw ones (--raw), as the kernel's are, which the op runs
in place.  Either way each function gives what its model says: the result lands
where a local.set or local.tee right after the call puts it (the op writes the
local itself), stays on the stack when nothing takes it, and an exit or a trap
in the host function ends the call as from any call."""
import os
import subprocess

import pytest

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
PROBE = os.path.join(ROOT, 'build', 'host', 'wasm-probe')

# env.add2 and env.add64 return the sum of their arguments (wasm-probe's
# imports), env.exit exits with its argument, env.trap traps.
PROGRAM = r'''
(module
  (import "env" "add2" (func $add2 (param i32 i32) (result i32)))
  (import "env" "add64" (func $add64 (param i64 i64) (result i64)))
  (import "env" "exit" (func $exit (param i32) (result i32)))
  (import "env" "trap" (func $trap (param i32) (result i32)))
  (func (export "set") (param i32) (result i32) (local i32 i32)
    (loop $l
      (local.set 1 (call $add2 (local.get 1) (local.get 2)))
      (local.set 2 (i32.add (local.get 2) (i32.const 1)))
      (br_if $l (i32.lt_u (local.get 2) (local.get 0))))
    (local.get 1))
  (func (export "tee") (param i32) (result i32) (local i32)
    (block $b
      (loop $l
        (br_if $b (i32.ge_u (local.tee 1 (call $add2 (local.get 1)
                                                     (i32.const 3)))
                            (local.get 0)))
        (br $l)))
    (local.get 1))
  (func (export "stack") (param i32) (result i32)
    (drop (call $add2 (local.get 0) (i32.const 1)))
    (i32.mul (call $add2 (local.get 0) (i32.const 1)) (i32.const 2)))
  (func (export "old") (param i32) (result i32)
    (i32.sub (local.get 0)
             (local.tee 0 (call $add2 (local.get 0) (i32.const 5)))))
  (func (export "wide") (param i64) (result i64) (local i64)
    (local.set 1 (call $add64 (local.get 0) (i64.const 1)))
    (local.get 1))
  (func (export "bye") (param i32) (result i32)
    (local.set 0 (call $exit (local.get 0)))
    (local.get 0))
  (func $boom (export "boom") (param i32) (result i32)
    (local.set 0 (call $trap (local.get 0)))
    (i32.const 99))
)
'''

# name, argument, the probe's first line: what the function's model gives.
CASES = [
    ('set', 100, f'result i32 {sum(range(100))}'),
    ('set', 1, 'result i32 0'),
    ('tee', 10, 'result i32 12'),
    ('stack', 4, 'result i32 10'),
    ('old', 7, 'result i32 -5'),
    ('wide', 1 << 40, f'result i64 {(1 << 40) + 1}'),
    ('bye', 7, 'exit 7'),
    ('boom', 1, 'trap: host trap in func 10 boom'),
]


@pytest.fixture(scope='module')
def program(tmp_path_factory):
    d = tmp_path_factory.mktemp('callimport')
    (d / 'p.wat').write_text(PROGRAM)
    subprocess.run(['wat2wasm', '--debug-names', str(d / 'p.wat'), '-o',
                    str(d / 'p.wasm')], check=True)
    return str(d / 'p.wasm')


@pytest.mark.parametrize('raw', [False, True], ids=['host', 'raw'])
@pytest.mark.parametrize('name,arg,want', CASES)
def test_an_import_call_gives_the_model_result(program, raw, name, arg, want):
    out = subprocess.run([PROBE, *(['--raw'] if raw else []), program, name,
                          str(arg)], capture_output=True, timeout=60)
    lines = out.stdout.decode().splitlines()
    assert lines and lines[0] == want, (name, arg, lines)


def test_a_raw_import_call_pauses_and_resumes(program):
    # Fuel of 1 per refill: the hook pauses at every safe point, those of
    # the import calls included, and the sum comes out the same.
    out = subprocess.run([PROBE, '--raw', '--fuel', '1', '--pause', program,
                          'set', '50'], capture_output=True, timeout=60)
    lines = out.stdout.decode().splitlines()
    assert lines[0] == f'result i32 {sum(range(50))}', lines
    assert int(lines[1].split()[1]) > 50, lines
