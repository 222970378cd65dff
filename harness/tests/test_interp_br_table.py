"""br_table as the compiler turns it into slot code (spec/wasm.md, book
chapter 4): an index computed as `x - k` for a small constant k (an
i32.add of -k, with the constant on either side, or an i32.sub of k) is
folded into the table, which then takes x itself with k more entries in
front that go to the default; a table with a target back to a loop is a
safe point, one with forward targets only is not.  Each form runs through
build/host/wasm-probe on indices around every edge (below k, each case,
the default, the 32-bit wrap-around) and is checked against a Python model
of the Wasm semantics: index i = (x - k) mod 2^32 picks case i when i < n,
else the default."""
import os
import subprocess

import pytest

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
PROBE = os.path.join(ROOT, 'build', 'host', 'wasm-probe')
NCASES = 3
# 64 is the largest k the compiler folds; 65 and 0 take the plain path.
KS = [0, 1, 2, 7, 63, 64, 65, 1000]
INDEX = {
    'add': '(i32.add (local.get $x) (i32.const {neg}))',
    'add_const_first': '(i32.add (i32.const {neg}) (local.get $x))',
    'sub': '(i32.sub (local.get $x) (i32.const {k}))',
}


def idx(form, k):
    return INDEX[form].format(k=k, neg=-k)


def cases_func(form, k):
    """Case i returns 100 + i, the default 999."""
    return f'''
  (func (export "cases_{form}_{k}") (param $x i32) (result i32)
    (block $d (block $c2 (block $c1 (block $c0
      (br_table $c0 $c1 $c2 $d {idx(form, k)}))
      (return (i32.const 100)))
      (return (i32.const 101)))
      (return (i32.const 102)))
    (i32.const 999))'''


def values_func(form, k):
    """A table carrying x to blocks at different heights (their moves sit
    in stubs after the table) and, as the default, out of the function."""
    return f'''
  (func (export "values_{form}_{k}") (param $x i32) (result i32)
    (i32.add (i32.const 1000)
      (block $b2 (result i32)
        (i32.add (i32.const 100)
          (block $b1 (result i32)
            (i32.add (i32.const 10)
              (block $b0 (result i32)
                (br_table $b0 $b1 $b2 3 (local.get $x) {idx(form, k)}))))))))'''


def loop_func(form, k):
    """Index 0 goes back to the loop (five trips in all), any other out."""
    return f'''
  (func (export "loop_{form}_{k}") (param $x i32) (result i32) (local $n i32)
    (block $out
      (loop $l
        (local.set $n (i32.add (local.get $n) (i32.const 1)))
        (br_if $out (i32.ge_u (local.get $n) (i32.const 5)))
        (br_table $l $out {idx(form, k)})))
    (local.get $n))'''


def model(kind, k, x):
    i = (x - k) & 0xffffffff
    if kind == 'cases':
        return 100 + i if i < NCASES else 999
    if kind == 'values':
        return (x + (1110, 1100, 1000)[i] if i < NCASES else x) & 0xffffffff
    return 5 if i == 0 else 1


def indices(k):
    near = {0, 1, k - 1, k, k + 1, k + 2, k + 3, k + 4, 0x7fffffff,
            0x80000000, 0xfffffffe, 0xffffffff, (k - 1) & 0xffffffff}
    return sorted(x & 0xffffffff for x in near)


def s32(x):
    return x - (1 << 32) if x & (1 << 31) else x


@pytest.fixture(scope='module')
def module(tmp_path_factory):
    d = tmp_path_factory.mktemp('br_table')
    funcs = ''.join(f(form, k) for f in (cases_func, values_func, loop_func)
                    for form in INDEX for k in KS)
    (d / 'b.wat').write_text(f'(module{funcs})\n')
    subprocess.run(['wat2wasm', str(d / 'b.wat'), '-o', str(d / 'b.wasm')],
                   check=True)
    return str(d / 'b.wasm')


def run(module, name, x):
    out = subprocess.run([PROBE, module, name, str(s32(x))],
                         capture_output=True, text=True, timeout=60)
    line = out.stdout.splitlines()[0] if out.stdout else out.stderr
    assert out.returncode == 0 and line.startswith('result i32 '), \
        f'{name}({x:#x}): {line}'
    return int(line.split()[2]) & 0xffffffff


@pytest.mark.parametrize('k', KS)
@pytest.mark.parametrize('form', INDEX)
@pytest.mark.parametrize('kind', ['cases', 'values', 'loop'])
def test_br_table_on_a_biased_index(module, kind, form, k):
    for x in indices(k):
        got = run(module, f'{kind}_{form}_{k}', x)
        want = model(kind, k, x)
        assert got == want, f'{kind}_{form}_{k}({x:#x}) = {got}, want {want}'
