"""The Wasm engine's own behaviour through build/host/wasm-probe (interp/probe.c):
execution, pausing and resuming at safe points, fuel, interrupts, the call-depth
and value-stack limits, host calls, and precise errors for bad modules."""
import os
import re
import subprocess

import pytest
from hypothesis import given, settings, strategies as st

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
PROBE = os.path.join(ROOT, 'build', 'host', 'wasm-probe')

PROGRAM = r'''
(module
  (import "env" "add3" (func $add3 (param i32 i32 i32) (result i32)))
  (import "env" "exit" (func $exit (param i32)))
  (memory 1)
  (func $fib (export "fib") (param i32) (result i32)
    (if (result i32) (i32.lt_u (local.get 0) (i32.const 2))
      (then (local.get 0))
      (else (i32.add (call $fib (i32.sub (local.get 0) (i32.const 1)))
                     (call $fib (i32.sub (local.get 0) (i32.const 2)))))))
  (func (export "count") (param i32) (result i32) (local i32)
    (loop $l
      (local.set 1 (i32.add (local.get 1) (i32.const 1)))
      (br_if $l (i32.lt_u (local.get 1) (local.get 0))))
    (local.get 1))
  (func (export "mix") (param i32) (result i64) (local i32 i64)
    (loop $l
      (i32.store (i32.and (i32.mul (local.get 1) (i32.const 4)) (i32.const 4095))
                 (local.get 1))
      (local.set 2 (i64.add (i64.mul (local.get 2) (i64.const 31))
                   (i64.extend_i32_u (i32.load (i32.and (i32.mul (local.get 1)
                                      (i32.const 12)) (i32.const 4092))))))
      (local.set 2 (i64.add (local.get 2) (i64.extend_i32_u (call $fib
                   (i32.and (local.get 1) (i32.const 7))))))
      (local.set 1 (i32.add (local.get 1) (i32.const 1)))
      (br_if $l (i32.lt_u (local.get 1) (local.get 0))))
    (local.get 2))
  (func $rec (export "rec") (param i32) (result i32)
    (call $rec (i32.add (local.get 0) (i32.const 1))))
  (func (export "host") (param i32) (result i32)
    (call $add3 (local.get 0) (i32.const 10) (i32.const 100)))
  (func (export "bye") (call $exit (i32.const 7)))
  (func $divide (export "divide") (param i32 i32) (result i32)
    (i32.div_s (local.get 0) (local.get 1)))
  (func (export "oob") (param i32) (result i32)
    (i32.load offset=4 (local.get 0)))
  (func (export "spin") (loop $l (br $l)))
)
'''


@pytest.fixture(scope='module')
def program(tmp_path_factory):
    d = tmp_path_factory.mktemp('interp')
    wat = d / 'p.wat'
    wat.write_text(PROGRAM)
    wasm = d / 'p.wasm'
    subprocess.run(['wat2wasm', '--debug-names', str(wat), '-o', str(wasm)],
                   check=True)
    return str(wasm)


def probe(*args):
    """Runs wasm-probe; returns (exit status, stdout lines)."""
    out = subprocess.run([PROBE, *map(str, args)], capture_output=True,
                         timeout=120)
    return out.returncode, out.stdout.decode().splitlines()


def outcome(lines):
    """The first line: the result or the trap."""
    return lines[0]


def counter(lines, name):
    return int(next(l.split()[1] for l in lines if l.startswith(name + ' ')))


def test_runs_recursive_code(program):
    assert probe(program, 'fib', 20) == (0, ['result i32 6765', 'pauses 0',
                                             'hook-calls 0'])


def test_loop_runs_to_completion(program):
    status, lines = probe(program, 'count', 100000)
    assert status == 0 and outcome(lines) == 'result i32 100000'


def test_fuel_is_charged_once_per_back_edge(program):
    # 100000 iterations take 99999 back-edges: with 1000 fuel per refill
    # the hook runs at the 1000th, 2000th, ... 99000th safe point.
    status, lines = probe('--fuel', 1000, program, 'count', 100000)
    assert status == 0, f'count(100000), refilled with 1000 fuel, did not finish: {lines}'
    assert counter(lines, 'hook-calls') == 99, f'want 99 hook calls: {lines}'


def test_pause_and_resume_continue_where_they_stopped(program):
    status, lines = probe('--fuel', 1000, '--pause', program, 'count', 100000)
    assert status == 0, f'count(100000) paused every 1000 safe points did not finish: {lines}'
    assert outcome(lines) == 'result i32 100000', lines
    assert counter(lines, 'pauses') == 99, f'want 99 pauses: {lines}'


@settings(max_examples=15, deadline=None)
@given(fuel=st.integers(min_value=1, max_value=400))
def test_pausing_anywhere_gives_the_same_result(program, fuel):
    # Loop back-edges and calls (incl. into deep recursion and back) are
    # all safe points: pausing at any of them must not change the result.
    _, plain = probe(program, 'mix', 300)
    status, paused = probe('--fuel', fuel, '--pause', program, 'mix', 300)
    assert status == 0, f'mix(300) paused every {fuel} safe points did not finish: {paused}'
    assert outcome(paused) == outcome(plain), \
        f'paused every {fuel} safe points: {outcome(paused)}; not paused: {outcome(plain)}'
    assert counter(paused, 'pauses') > 0


def test_recursion_pauses_inside_calls(program):
    status, lines = probe('--fuel', 1, '--pause', program, 'fib', 15)
    assert status == 0 and outcome(lines) == 'result i32 610', \
        f'fib(15) paused at every safe point: want result i32 610, got {lines}'
    # one safe point per call instruction: fib(15) runs 1973 times, once
    # called by the embedder (not a safe point) and 1972 times by itself
    assert counter(lines, 'pauses') == 1972


def test_hook_can_stop_an_infinite_loop(program):
    status, lines = probe('--fuel', 100, '--stop-after', 3, program, 'spin')
    assert status == 3
    assert re.fullmatch(r'trap: stopped by embedder in func \d+', outcome(lines))
    assert counter(lines, 'hook-calls') == 3


def test_interrupt_without_hook_stops(program):
    status, lines = probe('--interrupt', program, 'spin')
    assert status == 3 and outcome(lines).startswith('trap: stopped by embedder')


@pytest.mark.parametrize('opts', [[], ['--depth', 50], ['--slots', 300]])
def test_deep_recursion_traps_call_stack_exhausted(program, opts):
    status, lines = probe(*opts, program, 'rec', 0)
    assert status == 3
    assert outcome(lines) == 'trap: call stack exhausted in func 5 rec'


def test_stacks_that_cannot_grow_trap_out_of_memory(program):
    # The stacks start small and grow on the call path; when the allocator
    # refuses, the trap says so rather than blaming the call depth.
    status, lines = probe('--no-alloc-in-call', program, 'rec', 0)
    assert status == 3
    assert outcome(lines) == 'trap: out of memory in func 5 rec'


def test_small_limits_still_run_shallow_code(program):
    assert probe('--depth', 30, '--slots', 400, program, 'fib', 10)[1][0] == \
        'result i32 55'


def test_host_calls(program):
    assert outcome(probe(program, 'host', 5)[1]) == 'result i32 115'
    assert probe(program, 'bye')[0] == 4
    assert outcome(probe(program, 'bye')[1]) == 'exit 7'


@pytest.mark.parametrize('name,args,msg', [
    ('divide', [1, 0], 'integer divide by zero'),
    ('divide', [-2147483648, -1], 'integer overflow'),
    ('oob', [65532], 'out of bounds memory access'),
    ('oob', [-1], 'out of bounds memory access'),
])
def test_traps_name_the_function(program, name, args, msg):
    status, lines = probe(program, name, *args)
    assert status == 3
    assert re.fullmatch(rf'trap: {msg} in func \d+( \S+)?', outcome(lines))


def test_trap_names_come_from_the_name_section(program):
    assert outcome(probe(program, 'divide', 1, 0)[1]) == \
        'trap: integer divide by zero in func 8 divide'


def test_last_bytes_of_memory_are_reachable(program):
    assert probe(program, 'oob', 65528) == (0, ['result i32 0', 'pauses 0',
                                                'hook-calls 0'])


# ---- bad modules: precise errors (kind, offset, reason), never a crash ----

HEADER = b'\0asm\1\0\0\0'
TYPE_I32 = b'\x01\x05\x01\x60\x00\x01\x7f'     # type 0: [] -> [i32]
FUNC0 = b'\x03\x02\x01\x00'                    # one function of type 0


def code(body):
    """A code section with one body (no locals); the body's first
    instruction lands at offset 24 after HEADER + TYPE_I32 + FUNC0."""
    entry = b'\x00' + body
    return b'\x0a' + bytes([len(entry) + 2, 1, len(entry)]) + entry


def load_error(tmp_path, data):
    path = tmp_path / 'bad.wasm'
    path.write_bytes(data)
    status, lines = probe(path, 'f')
    assert status == 2, lines
    return lines[0]


@pytest.mark.parametrize('data,expected', [
    (b'\0asn\1\0\0\0', 'malformed at offset 0: magic header not detected'),
    (b'\0asm\2\0\0\0', 'malformed at offset 4: unknown binary version'),
    (HEADER + b'\x01\x05\x01\x60', 'malformed at offset 10: length out of bounds'),
    (HEADER + b'\x0d\x00', 'malformed at offset 8: malformed section id'),
    (HEADER + b'\x01\x04\x01\x60\x00\x00\x01', 'malformed at offset 15: unexpected end'),
    (HEADER + TYPE_I32 + FUNC0 + code(b'\x41\x80\x80\x80\x80\x80\x00\x0b'),
     'malformed at offset 25: integer representation too long'),
    (HEADER + TYPE_I32 + FUNC0 + code(b'\x41\x00\x42\x00\x6a\x0b'),
     'invalid at offset 28: type mismatch'),
    (HEADER + TYPE_I32 + FUNC0 + code(b'\x0b'),
     'invalid at offset 24: type mismatch'),
    (HEADER + TYPE_I32 + FUNC0 + code(b'\x20\x03\x0b'),
     'invalid at offset 24: unknown local'),
    (HEADER + TYPE_I32 + FUNC0 + code(b'\xfd\x0c\x0b'),
     'malformed at offset 24: SIMD not supported'),
    (HEADER + TYPE_I32 + FUNC0 + code(b'\x41\x00\x0b\x0b'),
     'malformed at offset 27: section size mismatch'),
    (HEADER + TYPE_I32 + FUNC0, 'malformed at offset 19: function and code section have inconsistent lengths'),
])
def test_bad_modules_get_offset_and_reason(tmp_path, data, expected):
    assert load_error(tmp_path, data) == expected


def test_malformed_beats_invalid(tmp_path):
    # an invalid body followed by a truncated section is malformed: the
    # spec decodes the whole module before it validates
    data = HEADER + TYPE_I32 + FUNC0 + code(b'\x0b') + b'\x0b\x05\x01'
    assert load_error(tmp_path, data).startswith('malformed')


def test_unknown_import_is_a_link_error(tmp_path):
    wat = tmp_path / 'imp.wat'
    wat.write_text('(module (import "env" "mem" (memory 1)) (func (export "f")))')
    subprocess.run(['wat2wasm', str(wat), '-o', str(tmp_path / 'imp.wasm')],
                   check=True)
    status, lines = probe(tmp_path / 'imp.wasm', 'f')
    assert status == 2
    assert lines[0] == 'unlinkable at offset 0: unknown import: env.mem'


@settings(max_examples=60, deadline=None)
@given(st.binary(max_size=60))
def test_garbage_after_header_is_rejected_cleanly(tmp_path_factory, tail):
    path = tmp_path_factory.mktemp('fz') / 'g.wasm'
    path.write_bytes(HEADER + TYPE_I32 + FUNC0 + tail)
    status, lines = probe(path, 'f')
    assert status in (0, 2, 3), lines     # never a crash
    if status == 2:
        assert re.match(r'(malformed|invalid|no function export)', lines[0])


def test_locals_read_before_a_write_keep_their_old_value(tmp_path):
    # local.get pushes no code: the compiler must copy the old value out
    # before local.set overwrites it, both low on the operand stack (lazy
    # operands) and high above it (copied at once).
    low = '(local.get 0) ' + '(i32.const 1) ' * 70
    high = '(i32.const 1) ' * 70 + '(local.get 0) '
    for name, pushes in (('low', low), ('high', high)):
        wat = tmp_path / f'{name}.wat'
        wat.write_text(f'''(module (func (export "f") (param i32) (result i32)
            {pushes} (local.set 0 (i32.const 100)) {'(i32.add) ' * 70}))''')
        subprocess.run(['wat2wasm', str(wat), '-o', str(tmp_path / 'm.wasm')],
                       check=True)
        assert probe(tmp_path / 'm.wasm', 'f', 5)[1][0] == 'result i32 75', name


def test_backtrace_after_a_trap(program):
    # rec calls itself until 10 calls are nested (the entry call is not
    # one): 11 activations, innermost first (the probe prints four)
    status, lines = probe('--depth', 10, program, 'rec', 0)
    assert status == 3
    assert lines[1] == 'backtrace 11: 5 5 5 5'
    status, lines = probe(program, 'divide', 1, 0)
    assert lines[1] == 'backtrace 1: 8'


def test_entry_frame_larger_than_the_stack_traps(tmp_path):
    params = ' '.join(['i64'] * 12)
    wat = tmp_path / 'wide.wat'
    wat.write_text(f'(module (func (export "f") (param {params}) (result i64)'
                   ' (local.get 11)))')
    subprocess.run(['wat2wasm', str(wat), '-o', str(tmp_path / 'w.wasm')],
                   check=True)
    args = list(range(1, 13))
    assert probe(tmp_path / 'w.wasm', 'f', *args)[1][0] == 'result i64 12'
    status, lines = probe('--slots', 6, tmp_path / 'w.wasm', 'f', *args)
    assert status == 3 and lines[0].startswith('trap: call stack exhausted')


def test_br_table_back_to_a_loop(tmp_path):
    # br_table's target is a distance that is negative for a loop; the
    # fuzzer found it once added as unsigned (a jump 4 GiB away)
    wat = tmp_path / 'bt.wat'
    wat.write_text('''(module (func (export "f") (param i32) (result i32)
        (local i32)
        (loop $l
          (local.set 1 (i32.add (local.get 1) (i32.const 1)))
          (br_table $l $l (i32.lt_u (local.get 1) (local.get 0)))
          unreachable)
        (local.get 1)))''')
    # index 1 (i < n) and 0 (i >= n) both go back: only fuel ends it
    subprocess.run(['wat2wasm', str(wat), '-o', str(tmp_path / 'bt.wasm')],
                   check=True)
    status, lines = probe('--fuel', 1000, '--stop-after', 2,
                          tmp_path / 'bt.wasm', 'f', 10)
    assert status == 3
    assert lines[0] == 'trap: stopped by embedder in func 0'


def test_br_table_picks_its_label(tmp_path):
    wat = tmp_path / 'sel.wat'
    wat.write_text('''(module (func (export "f") (param i32) (result i32)
        (local i32)
        (block $out
          (loop $l
            (local.set 1 (i32.add (local.get 1) (i32.const 1)))
            (br_table $l $out (i32.ge_u (local.get 1) (local.get 0)))))
        (local.get 1)))''')
    subprocess.run(['wat2wasm', str(wat), '-o', str(tmp_path / 'sel.wasm')],
                   check=True)
    assert probe(tmp_path / 'sel.wasm', 'f', 1000)[1][0] == 'result i32 1000'
