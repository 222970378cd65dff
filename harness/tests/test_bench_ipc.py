"""bench/sections/ipc.py in quick mode (one boot under -icount shift=0,
`run ipcbench 2` with the IPC fast path on then off, and a short run of
build/bench/ipc_host): the table has a row for every message size, each
with numbers for both paths, and the target line;
the host program checks its own echoes and refuses bad arguments.
Nothing here asserts on how fast anything is."""
import re
import subprocess
import sys
from pathlib import Path

from wisp_harness.benchsection import run_in_empty_tree

ROOT = Path(__file__).resolve().parents[2]
SECTION = ROOT / "bench" / "sections" / "ipc.py"
HOST = ROOT / "build" / "bench" / "ipc_host"
SIZES = ["0 words", "8 words", "4 KiB buffer"]
NUM = r"\d{1,3}(?:,\d{3})*"


def test_quick_mode_prints_every_size_with_numbers(tmp_path):
    p = subprocess.run([sys.executable, str(SECTION), "--quick", "--out", str(tmp_path)],
                       capture_output=True, text=True, timeout=900, cwd=ROOT)
    assert p.returncode == 0, p.stdout + p.stderr
    for size in SIZES:
        m = re.search(rf"^{re.escape(size)} +({NUM}) +({NUM}\.\d) +({NUM}\.\d) "
                      rf"+(\d+\.\d)$", p.stdout, re.M)
        assert m, f"no row {size!r} in:\n{p.stdout}"
        trips, fast, slow, ns = (float(g.replace(",", "")) for g in m.groups())
        assert trips > 0 and fast > 0 and slow > 0 and ns > 0, m.group(0)
    m = re.search(rf"^null host call +({NUM}) +({NUM}\.\d) +- +-$", p.stdout, re.M)
    assert m, p.stdout
    assert re.search(r"^Target: a 0-word round trip in <= 1,000 guest instructions "
                     rf"\(both Wasm loops included\): (met|missed \({NUM}\.\d\))$",
                     p.stdout, re.M), p.stdout
    assert re.search(r"^Target: a null host call in <= 100 guest instructions "
                     rf"\(its Wasm loop included\): (met|missed \({NUM}\.\d\))$",
                     p.stdout, re.M), p.stdout


def test_ipc_host_prints_each_size_and_refuses_bad_arguments():
    p = subprocess.run([str(HOST), "100", "1"], capture_output=True, text=True, timeout=60)
    assert p.returncode == 0, p.stderr
    lines = p.stdout.splitlines()
    assert [l.split(":")[1].strip() for l in lines] == SIZES
    for line in lines:
        assert re.fullmatch(r"ipc_host: .+: 100 round trips x 1, \d+\.\d ns per round trip",
                            line), line
    for bad in (["0"], ["10", "0"], ["1", "2", "3"]):
        p = subprocess.run([str(HOST), *bad], capture_output=True, text=True, timeout=60)
        assert p.returncode == 2 and p.stderr.startswith("usage: ipc_host"), bad


def test_a_missing_iso_is_a_failure(tmp_path):
    # the section in a tree with neither the ISO nor ipc_host
    p = run_in_empty_tree(tmp_path, "ipc.py")
    assert p.returncode == 1
    assert "wisp.iso missing: run make first" in p.stderr
    assert "ipc_host missing: run make bench-build" in p.stderr
    assert re.search(r"^0 words +FAIL +FAIL +FAIL +FAIL$", p.stdout, re.M), p.stdout
