"""The carving tool, harness/tools/carve.py, on small trees of its own:
the marker syntax and its errors, the student files it carves, the trees
it assembles (solved, stubbed, a BUG planted, the student's own files), the
time stamps that keep their builds incremental, the check (differences,
stray markers, solution text that leaks) and the student's status."""

import json
import os
import subprocess
import sys
import time
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "harness" / "tools"))
import carve  # noqa: E402

SOLUTION = """\
/* counter.c */
#include "labtodo.h"

/*
 * count_up: the number of items below n.
 */
int count_up(int n)
{
    // LAB 7 BEGIN count_up
    int total = 0;
    for (int i = 0; i < n; i++)
        total = total + 1;
    return total;
    // LAB 7 BUG count_up_off_by_one
    // int total = 0;
    // for (int i = 0; i <= n; i++)
    //     total = total + 1;
    // return total;
    // LAB 7 STUB counts nothing, so every count is 0
    // LAB_TODO(7, "count_up");
    //
    // return 0;
    // LAB 7 END
}

int unrelated(void)
{
    return 1;
}
"""

CARVED = """\
/* counter.c */
#include "labtodo.h"

/*
 * count_up: the number of items below n.
 */
int count_up(int n)
{
    // LAB 7: your code here (count_up)
    LAB_TODO(7, "count_up");

    return 0;
}

int unrelated(void)
{
    return 1;
}
"""


def make_tree(tmp_path, solution=SOLUTION, name="src/counter.c"):
    """A tree with one holed file (in solutions/ and carved) and one
    ordinary file."""
    root = tmp_path / "tree"
    (root / "solutions" / name).parent.mkdir(parents=True)
    (root / "solutions" / name).write_text(solution)
    (root / "src").mkdir(exist_ok=True)
    (root / "src" / "plain.c").write_text("int plain;\n")
    (root / "labs").mkdir()
    assert carve.main(["--root", str(root), "sync"]) == 0
    return root


def carve_cli(root, *args):
    return subprocess.run([sys.executable, str(ROOT / "harness" / "tools" / "carve.py"),
                           "--root", str(root), *args], capture_output=True, text=True)


# ---- the marker syntax ---------------------------------------------------

def test_a_hole_is_carved_to_its_marker_line_and_stub(tmp_path):
    root = make_tree(tmp_path)
    assert (root / "src" / "counter.c").read_text() == CARVED
    holes = json.loads((root / "labs" / "holes.json").read_text())
    assert holes == [{"lab": 7, "name": "count_up", "file": "src/counter.c",
                      "function": "count_up", "stub": "counts nothing, so every count is 0",
                      "carved": ["    // LAB 7: your code here (count_up)",
                                 '    LAB_TODO(7, "count_up");', "", "    return 0;"]}]


@pytest.mark.parametrize("broken,error", [
    (SOLUTION.replace("    // LAB 7 END\n", ""), "LAB 7 END of hole count_up missing"),
    (SOLUTION.replace("    // LAB 7 END\n}", "}\n    // LAB 7 END"), "LAB 7 END of hole count_up"),
    (SOLUTION.replace("    // LAB 7 END\n}\n\nint unrelated(void)\n{\n    return 1;\n}\n",
                      "    // return 1;\n"), "has no LAB 7 END"),
    (SOLUTION.replace("    // LAB 7 STUB counts nothing, so every count is 0\n", ""),
     "ends without a STUB"),
    (SOLUTION.replace("// LAB 7 BEGIN count_up", "// LAB 7 BEGIN"), "needs a name"),
    (SOLUTION.replace("    // LAB 7 END", "    // LAB 8 END"), "LAB 8 marker in hole count_up"),
    (SOLUTION.replace("    // return 0;", "    return 0;"), "must start with '    // '"),
    (SOLUTION.replace("    // LAB 7 BEGIN count_up", "    // LAB 7 BEGIN count_up\n"
                      "    // LAB 7 BEGIN inner"), "holes do not nest"),
    (SOLUTION.replace("    // LAB 7 BUG count_up_off_by_one", "  // LAB 7 BUG count_up_off_by_one"),
     "indented unlike its BEGIN"),
    (SOLUTION.replace("// LAB 7 STUB counts", "// LAB 7  STUB counts"), "malformed marker"),
    (SOLUTION.replace("    int total = 0;\n    for (int i = 0; i < n; i++)\n"
                      "        total = total + 1;\n    return total;\n    // LAB 7 BUG",
                      "    // LAB 7 BUG"), "empty solution"),
    (SOLUTION.replace('    // LAB_TODO(7, "count_up");\n    //\n    // return 0;\n', ""),
     "empty stub"),
    ("int x;\n", "at least one hole"),
], ids=["no-end", "end-misplaced", "no-end-at-eof", "no-stub", "no-name", "lab-mismatch",
        "stub-not-commented", "nested", "indent", "malformed", "empty-solution", "empty-stub",
        "no-hole"])
def test_malformed_markers_are_refused_with_file_and_line(tmp_path, broken, error):
    root = tmp_path / "t"
    (root / "solutions").mkdir(parents=True)
    (root / "solutions" / "x.c").write_text(broken)
    with pytest.raises(carve.CarveError, match="solutions/x.c"):
        carve.load_solutions(root)
    try:
        carve.load_solutions(root)
    except carve.CarveError as e:
        assert error in str(e)


def test_a_file_belongs_to_one_lab_and_names_are_unique(tmp_path):
    two_labs = SOLUTION + SOLUTION.replace("LAB 7", "LAB 8").replace("count_up", "other")
    root = tmp_path / "a"
    (root / "solutions").mkdir(parents=True)
    (root / "solutions" / "x.c").write_text(two_labs)
    with pytest.raises(carve.CarveError, match="a file belongs to one lab"):
        carve.load_solutions(root)
    root = tmp_path / "b"
    (root / "solutions").mkdir(parents=True)
    (root / "solutions" / "x.c").write_text(SOLUTION)
    (root / "solutions" / "y.c").write_text(SOLUTION)
    with pytest.raises(carve.CarveError, match="count_up is used twice"):
        carve.load_solutions(root)


def test_comment_syntax_follows_the_language(tmp_path):
    asm = ("f:\n    ; LAB 2 BEGIN f_body\n    mov rax, 1\n    ; LAB 2 STUB returns 0\n"
           "    ; xor eax, eax\n    ; LAB 2 END\n    ret\n")
    wat = ("(func $f\n  ;; LAB 2 BEGIN wat_body\n  i32.const 1\n  ;; LAB 2 STUB\n"
           "  ;; unreachable\n  ;; LAB 2 END\n)\n")
    py = ("def f():\n    # LAB 2 BEGIN py_body\n    return 1\n    # LAB 2 STUB\n"
          "    # return 0\n    # LAB 2 END\n")
    root = tmp_path / "t"
    for name, text in [("a.asm", asm), ("b.wat", wat), ("c.py", py)]:
        (root / "solutions" / name).parent.mkdir(parents=True, exist_ok=True)
        (root / "solutions" / name).write_text(text)
    assert carve.main(["--root", str(root), "sync"]) == 0
    assert (root / "a.asm").read_text() == \
        "f:\n    ; LAB 2: your code here (f_body)\n    xor eax, eax\n    ret\n"
    assert (root / "b.wat").read_text() == \
        "(func $f\n  ;; LAB 2: your code here (wat_body)\n  unreachable\n)\n"
    assert (root / "c.py").read_text() == \
        "def f():\n    # LAB 2: your code here (py_body)\n    return 0\n"


# ---- trees -----------------------------------------------------------------

def read(tree):
    return (tree / "src" / "counter.c").read_text()


def test_trees_hold_what_was_chosen(tmp_path):
    root = make_tree(tmp_path)
    out = tmp_path / "out"
    carve.assemble(root, out, carve.Choice({7}))
    assert "total = total + 1;" in read(out) and "LAB" not in read(out)
    assert "i < n" in read(out) and (out / "src" / "plain.c").read_text() == "int plain;\n"
    assert not (out / "solutions").exists()
    assert json.loads((out / ".wisp-tree").read_text())["solved"] == [7]
    carve.assemble(root, out, carve.Choice(set()))
    assert read(out) == CARVED
    carve.assemble(root, out, carve.Choice({7}, bug="count_up_off_by_one"))
    assert "i <= n" in read(out) and "LAB" not in read(out)
    carve.assemble(root, out, carve.Choice({7}, stub="count_up"))
    assert read(out) == CARVED


def test_a_student_tree_keeps_the_students_own_files(tmp_path):
    root = make_tree(tmp_path)
    mine = CARVED.replace("    return 0;", "    return n;  /* mine */")
    (root / "src" / "counter.c").write_text(mine)
    out = tmp_path / "out"
    carve.assemble(root, out, carve.Choice(set(), base="student"))
    assert read(out) == mine
    carve.assemble(root, out, carve.Choice({7}, base="student"))
    assert "total = total + 1;" in read(out)


def test_unknown_holes_bugs_and_labs_are_refused(tmp_path):
    root = make_tree(tmp_path)
    with pytest.raises(carve.CarveError, match="no hole named 'nope'"):
        carve.assemble(root, tmp_path / "o", carve.Choice({7}, stub="nope"))
    with pytest.raises(carve.CarveError, match="no BUG named 'nope'"):
        carve.assemble(root, tmp_path / "o", carve.Choice({7}, bug="nope"))
    with pytest.raises(carve.CarveError, match="bad lab"):
        carve.parse_labs("1-x", {1})
    assert carve.parse_labs("all", {1, 2, 3}) == {1, 2, 3}
    assert carve.parse_labs("1-2,5", {1, 2, 3, 5}) == {1, 2, 5}
    assert carve.parse_labs("none", {1}) == set()
    assert carve.parse_labs("below-3", {1, 2, 3, 4}) == {1, 2}
    assert carve.parse_labs("upto-3", {1, 2, 3, 4}) == {1, 2, 3}


def test_trees_are_updated_incrementally(tmp_path):
    root = make_tree(tmp_path)
    out = tmp_path / "out"
    old = time.time() - 1000
    os.utime(root / "src" / "plain.c", (old, old))
    carve.assemble(root, out, carve.Choice({7}))
    # a new file keeps its source's time stamp (a copied build stays valid)
    assert abs((out / "src" / "plain.c").stat().st_mtime - old) < 1
    before = (out / "src" / "counter.c").stat().st_mtime_ns
    assert carve.assemble(root, out, carve.Choice({7})) == 0       # nothing to write
    assert (out / "src" / "counter.c").stat().st_mtime_ns == before
    # a file whose content changes is stamped now, so make rebuilds it
    carve.assemble(root, out, carve.Choice({7}, bug="count_up_off_by_one"))
    assert (out / "src" / "counter.c").stat().st_mtime > time.time() - 60
    # a file gone from the source is gone from the tree; the build stays
    (out / "build").mkdir()
    (out / "build" / "x.o").write_text("")
    (root / "src" / "plain.c").unlink()
    carve.assemble(root, out, carve.Choice({7}))
    assert not (out / "src" / "plain.c").exists() and (out / "build" / "x.o").exists()


# ---- check, status, export -------------------------------------------------

def test_check_finds_a_hand_edited_carving_and_a_stray_marker(tmp_path):
    root = make_tree(tmp_path)
    assert carve.check_problems(root) == []
    (root / "src" / "counter.c").write_text(CARVED + "// edited\n")
    (root / "src" / "plain.c").write_text("int plain;\n// LAB 3 BEGIN oops\n")
    problems = "\n".join(carve.check_problems(root))
    assert "src/counter.c: differs from the carving of solutions/src/counter.c" in problems
    assert "src/plain.c: a LAB marker outside solutions/ (line 2)" in problems
    r = carve_cli(root, "check")
    assert r.returncode == 1 and "differs from the carving" in r.stderr


def test_check_finds_solution_text_anywhere_outside_solutions(tmp_path):
    root = make_tree(tmp_path)
    (root / "notes.md").write_text("Here is how:\n\n    int total = 0;\n"
                                   "    for (int i = 0; i < n; i++)\n"
                                   "        total = total + 1;\n")
    book = tmp_path / "book"
    book.mkdir()
    (book / "ch.html").write_text('<code><span>for (int i = 0; i &lt;= n; i++)</span>\n'
                                  '<span>    total = total + 1;</span>\n'
                                  '<span>return total;</span></code>\n')
    problems = "\n".join(carve.check_problems(root, book))
    assert "notes.md: shows the solution of hole count_up" in problems
    assert "ch.html: shows the solution of hole count_up" in problems   # a BUG variant
    # lines that are also in the carving, or too few in a row, prove nothing
    (root / "notes.md").write_text("int total = 0;\nreturn 0;\nreturn total;\n")
    assert carve.check_problems(root) == []


def test_status_tells_which_holes_are_still_stubs(tmp_path):
    root = make_tree(tmp_path)
    r = carve_cli(root, "status")
    assert r.returncode == 0
    assert "lab 7  TODO     count_up" in r.stdout and "1 of 1 holes are still" in r.stdout
    (root / "src" / "counter.c").write_text(CARVED.replace('    LAB_TODO(7, "count_up");\n', ""))
    r = carve_cli(root, "status")
    assert "lab 7  written  count_up" in r.stdout and "0 of 1 holes" in r.stdout


def test_export_leaves_out_solutions_and_refuses_a_leak(tmp_path):
    root = make_tree(tmp_path)
    out = tmp_path / "export"
    r = carve_cli(root, "export", str(out))
    assert r.returncode == 0, r.stderr
    assert not (out / "solutions").exists() and (out / "src" / "counter.c").read_text() == CARVED
    assert "i < n" not in "".join(p.read_text() for p in out.rglob("*") if p.is_file())
    r = carve_cli(root, "export", str(out))
    assert r.returncode == 1 and "not empty" in r.stderr
    (root / "leak.txt").write_text(SOLUTION)
    r = carve_cli(root, "export", str(tmp_path / "export2"))
    assert r.returncode == 1 and "leak.txt shows the solution of hole count_up" in r.stderr


def test_list_and_the_handouts_hole_section(tmp_path):
    root = make_tree(tmp_path)
    r = carve_cli(root, "list", "--bugs")
    assert r.stdout.split() == ["lab", "7:", "count_up", "src/counter.c", "in", "count_up",
                                "stub:", "counts", "nothing,", "so", "every", "count", "is",
                                "0", "BUG", "count_up_off_by_one"]
    (root / "labs" / "lab7.md").write_text(f"# Lab 7\n\n{carve.HANDOUT_BEGIN}\nold\n"
                                           f"{carve.HANDOUT_END}\n\nMore.\n")
    assert carve.main(["--root", str(root), "sync"]) == 0
    text = (root / "labs" / "lab7.md").read_text()
    assert "### `count_up` (in `src/counter.c`)" in text
    assert "the stub counts nothing, so every count is 0." in text
    assert "count_up: the number of items below n." in text     # the contract
    assert "old" not in text and text.endswith("\n\nMore.\n")
    (root / "labs" / "lab7.md").write_text(text.replace("More.", "More!").replace(
        "the stub counts", "the stub adds"))
    assert any("lab7.md: its hole list is out of date" in p
               for p in carve.check_problems(root))


def test_tree_directories_have_one_name_per_set_of_labs(tmp_path):
    assert carve.compact({1, 2, 3, 5, 7, 8}) == "1-3_5_7-8"
    assert carve.compact(set()) == "none"
    root = make_tree(tmp_path)          # one lab: 7
    for spec, base, want in [("all", "carved", "build/ref"), ("7", "carved", "build/ref"),
                             ("1-9", "carved", "build/ref"), ("none", "carved",
                                                              "build/trees/solved-none"),
                             ("7", "student", "build/trees/ref-7")]:
        r = carve_cli(root, "treedir", "--solved", spec, "--base", base)
        assert r.stdout.strip() == want, (spec, base, r.stdout, r.stderr)
