"""The engine's decoder and validator alone, on the host: what a module
may be, and which modules are refused.  Nothing here runs code, boots
QEMU or needs the kernel.

Groups of the official spec suite go through the spec-test runner with
--load-only (each module is decoded and validated, never instantiated;
the commands that run code are skipped) and --messages (an invalid module
must fail with the spec's message, "type mismatch" or "unknown label",
not only be refused).  A failing group names its first failing
assertion: where it is, what was expected and what came, the module's
bytes and its text as the .wast file writes it.  Then Wisp's own cases:
each bad module fails with the byte offset where decoding or validation
stopped, and the subtle good ones load."""
import json
import os
import re
import subprocess
import textwrap
from pathlib import Path

import pytest

from test_spectest import SUITE, leb, section

REPO = Path(__file__).resolve().parents[2]
SPECTEST = REPO / 'build' / 'host' / 'spectest'
PROBE = REPO / 'build' / 'host' / 'wasm-probe'
SPEC_DIR = REPO / 'build' / 'spec'

# The spec files of each group (the suite's own names, without .wast).
GROUPS = {
    'leb128': ['binary-leb128'],
    'binary': ['binary'],
    'custom': ['custom'],
    'exports': ['exports'],
    'limits': ['memory', 'table'],
    'blocks': ['block', 'loop'],
    'if': ['if'],
    'branches': ['br', 'br_if', 'br_table', 'return'],
    'unreachable': ['unreachable', 'unreached-invalid', 'unreached-valid'],
    'locals': ['local_get', 'local_set', 'local_tee'],
}

FAIL_LINE = re.compile(r'^  FAIL (\S+\.wast):(\d+): (\S+): (.*)$', re.M)
TOTAL = re.compile(r'^spectest: (\d+) passed, (\d+) failed, (\d+) skipped$', re.M)
ASSERTION_LINES = 14        # lines of a .wast assertion shown
MODULE_BYTES = 48           # bytes of a failing module shown


def wast_text(name, line):
    """The command or module at `line` of the suite's name.wast, as
    written: from that line to its closing parenthesis (parentheses in
    strings and comments do not count), dedented."""
    path = SUITE / f'{name}.wast'
    try:
        lines = path.read_text(errors='replace').split('\n')[line - 1:]
    except OSError:
        return [f'({path} cannot be read)']
    out, depth = [], 0
    for text in lines:
        out.append(text)
        code = re.sub(r'"(\\.|[^"\\])*"', '""', text).split(';;')[0]
        depth += code.count('(') - code.count(')')
        if depth <= 0 or len(out) == ASSERTION_LINES:
            break
    if depth > 0:
        out.append('  ...')
    return textwrap.dedent('\n'.join(out)).split('\n')


def module_bytes(name, line):
    """The bytes of the module of the command at `line` (wast2json's
    .wasm file), as hex, or None when it has none."""
    try:
        script = json.loads((SPEC_DIR / name / f'{name}.json').read_text())
    except (OSError, ValueError):
        return None
    for cmd in script.get('commands', []):
        if cmd.get('line') == line and cmd.get('filename', '').endswith('.wasm'):
            data = (SPEC_DIR / name / cmd['filename']).read_bytes()
            shown = ' '.join(f'{b:02x}' for b in data[:MODULE_BYTES])
            more = f' ... ({len(data)} bytes)' if len(data) > MODULE_BYTES else ''
            return f'{cmd["filename"]}: {shown}{more}'
    return None


def first_failure(out):
    """A readable account of the runner's first failure in `out`."""
    m = FAIL_LINE.search(out)
    if not m:
        return ['(the runner printed no failure line)', *out.strip().split('\n')[-8:]]
    name, line = m[1][:-len('.wast')], int(m[2])
    text = [f'first failure: {m[1]}:{line}: {m[3]}: {m[4]}']
    hexdump = module_bytes(name, line)
    if hexdump:
        text.append(f'its bytes: {hexdump}')
    text.append(f'as {name}.wast writes it (line {line}):')
    return text + [f'    {l}' for l in wast_text(name, line)]


def check_spec_group(files, *options):
    """Runs the spec files through the runner with options; passes when
    every assertion passes, else fails naming the first that did not."""
    assert SPECTEST.exists(), f'{SPECTEST} is missing: run make build/host/spectest'
    run = subprocess.run([str(SPECTEST), *options, '-v', '--suite', str(SUITE),
                          '--spec-dir', str(SPEC_DIR), *files],
                         capture_output=True, text=True, cwd=REPO, timeout=300)
    total = TOTAL.search(run.stdout)
    assert total, f'the runner did not finish (status {run.returncode}):\n' \
                  f'{run.stdout[-2000:]}{run.stderr[-2000:]}'
    passed, failed = int(total[1]), int(total[2])
    if failed:
        lines = [f'{failed} of {passed + failed} assertions of {", ".join(files)} failed '
                 f'(all of them: {" ".join([str(SPECTEST.relative_to(REPO)), *options])} '
                 f'-v {" ".join(files)})']
        lines += first_failure(run.stdout)
        pytest.fail('\n'.join(lines), pytrace=False)
    assert run.returncode == 0, run.stderr[-2000:]
    assert passed > 0, f'no assertion of {files} ran'


@pytest.mark.parametrize('group', GROUPS)
def test_spec_group_decodes_and_validates(group):
    check_spec_group(GROUPS[group], '--load-only', '--messages')


# ---- Wisp's own cases: the offset of every error -----------------------------

HEADER = b'\0asm\1\0\0\0'
I32, I64, F32 = 0x7f, 0x7e, 0x7d


def functype(params=(), results=()):
    return b'\x60' + leb(len(params)) + bytes(params) + leb(len(results)) + bytes(results)


def func_module(body, params=(), results=(), extra_types=()):
    """A module with one function of type params -> results (type 0;
    extra_types follow it) whose body (without locals) is `body`.
    Returns (bytes, offset of the body's first instruction)."""
    types = [functype(params, results), *extra_types]
    head = HEADER + section(1, leb(len(types)) + b''.join(types)) + section(3, b'\x01\x00')
    entry = b'\x00' + bytes(body)
    code_payload = b'\x01' + leb(len(entry)) + entry
    code = bytes([10]) + leb(len(code_payload)) + code_payload
    at = len(head) + 1 + len(leb(len(code_payload))) + 1 + len(leb(len(entry))) + 1
    return head + code, at


def body_case(name, body, rel, kind, message, **types):
    """A case whose error is `rel` bytes into the function body."""
    data, at = func_module(body, **types)
    return name, data, f'{kind} at offset {at + rel}: {message}'


def loads(name, data):
    return name, data, 'loaded'


LOADED = re.compile(r'loaded: \d+ imports, \d+ exports')

CASES = [
    # LEB128 (wr_leb)
    ('a section size in six bytes', HEADER + b'\x01\x80\x80\x80\x80\x80\x00',
     'malformed at offset 9: integer representation too long'),
    ('a count with bits beyond 32', HEADER + b'\x01\x06\xff\xff\xff\xff\x7f\x00',
     'malformed at offset 10: integer too large'),
    ('a count cut by its section', HEADER + b'\x01\x01\x80' + section(5, b'\x00'),
     'malformed at offset 11: unexpected end of section or function'),
    body_case('i32.const with a fifth byte that is not a sign extension',
              b'\x41\xff\xff\xff\xff\x4f\x1a\x0b', 1, 'malformed', 'integer too large'),
    body_case('i32.const 0 in six bytes', b'\x41\x80\x80\x80\x80\x80\x00\x1a\x0b', 1,
              'malformed', 'integer representation too long'),
    body_case('i64.const with bits beyond 64', b'\x42' + b'\x80' * 9 + b'\x02\x1a\x0b', 1,
              'malformed', 'integer too large'),
    loads('i32.const -1 in five bytes, i64.const -2^63 in ten',
          func_module(b'\x41\xff\xff\xff\xff\x7f\x1a\x42' + b'\x80' * 9 + b'\x7f\x1a\x0b')[0]),
    loads('i32.const 0 in five bytes (padded, not too long)',
          func_module(b'\x41\x80\x80\x80\x80\x00\x1a\x0b')[0]),
    # limits (wr_limits)
    ('a memory limits flag of 2', HEADER + section(5, b'\x01\x02\x00'),
     'malformed at offset 11: integer too large'),
    ('a memory of 65537 pages', HEADER + section(5, b'\x01\x00' + leb(65537)),
     'invalid at offset 11: memory size must be at most 65536 pages (4GiB)'),
    ('a memory whose maximum is 65537 pages', HEADER + section(5, b'\x01\x01\x00' + leb(65537)),
     'invalid at offset 11: memory size must be at most 65536 pages (4GiB)'),
    ('a table whose maximum is below its minimum', HEADER + section(4, b'\x01\x70\x01\x02\x01'),
     'invalid at offset 12: size minimum must not be greater than maximum'),
    loads('a memory of exactly 65536 pages', HEADER + section(5, b'\x01\x01' + leb(0) + leb(65536))),
    loads('a table of 70000 elements (tables count no pages)',
          HEADER + section(4, b'\x01\x70\x00' + leb(70000))),
    # the type section (sec_type)
    ('a function type whose form is 0x61', HEADER + section(1, b'\x01\x61\x00\x00'),
     'malformed at offset 11: integer representation too long'),
    ('a parameter of type 0x40', HEADER + section(1, b'\x01\x60\x01\x40\x00'),
     'malformed at offset 13: malformed value type'),
    ('a second type cut short', HEADER + section(1, b'\x02\x60\x00\x00\x60\x01') + section(5, b'\x00'),
     'malformed at offset 16: unexpected end of section or function'),
    ('a function of type 1 when there is one type',
     HEADER + section(1, b'\x01' + functype()) + section(3, b'\x01\x01'),
     'invalid at offset 17: unknown type'),
    loads('two types, each with params and results, the second used',
          HEADER + section(1, b'\x02' + functype([I32, I64], [F32]) + functype([I64], [I32, I32]))
          + section(3, b'\x01\x01') + section(10, b'\x01\x08\x00\x20\x00\xa7\x20\x00\xa7\x0b')),
    # popping operands (cc_pop)
    body_case('i32.add of an i32 and an i64', b'\x41\x00\x42\x00\x6a\x1a\x0b', 4,
              'invalid', 'type mismatch'),
    body_case('drop inside a block, of a value pushed before it',
              b'\x41\x01\x02\x40\x1a\x0b\x1a\x0b', 4, 'invalid', 'type mismatch'),
    body_case('drop in a block after unreachable (only the unreachable frame is polymorphic)',
              b'\x00\x02\x40\x1a\x0b\x0b', 3, 'invalid', 'type mismatch'),
    body_case('a function returning i32 ends with an empty stack', b'\x0b', 0,
              'invalid', 'type mismatch', results=[I32]),
    loads('i32.add after unreachable (the stack is polymorphic)',
          func_module(b'\x00\x6a\x1a\x0b')[0]),
    loads('i64.eqz after unreachable, its result then dropped',
          func_module(b'\x00\x50\x1a\x0b')[0]),
    # else (cc_else)
    body_case('an else arm that leaves nothing for an i32 result',
              b'\x41\x01\x04\x7f\x41\x01\x05\x0b\x0b', 7, 'invalid', 'type mismatch',
              results=[I32]),
    body_case('else without if', b'\x05\x0b', 0, 'malformed', 'else without if'),
    loads('if with a parameter: each arm starts with it',
          func_module(b'\x41\x07\x41\x01\x04\x01\x45\x05\x45\x0b\x1a\x0b',
                      extra_types=[functype([I32], [I32])])[0]),
    # branches (cc_br)
    body_case('br with an i64 to a block of i32', b'\x02\x7f\x42\x00\x0c\x00\x0b\x0b', 4,
              'invalid', 'type mismatch', results=[I32]),
    body_case('br_if with an i32 condition and nothing for the label',
              b'\x02\x7f\x41\x01\x0d\x00\x0b\x0b', 4, 'invalid', 'type mismatch',
              results=[I32]),
    body_case('br 2 with one block open', b'\x02\x40\x0c\x02\x0b\x0b', 2,
              'invalid', 'unknown label'),
    loads('br to a loop carries its params, not its results',
          func_module(b'\x03\x7f\x0c\x00\x0b\x0b', results=[I32])[0]),
    loads('br_if keeps its values for the path that falls through',
          func_module(b'\x02\x7f\x41\x05\x41\x00\x0d\x00\x0b\x0b', results=[I32])[0]),
    loads('return after unreachable code', func_module(b'\x00\x0f\x0b', results=[I32])[0]),
]


def probe_load(tmp_path, data):
    path = tmp_path / 'case.wasm'
    path.write_bytes(data)
    run = subprocess.run([str(PROBE), '--load', str(path)], capture_output=True,
                         text=True, timeout=60)
    return run.stdout.strip() or run.stderr.strip() or f'(no output, status {run.returncode})'


def test_each_bad_module_gets_its_byte_offset(tmp_path):
    assert PROBE.exists(), f'{PROBE} is missing: run make build/host/wasm-probe'
    wrong = []
    for name, data, want in CASES:
        got = probe_load(tmp_path, data)
        ok = LOADED.fullmatch(got) if want == 'loaded' else got == want
        if not ok:
            wrong.append((name, data, want, got))
    if wrong:
        name, data, want, got = wrong[0]
        lines = [f'{len(wrong)} of {len(CASES)} modules got the wrong answer; the first:',
                 f'  {name}',
                 f'  bytes: {" ".join(f"{b:02x}" for b in data)}',
                 f'  expected: {want}',
                 f'  got:      {got}']
        lines += [f'  also wrong: {w[0]}' for w in wrong[1:6]]
        pytest.fail('\n'.join(lines), pytrace=False)
