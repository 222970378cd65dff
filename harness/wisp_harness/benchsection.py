"""Running one bench/sections/*.py in quick mode, for the tests of the
benchmark sections (harness/tests/test_bench_*.py)."""

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def run_in_empty_tree(tmp_path, section):
    """Run bench/sections/<section> (e.g. "ipc.py") in quick mode from a
    copy of it and bench/run.py in a tree with nothing built, as a
    clean clone before make would; return the CompletedProcess."""
    tree = tmp_path / "tree"
    (tree / "bench" / "sections").mkdir(parents=True)
    src = ROOT / "bench" / "sections" / section
    (tree / "bench" / "sections" / section).write_text(src.read_text())
    (tree / "bench" / "run.py").write_text((ROOT / "bench" / "run.py").read_text())
    return subprocess.run([sys.executable, str(tree / "bench" / "sections" / section),
                           "--quick", "--out", str(tmp_path / "out")],
                          capture_output=True, text=True, timeout=120)
