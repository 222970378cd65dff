"""The superinstructions that fuse two ops (spec/wasm.md, book chapter 4):
an i32.add feeding another (either operand), an i32.shr_u feeding an
i32.and (either operand), an i32.and feeding an i32.shl (its first
operand), an i64.xor feeding an i64.mul (either operand), an i32.shr_u
and i32.and pair feeding an i32.add (either operand),
a COPY or two then a br or a loop's br (the moves of a branch),
two COPYs in a row (local.sets, and the
moves of a branch), two i32.adds in a row, and a COPY then an i32.load,
a forward br_unless or a loop's br_if, but never across a label a branch
lands on; a local set to itself; and a
local.set or local.tee of a local still on the stack, whose copy moves in
front of the op that computes the new value; and an i32.load of an
address just loaded, with either access out of bounds; and an i32 load
of each width feeding a br_table, in bounds and out; and a load whose
value a store of the same width stores at once (a field copy), with
either access out of bounds, and two such copies in a row; an f64.load then an f64.mul, or an f64.add
and the f64.store of the sum, each access out of bounds in turn; and a
copy, an i32.load and a load at a scaled index feeding a br_table (a
guest interpreter's dispatch); an i32.add then a call, an i64.add then
a return, the call stack running out through the fused call.  Each function runs through
build/host/wasm-probe (the field copies and the f64 ops through build/host/spectest,
which checks the memory after each call) on values at the edges (the
32-bit wrap-around, shift counts of 32 and more, which Wasm takes modulo
32) and is checked against a Python model of the Wasm semantics."""
import itertools
import json
import os
import struct
import subprocess

import pytest

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
PROBE = os.path.join(ROOT, 'build', 'host', 'wasm-probe')
SPECTEST = os.path.join(ROOT, 'build', 'host', 'spectest')
M32 = 0xffffffff
EDGES = [0, 1, 3, 31, 32, 33, 0x7fffffff, 0x80000000, 0xfffffffe, M32]

A, B, C = '(local.get $a)', '(local.get $b)', '(local.get $c)'
# name: (body over $a $b $c, model)
FUNCS = {
    'add_add_first': (f'(i32.add (i32.add {A} {B}) {C})',
                      lambda a, b, c: (a + b + c) & M32),
    'add_add_second': (f'(i32.add {C} (i32.add {A} {B}))',
                       lambda a, b, c: (a + b + c) & M32),
    'add_add_const': (f'(i32.add (i32.add {A} (i32.const -7)) {B})',
                      lambda a, b, c: (a - 7 + b) & M32),
    'shr_and_first': (f'(i32.and (i32.shr_u {A} {B}) {C})',
                      lambda a, b, c: (a >> (b & 31)) & c),
    'shr_and_second': (f'(i32.and {C} (i32.shr_u {A} {B}))',
                       lambda a, b, c: (a >> (b & 31)) & c),
    'shr_and_field': (f'(i32.and (i32.shr_u {A} (i32.const 7)) (i32.const 255))',
                      lambda a, b, c: (a >> 7) & 255),
    'xor_mul64_first': ('(i32.wrap_i64 (i64.shr_u (i64.mul (i64.xor '
                        '(i64.extend_i32_u (local.get $a)) (i64.const 0xcbf29ce484222325)) '
                        '(i64.extend_i32_s (local.get $b))) (i64.extend_i32_u (local.get $c))))',
                        lambda a, b, c: ((((a ^ 0xcbf29ce484222325) * sx(b)) % 2**64)
                                         >> (c & 63)) & M32),
    'xor_mul64_second': ('(i32.wrap_i64 (i64.shr_u (i64.mul (i64.const 0x100000001b3) '
                         '(i64.xor (i64.extend_i32_s (local.get $a)) (i64.extend_i32_u (local.get $b)))) '
                         '(i64.extend_i32_u (local.get $c))))',
                         lambda a, b, c: ((((sx(a) ^ b) * 0x100000001b3) % 2**64)
                                          >> (c & 63)) & M32),
    # local.tee and local.set of a local still on the stack: its copy
    # moves in front of the op, which then writes the local itself
    'tee_referenced': (f'(i32.sub (i32.add {A} (i32.add {C} (i32.add {A} '
                       f'(local.tee $a (i32.mul {A} {B}))))) {A})',
                       lambda a, b, c: (2 * a + c) & M32),
    'set_referenced': (f'{A} {A} {B} i32.add local.set $a {A} i32.mul {B} i32.add',
                       lambda a, b, c: (a * (a + b) + b) & M32),
    'tee_then_branch': (f'(i32.add {A} (block (result i32) '
                        f'(br_if 0 (local.tee $a (i32.add {A} {B})) (i32.eqz {C})) '
                        f'(drop) (i32.const 5)))',
                        lambda a, b, c: (a + ((a + b) & M32 if c == 0 else 5)) & M32),
    'and_shl': (f'(i32.shl (i32.and {A} {B}) {C})',
                lambda a, b, c: ((a & b) << (c & 31)) & M32),
    'and_shl_field': (f'(i32.shl (i32.and {A} (i32.const 127)) (i32.const 2))',
                      lambda a, b, c: (a & 127) << 2),
    # shl does not commute: an and as its count stays two ops
    'shl_by_and': (f'(i32.shl {C} (i32.and {A} {B}))',
                   lambda a, b, c: (c << (a & b & 31)) & M32),
    # a signed shift is not fused: it must stay an arithmetic shift
    'shr_s_and': (f'(i32.and (i32.shr_s {A} {B}) {C})',
                  lambda a, b, c: ((a - (a >> 31 << 32)) >> (b & 31)) & c & M32),
    # a bit field added to a base, either way round, and kept in a local
    'shr_and_add_first': (f'(i32.add (i32.and (i32.shr_u {A} {B}) {C}) {B})',
                          lambda a, b, c: (((a >> (b & 31)) & c) + b) & M32),
    'shr_and_add_second': (f'(i32.add {C} (i32.and (i32.shr_u {A} (i32.const 3)) '
                           f'(i32.const 4080)))',
                           lambda a, b, c: (c + ((a >> 3) & 4080)) & M32),
    'shr_and_add_tee': (f'(i32.mul (local.tee $t (i32.add {C} (i32.and (i32.shr_u {A} '
                        f'(i32.const 12)) (i32.const 4080)))) (local.get $t))',
                        lambda a, b, c: ((c + ((a >> 12) & 4080)) ** 2) & M32),
    # a scaled index added to a base (an element's address), either way
    # round, with a mask or without, and kept in a local
    'shl_add_first': (f'(i32.add (i32.shl {A} {B}) {C})',
                      lambda a, b, c: ((a << (b & 31)) + c) & M32),
    'shl_add_second': (f'(i32.add {C} (i32.shl {A} (i32.const 3)))',
                       lambda a, b, c: (c + (a << 3)) & M32),
    'and_shl_add_first': (f'(i32.add (i32.shl (i32.and {A} {B}) {C}) {B})',
                          lambda a, b, c: (((a & b) << (c & 31)) + b) & M32),
    'and_shl_add_second': (f'(i32.add (i32.const 13040) (i32.shl (i32.and {A} '
                           f'(i32.const 127)) (i32.const 2)))',
                           lambda a, b, c: (13040 + ((a & 127) << 2)) & M32),
    'shl_add_tee': (f'(i32.mul (local.tee $t (i32.add {C} (i32.shl {A} {B}))) '
                    f'(local.get $t))',
                    lambda a, b, c: ((c + (a << (b & 31))) ** 2) & M32),
    # two i32.adds in a row (OP_ADD2), independent, the second reading the
    # first's result, and the second writing an operand of the first
    'adds_apart': (f'(local.set $t (i32.add {A} {B})) (local.set $a (i32.add {B} {C})) '
                   f'(i32.sub (local.get $t) {A})',
                   lambda a, b, c: (a + b - b - c) & M32),
    'adds_chained': (f'(local.set $t (i32.add {A} {B})) (local.set $a (i32.add (local.get $t) {C})) '
                     f'(i32.mul (local.get $t) {A})',
                     lambda a, b, c: ((a + b) * (a + b + c)) & M32),
    'adds_overwrite': (f'(local.set $a (i32.add {A} {B})) (local.set $b (i32.add {A} {A})) '
                       f'(i32.sub (local.get $b) {C})',
                       lambda a, b, c: (2 * (a + b) - c) & M32),
    # a COPY, then a forward branch (the copy of a local still on the
    # stack, in front of an if) or a loop's conditional back-edge
    'copy_if': (f'{A} (if {C} (then (local.set $a (i32.const 7)))) {A} i32.add',
                lambda a, b, c: (a + (7 if c else a)) & M32),
    'copy_loop': (f'(local.set $c (i32.add (i32.and {C} (i32.const 7)) (i32.const 1))) '
                  f'(loop $l (local.set $t (i32.add (local.get $t) {A})) '
                  f'(local.set $c (i32.sub {C} (i32.const 1))) '
                  f'(local.set $b (local.get $t)) (br_if $l {C}) '
                  f'(local.set $a (i32.mul {A} (i32.const 3)))) '
                  f'(i32.add {B} {A})',
                  lambda a, b, c: (a * ((c & 7) + 1) + 3 * a) & M32),
    # an i32.add, then a loop's br_if (OP_ADD_LOOP_BR_IF), taken and not
    'add_loop': (f'(local.set $c (i32.add (i32.and {C} (i32.const 7)) (i32.const 1))) '
                 f'(loop $l (local.set $b (i32.mul {B} (i32.const 3))) '
                 f'(local.set $c (i32.add {C} (i32.const -1))) (br_if $l {C})) '
                 f'(i32.add {B} {C})',
                 lambda a, b, c: (b * 3 ** ((c & 7) + 1)) & M32),
    # a copy, a forward br_unless and the i32.add it falls through to,
    # jumping and not
    'copy_if_add': (f'{A} (if {C} (then (local.set $a (i32.add {A} {B})))) {A} i32.add',
                    lambda a, b, c: (a + ((a + b) if c else a)) & M32),
    # a copy, then a br (OP_COPY_BR) or a loop's br (OP_COPY_LOOP_BR), and
    # two copies, then a loop's br (OP_COPY2_LOOP_BR)
    'copy_br': (f'(block $x (local.set $t {A}) (br_if $x {C}) (local.set $t {B}) (br $x)) '
                f'(i32.sub (local.get $t) {C})',
                lambda a, b, c: ((a if c else b) - c) & M32),
    'copy_loop_br': (f'(local.set $c (i32.and {C} (i32.const 7))) '
                     f'(block $d (loop $l (br_if $d (i32.eqz {C})) '
                     f'(local.set $c (i32.add {C} (i32.const -1))) '
                     f'(local.set $a (i32.add {A} {B})) (local.set $b {A}) (br $l))) '
                     f'(i32.add {A} {B})',
                     lambda a, b, c: fib_steps(a, b, c & 7, False)),
    'copy2_loop_br': (f'(local.set $c (i32.and {C} (i32.const 7))) '
                      f'(block $d (loop $l (br_if $d (i32.eqz {C})) '
                      f'(local.set $c (i32.add {C} (i32.const -1))) '
                      f'(local.set $a (i32.add {A} {B})) (local.set $t {B}) '
                      f'(local.set $b {A}) (br $l))) '
                      f'(i32.add (i32.add {A} {B}) (local.get $t))',
                      lambda a, b, c: fib_steps(a, b, c & 7, True)),
    # a loop whose exit test comes last, `br_if $exit` then `br $loop`:
    # a br_unless (the test an i32.eqz) or a br_if, then the back edge
    # (OP_BR_UNLESS_LOOP_BR, OP_BR_IF_LOOP_BR), leaving and looping
    'exit_loop_eqz': (f'(local.set $c (i32.add (i32.and {C} (i32.const 7)) (i32.const 1))) '
                      f'(block $d (loop $l (local.set $a (i32.add {A} {B})) '
                      f'(local.set $b (i32.mul {B} (i32.const 3))) '
                      f'(local.set $c (i32.add {C} (i32.const -1))) '
                      f'(br_if $d (i32.eqz {C})) (br $l))) '
                      f'(i32.add {A} {B})',
                      lambda a, b, c: exit_loop(a, b, (c & 7) + 1)),
    'exit_loop_flag': (f'(local.set $c (i32.add (i32.and {C} (i32.const 7)) (i32.const 1))) '
                       f'(block $d (loop $l (local.set $a (i32.add {A} {B})) '
                       f'(local.set $b (i32.mul {B} (i32.const 3))) '
                       f'(local.set $c (i32.add {C} (i32.const -1))) '
                       f'(local.set $t (i32.lt_s {C} (i32.const 1))) '
                       f'(br_if $d (local.get $t)) (br $l))) '
                       f'(i32.add {A} {B})',
                       lambda a, b, c: exit_loop(a, b, (c & 7) + 1)),
    # a local set to its own value costs nothing, and stays right
    'set_itself': (f'{A} (local.set $a {A}) (local.set $b (local.get $b)) {A} {B} '
                   f'i32.sub i32.sub',
                   lambda a, b, c: (a - (a - b)) & M32),
    # the local.sets of a rotation, one pair after the other
    'copies': (f'(local.set $t {A}) (local.set $a {B}) (local.set $b {C}) '
               f'(local.set $c (local.get $t)) '
               f'(i32.add (i32.mul {A} (i32.const 3)) (i32.sub {B} {C}))',
               lambda a, b, c: (b * 3 + c - a) & M32),
}


def exit_loop(a, b, n):
    """n times a = a + b, b = 3 b; then a + b."""
    for _ in range(n):
        a, b = (a + b) & M32, (b * 3) & M32
    return (a + b) & M32


def fib_steps(a, b, n, keep):
    """n times a, b = a + b, a + b (t = the old b when keep); a + b (+ t)."""
    t = 0
    for _ in range(n):
        t, a = b, (a + b) & M32
        b = a
    return (a + b + (t if keep else 0)) & M32


def sx(x):
    """i64.extend_i32_s of x, as an unsigned 64-bit number."""
    return x | 0xffffffff00000000 if x & 0x80000000 else x


def label_func():
    """A loop whose back-edge lands between two local.sets: the first one
    runs only on the way in, the second on every trip."""
    return '''
  (func (export "label") (param $a i32) (param $b i32) (param $c i32)
        (result i32) (local $n i32) (local $t i32)
    (local.set $t (local.get $a))
    (loop $l
      (local.set $b (i32.add (local.get $b) (local.get $t)))
      (local.set $n (i32.add (local.get $n) (i32.const 1)))
      (br_if $l (i32.lt_u (local.get $n) (i32.and (local.get $c) (i32.const 7)))))
    (local.get $b))'''


def label_model(a, b, c):
    n = 0
    while True:
        b = (b + a) & M32
        n += 1
        if not n < (c & 7):
            return b


def func(name, body):
    return f'''
  (func (export "{name}") (param $a i32) (param $b i32) (param $c i32)
        (result i32) (local $t i32)
    {body})'''


def s32(x):
    return x - (1 << 32) if x & (1 << 31) else x


@pytest.fixture(scope='module')
def module(tmp_path_factory):
    d = tmp_path_factory.mktemp('pairs')
    funcs = ''.join(func(n, body) for n, (body, _) in FUNCS.items())
    (d / 'p.wat').write_text(f'(module{funcs}{label_func()})\n')
    subprocess.run(['wat2wasm', str(d / 'p.wat'), '-o', str(d / 'p.wasm')],
                   check=True)
    return str(d / 'p.wasm')


def run(module, name, a, b, c):
    out = subprocess.run([PROBE, module, name, str(s32(a)), str(s32(b)),
                          str(s32(c))], capture_output=True, text=True,
                         timeout=60)
    line = out.stdout.splitlines()[0] if out.stdout else out.stderr
    assert out.returncode == 0 and line.startswith('result i32 '), \
        f'{name}({a:#x}, {b:#x}, {c:#x}): {line}'
    return int(line.split()[2]) & M32


def expect(wasm, name, args, want):
    """name(*args) in wasm traps out of bounds if want is 'trap', else
    returns the i32 want."""
    out = subprocess.run([PROBE, wasm, name] + [str(s32(x)) for x in args],
                         capture_output=True, text=True, timeout=60)
    line = (out.stdout.splitlines() or [out.stderr])[0]
    call = f'{name}({", ".join(f"{x:#x}" for x in args)})'
    if want == 'trap':
        assert line.startswith('trap: out of bounds memory access'), \
            f'{call}: {line}, want the trap'
    else:
        assert line == f'result i32 {s32(want)}', \
            f'{call}: {line}, want {want:#x}'


@pytest.mark.parametrize('name', list(FUNCS) + ['label'])
def test_fused_pair_computes_what_the_two_ops_do(module, name):
    model = label_model if name == 'label' else FUNCS[name][1]
    # every edge value in each position, the others fixed, plus a few mixes
    triples = {(x, 5, 0xff00ff) for x in EDGES} | \
              {(0xdeadbeef, x, 0x0ff0f0f3) for x in EDGES} | \
              {(0x12345678, 9, x) for x in EDGES} | \
              set(itertools.islice(itertools.product(EDGES[::3], repeat=3), 27))
    for a, b, c in sorted(triples):
        got = run(module, name, a, b, c)
        want = model(a, b, c)
        assert got == want, f'{name}({a:#x}, {b:#x}, {c:#x}) = {got:#x}, want {want:#x}'


@pytest.mark.parametrize('name', ['exit_loop_eqz', 'exit_loop_flag'])
def test_fused_back_edge_is_a_safe_point(module, name):
    """A loop of n rounds ending `br_if $exit; br $loop` passes n - 1
    back edges, each a safe point: paused at every one, it pauses n - 1
    times and still computes the same."""
    for c in (0, 3, 6):
        out = subprocess.run([PROBE, '--fuel', '1', '--pause', module, name,
                              '5', '9', str(c)], capture_output=True,
                             text=True, timeout=60)
        lines = out.stdout.splitlines()
        assert out.returncode == 0 and lines[0] == \
            f'result i32 {s32(exit_loop(5, 9, c + 1))}', lines
        assert f'pauses {c}' in lines, f'{name}(5, 9, {c}): want {c} pauses: {lines}'


# An i32.load of an address just loaded (following a pointer) is one op
# that checks each access on its own: the first one out of bounds, or the
# second, traps as the two loads would.
CHASE = '''
(module
  (memory 1)
  (func (export "chase") (param $a i32) (param $b i32) (param $c i32)
        (result i32)
    (i32.store (i32.const 100) (local.get $b))
    (i32.store (i32.const 200) (local.get $c))
    (i32.load offset=4 (i32.load offset=8 (local.get $a)))))
'''
PAGE = 65536


def chase_model(a, b, c):
    mem = bytearray(PAGE)
    mem[100:104] = b.to_bytes(4, 'little')
    mem[200:204] = c.to_bytes(4, 'little')
    ea = a + 8
    if ea + 4 > PAGE:
        return 'trap'
    ea = int.from_bytes(mem[ea:ea + 4], 'little') + 4
    if ea + 4 > PAGE:
        return 'trap'
    return int.from_bytes(mem[ea:ea + 4], 'little')


# A COPY (a local.set of another local) right before an i32.load is one
# op (OP_COPY_LOAD): the copy happens first, so a load whose address is
# the local just set reads the new address, and an address out of bounds
# traps as the load would.
COPY_LOAD = '''
(module
  (memory 1)
  (func (export "copy_load") (param $a i32) (param $b i32) (param $c i32)
        (result i32) (local $t i32)
    (i32.store (i32.const 100) (local.get $b))
    (local.set $t (local.get $a))
    (i32.add (i32.load offset=4 (local.get $t)) (local.get $t)))
  (func (export "copy_other") (param $a i32) (param $b i32) (param $c i32)
        (result i32) (local $t i32)
    (i32.store (i32.const 100) (local.get $b))
    (local.set $t (local.get $c))
    (i32.sub (i32.load offset=4 (local.get $a)) (local.get $t))))
'''


def copy_load_model(name, a, b, c):
    mem = bytearray(PAGE)
    mem[100:104] = b.to_bytes(4, 'little')
    ea = a + 4
    if ea + 4 > PAGE:
        return 'trap'
    v = int.from_bytes(mem[ea:ea + 4], 'little')
    return (v + a) & M32 if name == 'copy_load' else (v - c) & M32


def test_copy_then_load(tmp_path):
    (tmp_path / 'k.wat').write_text(COPY_LOAD)
    subprocess.run(['wat2wasm', str(tmp_path / 'k.wat'), '-o',
                    str(tmp_path / 'k.wasm')], check=True)
    wasm = str(tmp_path / 'k.wasm')
    for name in ('copy_load', 'copy_other'):
        for a in (96, 95, 98, 0, PAGE - 8, PAGE - 7, 0xfffffffc, M32):
            b, c = 0x5eed0000 + a % 97, 0x1234 + a % 5
            expect(wasm, name, (a, b, c), copy_load_model(name, a, b, c))


def test_load_of_a_loaded_address(tmp_path):
    (tmp_path / 'c.wat').write_text(CHASE)
    subprocess.run(['wat2wasm', str(tmp_path / 'c.wat'), '-o',
                    str(tmp_path / 'c.wasm')], check=True)
    wasm = str(tmp_path / 'c.wasm')
    firsts = [92, 192, 0, 90, PAGE - 12, PAGE - 11, 0xfffffff8, M32]
    seconds = [196, 0, PAGE - 8, PAGE - 7, PAGE - 4, 0xfffffffc, M32]
    for a, b in itertools.product(firsts, seconds):
        c = 0x5eed0000 + a % 97
        want = chase_model(a, b, c)
        expect(wasm, 'chase', (a, b, c), want)


# A load from base + ((i & m) << k) is one op (op + OP_ADDR_SCALED): each
# load, a plain shift (a mask of all ones) and a masked one, the sum
# wrapping around in 32 bits before the offset is added, and addresses at
# the end of memory and past it, which trap before anything is read.
SCALED_LOADS = {   # load: (bytes, signed, result bits)
    'i32.load': (4, False, 32), 'i64.load': (8, False, 64),
    'f32.load': (4, False, 32), 'f64.load': (8, False, 64),
    'i32.load8_s': (1, True, 32), 'i32.load8_u': (1, False, 32),
    'i32.load16_s': (2, True, 32), 'i32.load16_u': (2, False, 32),
    'i64.load8_s': (1, True, 64), 'i64.load8_u': (1, False, 64),
    'i64.load16_s': (2, True, 64), 'i64.load16_u': (2, False, 64),
    'i64.load32_s': (4, True, 64), 'i64.load32_u': (4, False, 64),
}
SCALED_INDEX = {   # name: (index expression over $a, model of it)
    'shl': ('(i32.shl (local.get $a) (i32.const 3))', lambda a: a << 3),
    'and_shl': ('(i32.shl (i32.and (local.get $a) (i32.const 127)) (i32.const 2))',
                lambda a: (a & 127) << 2),
}


def scaled_func(name, load, index):
    bits = SCALED_LOADS[load][2]
    value = f'({load} offset=16 (i32.add (local.get $c) {index}))'
    if load.startswith('f'):
        value = f'(i{bits}.reinterpret_f{bits} {value})'
    if bits == 64:
        value = f'(i32.wrap_i64 (i64.xor {value} (i64.shr_u {value} (i64.const 32))))'
    return f'''
  (func (export "{name}") (param $a i32) (param $b i32) (param $c i32)
        (result i32)
    (i64.store (i32.const 0) (i64.const 0x8182838485868788))
    (i64.store (i32.const 8) (i64.const 0x797a7b7c7d7e7f70))
    (i32.store (i32.const 1040) (local.get $b))
    {value})'''


def scaled_model(load, index, a, b, c):
    n, signed, bits = SCALED_LOADS[load]
    mem = bytearray(PAGE)
    mem[0:16] = (0x8182838485868788 | 0x797a7b7c7d7e7f70 << 64).to_bytes(16, 'little')
    mem[1040:1044] = b.to_bytes(4, 'little')
    ea = ((c + index(a)) & M32) + 16
    if ea + n > PAGE:
        return 'trap'
    v = int.from_bytes(mem[ea:ea + n], 'little', signed=signed) % 2**bits
    if bits == 64:
        v = (v ^ (v >> 32)) & M32
    return v


def test_load_from_a_scaled_index(tmp_path):
    names = {f'{load.replace(".", "_")}_{k}': (load, k)
             for load in SCALED_LOADS for k in SCALED_INDEX}
    funcs = ''.join(scaled_func(name, load, SCALED_INDEX[k][0])
                    for name, (load, k) in names.items())
    (tmp_path / 'x.wat').write_text(f'(module (memory 1){funcs})\n')
    subprocess.run(['wat2wasm', str(tmp_path / 'x.wat'), '-o',
                    str(tmp_path / 'x.wasm')], check=True)
    wasm = str(tmp_path / 'x.wasm')
    # (a, c): in bounds; the last bytes; past the end; a sum that wraps
    # around to a small address (0x20000000 << 3 is 0 in 32 bits)
    cases = [(0, 0), (1, 0), (3, 5), (128, 0), (130, 3), (0, 1024),
             (0x20000000, 0), (0x20000001, 1016), (0xffffffff, 8),
             (0xffffffff, 1028), (0, PAGE - 24), (0, PAGE - 20),
             (0, PAGE - 17), (0, PAGE - 16), (1, PAGE - 24), (0, M32 - 15)]
    for name, (load, k) in names.items():
        for a, c in cases:
            b = 0x5eed0000 + a % 97
            want = scaled_model(load, SCALED_INDEX[k][1], a, b, c)
            expect(wasm, name, (a, b, c), want)


# An i32 load feeding a br_table runs as one op: each width and sign, an
# address that is a sum (OP_ADDR_ADD) or a scaled index added to a base
# (OP_ADDR_SCALED; scaled by 1 here, so that the addresses are those of
# the sum: the scaling has its own test above), an index with a bias folded into
# the table (i32.sub k), a table whose target goes back to a loop (a safe
# point), and an address out of bounds, which traps before any jump.
SWITCH_LOADS = {   # name: (load, bytes, signed)
    'i32': ('i32.load', 4, False), 'u8': ('i32.load8_u', 1, False),
    's8': ('i32.load8_s', 1, True), 'u16': ('i32.load16_u', 2, False),
    's16': ('i32.load16_s', 2, True),
}


def switch_func(name, load, addr, bias):
    index = f'({load} offset=64 {addr})'
    if bias:
        index = f'(i32.sub {index} (i32.const {bias}))'
    return f'''
  (func (export "{name}") (param $a i32) (param $b i32) (param $c i32)
        (result i32)
    (i32.store (i32.const 64) (local.get $b))
    (block $d (block $t2 (block $t1 (block $t0
        (br_table $t0 $t1 $t2 $d {index}))
       (return (i32.const 10)))
      (return (i32.const 11)))
     (return (i32.const 12)))
    (i32.const 13))'''


SWITCH_LOOP = '''
  (func (export "loop") (param $a i32) (param $b i32) (param $c i32)
        (result i32) (local $n i32)
    (i32.store (i32.const 64) (local.get $b))
    (loop $l
      (block $x
        (local.set $n (i32.add (local.get $n) (i32.const 1)))
        (i32.store8 offset=64 (local.get $a)
          (i32.shr_u (i32.load8_u offset=64 (local.get $a)) (i32.const 1)))
        (br_table $x $l (i32.load8_u offset=64 (local.get $a)))))
    (local.get $n))'''


SWITCH_ADDRS = {   # the address: a, or a + c computed in two ways
    '': '(local.get $a)',
    'sum': '(i32.add (local.get $a) (local.get $c))',
    'scaled': '(i32.add (i32.shl (local.get $a) (i32.const 0)) (local.get $c))',
}


def switch_cases():
    """name: (load, bytes, signed, address (SWITCH_ADDRS), bias)"""
    cases = {}
    for key, (load, n, signed) in SWITCH_LOADS.items():
        cases[f'sw_{key}'] = (load, n, signed, '', 0)
        cases[f'sw_{key}_sum'] = (load, n, signed, 'sum', 0)
        cases[f'sw_{key}_scaled'] = (load, n, signed, 'scaled', 0)
        cases[f'sw_{key}_bias'] = (load, n, signed, '', 2)
    return cases


def switch_model(n, signed, addr, bias, a, b, c):
    mem = bytearray(PAGE)
    mem[64:68] = b.to_bytes(4, 'little')
    ea = ((a + c) & M32 if addr else a) + 64
    if ea + n > PAGE:
        return 'trap'
    v = int.from_bytes(mem[ea:ea + n], 'little', signed=signed) & M32
    i = (v - bias) & M32
    return 10 + min(i, 3)


def loop_model(a, b, c):
    mem = bytearray(PAGE)
    mem[64:68] = b.to_bytes(4, 'little')
    if a + 64 + 1 > PAGE:
        return 'trap'
    v, n = mem[a + 64], 0
    while True:
        n += 1
        v >>= 1
        if v == 0:
            return n


def test_load_feeding_a_br_table(tmp_path):
    cases = switch_cases()
    funcs = ''.join(switch_func(name, load, SWITCH_ADDRS[addr], bias)
                    for name, (load, _, _, addr, bias) in cases.items())
    (tmp_path / 's.wat').write_text(f'(module (memory 1){funcs}{SWITCH_LOOP})\n')
    subprocess.run(['wat2wasm', str(tmp_path / 's.wat'), '-o',
                    str(tmp_path / 's.wasm')], check=True)
    wasm = str(tmp_path / 's.wasm')
    values = [0, 1, 2, 3, 4, 0x80, 0xff, 0x102, 0x8001, 0xffff, 0x10003,
              0x80000002, M32]
    addrs = [0, 1, 2, 3, PAGE - 68, PAGE - 66, PAGE - 65, PAGE - 64, M32 - 63]
    calls = [(name, a, b, 0 if not cases[name][3] else 5)
             for name in cases for a in addrs[:4] for b in values]
    calls += [(name, a, 0x01020304, c) for name in cases for a in addrs
              for c in (0, 2)]
    calls += [('loop', a, b, 0) for a in addrs for b in values]
    for name, a, b, c in calls:
        if name == 'loop':
            want = loop_model(a, b, c)
        else:
            want = switch_model(*cases[name][1:], a, b, c)
        expect(wasm, name, (a, b, c), want)


# A load whose value a store of the same width stores right away (a field
# copy, mem[b + 8] = mem[a + 4]: i32, i64 and byte) is one op: the load is
# checked, and traps, first, and on a trap nothing is stored, not even
# the bytes of a store that would end past the memory.  The value kept in
# a local (local.tee) is still written; a branch that lands on the store
# (a block's result) keeps the two ops apart.  The copies run one after
# the other on one instance, through build/host/spectest, which checks
# the memory after each one (a trap included) against a Python model.
FIELD_COPIES = {   # name: (load, store, bytes)
    'copy32': ('i32.load', 'i32.store', 4),
    'copy64': ('i64.load', 'i64.store', 8),
    'copy8': ('i32.load8_u', 'i32.store8', 1),
}


def field_copy_module():
    """The copies, a tee'd one, one a branch lands on, and peek."""
    funcs = ''.join(f'''
  (func (export "{name}") (param $a i32) (param $b i32)
    local.get $b
    local.get $a
    {load} offset=4
    {store} offset=8)''' for name, (load, store, _) in FIELD_COPIES.items())
    data = bytes((i * 7 + 3) & 0xff for i in range(256))
    text = ''.join(f'\\{x:02x}' for x in data)
    return f'''(module
  (memory 1)
  (data (i32.const 0) "{text}")
  (data (i32.const {PAGE - 16}) "{text[:48]}"){funcs}
  (func (export "copy32_tee") (param $a i32) (param $b i32) (result i32)
        (local $t i32)
    local.get $b
    local.get $a
    i32.load offset=4
    local.tee $t
    i32.store offset=8
    (i32.add (local.get $t) (i32.const 1)))
  (func (export "copy32_branch") (param $a i32) (param $b i32) (param $c i32)
    local.get $b
    (block (result i32)
      (br_if 0 (i32.const 0x5eed) (local.get $c))
      drop
      (i32.load offset=4 (local.get $a)))
    i32.store offset=8)
  (func (export "copy32_twice") (param $a i32) (param $b i32)
    local.get $b
    local.get $a
    i32.load offset=4
    i32.store offset=8
    local.get $b
    local.get $a
    i32.load offset=12
    i32.store offset=16)
  (func (export "peek") (param $a i32) (result i64)
    (i64.load (local.get $a))))
''', data


def field_copy_calls():
    """(name, args): each copy in bounds, at the last bytes, its load or
    its store past the end (partly or wholly), both; the others."""
    calls = []
    for name, (_, _, n) in FIELD_COPIES.items():
        for a, b in [(0, 64), (100, 104), (8, 0), (PAGE - 4 - n, 16),
                     (16, PAGE - 8 - n), (PAGE - 4 - n + 1, 32),
                     (32, PAGE - 8 - n + 1), (M32, 40), (40, M32),
                     (PAGE - 4 - n + 1, PAGE - 8 - n + 1), (PAGE - 20, 200)]:
            calls.append((name, (a, b)))
    for a, b in [(12, 80), (PAGE - 7, 0), (0, PAGE - 10), (PAGE - 8, 88)]:
        calls.append(('copy32_tee', (a, b)))
    # two copies in a row (OP_LOAD_STORE2): each of the four accesses
    # past the end in turn; a trap in the second copy keeps the first
    for a, b in [(36, 136), (PAGE - 16, 72), (PAGE - 12, 96), (PAGE - 10, 64),
                 (48, PAGE - 24), (56, PAGE - 18), (52, PAGE - 12),
                 (M32, 0), (0, M32)]:
        calls.append(('copy32_twice', (a, b)))
    for a, b, c in [(20, 120, 0), (24, 124, 1), (PAGE - 7, 128, 0),
                    (PAGE - 7, 132, 1), (28, PAGE - 10, 1), (28, PAGE - 10, 0)]:
        calls.append(('copy32_branch', (a, b, c)))
    return calls


def field_copy_model(mem, name, args):
    """Runs the call on the model memory: the result ('trap', None or
    the tee'd value + 1), the memory changed only by a copy that ends."""
    a, b = args[0], args[1]
    if name == 'copy32_twice':
        for load, store in ((a + 4, b + 8), (a + 12, b + 16)):
            if load + 4 > PAGE or store + 4 > PAGE:
                return 'trap'
            mem[store:store + 4] = mem[load:load + 4]
        return None
    n = FIELD_COPIES[name][2] if name in FIELD_COPIES else 4
    if name == 'copy32_branch' and args[2]:
        v = 0x5eed
    else:
        if a + 4 + n > PAGE:
            return 'trap'
        v = int.from_bytes(mem[a + 4:a + 4 + n], 'little')
    if b + 8 + n > PAGE:
        return 'trap'
    mem[b + 8:b + 8 + n] = v.to_bytes(n, 'little')
    return (v + 1) & M32 if name == 'copy32_tee' else None


def test_field_copy(tmp_path):
    text, data = field_copy_module()
    (tmp_path / 'f.wat').write_text(text)
    subprocess.run(['wat2wasm', str(tmp_path / 'f.wat'), '-o',
                    str(tmp_path / 'f.wasm')], check=True)
    mem = bytearray(PAGE)
    mem[0:256] = data
    mem[PAGE - 16:PAGE] = data[:16]

    def call(name, args):
        return {'type': 'invoke', 'field': name,
                'args': [{'type': 'i32', 'value': str(x)} for x in args]}

    commands = [{'type': 'module', 'line': 1, 'filename': 'f.wasm'}]
    for name, args in field_copy_calls():
        want = field_copy_model(mem, name, args)
        if want == 'trap':
            commands.append({'type': 'assert_trap', 'action': call(name, args),
                             'text': 'out of bounds memory access'})
        else:
            commands.append({'type': 'assert_return', 'action': call(name, args),
                             'expected': [] if want is None else
                             [{'type': 'i32', 'value': str(want)}]})
        # every destination the copies use, and the last bytes
        for p in sorted({0, 64, 72, 80, 88, 96, 104, 112, 120, 128, 136, 144,
                         152, 200, 208, PAGE - 24, PAGE - 16, PAGE - 10,
                         PAGE - 8}):
            commands.append({'type': 'assert_return', 'action': call('peek', (p,)),
                             'expected': [{'type': 'i64', 'value': str(
                                 int.from_bytes(mem[p:p + 8], 'little'))}]})
    for i, cmd in enumerate(commands):
        cmd['line'] = i + 1
    script = tmp_path / 'field.json'
    script.write_text(json.dumps({'source_filename': 'field.wast',
                                  'commands': commands}))
    run = subprocess.run([SPECTEST, '--suite', str(tmp_path), '--spec-dir',
                          str(tmp_path), str(script)], capture_output=True,
                         text=True, timeout=120, cwd=tmp_path)
    assert run.returncode == 0 and ' 0 failed' in run.stdout, run.stdout + run.stderr


# An f64.load, then an f64.mul (OP_LOAD_MUL_F64, or OP_LOAD2_MUL_F64 with
# the address a sum), and an f64.load, then an f64.add and the f64.store
# of the sum (OP_LOAD_ADD_F64, then OP_LOAD_ADD_STORE_F64): the step of a
# matrix product, mem[c + 8] = 3.5 * mem[a + 16] + mem[b + 8], each
# access checked, and trapping, in turn: nothing is stored when any of
# them is out of bounds.  The memory holds finite doubles only (no NaN,
# whose bits Wasm leaves open); spectest checks it after every call.
AXPY = '''
  (func (export "{name}") (param $a i32) (param $b i32) (param $c i32)
    local.get $c
    {x}
    f64.const 3.5
    f64.mul
    local.get $b
    f64.load offset=8
    f64.add
    f64.store offset=8)'''
AXPY_X = {   # name: (the load of x, its address from a and c)
    'axpy': ('(f64.load offset=16 (local.get $a))', lambda a, c: a),
    'axpy_sum': ('(f64.load offset=16 (i32.add (local.get $a) (local.get $c)))',
                 lambda a, c: (a + c) & M32),
}


def axpy_module():
    """The two axpy steps, a load and add whose sum is returned, peek."""
    funcs = ''.join(AXPY.format(name=name, x=x) for name, (x, _) in AXPY_X.items())
    data = b''.join(struct.pack('<d', (i + 1) * 0.75 - 3.0) for i in range(64))
    text = ''.join(f'\\{x:02x}' for x in data)
    return f'''(module
  (memory 1)
  (data (i32.const 0) "{text}")
  (data (i32.const {PAGE - 64}) "{text[:192]}"){funcs}
  (func (export "load_add") (param $a i32) (result f64)
    (f64.add (f64.load offset=8 (local.get $a)) (f64.const 0.25)))
  (func (export "peek") (param $a i32) (result i64)
    (i64.load (local.get $a))))
''', data


def axpy_model(mem, name, a, b, c):
    """The call on the model memory: 'trap', None, or load_add's f64."""
    def load(ea):
        return None if ea + 8 > PAGE else struct.unpack('<d', mem[ea:ea + 8])[0]
    if name == 'load_add':
        x = load(a + 8)
        return 'trap' if x is None else x + 0.25
    x = load(AXPY_X[name][1](a, c) + 16)
    if x is None:
        return 'trap'
    y = load(b + 8)
    if y is None or c + 8 + 8 > PAGE:
        return 'trap'
    mem[c + 8:c + 16] = struct.pack('<d', 3.5 * x + y)
    return None


def test_f64_load_mul_add_store(tmp_path):
    text, data = axpy_module()
    (tmp_path / 'x.wat').write_text(text)
    subprocess.run(['wat2wasm', str(tmp_path / 'x.wat'), '-o',
                    str(tmp_path / 'x.wasm')], check=True)
    mem = bytearray(PAGE)
    mem[0:len(data)] = data
    mem[PAGE - 64:PAGE] = data[:64]
    # effective addresses of x, y and the store: in bounds (8-aligned, so
    # every double read is one the data put there), at the last 8 bytes,
    # and past the end
    edge = [PAGE - 8, PAGE - 7, PAGE, M32]
    eas = [(16, 16, 24), (32, 8, 32), (280, 136, 208), (16, 8, 8),
           (PAGE - 16, PAGE - 8, PAGE - 8)]
    eas += [(e, 16, 40) for e in edge] + [(16, e, 48) for e in edge]
    eas += [(16, 24, e) for e in edge]
    calls = []
    for name in AXPY_X:
        for xe, ye, se in eas:
            c = (se - 8) & M32
            a = (xe - 16 - (c if name == 'axpy_sum' else 0)) & M32
            calls.append((name, a, (ye - 8) & M32, c))
    calls += [('load_add', a, 0, 0) for a in (0, 40, PAGE - 16, PAGE - 15, M32)]

    def call(name, args):
        return {'type': 'invoke', 'field': name,
                'args': [{'type': 'i32', 'value': str(x)} for x in args]}

    commands = [{'type': 'module', 'line': 1, 'filename': 'x.wasm'}]
    for name, a, b, c in calls:
        args = (a,) if name == 'load_add' else (a, b, c)
        want = axpy_model(mem, name, a, b, c)
        if want == 'trap':
            commands.append({'type': 'assert_trap', 'action': call(name, args),
                             'text': 'out of bounds memory access'})
        else:
            commands.append({'type': 'assert_return', 'action': call(name, args),
                             'expected': [] if want is None else [{'type': 'f64', 'value': str(
                                 struct.unpack('<Q', struct.pack('<d', want))[0])}]})
        for p in sorted({0, 8, 16, 24, 40, 48, 56, 64, 136, 208, PAGE - 24,
                         PAGE - 16, PAGE - 8}):
            commands.append({'type': 'assert_return', 'action': call('peek', (p,)),
                             'expected': [{'type': 'i64', 'value': str(
                                 int.from_bytes(mem[p:p + 8], 'little'))}]})
    for i, cmd in enumerate(commands):
        cmd['line'] = i + 1
    script = tmp_path / 'axpy.json'
    script.write_text(json.dumps({'source_filename': 'axpy.wast',
                                  'commands': commands}))
    run = subprocess.run([SPECTEST, '--suite', str(tmp_path), '--spec-dir',
                          str(tmp_path), str(script)], capture_output=True,
                         text=True, timeout=120, cwd=tmp_path)
    assert run.returncode == 0 and ' 0 failed' in run.stdout, run.stdout + run.stderr


# A guest interpreter's dispatch in one op (OP_COPY_LOAD_BR_TABLE): a
# copy (its program counter kept), the load of its instruction, and the
# load of the handler's index from a table, base + ((i & 127) << 2),
# which a br_table (with a bias, or in a loop) takes.  Every local the
# three ops write is written, and either load out of bounds traps.
DISPATCH = '''
  (func (export "{name}") (param $a i32) (param $b i32) (param $c i32)
        (result i32) (local $t i32) (local $v i32)
    (i32.store (i32.const 256) (local.get $b))
    (local.set $t (local.get $a))
    (local.set $v (i32.load offset=4 (local.get $t)))
    (block $d (block $t2 (block $t1 (block $t0
        (br_table $t0 $t1 $t2 $d {index}))
       (return (i32.add (i32.const 10) {rest})))
      (return (i32.add (i32.const 11) {rest})))
     (return (i32.add (i32.const 12) {rest})))
    (i32.add (i32.const 13) {rest}))'''
DISPATCH_REST = '(i32.add (i32.shl (local.get $v) (i32.const 4)) (local.get $t))'
DISPATCH_TABLE = ('(i32.load offset=512 (i32.add (local.get $c) (i32.shl '
                  '(i32.and (local.get $v) (i32.const 127)) (i32.const 2))))')
DISPATCH_LOOP = '''
  (func (export "dispatch_loop") (param $a i32) (param $b i32) (param $c i32)
        (result i32) (local $n i32)
    (i32.store (i32.const 256) (local.get $b))
    (loop $l
      (block $x
        (local.set $a (i32.add (local.get $a) (i32.const 4)))
        (local.set $n (local.get $a))
        (br_table $l $x (i32.load offset=512 (i32.add (local.get $c)
          (i32.shl (i32.and (i32.load (local.get $a)) (i32.const 127))
                   (i32.const 2)))))))
    (local.get $n))'''


def dispatch_model(name, mem, a, b, c):
    if name == 'dispatch_loop':
        while True:
            a = (a + 4) & M32
            if a + 4 > PAGE:
                return 'trap'
            v = int.from_bytes(mem[a:a + 4], 'little')
            ea = ((c + ((v & 127) << 2)) & M32) + 512
            if ea + 4 > PAGE:
                return 'trap'
            if int.from_bytes(mem[ea:ea + 4], 'little') != 0:
                return a
    if a + 8 > PAGE:
        return 'trap'
    v = int.from_bytes(mem[a + 4:a + 8], 'little')
    ea = ((c + ((v & 127) << 2)) & M32) + 512
    if ea + 4 > PAGE:
        return 'trap'
    i = int.from_bytes(mem[ea:ea + 4], 'little')
    if name == 'dispatch_bias':
        i = (i - 2) & M32
    return (10 + min(i, 3) + (v << 4) + a) & M32


def test_copy_load_feeding_a_br_table(tmp_path):
    funcs = ''.join(DISPATCH.format(name=name, index=index, rest=DISPATCH_REST)
                    for name, index in [
                        ('dispatch', DISPATCH_TABLE),
                        ('dispatch_bias', f'(i32.sub {DISPATCH_TABLE} (i32.const 2))')])
    # the table: entry k holds k % 5 (k < 128); the program words at 0
    table = b''.join((k % 5).to_bytes(4, 'little') for k in range(128))
    words = [3, 0x81, 2, 5, 4, 0x7f, 1, 0x100, 0, 6, 9]
    prog = b''.join(w.to_bytes(4, 'little') for w in words)
    data = ''.join(f'\\{x:02x}' for x in table)
    pdata = ''.join(f'\\{x:02x}' for x in prog)
    (tmp_path / 'd.wat').write_text(f'''(module (memory 1)
  (data (i32.const 0) "{pdata}")
  (data (i32.const 512) "{data}")
  (data (i32.const {PAGE - 8}) "\\05\\00\\00\\00\\01\\00\\00\\00"){funcs}{DISPATCH_LOOP})\n''')
    subprocess.run(['wat2wasm', str(tmp_path / 'd.wat'), '-o',
                    str(tmp_path / 'd.wasm')], check=True)
    wasm = str(tmp_path / 'd.wasm')
    mem = bytearray(PAGE)
    mem[0:len(prog)] = prog
    mem[512:512 + len(table)] = table
    mem[PAGE - 8:PAGE] = bytes([5, 0, 0, 0, 1, 0, 0, 0])
    for name in ('dispatch', 'dispatch_bias', 'dispatch_loop'):
        for a in range(0, 44, 4):
            for b, c in [(0, 0), (0x1234, 4), (7, 0xfffffffc)]:
                m = bytearray(mem)
                m[256:260] = b.to_bytes(4, 'little')
                expect(wasm, name, (a, b, c), dispatch_model(name, m, a, b, c))
        for a, c in [(PAGE - 12, 0), (PAGE - 8, 0), (PAGE - 7, 0), (M32, 0),
                     (0, PAGE - 512), (0, PAGE - 516), (0, M32 - 600)]:
            expect(wasm, name, (a, 0, c), dispatch_model(name, mem, a, 0, c))


# An i32.add or i32.and, then an i32.load8_u (OP_ADD_LOAD8, OP_AND_LOAD8:
# a string walked byte by byte), the load's address the add's result or
# another; an i32.load, then a loop's br_if on the value (a linked list
# walked, OP_LOAD_LOOP_BR_IF); two i32.stores in a row (OP_STORE2), the
# second over the first's bytes or apart.  Each access out of bounds
# traps as the op's own would.
BYTE_FUNCS = {
    'add_load8': f'(local.set $t (i32.add {A} {B})) '
                 f'(i32.add (i32.load8_u offset=3 {C}) (i32.shl (local.get $t) (i32.const 8)))',
    'add_load8_self': f'(local.set $c (i32.add {C} {B})) '
                      f'(i32.add (i32.load8_u (local.get $c)) (i32.shl {C} (i32.const 8)))',
    'and_load8': f'(local.set $t (i32.and {A} {B})) '
                 f'(i32.add (i32.load8_u offset=1 {C}) (i32.shl (local.get $t) (i32.const 8)))',
    'walk': '(loop $l (local.set $t (i32.add (local.get $t) (i32.const 1))) '
            '(br_if $l (local.tee $a (i32.load offset=4 (local.get $a))))) '
            '(i32.add (local.get $t) (i32.shl (local.get $b) (i32.const 8)))',
    'store2': f'(i32.store offset=4 {A} {B}) (i32.store offset=8 {C} {A}) '
              f'(i32.add (i32.load offset=4 {A}) (i32.load offset=8 {C}))',
    'store2_over': f'(i32.store offset=4 {A} {B}) (i32.store offset=6 {A} {C}) '
                   f'(i32.load offset=4 {A})',
}


def byte_memory():
    """The initial memory: bytes (i * 7 + 3) & 0xff at 0 and at the end,
    and a list at 64: node k (address 64 + 16k, k < 6) points to the next,
    the last to 0."""
    mem = bytearray(PAGE)
    for i in range(256):
        mem[i] = mem[PAGE - 256 + i] = (i * 7 + 3) & 0xff
    for k in range(6):
        nxt = 64 + 16 * (k + 1) if k < 5 else 0
        mem[64 + 16 * k + 4:64 + 16 * k + 8] = nxt.to_bytes(4, 'little')
    return mem


def byte_model(mem, name, a, b, c):
    mem = bytearray(mem)

    def rd(ea, n):
        return None if ea + n > PAGE else int.from_bytes(mem[ea:ea + n], 'little')

    def wr(ea, v):
        if ea + 4 > PAGE:
            return False
        mem[ea:ea + 4] = (v & M32).to_bytes(4, 'little')
        return True
    if name in ('add_load8', 'and_load8'):
        t = (a + b) & M32 if name == 'add_load8' else a & b
        v = rd(c + (3 if name == 'add_load8' else 1), 1)
        return 'trap' if v is None else (v + (t << 8)) & M32
    if name == 'add_load8_self':
        c = (c + b) & M32
        v = rd(c, 1)
        return 'trap' if v is None else (v + (c << 8)) & M32
    if name == 'walk':
        t = 0
        while True:
            t += 1
            a = rd(a + 4, 4)
            if a is None:
                return 'trap'
            if a == 0:
                return (t + (b << 8)) & M32
    if name == 'store2':
        if not wr(a + 4, b) or not wr(c + 8, a):
            return 'trap'
        return (rd(a + 4, 4) + rd(c + 8, 4)) & M32
    if not wr(a + 4, b) or not wr(a + 6, c):
        return 'trap'
    return rd(a + 4, 4)


def test_byte_loads_list_walk_and_two_stores(tmp_path):
    mem = byte_memory()
    data = ''.join(f'\\{x:02x}' for x in mem[:256])
    tail = ''.join(f'\\{x:02x}' for x in mem[PAGE - 256:])
    funcs = ''.join(func(n, body) for n, body in BYTE_FUNCS.items())
    (tmp_path / 'b.wat').write_text(f'''(module (memory 1)
  (data (i32.const 0) "{data}")
  (data (i32.const {PAGE - 256}) "{tail}"){funcs})\n''')
    subprocess.run(['wat2wasm', str(tmp_path / 'b.wat'), '-o',
                    str(tmp_path / 'b.wasm')], check=True)
    wasm = str(tmp_path / 'b.wasm')
    edge = [0, 5, 200, PAGE - 9, PAGE - 8, PAGE - 7, PAGE - 4, PAGE - 3,
            PAGE - 2, PAGE - 1, PAGE, M32 - 2, M32]
    for name in BYTE_FUNCS:
        args = [(a, b, c) for c in edge for a, b in [(0x1234, 0xff0f), (M32, 2)]]
        args += [(a, 0x55, c) for a in edge for c in (16, PAGE - 12)]
        if name == 'walk':
            args = [(a, 9, 0) for a in (64, 80, 144, 60, 0, 8, PAGE - 8,
                                        PAGE - 7, M32)]
        elif name == 'add_load8_self':
            args += [(0, b, c) for b in (1, 2, M32) for c in (PAGE - 2, 1)]
        for a, b, c in args:
            expect(wasm, name, (a, b, c), byte_model(mem, name, a, b, c))


# An i32.add computing a call's argument, then the call (OP_ADD_CALL), and
# an i64.add, then the return of the sum (OP_ADD64_RETURN1): the recursive
# Fibonacci, its sum also kept in a local on one path, a call through the
# fused op that recurses without end (the call stack runs out: a trap, as
# the plain call's), and a sum returned from inside a block.
RECURSE = '''(module
  (func $fib (export "fib") (param $n i32) (param $b i32) (param $c i32)
        (result i32)
    (i32.wrap_i64 (call $fib64 (local.get $n))))
  (func $fib64 (param $n i32) (result i64) (local $t i64)
    (if (i32.lt_u (local.get $n) (i32.const 2))
      (then (return (i64.extend_i32_u (local.get $n)))))
    (local.set $t (call $fib64 (i32.add (local.get $n) (i32.const -1))))
    (i64.add (local.get $t) (call $fib64 (i32.add (local.get $n) (i32.const -2)))))
  (func (export "forever") (param $n i32) (param $b i32) (param $c i32)
        (result i32)
    (call $rec (local.get $n)))
  (func $rec (param $n i32) (result i32)
    (call $rec (i32.add (local.get $n) (i32.const 1))))
  (func (export "sum") (param $a i32) (param $b i32) (param $c i32) (result i32)
    (i32.wrap_i64 (block (result i64)
      (if (local.get $c)
        (then (return (i32.wrap_i64 (i64.add (i64.extend_i32_u (local.get $a))
                                             (i64.extend_i32_s (local.get $b)))))))
      (i64.const 7)))))
'''


def test_add_then_call_and_add_then_return(tmp_path):
    (tmp_path / 'r.wat').write_text(RECURSE)
    subprocess.run(['wat2wasm', str(tmp_path / 'r.wat'), '-o',
                    str(tmp_path / 'r.wasm')], check=True)
    wasm = str(tmp_path / 'r.wasm')
    fib = [0, 1]
    while len(fib) < 24:
        fib.append(fib[-1] + fib[-2])
    for n in (0, 1, 2, 3, 10, 23):
        expect(wasm, 'fib', (n, 0, 0), fib[n] & M32)
    for a, b, c in [(5, 7, 1), (M32, 1, 1), (M32, M32, 2), (3, 4, 0)]:
        want = (a + sx(b)) & M32 if c else 7
        expect(wasm, 'sum', (a, b, c), want)
    out = subprocess.run([PROBE, wasm, 'forever', '1', '1', '0'],
                         capture_output=True, text=True, timeout=60)
    line = (out.stdout.splitlines() or [out.stderr])[0]
    assert line.startswith('trap: call stack exhausted'), line
