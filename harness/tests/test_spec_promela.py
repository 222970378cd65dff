"""The Promela model of the endpoint protocol, spec/ipc/ipc.pml, under
spin: the model passes (no assertion violated, no invalid end state) and
each planted bug is caught, with the kind of error it must produce.  Also:
`make spec-pml` itself fails when a "bug" variant passes."""

import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
PML = ROOT / "spec" / "ipc" / "ipc.pml"
sys.path.insert(0, str(ROOT / "spec" / "ipc"))
import model as M  # noqa: E402

pytestmark = pytest.mark.skipif(shutil.which("spin") is None,
                                reason="spin is not installed (make deps installs it)")


def verify(tmp_path, *defines):
    """spin -a, cc pan.c, ./pan in tmp_path: pan's output."""
    shutil.copy(PML, tmp_path / "ipc.pml")
    subprocess.run(["spin", *[f"-D{d}" for d in defines], "-a", "ipc.pml"],
                   cwd=tmp_path, check=True, capture_output=True)
    opt = "-O0" if any(d.startswith("BUG_") for d in defines) else "-O1"
    subprocess.run(["gcc", "-w", opt, "-DSAFETY", "-o", "pan", "pan.c"],
                   cwd=tmp_path, check=True)
    return subprocess.run(["./pan", "-m10000"], cwd=tmp_path, capture_output=True,
                          text=True).stdout


def test_model_has_no_errors(tmp_path):
    out = verify(tmp_path)
    assert "errors: 0" in out, out
    assert "invalid end states\t+" in out and "assertion violations\t+" in out


def test_model_with_one_mortal_server_and_two_calls(tmp_path):
    out = verify(tmp_path, "MORTAL=1", "NC=2", "CALLS=2")
    assert "errors: 0" in out, out


@pytest.mark.parametrize("bug, error", [
    ("BUG_LOST_REPLY", "invalid end state"),          # a caller hangs
    ("BUG_DOUBLE_REPLY", "assertion violated ((cst"),  # answered twice
    ("BUG_NOT_FIFO", "assertion violated ((j==i)"),    # queue order
])
def test_planted_bug_is_caught(tmp_path, bug, error):
    out = verify(tmp_path, bug)
    assert re.search(r"errors: [1-9]", out), out
    assert error in out


def test_error_codes_match_the_model():
    text = PML.read_text()
    for name in ("EPIPE",):
        assert re.search(rf"#define {name}\s+{M.ERRORS[name][0]}\b", text)


def test_make_spec_fails_when_a_bug_variant_passes(tmp_path):
    # BUG_NONE plants nothing: spin passes it, so the gate must fail (a
    # small configuration in a build directory of its own, for speed)
    r = subprocess.run(["make", "spec-pml", "SPEC_BUGS=BUG_NONE BUG_NOT_FIFO",
                        f"SPEC_BUILD={tmp_path}", "SPEC_DEFS=-DNC=2 -DMORTAL=1"],
                       cwd=ROOT, capture_output=True, text=True)
    assert r.returncode != 0, r.stdout
    assert "spin: ipc.pml: no errors" in r.stdout
    assert "planted bug BUG_NONE NOT caught" in r.stderr


def test_make_help_lists_the_spec_targets():
    out = subprocess.run(["make", "help"], cwd=ROOT, capture_output=True,
                         text=True).stdout
    for target in ("spec", "spec-long", "spec-pml"):
        line = next(ln for ln in out.splitlines() if ln.split()[1:2] == [target])
        assert "(no description" not in line
