"""bench/sections/boot.py in quick mode (one boot of the demo system and
`ping 1000`): its table has every row, each with numbers in order
(min <= median <= max), and it fails loudly without the ISO.  Nothing
here asserts on how fast anything is."""
import re
import subprocess
import sys
from pathlib import Path

from wisp_harness.benchsection import run_in_empty_tree

ROOT = Path(__file__).resolve().parents[2]
SECTION = ROOT / "bench" / "sections" / "boot.py"
ROWS = ["QEMU start to the kernel banner", "banner to the shell prompt",
        "QEMU start to the shell prompt", "ping 1000: one round trip"]


def quick(tmp_path, *extra):
    return subprocess.run([sys.executable, str(SECTION), "--quick",
                           "--out", str(tmp_path), *extra],
                          capture_output=True, text=True, timeout=600, cwd=ROOT)


def test_quick_mode_prints_every_row_with_numbers(tmp_path):
    p = quick(tmp_path)
    assert p.returncode == 0, p.stdout + p.stderr
    for name in ROWS:
        m = re.search(rf"^{re.escape(name)} +(\d+\.\d+) +(\d+\.\d+) +(\d+\.\d+) +(s|us)$",
                      p.stdout, re.M)
        assert m, f"no row {name!r} in:\n{p.stdout}"
        med, lo, hi = map(float, m.groups()[:3])
        assert 0 < lo <= med <= hi, m.group(0)
    assert re.search(r"^Target: QEMU start to the shell prompt <= 1 s: (met|missed "
                     r"\(\d+\.\d{3} s\))$", p.stdout, re.M), p.stdout


def test_a_missing_iso_is_a_failure(tmp_path):
    # the section in a tree without the ISO
    p = run_in_empty_tree(tmp_path, "boot.py")
    assert p.returncode == 1
    assert "wisp-demo.iso missing: run make first" in p.stderr
