"""Shared helpers for the wisp-run tests (no tests here).

The programs come from interp/run/Makefrag through TEST_PREREQS:
build/run-tests/NAME.wasm (clang-14, wasm32-wasi), NAME.native (gcc) and
NAME.wasm from interp/run/tests/NAME.wat."""
import os
import pathlib
import subprocess

import pytest

ROOT = pathlib.Path(__file__).resolve().parents[2]
# WISP_RUN=build/host/wisp-run-san runs every test under the sanitizers.
WISP_RUN = pathlib.Path(os.environ.get('WISP_RUN',
                                       ROOT / 'build' / 'host' / 'wisp-run'))
PROGS = ROOT / 'build' / 'run-tests'

# A guard against a hung run, not a performance bound.
RUN_TIMEOUT = 300


def artifact(name):
    """build/run-tests/<name>; fails (not skips) when it was not built."""
    path = PROGS / name
    if not path.exists():
        pytest.fail(f'{path} is missing: build it with `make wisp-run` '
                    '(make test does)')
    return path


def wisp_run(*args, stdin=b'', cwd=None):
    """Runs build/host/wisp-run with args; returns the CompletedProcess
    (stdout/stderr as bytes)."""
    if not WISP_RUN.exists():
        pytest.fail(f'{WISP_RUN} is missing: build it with `make wisp-run`')
    return subprocess.run([str(WISP_RUN), *map(str, args)], input=stdin,
                          capture_output=True, cwd=cwd, timeout=RUN_TIMEOUT)


def invoke(module, name, *args, opts=()):
    """wisp-run [opts] --invoke name module args..."""
    return wisp_run(*opts, '--invoke', name, module, *args)


def text(b):
    """Bytes from a child as text, for assertion messages."""
    return b.decode('utf-8', 'replace')
