"""Every program the build runs is one `make deps` installs: each command
a make rule runs (found in `make -n -B` of every target), and each one the
Python scripts and tests start, is in harness/tools/env.sh's table with its
package, or comes with every Debian system; and the missing-tool check of
each target asks for the tools that target runs."""

import os
import re
import shlex
import shutil
import subprocess
from functools import lru_cache
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
ENV_SH = ROOT / "harness" / "tools" / "env.sh"
# `make test` runs these tests: keep the outer make's flags from the inner ones
BASE_ENV = {k: v for k, v in os.environ.items() if k not in ("MAKEFLAGS", "MFLAGS", "MAKELEVEL")}

# Targets that are not dry-run: compile_commands.json's recipe runs bear
# around $(MAKE), and make runs such a line even under -n; check-labN is
# a pattern, not a target.
NOT_DRY_RUN = {"compile_commands.json", "check-labN"}
# Shell keywords (a command follows them) and builtins (never a program
# to install).
KEYWORDS = {"if", "then", "else", "elif", "fi", "do", "done", "while", "until", "esac",
            "!", "{", "}"}
BUILTINS = {"[", ":", "break", "cd", "command", "continue", "echo", "eval", "exec", "exit",
            "export", "false", "printf", "read", "return", "set", "shift", "test", "trap",
            "true", "unset", "wait"}
# The Python files that start programs: the make rules' scripts, the tests.
PY_DIRS = ("bench", "harness", "kernel/tools", "services", "spec")
PY_CALL = re.compile(r"""(?:subprocess\.\w+|Popen|spawn)\(\s*\[\s*["']([^"'/]+)["']"""
                     r"""|shutil\.which\(\s*["']([^"'/]+)["']""")


def make(*args, stdin=None):
    return subprocess.run(["make", "--no-print-directory", *args], cwd=ROOT, input=stdin,
                          capture_output=True, text=True, env=BASE_ENV)


@lru_cache(maxsize=None)
def table():
    """env.sh's tool table: {tool: package}."""
    rows = re.findall(r'^\s*"([^"|]+)\|([^"|]+)\|', ENV_SH.read_text(), re.M)
    return dict(rows)


@lru_cache(maxsize=None)
def packages():
    """The packages `make deps` installs (env.sh's PACKAGES)."""
    block = re.search(r"^PACKAGES=\(\n(.*?)^\)", ENV_SH.read_text(), re.M | re.S).group(1)
    return {w for line in block.splitlines() for w in line.split("#")[0].split()}


def goals():
    """Every target `make help` lists, but those in NOT_DRY_RUN."""
    names = re.findall(r"^  make (\S+)", make("-s", "help").stdout, re.M)
    return [n for n in names if n not in NOT_DRY_RUN]


def split_shell(text):
    """The tokens of shell TEXT, operators apart ('&&', ';;', '>&', '(' ...)."""
    lex = shlex.shlex(text, posix=True, punctuation_chars=True)
    lex.whitespace_split = True
    tokens = []
    for tok in lex:
        if tok and set(tok) <= set("();<>|&"):
            tokens += re.findall(r"&&|\|\||;;|>>|>&|<&|&>|[();<>|&]", tok)
        else:
            tokens.append(tok)
    return tokens


def commands_in(text):
    """The programs shell TEXT runs: words in command position, not
    assignments, redirection targets, loop lists or case patterns."""
    tokens = split_shell(text)

    def past(word, i):
        return tokens.index(word, i) + 1 if word in tokens[i:] else len(tokens)

    found, start, i = set(), True, 0
    while i < len(tokens):
        tok = tokens[i]
        i += 1
        if tok in ("<", ">", ">>", ">&", "<&", "&>"):
            i += 1                                    # the file, or the fd
        elif tok == ";;":                             # the next case pattern
            start = True
            if i < len(tokens) and tokens[i] != "esac":
                i = past(")", i)
        elif tok in (";", "&&", "||", "|", "(", "&"):
            start = True
        elif tok == ")":                              # after $( ... ) or ( ... )
            start = False
        elif not start or re.match(r"^[A-Za-z_]\w*=", tok) or tok in KEYWORDS:
            continue
        elif tok == "for":
            i = past("do", i)
        elif tok == "case":
            i = past(")", past("in", i))
        else:
            if tok not in BUILTINS:
                found.add(tok)
            start = False
    return found


@lru_cache(maxsize=None)
def run_by_make(*targets):
    """The programs `make -n -B TARGETS` would run (built ones aside)."""
    r = make("-n", "-B", *targets)
    assert r.returncode == 0, r.stderr
    lines = [l for l in r.stdout.splitlines() if not re.match(r"make(\[\d+\])?:", l)]
    recipe = "\n".join(lines).replace("\\\n", " ").replace("\n", " ; ")
    return {c for c in commands_in(recipe) if "/" not in c or c.startswith("/")}


def run_by_python():
    """{program: file} for each program a Python file starts by name."""
    found = {}
    for d in PY_DIRS:
        for f in (ROOT / d).rglob("*.py"):
            for m in PY_CALL.finditer(f.read_text()):
                found.setdefault(m.group(1) or m.group(2), f.relative_to(ROOT))
    return found


@lru_cache(maxsize=None)
def on_every_debian(tool):
    """True if TOOL comes from an Essential or Priority: required package
    (every Debian system has those, a minbase debootstrap included)."""
    path = shutil.which(tool)
    if not path:
        return False
    real = os.path.realpath(path)
    for p in {real, path, re.sub(r"^/usr", "", real), re.sub(r"^/usr", "", path)}:
        r = subprocess.run(["dpkg-query", "-S", p], capture_output=True, text=True)
        if r.returncode == 0:
            pkg = r.stdout.split(":")[0]
            q = subprocess.run(["dpkg-query", "-W", "-f=${Essential} ${Priority}", pkg],
                               capture_output=True, text=True).stdout
            essential, _, priority = q.partition(" ")
            return essential == "yes" or priority == "required"
    return False


def missing_from_table(tools):
    """The TOOLS that neither env.sh's table nor every Debian system has."""
    return sorted(t for t in tools if t not in table() and not on_every_debian(t))


def test_the_command_finder_sees_through_shell_syntax():
    text = ("cd d && spin -a x.pml >spin.log; for f in a b; do gcc -c $f || exit 1; done\n"
            "bad=$(nm -u x.o | awk '{print $2}') ; X=1 ./pan -m1 2>&1\n"
            "case $n in simd_*) echo skip;; *) cat e >&2; failed=1;; esac\n"
            "if [ -n \"$bad\" ]; then wast2json a -o b; fi")
    assert commands_in(text) == {"spin", "gcc", "nm", "awk", "./pan", "cat", "wast2json"}


def test_every_program_make_runs_is_in_the_tool_table():
    missing = missing_from_table(run_by_make(*goals()))
    assert not missing, f"make rules run these, env.sh's TOOLS lacks them: {missing}"


def test_every_program_a_script_or_test_starts_is_in_the_tool_table():
    found = run_by_python()
    missing = missing_from_table(found)
    assert not missing, "not in env.sh's TOOLS: " + ", ".join(
        f"{t} (started by {found[t]})" for t in missing)


def test_every_package_of_the_table_is_installed_by_make_deps():
    assert sorted(set(table().values()) - packages()) == []


@pytest.mark.parametrize("goal", goals())
def test_the_missing_tool_check_asks_for_what_the_target_runs(goal):
    """make's check before a build (WISP_NEED) names every program the
    target runs, so a missing one stops it early with its package."""
    r = make("-n", "-B", "-f", "Makefile", "-f", "-", goal,
             stdin="$(info WISP_NEED: $(WISP_NEED))\n")
    need = set(re.search(r"^WISP_NEED:(.*)$", r.stdout, re.M).group(1).split())
    unknown = sorted(need - set(table()))
    assert not unknown, f"TOOLS_ lists in the Makefile name tools env.sh lacks: {unknown}"
    # make itself is there: it is running
    unchecked = sorted(t for t in run_by_make(goal) - need - {"make"}
                       if not on_every_debian(t))
    assert not unchecked, f"make {goal} runs these without checking for them first: {unchecked}"
