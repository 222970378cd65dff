"""The engine stays freestanding: it includes only the five allowed C headers,
and its kernel builds (gcc and clang-14, kernel flags, made by interp/Makefrag)
need no symbol from outside but memcpy, memmove, memset and memcmp."""
import glob
import os
import re
import subprocess

import pytest

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
ALLOWED_HEADERS = {'stdint.h', 'stddef.h', 'stdbool.h', 'limits.h', 'float.h'}
ALLOWED_SYMBOLS = {'memcpy', 'memmove', 'memset', 'memcmp'}


def engine_files():
    files = glob.glob(os.path.join(ROOT, 'interp', '*.[ch]'))
    files += glob.glob(os.path.join(ROOT, 'interp', '*.inc'))
    # probe.c is the test driver, a host program; it is not in the library
    return [f for f in files if os.path.basename(f) != 'probe.c']


def test_engine_includes_only_freestanding_headers():
    seen = set()
    for path in engine_files():
        with open(path) as f:
            for line in f:
                m = re.match(r'\s*#\s*include\s*<([^>]+)>', line)
                if m:
                    seen.add(m.group(1))
                    assert m.group(1) in ALLOWED_HEADERS, (path, line)
    assert seen, 'no system header found: the scan itself is broken'


@pytest.mark.parametrize('cc', ['gcc', 'clang-14'])
def test_kernel_build_needs_only_mem_functions(cc):
    obj = os.path.join(ROOT, 'build', 'kernel', f'interp-{cc}.o')
    assert os.path.exists(obj), f'{obj} missing: make build/kernel/interp-{cc}.stamp'
    out = subprocess.run(['nm', '-u', obj], capture_output=True, text=True,
                         check=True).stdout.split()
    undefined = {w for w in out if w != 'U'}
    assert undefined <= ALLOWED_SYMBOLS, undefined - ALLOWED_SYMBOLS
    # the object really is the engine: its entry points are defined
    defined = subprocess.run(['nm', '--defined-only', obj], capture_output=True,
                             text=True, check=True).stdout
    for sym in ('wasm_module_load', 'wasm_instantiate', 'wasm_call',
                'wasm_resume'):
        assert re.search(rf' T {sym}$', defined, re.M), sym
