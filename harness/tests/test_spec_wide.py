"""spec/ipc/wide.pml under spin: held calls answered in any order,
reply_recv, send, EPIPE to receivers, notifications, and the liveness
property `answered` checked with acceptance cycles.  The model must pass
(safety with no claim, and pan -a on the LTL claim), and each planted bug
must be caught by the check the model says catches it."""

import shutil
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
PML = ROOT / "spec" / "ipc" / "wide.pml"


def pan(tmp_path, define=None):
    """(safety output, LTL output) of the model (with -Ddefine)."""
    shutil.copy(PML, tmp_path / "wide.pml")
    subprocess.run(["spin", *([f"-D{define}"] if define else []), "-a", "wide.pml"],
                   cwd=tmp_path, check=True, capture_output=True)
    for name, flags in (("pan", ["-DSAFETY", "-DNOCLAIM"]), ("pan-ltl", [])):
        subprocess.run(["gcc", "-w", "-O1", *flags, "-o", name, "pan.c"], cwd=tmp_path,
                       check=True)
    run = lambda *a: subprocess.run(list(a), cwd=tmp_path, capture_output=True,  # noqa
                                    text=True, timeout=900).stdout
    return run("./pan", "-m10000"), run("./pan-ltl", "-a", "-m10000")


def test_model_has_no_errors(tmp_path):
    safety, ltl = pan(tmp_path)
    assert "errors: 0" in safety and "invalid end states\t+" in safety, safety
    assert "errors: 0" in ltl and "acceptance   cycles \t+" in ltl, ltl


@pytest.mark.parametrize("bug,which,error", [
    ("BUG_REPLY_SWAP", 0, "assertion violated ((nans[c]==1)&&(rep[c]==c))"),
    ("BUG_NONATOMIC_CALL", 1, "acceptance cycle"),
    ("BUG_NONATOMIC_CALL", 0, "invalid end state"),
    ("BUG_SIGNAL_OVERWRITE", 0, "assertion violated (seen=="),
])
def test_planted_bug_is_caught(tmp_path, bug, which, error):
    out = pan(tmp_path, bug)[which]
    assert f"pan:1: {error}" in out, out
