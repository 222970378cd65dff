"""Host-side unit tests of the memory manager's pure C: the frame bitmap
(kernel/mm/frames.c, run by kernel/tests/pmm_test.c over made-up memory
maps) and the heap allocator (kernel/mm/heap.c, run by
kernel/tests/heap_test.c over an mmap'ed arena), both built with ASan and
UBSan."""

import re
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
HOST = ROOT / "build" / "host"


@pytest.mark.parametrize("binary,summary", [
    ("kernel_pmm_test", r"pmm_test: (\d+) checks, 0 failed"),
    ("kernel_heap_test", r"heap_test: (\d+) checks, 0 failed"),
])
def test_unit_binary(binary, summary):
    path = HOST / binary
    if not path.is_file():
        pytest.fail(f"{path} is missing: run make test (or make {path.relative_to(ROOT)})")
    r = subprocess.run([str(path)], capture_output=True, text=True, timeout=300)
    assert r.returncode == 0, r.stdout + r.stderr
    assert "FAIL" not in r.stdout, r.stdout
    m = re.search(summary, r.stdout)
    assert m, r.stdout
    assert int(m.group(1)) > 1000      # the checks really ran
