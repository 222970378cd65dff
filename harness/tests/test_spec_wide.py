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
# (a failing run leaves wide.pml.trail beside it: the LTL run's, if it
# failed, else the safety run's)


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


# --- spin's runs as scripts (spec/ipc/trail.py) -------------------------------
import sys  # noqa: E402

sys.path.insert(0, str(ROOT / "spec" / "ipc"))
import script as S  # noqa: E402
import trail as T  # noqa: E402
from wisp_harness import ipcscripts as I  # noqa: E402


def check_script(sc):
    """The model runs sc with its invariants and one answer per call, and
    the C core (the host runner) prints the model's trace."""
    trace, state = S.run_script(sc, check=True)
    assert not S.call_answers(trace, state)
    host = I.host_traces([sc])[0]
    assert host == trace, (S.format_script(sc), S.first_divergence(trace, host))
    return trace


def test_random_simulations_are_scripts_model_and_c_agree_on(tmp_path):
    shutil.copy(PML, tmp_path / "wide.pml")
    for seed in range(1, 41):
        sc = T.script_of(T.simulate(tmp_path, seed))
        assert len(sc.steps) > 25
        assert T.own_replies(check_script(sc)), seed


@pytest.mark.parametrize("bug", ["BUG_REPLY_SWAP", "BUG_NONATOMIC_CALL"])
def test_counterexample_trails_replay_on_the_code(tmp_path, bug):
    """The interleaving spin found against a planted Promela bug, run as a
    script: valid, the C agrees with the model, and in the model (which
    has no such bug) every reply reaches its own caller."""
    pan(tmp_path, bug)                  # leaves wide.pml.trail
    assert (tmp_path / "wide.pml.trail").exists()
    sc = T.script_of(T.replay(tmp_path, [f"-D{bug}"]))
    assert any(st.op == "reply" or st.op == "reply_recv" for st in sc.steps)
    assert T.own_replies(check_script(sc))
