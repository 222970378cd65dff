"""Coverage of the IPC specification, and the bugs only coverage finds.

Random scripts sample IPC; spec/ipc/cover.py's directed suite reaches
every (operation, result) pair, free-slot boundary, named feature and
reachable branch of the model, and its exhaustive search tries every
short script.  Here: the suite does reach all of that; it and every
script of depth 2 give the model's traces through the host runner (make
spec-cover runs depth 3 with gcov); and bugs that random scripts miss
(planted in a copy of the core, one at a time) make the suite's traces
differ from the model's, while the same copy unplanted does not.
"""

import shutil
import subprocess
import sys

import pytest

from wisp_harness import ipccover as V
from wisp_harness.qemu import ROOT

C, S = V.C, V.S                 # spec/ipc/cover.py, spec/ipc/script.py
COV_RUNNER = ROOT / "build" / "spec-cov" / "ipc-script"


@pytest.fixture(scope="module")
def suite():
    """The directed suite, its Coverage and its model traces."""
    scripts, cov = C.directed_suite()
    return scripts, cov, [S.run_script(sc)[0] for sc in scripts]


def test_directed_suite_reaches_every_item(suite):
    """Every pair, boundary and feature, and every branch of model.py a
    script can take."""
    _, cov, _ = suite
    lines = []
    pct, missed, missb = C.report(cov, out=lines.append)
    assert not missed and not missb and pct == 100.0, "\n".join(lines)


def test_coverage_measure_sees_a_missing_item():
    """The measure is not vacuous: the default random scripts alone (what
    make test ran before) reach no receive near a full table."""
    cov = C.Coverage()
    for k in range(1, 301):
        C.record(cov, S.gen_script(k), branches=False)
    missed = C.wanted() - cov.items()
    assert ("boundary", "recv", 4) in missed and ("boundary", "recv", 5) in missed


def test_exhaustive_search_hashes_states():
    """Depth 2 is every step from every distinct state of depth <= 1 of
    each setup, and every script of it is valid."""
    scripts, traces, states = C.exhaustive_scripts(2)
    assert len(scripts) == len(traces) > 1000
    assert states < len(scripts) / 10
    for i in range(0, len(scripts), 97):
        assert S.run_script(scripts[i])[0] == traces[i]


def compare_runner(runner, scripts, expected):
    bad = V.divergences(runner, scripts, expected)
    return [(len(scripts[i].steps), i, f) for i, f in bad]


def test_directed_suite_on_the_host_runner(suite):
    scripts, _, expected = suite
    bad = compare_runner(V.ROOT / "build" / "host" / "ipc-script", scripts, expected)
    assert not bad, f"{len(bad)} differ; the shortest: " + \
        S.format_script(scripts[min(bad)[1]]) + str(min(bad)[2])


def test_every_script_of_depth_3_on_the_coverage_runner():
    """make spec-cover's depth, through its runner (no sanitizers, fast)."""
    scripts, traces, states = C.exhaustive_scripts(3)
    bad = compare_runner(COV_RUNNER, scripts, traces)
    assert not bad, S.format_script(scripts[min(bad)[1]]) + str(min(bad)[2])


# --- planted bugs -------------------------------------------------------------
# name: (file, the correct text, the planted text).  Each is a one-token
# change a reviewer could miss; random scripts did.
PLANTED = {
    "signal_overwrites_word": ("ipc/ntfn.c", "o->word |= bits;", "o->word = bits;"),
    "recv_slot_check_one_short": (
        "ipc/msg.c", "IPC_HANDLES_MAX - p->nheld < IPC_RECV_FREE_SLOTS)",
        "IPC_HANDLES_MAX - p->nheld < IPC_RECV_FREE_SLOTS - 1)"),
    "recv_slot_check_one_over": (
        "ipc/msg.c", "IPC_HANDLES_MAX - p->nheld < IPC_RECV_FREE_SLOTS)",
        "IPC_HANDLES_MAX - p->nheld <= IPC_RECV_FREE_SLOTS)"),
    # revoke (ipc/revoke.c): queued senders through a revoked handle left
    # waiting; a handle's own children not counted as derived from it
    "revoke_skips_the_send_queue": (
        "ipc/revoke.c", "    cancel(&o->sendq, h);\n", ""),
    "revoke_skips_direct_children": (
        "ipc/revoke.c", "for (d = d->parent; d; d = d->parent)",
        "for (d = d->parent ? d->parent->parent : NULL; d; d = d->parent)"),
}
HOST_SRCS = sorted(p.relative_to(ROOT) for p in (ROOT / "ipc").glob("*.c")
                   if p.name != "kenv.c")


def build_runner(tmp_path, plant=None):
    """The host runner built from a copy of ipc/*.c with one bug planted
    (or none), with the sanitizers as build/host/ipc-script has them."""
    srcs = []
    for rel in HOST_SRCS:
        dst = tmp_path / rel
        dst.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy(ROOT / rel, dst)
        srcs.append(dst)
    if plant:
        path, good, bad = PLANTED[plant]
        f = tmp_path / path
        text = f.read_text()
        assert text.count(good) == 1, \
            f"{path} does not contain {good!r} once (a lab 6 hole not filled?)"
        f.write_text(text.replace(good, bad))
    out = tmp_path / "ipc-script"
    cmd = ["gcc", "-std=c11", "-O1", "-g", "-fsanitize=address,undefined",
           f"-I{ROOT}", f"-I{ROOT / 'kernel'}", "-o", str(out),
           str(ROOT / "ipc/test/host_main.c"), str(ROOT / "ipc/test/script.c"),
           str(ROOT / "ipc/test/scriptparse.c")] + [str(s) for s in srcs]
    subprocess.run(cmd, check=True, capture_output=True, text=True)
    return out


def test_unplanted_copy_matches(tmp_path, suite):
    """The copy, built this way, gives the model's traces: a failure of
    the next test is its bug's."""
    scripts, _, expected = suite
    assert not compare_runner(build_runner(tmp_path), scripts, expected)


@pytest.mark.parametrize("bug", list(PLANTED))
def test_planted_bug_is_caught(tmp_path, suite, bug, record_property):
    """The directed suite's traces through the core with the bug differ
    from the model's; the shortest script showing it is short."""
    scripts, _, expected = suite
    bad = compare_runner(build_runner(tmp_path, bug), scripts, expected)
    assert bad, f"planted bug {bug} NOT caught by the directed suite"
    n, i, first = min(bad)
    record_property("wisp_report", f"{bug}: {len(bad)} of {len(scripts)} scripts "
                    f"differ; shortest ({n} steps) first differs at {first}")
    print(f"{bug}: caught by {len(bad)} of {len(scripts)} scripts", file=sys.stderr)


# --- the C core's own state space (make spec-c) --------------------------------
SEARCH = ROOT / "build" / "host" / "ipc-search"


def test_c_search_depth_3_holds_every_invariant():
    r = subprocess.run([str(SEARCH), "3", "3"], capture_output=True, text=True,
                       timeout=600)
    assert r.returncode == 0, r.stdout + r.stderr
    m = __import__("re").search(r"depth 3: (\d+) distinct states, (\d+) transitions, "
                                r"every invariant holds, nothing leaked ", r.stdout)
    assert m and int(m[1]) > 10000, r.stdout


def test_c_search_catches_a_miscounted_table(tmp_path):
    """ipc_install forgetting to count a slot breaks no trace at once, but
    the search's invariant check names it."""
    srcs = []
    for rel in HOST_SRCS:
        dst = tmp_path / rel
        dst.parent.mkdir(parents=True, exist_ok=True)
        text = (ROOT / rel).read_text()
        if rel.name == "obj.c":
            assert text.count("    p->nheld++;\n") == 1
            text = text.replace("    p->nheld++;\n", "")
        dst.write_text(text)
        srcs.append(str(dst))
    out = tmp_path / "ipc-search"
    subprocess.run(["gcc", "-std=c11", "-O1", f"-I{ROOT}", f"-I{ROOT / 'kernel'}",
                    "-DIPC_HANDLES_MAX=8", "-o", str(out),
                    str(ROOT / "ipc/test/search.c")] + srcs, check=True)
    r = subprocess.run([str(out), "2", "2"], capture_output=True, text=True, timeout=300)
    assert r.returncode == 1 and "invariant broken: nheld" in r.stderr, r.stderr
