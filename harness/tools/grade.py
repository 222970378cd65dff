#!/usr/bin/env python3
"""grade.py: grade lab N on this tree -- what `make check-labN` runs.

    grade.py N [--tests T] [--json FILE]

Builds what the lab's tests need (labs/labN.toml: `build`), runs the tests
its rubric names (pytest, from harness/), and prints a line per test in
the form MIT 6.1810's graders use

    == Test <title> == <title>: OK (1.3s)
    == Test <title> == <title>: FAIL (15.2s)
        <why: what was expected and what came>
        LAB-TODO seen: lab 1: sym_find is not written yet
        serial log: build/test-logs/<test>.log

then the points per test and, as the last line, `Score: x/y`.  A test
whose failure is best read whole (a table, a script) records it as the
property `wisp_report` (pytest's record_property); it is shown instead of
the shortened reason.

Exit status: 0 full marks; 1 points lost; 2 the build failed (its output is
shown); 3 the grader itself could not run (a missing tool, a rubric naming
a test that does not exist): not the student's fault.

The rubric is labs/labN.toml: the lab's title and version, the make
targets its tests need, and each test's pytest id (relative to
harness/tests), title and points; the points total 100.
"""

import argparse
import json
import os
import re
import subprocess
import sys
import time
import tomllib
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
import carve  # noqa: E402  (carve.py beside this file)

ROOT = HERE.parents[1]
PYTHON = "/usr/bin/python3"
# A stub's LAB-TODO line, or the error or trap of a stub in the engine
# (interp/), which is a result rather than a line: "lab 3: wr_leb is not
# written yet".  Either is shown as the LAB-TODO line.
TODO_RE = re.compile(r"(?:LAB-TODO: )?lab (\d+): (\w+) is not written yet")
REASON_LINES = 12           # lines of a failure's reason shown
LOG_TAIL_LINES = 6          # lines of a quoted serial log shown


class GradeError(Exception):
    """The grader cannot run (exit 3)."""


def load_rubric(lab, root=ROOT):
    """labs/labN.toml, checked: title, version, build targets, tests with
    unique ids and positive points."""
    path = Path(root, "labs", f"lab{lab}.toml")
    if not path.exists():
        have = sorted(int(m[1]) for p in Path(root, "labs").glob("lab*.toml")
                      if (m := re.fullmatch(r"lab(\d+)\.toml", p.name)))
        raise GradeError(f"lab {lab} has no grader (labs/lab{lab}.toml); "
                         f"labs with graders: {', '.join(map(str, have)) or 'none'}")
    rubric = tomllib.loads(path.read_text())
    tests = rubric.get("test", [])
    ids = [t.get("id") for t in tests]
    if not tests or len(set(ids)) != len(ids) or not all(ids):
        raise GradeError(f"{path}: every [[test]] needs a unique id")
    for t in tests:
        if not isinstance(t.get("points"), int) or t["points"] <= 0 or not t.get("title"):
            raise GradeError(f"{path}: test {t['id']} needs a title and positive points")
    return rubric


def tree_description(root):
    """What is being graded, in words: an assembled tree says what it was
    made of (.wisp-tree); otherwise it is the student's own tree."""
    mark = Path(root, carve.TREE_MARK)
    if mark.exists():
        info = json.loads(mark.read_text())
        if info.get("base") == "student":
            solved = ",".join(map(str, info["solved"])) or "none"
            return (f"your tree, with the holes of lab(s) {solved} taken from "
                    f"the reference (REF={solved})")
        return "an assembled tree: " + info["describe"]
    return "your tree"


def clean_env():
    """The environment for inner make and pytest runs: an outer make's
    flags (jobserver, -s) must not leak in."""
    return {k: v for k, v in os.environ.items()
            if k not in ("MAKEFLAGS", "MFLAGS", "MAKELEVEL")}


def build(rubric, root):
    """Run make for the rubric's build targets; GradeError(2, output) on
    failure."""
    targets = rubric.get("build", ["all"])
    cmd = ["make", "--no-print-directory", f"-j{os.cpu_count() or 2}", *targets]
    r = subprocess.run(cmd, cwd=root, capture_output=True, text=True, env=clean_env())
    if r.returncode != 0:
        out = (r.stdout + r.stderr).rstrip().split("\n")
        missing = [l for l in out if re.match(r".*missing \S+: run make deps", l)]
        if missing:
            raise GradeError(missing[-1])
        return "\n".join(out[-60:])
    return None


def condense(reason):
    """A failure's reason, short: the assertion or harness message without
    the exception's class, and of a quoted serial log only its last lines
    (the whole log is kept on disk)."""
    text = re.sub(r"^[\w.]*(AssertionError|HarnessError|Failed): ", "", reason.strip())
    head, sep, log = text.partition("\n--- serial log ")
    head = re.sub(r"^test_\w+\.test_[^:]*: ", "", head)   # the machine's name
    lines = [l for l in head.split("\n") if l.strip()][:REASON_LINES]
    if sep:
        body = log.split("\n")[1:]
        body = [l for l in body if not l.startswith("--- end of serial log")]
        lines.append("the serial log ended:")
        lines += [f"  {l}" for l in body[-LOG_TAIL_LINES:]]
    return lines


class Collector:
    """A pytest plugin: gathers each test's outcome, time, failure reason,
    kept logs and LAB-TODO lines, and prints the test's line as it ends."""

    def __init__(self, titles, out, rel):
        self.titles = titles        # nodeid -> title
        self.out = out
        self.rel = rel              # path -> how to show it
        self.results = {}           # nodeid -> dict
        self.errors = []

    def pytest_runtest_logreport(self, report):
        r = self.results.setdefault(report.nodeid, {
            "seconds": 0.0, "passed": True, "reason": "", "logs": [], "text": "",
            "report": ""})
        r["seconds"] += report.duration
        if report.failed:
            r["passed"] = False
            crash = getattr(report.longrepr, "reprcrash", None)
            reason = crash.message if crash else str(report.longrepr)
            r["reason"] = r["reason"] or reason
            r["text"] += report.longreprtext + "".join(c for _, c in report.sections)
            for key, value in report.user_properties:
                if key == "wisp_logs":
                    r["logs"] += value
                elif key == "wisp_report" and not r["report"]:
                    r["report"] = value
        if report.when == "teardown":
            self.print_line(report.nodeid, r)

    def pytest_collectreport(self, report):
        if report.failed:
            self.errors.append(report.longreprtext)

    def todo_lines(self, r):
        """The LAB-TODO lines in a failed test's report and kept logs."""
        text = r["text"]
        for p in r["logs"]:
            try:
                text += Path(p).read_text(errors="replace")
            except OSError:
                pass
        seen = []
        for m in TODO_RE.finditer(text):
            line = f"LAB-TODO: lab {m[1]}: {m[2]} is not written yet"
            if line not in seen:
                seen.append(line)
        return seen

    def print_line(self, nodeid, r):
        title = self.titles.get(nodeid, nodeid)
        status = "OK" if r["passed"] else "FAIL"
        self.out(f"== Test {title} == {title}: {status} ({r['seconds']:.1f}s)")
        if r["passed"]:
            return
        lines = r["report"].rstrip().split("\n") if r["report"] else condense(r["reason"])
        for l in lines:
            self.out(f"    {l}".rstrip())
        r["todo"] = self.todo_lines(r)
        for t in r["todo"]:
            self.out(f"    seen: {t}")
        for p in r["logs"]:
            if p.endswith(".log") and not p.endswith((".qemu.log", ".stderr.log")):
                self.out(f"    serial log: {self.rel(p)}")


def run_tests(rubric, root, selected, out, rel):
    """Run the selected rubric tests with pytest (in-process; xdist workers
    when there is more than one); returns (Collector, pytest's exit code)."""
    import pytest      # Debian's python3-pytest: imported here, after the checks
    titles = {f"tests/{t['id']}": t["title"] for t in selected}
    col = Collector(titles, out, rel)
    args = ["-p", "no:cacheprovider", "--rootdir", str(Path(root, "harness"))]
    if len(selected) > 1:
        args += ["-n", str(min(len(selected), os.cpu_count() or 2))]
    args += [str(Path(root, "harness", "tests", t["id"])) for t in selected]
    cwd, stdout = os.getcwd(), sys.stdout
    os.chdir(Path(root, "harness"))
    # pytest's own report is not shown: the Collector prints the test lines
    sys.stdout = open(os.devnull, "w")
    try:
        code = pytest.main(args, plugins=[col])
    finally:
        sys.stdout.close()
        sys.stdout = stdout
        os.chdir(cwd)
    return col, int(code)


def hint_for_todos(lab, todos, out):
    """Tell the student what an earlier lab's LAB-TODO line means."""
    earlier = sorted({(int(m[1]), m[2]) for t in todos for m in [TODO_RE.search(t)]
                      if int(m[1]) < lab})
    if not earlier:
        return []
    labs = sorted({l for l, _ in earlier})
    spec = ",".join(map(str, labs))
    out("")
    out(f"Some tests ran into holes of earlier labs ({', '.join(n for _, n in earlier)}).")
    out(f"Lab {lab} builds on them: finish them, or grade lab {lab} with those labs' "
        f"holes taken from the reference:")
    out(f"    make check-lab{lab} REF={spec}")
    return labs


def main(argv=None):
    ap = argparse.ArgumentParser(prog="grade.py", description="grade lab N on this tree")
    ap.add_argument("lab", type=int)
    ap.add_argument("--tests", default=os.environ.get("T", ""),
                    help="only the tests whose id or title contains this (T=)")
    ap.add_argument("--json", help="write the results here (default build/grade/labN.json)")
    ap.add_argument("--root", default=str(ROOT))
    args = ap.parse_args(argv)
    root = Path(args.root)
    top = Path(os.environ.get("WISP_TOP") or root)

    def rel(p):
        try:
            return os.path.relpath(p, top)
        except ValueError:
            return str(p)

    lines = []

    stdout = sys.stdout

    def out(text=""):
        print(text, file=stdout, flush=True)
        lines.append(text)

    try:
        rubric = load_rubric(args.lab, root)
    except (GradeError, tomllib.TOMLDecodeError) as e:
        print(f"grade: {e}", file=sys.stderr)
        return 3
    total = sum(t["points"] for t in rubric["test"])
    out(f"Wisp lab {args.lab} grader, version {rubric.get('version', '?')}: "
        f"grading {tree_description(root)}")
    if os.environ.get("WISP_REF_MISSING"):
        out(f"(REF={os.environ['WISP_REF_MISSING']} ignored: the reference "
            f"solutions are not available in this tree)")
    selected = rubric["test"]
    if args.tests:
        t = args.tests.lower()
        selected = [x for x in selected if t in x["id"].lower() or t in x["title"].lower()]
        if not selected:
            print(f"grade: no test of lab {args.lab} matches T={args.tests}", file=sys.stderr)
            return 3

    start = time.monotonic()
    try:
        failed_build = build(rubric, root)
    except GradeError as e:
        print(f"grade: {e}", file=sys.stderr)
        return 3
    results_path = Path(args.json) if args.json else root / "build" / "grade" / f"lab{args.lab}.json"
    if failed_build is not None:
        out("Build failed; make said:")
        for l in failed_build.split("\n"):
            out(f"    {l}")
        out(f"Score: 0/{total}")
        write_json(results_path, args.lab, rubric, root, [], 0, total, 2, args.tests)
        return 2

    col, code = run_tests(rubric, root, selected, out, rel)
    if col.errors or code in (2, 3, 4):
        print("grade: pytest could not run the lab's tests:", file=sys.stderr)
        for e in col.errors:
            print(e, file=sys.stderr)
        return 3
    missing = [t["id"] for t in selected if f"tests/{t['id']}" not in col.results]
    if missing:
        print(f"grade: labs/lab{args.lab}.toml names tests that pytest did not run "
              f"(exit {code}): {', '.join(missing)}", file=sys.stderr)
        return 3
    results, score, todos = [], 0, []
    for t in selected:
        r = col.results[f"tests/{t['id']}"]
        earned = t["points"] if r["passed"] else 0
        score += earned
        todos += r.get("todo", [])
        results.append({"id": t["id"], "title": t["title"], "points": t["points"],
                        "earned": earned, "passed": r["passed"],
                        "seconds": round(r["seconds"], 2),
                        "reason": r["reason"].strip(), "todo": r.get("todo", []),
                        "logs": [rel(p) for p in r["logs"]]})
    hint_for_todos(args.lab, todos, out)
    out("")
    out("Points:")
    width = max(len(r["title"]) for r in results)
    for r in results:
        out(f"  {r['title']:<{width}}  {r['earned']:>3}/{r['points']}")
    possible = sum(r["points"] for r in results)
    if args.tests:
        out(f"(partial run, T={args.tests}: {len(results)} of {len(rubric['test'])} tests; "
            f"the lab is out of {total})")
    out(f"Score: {score}/{possible}")
    status = 0 if score == possible else 1
    write_json(results_path, args.lab, rubric, root, results, score, possible, status,
               args.tests, time.monotonic() - start)
    return status


def write_json(path, lab, rubric, root, results, score, possible, status, tests,
               seconds=0.0):
    """The results for instructors: what was graded, each test, the score."""
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps({
        "lab": lab, "version": rubric.get("version"), "tree": tree_description(root),
        "partial": tests or None, "score": score, "possible": possible,
        "exit": status, "seconds": round(seconds, 1), "tests": results}, indent=1) + "\n")


if __name__ == "__main__":
    sys.exit(main())
