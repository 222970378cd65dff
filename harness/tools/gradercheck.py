#!/usr/bin/env python3
"""gradercheck.py: prove every lab's grader honest -- `make check-graders`.

A grader that cannot fail is worse than none.  For every lab N that has a
rubric (labs/labN.toml), on trees assembled from solutions/:

  * solved below N (labs 1..N-1 solved, the rest stubs): lab N scores 0,
    and every one of its tests fails (no free points);
  * solved up to N: lab N scores full marks, and so does every earlier lab
    (the later labs' stubs must not break them);
  * this tree, untouched (all stubs), is the carving of solutions/ (byte
    for byte, no solution text anywhere, the student edition of the book
    included), builds and boots to the monitor's prompt.

With --full, for every lab N also:

  * each hole alone left as its stub in the tree solved up to N loses
    points on lab N (every hole is tested);
  * each BUG variant planted there loses points (the tests catch plausible
    mistakes);
  * the tree solved up to N scores full marks FLAKE_RUNS times in a row
    while another build keeps both cores busy (no flaky test).

Trees are built under build/trees/ (the one with every lab solved is the
reference, build/ref); a new tree starts from a copy of the reference's
build, so only what differs is rebuilt.
"""

import argparse
import json
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
import carve  # noqa: E402

ROOT = HERE.parents[1]
PYTHON = "/usr/bin/python3"
FLAKE_RUNS = 5
# Not copied when one tree's build seeds another's: logs, results, caches
# of booted images.
SEED_SKIP = {"test-logs", "grade", "test-iso", "trees", "ref"}


def clean_env(**extra):
    """The environment for inner runs, without an outer make's flags."""
    env = {k: v for k, v in os.environ.items()
           if k not in ("MAKEFLAGS", "MFLAGS", "MAKELEVEL")}
    env.update(extra)
    return env


class Checker:
    """Runs the checks, prints a line for each, remembers the failures."""

    def __init__(self, root, files):
        self.root = Path(root)
        self.files = files
        self.known = sorted({sf.lab for sf in files.values()})
        self.failures = []
        self.count = 0

    def say(self, text):
        print(f"check-graders: {text}", flush=True)

    def result(self, ok, what, detail=""):
        """Record one check; a failure prints its detail."""
        self.count += 1
        self.say(f"{'ok  ' if ok else 'FAIL'} {what}")
        if not ok:
            self.failures.append(what)
            for line in detail.rstrip().split("\n")[-40:] if detail else []:
                print(f"    {line}", flush=True)

    # ---- trees ----------------------------------------------------------

    def tree_dir(self, solved, stub="", bug=""):
        """Where the tree with labs `solved` (and a stub or BUG) is built."""
        if stub or bug:
            return self.root / "build" / "trees" / "variant"
        if not solved:
            return self.root           # the student tree is the carving
        if set(solved) >= set(self.known):
            return self.root / "build" / "ref"
        return self.root / "build" / "trees" / ("solved-" + "_".join(map(str, solved)))

    def make_tree(self, solved, stub="", bug=""):
        """Assemble (or update) the tree and return its directory; a new
        tree's build starts as a copy of the reference's."""
        out = self.tree_dir(solved, stub, bug)
        if out == self.root:
            return out
        fresh = not (out / "build").exists()
        choice = carve.Choice(set(solved), "carved", stub, bug)
        carve.assemble(self.root, out, choice, self.files)
        ref = self.root / "build" / "ref"
        if fresh and out != ref and (ref / "build").is_dir():
            seed_build(ref / "build", out / "build", [out / rel for rel in self.files])
        return out

    def grade(self, tree, lab):
        """Grade lab in tree; returns (results dict or None, output)."""
        out = tree / "build" / "grade" / f"lab{lab}.check.json"
        if out.exists():
            out.unlink()
        r = subprocess.run(
            [PYTHON, str(tree / "harness" / "tools" / "grade.py"), str(lab),
             "--json", str(out)], cwd=tree, capture_output=True, text=True,
            env=clean_env(WISP_TOP=str(self.root)))
        text = r.stdout + r.stderr
        if r.returncode in (2, 3) or not out.exists():
            return None, text
        return json.loads(out.read_text()), text

    # ---- the checks -----------------------------------------------------

    def check_carving(self):
        book = self.root / "build" / "book"
        r = subprocess.run(["make", "--no-print-directory", "-s", "book"], cwd=self.root,
                           capture_output=True, text=True, env=clean_env())
        if r.returncode != 0:
            self.result(False, "the student edition of the book builds", r.stdout + r.stderr)
            book = None
        problems = carve.check_problems(self.root, book)
        self.result(not problems, "this tree is the carving of solutions/ "
                    "(byte for byte; no solution text here, in labs/ or in the book)",
                    "\n".join(problems))

    def check_student_boots(self):
        r = subprocess.run(["make", "--no-print-directory", "-s", "-j2", "all"],
                           cwd=self.root, capture_output=True, text=True, env=clean_env())
        if r.returncode != 0:
            self.result(False, "the untouched student tree builds", r.stdout + r.stderr)
            return
        sys.path.insert(0, str(self.root / "harness"))
        from wisp_harness import HarnessError, Wisp
        try:
            with Wisp(name="check-graders.student-boot") as w:
                w.boot()
                out = w.cmd("help")
            ok = "backtrace" in out
            detail = out
        except HarnessError as e:
            ok, detail = False, str(e)
        self.result(ok, "the untouched student tree builds and boots to the monitor's prompt",
                    detail)

    def check_lab(self, lab):
        below = [l for l in self.known if l < lab]
        upto = [l for l in self.known if l <= lab]
        t0 = time.monotonic()
        tree = self.make_tree(below)
        res, text = self.grade(tree, lab)
        passed = [t["title"] for t in res["tests"] if t["passed"]] if res else []
        ok = res is not None and res["score"] == 0 and not passed
        self.result(ok, f"lab {lab} on the tree solved below it ({describe(below)}): "
                    f"{score_of(res)}, every test fails ({time.monotonic() - t0:.0f}s)",
                    text if res is None else "tests that passed: " + ", ".join(passed))
        tree = self.make_tree(upto)
        for earlier in [l for l in self.known if l <= lab]:
            t0 = time.monotonic()
            res, text = self.grade(tree, earlier)
            ok = res is not None and res["score"] == res["possible"] == 100
            self.result(ok, f"lab {earlier} on the tree solved up to lab {lab}: "
                        f"{score_of(res)} ({time.monotonic() - t0:.0f}s)", text)

    def check_lab_full(self, lab):
        upto = [l for l in self.known if l <= lab]
        holes = [h for h in carve.all_holes(self.files) if h.lab == lab]
        variants = [("stub", h.name) for h in holes] + \
                   [("bug", b) for h in holes for b in h.bugs]
        if len([v for v in variants if v[0] == "bug"]) < 2:
            self.result(False, f"lab {lab} has at least two BUG variants",
                        "plant plausible mistakes with LAB N BUG blocks in solutions/")
        for kind, name in variants:
            t0 = time.monotonic()
            tree = self.make_tree(upto, **{kind: name})
            res, text = self.grade(tree, lab)
            ok = res is not None and res["score"] < res["possible"]
            lost = [t["title"] for t in res["tests"] if not t["passed"]] if res else []
            what = "left as its stub" if kind == "stub" else "planted"
            self.result(ok, f"lab {lab}: {'hole' if kind == 'stub' else 'BUG'} {name} "
                        f"{what} loses points: {score_of(res)} "
                        f"({time.monotonic() - t0:.0f}s)",
                        text if res is None else "no test failed")
            if ok:
                print(f"    failing: {'; '.join(lost)}", flush=True)
        tree = self.make_tree(upto)
        with Load(self.root, self.files):
            for run in range(1, FLAKE_RUNS + 1):
                t0 = time.monotonic()
                res, text = self.grade(tree, lab)
                ok = res is not None and res["score"] == res["possible"]
                self.result(ok, f"lab {lab} under load, run {run} of {FLAKE_RUNS}: "
                            f"{score_of(res)} ({time.monotonic() - t0:.0f}s)", text)
                if not ok:
                    break


class Load:
    """Both cores kept busy by rebuilding a scratch tree (make -B -j2)
    over and over, for as long as the `with` block runs."""

    def __init__(self, root, files):
        self.dir = Path(root, "build", "trees", "load")
        carve.assemble(root, self.dir, carve.Choice(set()), files)
        self.proc = None

    def __enter__(self):
        self.proc = subprocess.Popen(
            ["bash", "-c", "while make -B -j2 -s --no-print-directory all "
             ">/dev/null 2>&1; do :; done"],
            cwd=self.dir, env=clean_env(), start_new_session=True)
        return self

    def __exit__(self, *exc):
        os.killpg(self.proc.pid, 9)
        self.proc.wait()
        return False


def seed_build(src, dst, holed):
    """Copy the build directory src to dst (time stamps kept), then stamp
    the tree's holed files now, so make rebuilds exactly what depends on
    them."""
    def ignore(d, names):
        return [n for n in names if Path(d) == src and n in SEED_SKIP]
    shutil.copytree(src, dst, symlinks=True, ignore=ignore)
    now = time.time()
    for p in holed:
        if p.exists():
            os.utime(p, (now, now))


def describe(labs):
    return "labs " + ",".join(map(str, labs)) + " solved" if labs else "nothing solved"


def score_of(res):
    return f"{res['score']}/{res['possible']}" if res else "no score (grader error)"


def main(argv=None):
    ap = argparse.ArgumentParser(prog="gradercheck.py", description=__doc__.split("\n")[0])
    ap.add_argument("--full", action="store_true", help="also every hole, BUG, and flakes")
    ap.add_argument("--labs", help="only these labs (e.g. 1,3); default every lab")
    ap.add_argument("--root", default=str(ROOT))
    args = ap.parse_args(argv)
    root = Path(args.root)
    if not (root / carve.SOLUTIONS).is_dir():
        print("check-graders: this tree has no solutions/, nothing to check against",
              file=sys.stderr)
        return 2
    try:
        files = carve.load_solutions(root)
    except carve.CarveError as e:
        print(f"check-graders: {e}", file=sys.stderr)
        return 1
    ck = Checker(root, files)
    rubrics = sorted(int(p.stem[3:]) for p in (root / "labs").glob("lab*.toml"))
    start = time.monotonic()
    for lab in sorted(set(rubrics) ^ set(ck.known)):
        ck.result(False, f"lab {lab} has " + ("a rubric but no holes" if lab in rubrics
                                              else "holes but no rubric (labs/labN.toml)"))
    labs = [l for l in rubrics if l in ck.known]
    if args.labs:
        labs = [l for l in labs if l in carve.parse_labs(args.labs, ck.known)]
    ck.check_carving()
    ck.check_student_boots()
    for lab in labs:
        ck.check_lab(lab)
        if args.full:
            ck.check_lab_full(lab)
    took = time.monotonic() - start
    if ck.failures:
        ck.say(f"{len(ck.failures)} of {ck.count} checks FAILED ({took:.0f}s)")
        return 1
    ck.say(f"all {ck.count} checks passed for lab(s) {','.join(map(str, labs))} ({took:.0f}s)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
