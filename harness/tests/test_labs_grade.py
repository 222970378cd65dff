"""The lab grader, harness/tools/grade.py (make check-labN), on a small
tree of its own whose tests pass or fail on purpose: the test lines, the
reasons and LAB-TODO lines of a failure, the hint about an earlier lab,
the points, `Score: x/y` as the last line, the exit status (0 full marks,
1 points lost, 2 build failed, 3 the grader could not run), T= and the
JSON results."""

import json
import os
import shutil
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
ENV = {k: v for k, v in os.environ.items()
       if k not in ("MAKEFLAGS", "MFLAGS", "MAKELEVEL", "T", "WISP_TOP", "WISP_REF_MISSING")}

MAKEFILE = """\
all:
\t@mkdir -p build
broken:
\t@echo "kernel/x.c:12:5: error: 'y' undeclared" >&2; exit 1
nodeps:
\t@echo "missing nasm: run make deps (package nasm)" >&2; exit 1
"""

TESTS = '''\
def test_good():
    assert 1 + 1 == 2

def test_also_good():
    pass

def test_bad():
    assert "want" == "came", "expected want, got came"

def test_bad_with_todo(record_property, tmp_path):
    log = tmp_path / "machine.log"
    log.write_text("monitor> run\\nLAB-TODO: lab 2: frames_free is not written yet\\n")
    record_property("wisp_logs", [str(log)])
    assert False, "the machine did not answer"

def test_bad_in_the_engine():
    assert False, "trap: lab 1: num_idiv is not written yet in func 3"

def test_bad_with_report(record_property):
    table = "\\n".join(f"row {i}: model ok, yours EPIPE" for i in range(20))
    record_property("wisp_report", "a long report, read whole:\\n" + table)
    assert False, "short reason"
'''


def rubric(tests, build="all"):
    text = f'lab = 3\ntitle = "Fake"\nversion = "9.1"\nbuild = ["{build}"]\n'
    for name, points in tests:
        text += f'\n[[test]]\nid = "test_fake.py::{name}"\ntitle = "{name} title"\n' \
                f'points = {points}\n'
    return text


@pytest.fixture
def tree(tmp_path):
    """A tree with a Makefile, a lab 3 rubric and the grader itself."""
    t = tmp_path / "tree"
    (t / "harness" / "tests").mkdir(parents=True)
    (t / "harness" / "tools").mkdir()
    (t / "labs").mkdir()
    for tool in ("grade.py", "carve.py"):
        shutil.copy(ROOT / "harness" / "tools" / tool, t / "harness" / "tools" / tool)
    (t / "harness" / "pytest.ini").write_text("[pytest]\ntestpaths = tests\n")
    (t / "harness" / "tests" / "test_fake.py").write_text(TESTS)
    (t / "Makefile").write_text(MAKEFILE)
    return t


def grade(tree, *args, **env):
    r = subprocess.run(["/usr/bin/python3", str(tree / "harness" / "tools" / "grade.py"),
                        "3", *args], cwd=tree, capture_output=True, text=True,
                       env=dict(ENV, **env), timeout=300)
    return r, r.stdout.rstrip("\n").split("\n")


def test_full_marks(tree):
    (tree / "labs" / "lab3.toml").write_text(rubric([("test_good", 60), ("test_also_good", 40)]))
    r, lines = grade(tree)
    assert r.returncode == 0, r.stdout + r.stderr
    assert lines[0] == "Wisp lab 3 grader, version 9.1: grading your tree"
    assert "== Test test_good title == test_good title: OK (" in r.stdout
    assert lines[-1] == "Score: 100/100"
    assert any(l.split() == ["test_also_good", "title", "40/40"] for l in lines)


def test_points_lost_show_why_the_todo_lines_and_the_earlier_lab(tree):
    (tree / "labs" / "lab3.toml").write_text(
        rubric([("test_good", 50), ("test_bad", 25), ("test_bad_with_todo", 25)]))
    r, lines = grade(tree)
    assert r.returncode == 1
    assert lines[-1] == "Score: 50/100"
    out = r.stdout
    assert "test_bad title: FAIL (" in out
    assert "    expected want, got came" in out
    assert "    the machine did not answer" in out
    assert "    seen: LAB-TODO: lab 2: frames_free is not written yet" in out
    assert "    serial log: " in out and "machine.log" in out
    assert "make check-lab3 REF=2" in out
    assert any(l.split() == ["test_bad", "title", "0/25"] for l in lines)


def test_an_engine_stub_is_shown_as_its_todo_line(tree):
    """The engine's stubs answer with an error or a trap naming the hole,
    not a LAB-TODO line of their own: the grader shows it as one."""
    (tree / "labs" / "lab3.toml").write_text(
        rubric([("test_good", 50), ("test_bad_in_the_engine", 50)]))
    r, lines = grade(tree)
    assert r.returncode == 1
    assert "    seen: LAB-TODO: lab 1: num_idiv is not written yet" in r.stdout
    assert "make check-lab3 REF=1" in r.stdout


def test_a_report_is_shown_whole_instead_of_the_reason(tree):
    """A failure that records a wisp_report shows it, every line of it,
    instead of its shortened reason."""
    (tree / "labs" / "lab3.toml").write_text(
        rubric([("test_good", 50), ("test_bad_with_report", 50)]))
    r, lines = grade(tree)
    assert r.returncode == 1 and lines[-1] == "Score: 50/100"
    assert "    a long report, read whole:" in lines
    assert "    row 19: model ok, yours EPIPE" in lines, r.stdout
    assert "short reason" not in r.stdout


def test_a_build_failure_shows_the_compiler_and_exits_2(tree):
    (tree / "labs" / "lab3.toml").write_text(rubric([("test_good", 100)], build="broken"))
    r, lines = grade(tree)
    assert r.returncode == 2
    assert "Build failed" in r.stdout and "kernel/x.c:12:5: error: 'y' undeclared" in r.stdout
    assert lines[-1] == "Score: 0/100"


def test_a_missing_tool_is_not_the_students_fault(tree):
    (tree / "labs" / "lab3.toml").write_text(rubric([("test_good", 100)], build="nodeps"))
    r, _ = grade(tree)
    assert r.returncode == 3 and "missing nasm: run make deps" in r.stderr


def test_no_rubric_or_a_test_that_does_not_exist_exit_3(tree):
    r, _ = grade(tree)
    assert r.returncode == 3 and "lab 3 has no grader" in r.stderr
    (tree / "labs" / "lab3.toml").write_text(rubric([("test_good", 50), ("test_gone", 50)]))
    r, _ = grade(tree)
    assert r.returncode == 3 and "test_gone" in r.stderr
    (tree / "labs" / "lab3.toml").write_text(rubric([("test_good", 0)]))
    r, _ = grade(tree)
    assert r.returncode == 3 and "positive points" in r.stderr


def test_t_selects_tests_and_says_the_score_is_partial(tree):
    (tree / "labs" / "lab3.toml").write_text(
        rubric([("test_good", 50), ("test_bad", 25), ("test_also_good", 25)]))
    r, lines = grade(tree, T="also")
    assert r.returncode == 0
    assert "test_good title:" not in r.stdout and "test_bad title:" not in r.stdout
    assert "partial run, T=also: 1 of 3 tests; the lab is out of 100" in lines[-2]
    assert lines[-1] == "Score: 25/25"
    r, _ = grade(tree, T="nothing-matches")
    assert r.returncode == 3 and "no test of lab 3 matches" in r.stderr


def test_results_are_written_as_json(tree):
    (tree / "labs" / "lab3.toml").write_text(rubric([("test_good", 70), ("test_bad", 30)]))
    grade(tree)
    res = json.loads((tree / "build" / "grade" / "lab3.json").read_text())
    assert (res["lab"], res["version"], res["score"], res["possible"], res["exit"]) == \
        (3, "9.1", 70, 100, 1)
    bad = [t for t in res["tests"] if t["id"] == "test_fake.py::test_bad"][0]
    assert bad["earned"] == 0 and not bad["passed"] and "expected want" in bad["reason"]


def test_a_tree_with_reference_labs_says_so_first(tree):
    (tree / "labs" / "lab3.toml").write_text(rubric([("test_good", 100)]))
    (tree / ".wisp-tree").write_text(json.dumps({"solved": [1, 2], "base": "student",
                                                 "stub": "", "bug": "", "describe": "x"}))
    r, lines = grade(tree)
    assert "REF=1,2" in lines[0] and "your tree" in lines[0]
    (tree / ".wisp-tree").unlink()
    r, lines = grade(tree, WISP_REF_MISSING="1,2")
    assert "REF=1,2 ignored: the reference solutions are not available" in lines[1]
