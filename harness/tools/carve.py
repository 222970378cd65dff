#!/usr/bin/env python3
"""carve.py: the labs' one source of truth, solutions/, and the trees made from it.

Every file with a lab hole lives complete in solutions/ (same path as in the
tree).  A hole is a marked region, in the comment syntax of the file's
language (`//` C, `;` nasm, `;;` WAT, `#` Python and make):

    // LAB 1 BEGIN sym_find
    ... the solution ...
    // LAB 1 BUG sym_find_one_past_the_end      (optional, any number)
    // ... a plausible wrong version, each line commented out ...
    // LAB 1 STUB no names: backtraces print '?'
    // ... the stub, each line commented out ...
    // LAB 1 END

so the solution file itself compiles.  Carving replaces the region by the
greppable line `// LAB 1: your code here (sym_find)` and the stub, which
says once that it is not written yet (`LAB-TODO: lab 1: sym_find is not
written yet`) and degrades or fails clearly.  A file belongs to one lab,
holes do not nest, hole names are unique.

    carve.py sync                 regenerate the student files and the
                                  handouts' hole lists from solutions/
    carve.py check [--book DIR]   fail if a student file differs from its
                                  carving, a marker is malformed, or solution
                                  text shows outside solutions/
    carve.py tree --out DIR ...   assemble a whole tree with chosen holes
                                  solved (see `tree --help`)
    carve.py list [--lab N]       the holes per lab: file, function, stub
    carve.py status               which of your holes are still stubs
    carve.py export DIR           a tree for students: no solutions/, no
                                  history, checked for leaks

Standard library only; run with any Python 3.11.
"""

import argparse
import html
import json
import os
import re
import shutil
import stat
import sys
import tomllib
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
SOLUTIONS = "solutions"
TREE_MARK = ".wisp-tree"        # in an assembled tree: what it was made of

# Never copied into an assembled tree: build output, history, caches, the
# solutions themselves.
SKIP_NAMES = {".git", "build", SOLUTIONS, TREE_MARK, "compile_commands.json",
              "__pycache__", ".pytest_cache", ".hypothesis"}


class CarveError(Exception):
    """A malformed marker, an unknown hole or lab, a leak: the message
    names the file and line."""


# ---- the marker syntax -------------------------------------------------------

def comment_of(path):
    """The line-comment token of a file's language, by its name; None for a
    file that cannot hold holes."""
    name = Path(path).name
    if name in ("Makefile", "Makefrag"):
        return "#"
    return {".c": "//", ".h": "//", ".inc": "//", ".rs": "//", ".asm": ";",
            ".wat": ";;", ".py": "#", ".mk": "#", ".sh": "#"}.get(Path(path).suffix)


def marker_re(token):
    """The regular expression of a marker line for comment token `token`:
    groups indent, lab, kind (BEGIN, BUG, STUB, END) and the rest."""
    return re.compile(r"^(?P<indent>[ \t]*)" + re.escape(token) +
                      r" LAB (?P<lab>\d+) (?P<kind>BEGIN|BUG|STUB|END)\b ?(?P<rest>.*)$")


def carved_line(indent, token, lab, name):
    """The line a carved hole starts with (what a student greps for)."""
    return f"{indent}{token} LAB {lab}: your code here ({name})"


NAME_RE = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")


@dataclass
class Hole:
    """One marked region of a solution file."""
    lab: int
    name: str
    path: str                   # relative to the tree, e.g. kernel/symbols.c
    line: int                   # the BEGIN line, 1-based
    indent: str
    token: str
    solution: list = field(default_factory=list)
    stub: list = field(default_factory=list)
    stub_note: str = ""         # after STUB: how the stub degrades
    bugs: dict = field(default_factory=dict)    # name -> lines
    function: str = ""          # the enclosing function, when known

    def carved(self):
        """The lines that replace the region in the student file."""
        return [carved_line(self.indent, self.token, self.lab, self.name)] + self.stub


@dataclass
class SolutionFile:
    """A parsed solution file: plain lines and holes, in order."""
    path: str
    pieces: list                # str (a line) or Hole
    mode: int = 0o644

    @property
    def holes(self):
        return [p for p in self.pieces if isinstance(p, Hole)]

    @property
    def lab(self):
        return self.holes[0].lab

    def render(self, choose):
        """The file's text with each hole rendered as choose(hole) says:
        "solution", "stub" or ("bug", name)."""
        out = []
        for p in self.pieces:
            if not isinstance(p, Hole):
                out.append(p)
                continue
            how = choose(p)
            if how == "solution":
                out.extend(p.solution)
            elif how == "stub":
                out.extend(p.carved())
            else:
                out.extend(p.bugs[how[1]])
        return "".join(line + "\n" for line in out)


def uncomment(line, indent, token, where):
    """A commented-out stub or BUG line back to code: `indent token code`
    becomes `indent code` (a lone token is an empty line)."""
    head = indent + token
    if line.strip() == token:
        return ""
    if not line.startswith(head + " "):
        raise CarveError(f"{where}: a stub or BUG line must start with "
                         f"'{head} ' (the marker's indentation, then the comment)")
    return indent + line[len(head) + 1:]


FUNC_RE = re.compile(r"^(?:static\s+|inline\s+|__attribute__\(\(.*?\)\)\s+)*"
                     r"[A-Za-z_][\w\s\*]*?\b([A-Za-z_]\w*)\s*\(")
PYDEF_RE = re.compile(r"^\s*def\s+(\w+)\s*\(")


def enclosing_function(lines, token):
    """The name of the function whose definition most recently started in
    lines (C: a line at column 0 like `type name(`; Python: `def name(`)."""
    for line in reversed(lines):
        if token == "#":
            m = PYDEF_RE.match(line)
        else:
            m = FUNC_RE.match(line) if line[:1].isalpha() or line[:1] == "_" else None
        if m and not line.rstrip().endswith(";"):
            return m.group(1)
    return ""


def parse_solution(path, text, rel):
    """Parse solution file text (at rel in the tree) into a SolutionFile;
    CarveError on any malformed marker."""
    token = comment_of(rel)
    if token is None:
        raise CarveError(f"{path}: no hole syntax for this kind of file")
    mre = marker_re(token)
    pieces, hole, part, bug = [], None, None, None
    lines = text.split("\n")
    if lines and lines[-1] == "":
        lines.pop()
    plain = []                  # plain lines so far, for enclosing_function
    for i, line in enumerate(lines, 1):
        where = f"{path}:{i}"
        m = mre.match(line)
        if m is None:
            if re.search(r"\bLAB\s+\d+\s+(BEGIN|BUG|STUB|END)\b", line):
                raise CarveError(f"{where}: malformed marker (want "
                                 f"'{token} LAB N BEGIN name' and the like, alone on its line)")
            if hole is None:
                pieces.append(line)
                plain.append(line)
            elif part == "solution":
                hole.solution.append(line)
            else:
                try:
                    text = uncomment(line, hole.indent, token, where)
                except CarveError as e:
                    raise CarveError(f"{e}; or is the LAB {hole.lab} END of hole "
                                     f"{hole.name} missing?") from None
                (hole.stub if part == "stub" else hole.bugs[bug]).append(text)
            continue
        lab, kind, rest = int(m["lab"]), m["kind"], m["rest"].strip()
        if kind == "BEGIN":
            if hole is not None:
                raise CarveError(f"{where}: LAB BEGIN inside hole {hole.name} (holes do not nest)")
            if not NAME_RE.match(rest):
                raise CarveError(f"{where}: a hole needs a name (a C identifier), got {rest!r}")
            hole = Hole(lab, rest, rel, i, m["indent"], token,
                        function=enclosing_function(plain, token))
            part = "solution"
            continue
        if hole is None:
            raise CarveError(f"{where}: LAB {kind} outside a hole")
        if lab != hole.lab:
            raise CarveError(f"{where}: LAB {lab} marker in hole {hole.name} of lab {hole.lab}")
        if m["indent"] != hole.indent:
            raise CarveError(f"{where}: marker indented unlike its BEGIN line")
        if kind == "BUG":
            if part == "stub":
                raise CarveError(f"{where}: BUG after STUB (order: BEGIN, BUG..., STUB, END)")
            if not NAME_RE.match(rest) or rest in hole.bugs:
                raise CarveError(f"{where}: a BUG needs a new name (a C identifier), got {rest!r}")
            bug, part = rest, "bug"
            hole.bugs[bug] = []
        elif kind == "STUB":
            if part == "stub":
                raise CarveError(f"{where}: two STUB markers in hole {hole.name}")
            part, hole.stub_note = "stub", rest
        else:
            if part != "stub":
                raise CarveError(f"{where}: hole {hole.name} ends without a STUB")
            if not any(s.strip() for s in hole.stub):
                raise CarveError(f"{where}: hole {hole.name} has an empty stub")
            if not any(s.strip() for s in hole.solution):
                raise CarveError(f"{where}: hole {hole.name} has an empty solution")
            pieces.append(hole)
            hole = None
    if hole is not None:
        raise CarveError(f"{path}:{hole.line}: hole {hole.name} has no LAB {hole.lab} END")
    sf = SolutionFile(rel, pieces)
    if not sf.holes:
        raise CarveError(f"{path}: a file in solutions/ must have at least one hole")
    labs = {h.lab for h in sf.holes}
    if len(labs) > 1:
        raise CarveError(f"{path}: holes of labs {sorted(labs)}; a file belongs to one lab")
    return sf


def load_solutions(root=ROOT):
    """Every solution file under root/solutions, parsed, by tree path.
    Hole and BUG names must be unique across all of them."""
    files, names = {}, {}
    sol = Path(root, SOLUTIONS)
    for p in sorted(sol.rglob("*")) if sol.is_dir() else []:
        if not p.is_file() or set(p.relative_to(sol).parts) & SKIP_NAMES:
            continue
        rel = p.relative_to(sol).as_posix()
        sf = parse_solution(p.relative_to(root), p.read_text(), rel)
        sf.mode = stat.S_IMODE(p.stat().st_mode)
        for h in sf.holes:
            for name in [h.name, *h.bugs]:
                if name in names:
                    raise CarveError(f"{sf.path}:{h.line}: name {name} is used twice "
                                     f"(also in {names[name]})")
                names[name] = sf.path
        files[rel] = sf
    return files


def all_holes(files):
    """Every hole, by lab then file then position."""
    return sorted((h for sf in files.values() for h in sf.holes),
                  key=lambda h: (h.lab, h.path, h.line))


# ---- choosing what a tree holds ------------------------------------------------

def parse_labs(spec, known):
    """The set of labs a spec names: "all", "none", "3", "1-3", "1,3-4",
    "below-3" (1-2), "upto-3" (1-3); `known` is the set of labs that have
    holes (the result is cut to it)."""
    spec = (spec or "none").strip()
    if spec == "all":
        return set(known)
    m = re.fullmatch(r"(below|upto)-(\d+)", spec)
    if m:
        n = int(m[2]) - (m[1] == "below")
        return {lab for lab in known if lab <= n}
    if spec in ("none", ""):
        return set()
    labs = set()
    for part in spec.split(","):
        m = re.fullmatch(r"\s*(\d+)\s*(?:-\s*(\d+)\s*)?", part)
        if not m:
            raise CarveError(f"bad lab list {spec!r} (examples: all, none, 2, 1-3, 1,3, "
                             f"below-3, upto-3)")
        lo, hi = int(m[1]), int(m[2] or m[1])
        if lo > hi or lo < 1:
            raise CarveError(f"bad lab range {part.strip()!r} in {spec!r}")
        labs |= set(range(lo, hi + 1))
    return labs & set(known)


@dataclass
class Choice:
    """What an assembled tree holds for each hole."""
    solved: set                 # labs whose holes are solved
    base: str = "carved"        # unsolved files: "carved" stubs, or the
                                # "student"'s own file in the source tree
    stub: str = ""              # one hole left as its stub
    bug: str = ""               # one BUG variant in place of its solution

    def describe(self):
        """A short human description, for the tree's marker and reports."""
        solved = ",".join(map(str, sorted(self.solved))) or "none"
        text = f"labs solved: {solved}; other holes: " + (
            "your own code" if self.base == "student" else "stubs")
        if self.stub:
            text += f"; hole {self.stub} left as its stub"
        if self.bug:
            text += f"; BUG {self.bug} planted"
        return text


def check_choice(files, choice):
    """CarveError unless the hole and BUG the choice names exist."""
    holes = all_holes(files)
    if choice.stub and choice.stub not in {h.name for h in holes}:
        raise CarveError(f"no hole named {choice.stub!r} (carve.py list shows them)")
    if choice.bug and choice.bug not in {b for h in holes for b in h.bugs}:
        raise CarveError(f"no BUG named {choice.bug!r} (carve.py list --bugs shows them)")


def render_for(sf, choice):
    """The text a tree built for choice holds at sf.path, or None to keep
    the source tree's own file (the student's, for a lab not solved)."""
    named = any(h.name == choice.stub or choice.bug in h.bugs for h in sf.holes)
    solved = sf.lab in choice.solved
    if choice.base == "student" and not solved and not named:
        return None

    def choose(h):
        if h.name == choice.stub:
            return "stub"
        if choice.bug and choice.bug in h.bugs:
            return ("bug", choice.bug)
        return "solution" if solved else "stub"

    return sf.render(choose)


# ---- writing trees -----------------------------------------------------------

def write_if_changed(path, data, mode=None, mtime=None):
    """Write bytes data to path unless it already holds exactly that, so an
    unchanged file keeps its time stamp and make rebuilds nothing.  A file
    that did not exist gets time stamp mtime (when given: the source's, so
    a build copied in from a sibling tree stays up to date); a file whose
    content changed is stamped now, so make rebuilds what depends on it.
    Returns True if it wrote."""
    path = Path(path)
    existed = path.exists()
    try:
        if path.read_bytes() == data:
            if mode is not None and stat.S_IMODE(path.stat().st_mode) != mode:
                path.chmod(mode)
            return False
    except (FileNotFoundError, IsADirectoryError, NotADirectoryError):
        pass
    path.parent.mkdir(parents=True, exist_ok=True)
    if path.is_dir() and not path.is_symlink():
        shutil.rmtree(path)
    tmp = path.with_name(path.name + ".carve-tmp")
    tmp.write_bytes(data)
    if mode is not None:
        tmp.chmod(mode)
    if mtime is not None and not existed:
        os.utime(tmp, (mtime, mtime))
    os.replace(tmp, path)
    return True


def source_files(root):
    """Every file of the tree at root that an assembled tree copies, as
    paths relative to root (build output, history and solutions/ left out)."""
    out = []
    for dirpath, dirnames, filenames in os.walk(root):
        dirnames[:] = sorted(d for d in dirnames if d not in SKIP_NAMES)
        for f in sorted(filenames):
            if f in SKIP_NAMES or f.endswith((".pyc", ".carve-tmp")):
                continue
            out.append(Path(dirpath, f).relative_to(root).as_posix())
    return out


def assemble(source_root, out, choice, files=None):
    """Make the directory out a copy of the tree at source_root in which
    each holed file holds what choice says.  Only changed files are
    written; files no longer in the source are removed; out/build is kept.
    Returns the number of files written."""
    source_root, out = Path(source_root), Path(out)
    files = load_solutions(source_root) if files is None else files
    check_choice(files, choice)
    out.mkdir(parents=True, exist_ok=True)
    wanted, written = set(), 0
    for rel in source_files(source_root):
        src = source_root / rel
        data = None
        if rel in files:
            text = render_for(files[rel], choice)
            data = text.encode() if text is not None else None
            mode = files[rel].mode if data is not None else None
        st = src.stat()
        if data is None:
            data = src.read_bytes()
            mode = stat.S_IMODE(st.st_mode)
        written += write_if_changed(out / rel, data, mode, st.st_mtime)
        wanted.add(rel)
    for rel, sf in files.items():        # a holed file the source lacks
        if rel not in wanted:
            text = render_for(sf, choice) or sf.render(lambda h: "stub")
            written += write_if_changed(out / rel, text.encode(), sf.mode)
            wanted.add(rel)
    for rel in source_files(out):
        if rel not in wanted:
            (out / rel).unlink()
    marker = json.dumps({"solved": sorted(choice.solved), "base": choice.base,
                         "stub": choice.stub, "bug": choice.bug,
                         "describe": choice.describe()}, indent=1) + "\n"
    write_if_changed(out / TREE_MARK, marker.encode())
    return written


# ---- leaks -------------------------------------------------------------------

def normalize(line):
    """A line with its whitespace collapsed, for comparing code by meaning."""
    return " ".join(line.split())


LEAK_RUN = 3            # consecutive solution lines that make a leak
MIN_LINE_CHARS = 6      # shorter lines ("}", "} else {") are not counted


def code_lines(lines):
    """The normalized lines that count when comparing code: blank and
    very short lines dropped."""
    return [n for n in map(normalize, lines) if len(n) >= MIN_LINE_CHARS]


def runs(lines, k):
    """Every run of k consecutive lines, as tuples."""
    return {tuple(lines[i:i + k]) for i in range(len(lines) - k + 1)}


def leak_marks(sf):
    """For each hole of sf: the runs of LEAK_RUN consecutive lines of its
    solution and BUG variants (fewer for a shorter hole) that do not all
    occur in the file's carving; seeing one outside solutions/ means
    solution text escaped."""
    carved = set(code_lines(sf.render(lambda h: "stub").split("\n")))
    out = {}
    for h in sf.holes:
        marks = set()
        for body in [h.solution, *h.bugs.values()]:
            lines = code_lines(body)
            k = min(LEAK_RUN, len(lines))
            marks |= {r for r in runs(lines, k) if not set(r) <= carved}
        out[h.name] = marks
    return out


def text_lines(path):
    """The normalized code lines of a text file (HTML: tags dropped,
    entities decoded), or [] for a binary file."""
    try:
        text = Path(path).read_text()
    except (UnicodeDecodeError, OSError):
        return []
    if path.suffix in (".html", ".htm"):
        text = html.unescape(re.sub(r"<[^>]*>", "", text))
    return code_lines(text.split("\n"))


def find_leaks(files, roots):
    """Every (file, hole, run) where a file under the given roots (files
    or directories; build output, history and solutions/ skipped) holds a
    run of a hole's solution lines (leak_marks)."""
    marks = {name: m for sf in files.values() for name, m in leak_marks(sf).items() if m}
    sizes = {len(r) for m in marks.values() for r in m}
    leaks = []
    for root in roots:
        root = Path(root)
        paths = [root] if root.is_file() else [
            root / rel for rel in source_files(root)] if root.is_dir() else []
        for p in paths:
            lines = text_lines(p)
            seen = set().union(*(runs(lines, k) for k in sizes)) if sizes else set()
            for name, m in marks.items():
                hit = m & seen
                if hit:
                    leaks.append((p, name, sorted(hit)[0]))
    return leaks


# ---- the commands ------------------------------------------------------------

def carve_text(sf):
    """The student file: every hole carved to its stub."""
    return sf.render(lambda h: "stub")


HOLES_JSON = "labs/holes.json"


def holes_json(files):
    """labs/holes.json: every hole's lab, name, file, function, stub note and
    carved lines (no solution text), for `status` and the graders, which
    must work in a student tree that has no solutions/."""
    return json.dumps([{"lab": h.lab, "name": h.name, "file": h.path,
                        "function": h.function, "stub": h.stub_note,
                        "carved": h.carved()} for h in all_holes(files)],
                      indent=1) + "\n"


HANDOUT_BEGIN = "<!-- holes: generated by carve.py sync from solutions/; do not edit -->"
HANDOUT_END = "<!-- end of holes -->"


def contract_above(sf, hole, root):
    """The contract comment above the function enclosing hole, from the
    carved file: the lines of the block comment or // lines just above
    the function's definition line."""
    lines = carve_text(sf).split("\n")
    fn = hole.function
    idx = next((i for i, l in enumerate(lines)
                if fn and re.match(r"^[A-Za-z_].*\b" + re.escape(fn) + r"\s*\(", l)
                and not l.rstrip().endswith(";")), None)
    if idx is None:
        return ""
    j = idx - 1
    while j >= 0 and lines[j].startswith("__attribute__"):
        j -= 1
    if j >= 0 and lines[j].rstrip().endswith("*/"):
        k = j
        while k >= 0 and not lines[k].lstrip().startswith("/*"):
            k -= 1
        block = lines[k:j + 1]
        return "\n".join(re.sub(r"^\s*(/\*+|\*/|\* ?)", "", l).rstrip()
                         for l in block).strip().removesuffix("*/").strip()
    block = []
    while j >= 0 and lines[j].lstrip().startswith(("//", "#", ";")):
        block.insert(0, re.sub(r"^\s*(//|#|;+) ?", "", lines[j]))
        j -= 1
    return "\n".join(block).strip()


def hole_order(root, lab):
    """The order the handout presents lab's holes in: `holes` in
    labs/labN.toml (the rest after them, by file)."""
    p = Path(root, "labs", f"lab{lab}.toml")
    return tomllib.loads(p.read_text()).get("holes", []) if p.exists() else []


def handout_section(files, lab, root):
    """The Markdown list of lab's holes, for its handout."""
    out = [HANDOUT_BEGIN, ""]
    order = hole_order(root, lab)
    holes = sorted((h for h in all_holes(files) if h.lab == lab),
                   key=lambda h: order.index(h.name) if h.name in order else len(order))
    for h in holes:
        sf = files[h.path]
        where = f"in `{h.path}`" if h.function in ("", h.name) else \
            f"in `{h.function}`, `{h.path}`"
        out.append(f"### `{h.name}` ({where})")
        out.append("")
        if h.stub_note:
            out.append(f"Until you write it, the stub {h.stub_note}.")
            out.append("")
        contract = contract_above(sf, h, root)
        if contract:
            out += ["The contract:", "", "```", contract, "```", ""]
    out.append(HANDOUT_END)
    return "\n".join(out)


def handout_text(path, files, lab, root):
    """The handout at path with its generated hole list brought up to date
    (None if the handout has no place for it)."""
    text = Path(path).read_text()
    a, b = text.find(HANDOUT_BEGIN), text.find(HANDOUT_END)
    if a < 0 or b < a:
        return None
    return text[:a] + handout_section(files, lab, root) + text[b + len(HANDOUT_END):]


def cmd_sync(args):
    files = load_solutions(args.root)
    n = 0
    for rel, sf in files.items():
        if write_if_changed(Path(args.root, rel), carve_text(sf).encode(), sf.mode):
            print(f"carve: wrote {rel}")
            n += 1
    if write_if_changed(Path(args.root, HOLES_JSON), holes_json(files).encode()):
        print(f"carve: wrote {HOLES_JSON}")
        n += 1
    for lab in sorted({sf.lab for sf in files.values()}):
        handout = Path(args.root, "labs", f"lab{lab}.md")
        if handout.exists():
            text = handout_text(handout, files, lab, args.root)
            if text is not None and write_if_changed(handout, text.encode()):
                print(f"carve: wrote {handout.relative_to(args.root)}")
                n += 1
    print(f"carve: {len(files)} solution files, {len(all_holes(files))} holes; "
          f"{n} files rewritten")
    return 0


def check_problems(root, book=None):
    """Every problem `check` reports, as strings (empty: all is well)."""
    root = Path(root)
    try:
        files = load_solutions(root)
    except CarveError as e:
        return [str(e)]
    problems = []
    for rel, sf in files.items():
        p = root / rel
        want = carve_text(sf).encode()
        if not p.exists():
            problems.append(f"{rel}: missing; run carve.py sync (make lab-sync)")
        elif p.read_bytes() != want:
            problems.append(f"{rel}: differs from the carving of solutions/{rel}; "
                            f"edit solutions/{rel}, then run make lab-sync")
    hj = root / HOLES_JSON
    if files and (not hj.exists() or hj.read_text() != holes_json(files)):
        problems.append(f"{HOLES_JSON}: out of date; run make lab-sync")
    for lab in sorted({sf.lab for sf in files.values()}):
        handout = root / "labs" / f"lab{lab}.md"
        if handout.exists():
            text = handout_text(handout, files, lab, root)
            if text is not None and text != handout.read_text():
                problems.append(f"labs/lab{lab}.md: its hole list is out of date; "
                                f"run make lab-sync")
    stray = marker_anywhere(root)
    problems += [f"{p}: a LAB marker outside solutions/ (line {n})" for p, n in stray]
    roots = [root]
    if book:
        roots.append(Path(book))
    for p, name, hit in find_leaks(files, roots):
        problems.append(f"{p}: shows the solution of hole {name}: {' / '.join(hit)}")
    return problems


def marker_anywhere(root):
    """(file, line) of every hole marker found outside solutions/."""
    found = []
    for rel in source_files(root):
        token = comment_of(rel)
        if token is None:
            continue
        try:
            lines = Path(root, rel).read_text().split("\n")
        except UnicodeDecodeError:
            continue
        mre = marker_re(token)
        found += [(rel, i) for i, l in enumerate(lines, 1) if mre.match(l)]
    return found


def cmd_check(args):
    problems = check_problems(args.root, args.book)
    for p in problems:
        print(f"carve check: {p}", file=sys.stderr)
    if problems:
        return 1
    print("carve check: the student tree is the carving of solutions/, no leaks")
    return 0


def cmd_tree(args):
    files = load_solutions(args.root)
    known = {sf.lab for sf in files.values()}
    choice = Choice(parse_labs(args.solved, known), args.base, args.stub, args.bug)
    n = assemble(args.root, args.out, choice, files)
    if not args.quiet:
        print(f"carve: {args.out}: {choice.describe()} ({n} files written)")
    return 0


def compact(labs):
    """A set of labs as a short name: {1, 2, 3, 5} -> "1-3_5"."""
    parts, labs = [], sorted(labs)
    while labs:
        hi = 0
        while hi + 1 < len(labs) and labs[hi + 1] == labs[0] + hi + 1:
            hi += 1
        parts.append(str(labs[0]) if hi == 0 else f"{labs[0]}-{labs[hi]}")
        labs = labs[hi + 1:]
    return "_".join(parts) or "none"


def cmd_treedir(args):
    """Print where make keeps the tree for --solved/--base: the reference
    (build/ref) when every lab is solved from solutions/, else a name under
    build/trees/ that is the same for every way of writing the same labs."""
    files = load_solutions(args.root)
    known = {sf.lab for sf in files.values()}
    labs = parse_labs(args.solved, known)
    if args.base == "carved" and labs == known:
        print("build/ref")
    else:
        print(f"build/trees/{'solved' if args.base == 'carved' else 'ref'}-{compact(labs)}")
    return 0


def cmd_list(args):
    files = load_solutions(args.root)
    holes = [h for h in all_holes(files) if args.lab is None or h.lab == args.lab]
    if args.json:
        print(json.dumps([{"lab": h.lab, "name": h.name, "file": h.path, "line": h.line,
                           "function": h.function, "stub": h.stub_note,
                           "bugs": list(h.bugs)} for h in holes], indent=1))
        return 0
    lab = None
    for h in holes:
        if h.lab != lab:
            lab = h.lab
            print(f"lab {lab}:")
        fn = f" in {h.function}" if h.function else ""
        print(f"  {h.name:<22} {h.path}{fn}")
        print(f"  {'':<22} stub: {h.stub_note or '(not described)'}")
        if args.bugs:
            for b in h.bugs:
                print(f"  {'':<22} BUG {b}")
    return 0


def hole_is_stub(text, carved):
    """Does a student file's text still hold a hole's carved lines (its
    `LAB N: your code here` line and the stub), up to whitespace?"""
    want = [normalize(l) for l in carved]
    lines = [normalize(l) for l in text.split("\n")]
    return any(lines[i:i + len(want)] == want for i, l in enumerate(lines) if l == want[0])


def load_holes(root):
    """The holes of labs/holes.json (a list of dicts), or [] if there is none."""
    p = Path(root, HOLES_JSON)
    return json.loads(p.read_text()) if p.exists() else []


def hole_states(root):
    """[(hole dict, still a stub?)] for every hole, read from the tree."""
    out = []
    for h in load_holes(root):
        p = Path(root, h["file"])
        text = p.read_text() if p.exists() else ""
        out.append((h, hole_is_stub(text, h["carved"])))
    return out


def cmd_status(args):
    states = hole_states(args.root)
    if not states:
        print("carve: this tree has no lab holes", file=sys.stderr)
        return 3
    for h, stub in states:
        print(f"lab {h['lab']}  {'TODO   ' if stub else 'written'}  "
              f"{h['name']:<22} {h['file']}")
    todo = sum(stub for _, stub in states)
    print(f"{todo} of {len(states)} holes are still their stubs")
    return 0


def cmd_export(args):
    files = load_solutions(args.root)
    out = Path(args.dir)
    if out.exists() and any(out.iterdir()):
        print(f"carve: {out} exists and is not empty", file=sys.stderr)
        return 1
    for rel in source_files(args.root):
        dst = out / rel
        dst.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(Path(args.root, rel), dst)
    leaks = find_leaks(files, [out])
    stray = marker_anywhere(out)
    for p, name, hit in leaks:
        print(f"carve export: {p} shows the solution of hole {name}: {' / '.join(hit)}",
              file=sys.stderr)
    for p, n in stray:
        print(f"carve export: {p}:{n}: a LAB marker", file=sys.stderr)
    if leaks or stray:
        return 1
    print(f"carve: exported the student tree to {out} "
          f"({len(source_files(out))} files, no solutions, no history)")
    return 0


def main(argv=None):
    ap = argparse.ArgumentParser(prog="carve.py", description=__doc__.split("\n")[0])
    ap.add_argument("--root", default=str(ROOT), help="the tree (default: this checkout)")
    sub = ap.add_subparsers(dest="cmd", required=True)
    sub.add_parser("sync", help="regenerate student files and handouts from solutions/")
    p = sub.add_parser("check", help="student files == carving; no leaks; markers well-formed")
    p.add_argument("--book", help="also scan this built book for leaks")
    p = sub.add_parser("tree", help="assemble a tree with chosen holes solved")
    p.add_argument("--out", required=True, help="the directory to make or update")
    p.add_argument("--solved", default="none",
                   help="labs solved: all, none, 2, 1-3, 1,3, below-3, upto-3")
    p.add_argument("--base", choices=("carved", "student"), default="carved",
                   help="unsolved files: the stubs (carved) or the source tree's own")
    p.add_argument("--stub", default="", help="leave this one hole as its stub")
    p.add_argument("--bug", default="", help="plant this BUG variant")
    p.add_argument("--quiet", action="store_true")
    p = sub.add_parser("treedir", help="where make keeps the tree for these choices")
    p.add_argument("--solved", default="none")
    p.add_argument("--base", choices=("carved", "student"), default="carved")
    p = sub.add_parser("list", help="the holes per lab")
    p.add_argument("--lab", type=int)
    p.add_argument("--bugs", action="store_true", help="also the BUG variants")
    p.add_argument("--json", action="store_true")
    sub.add_parser("status", help="which holes are still stubs")
    p = sub.add_parser("export", help="a student tree without solutions or history")
    p.add_argument("dir")
    args = ap.parse_args(argv)
    try:
        return {"sync": cmd_sync, "check": cmd_check, "tree": cmd_tree, "list": cmd_list,
                "treedir": cmd_treedir,
                "status": cmd_status, "export": cmd_export}[args.cmd](args)
    except CarveError as e:
        print(f"carve: {e}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
