"""The top-level make targets of the tooling: deps, doctor, help, the
missing-tool check, and check-labN for a lab without a grader."""

import os
import shutil
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
# `make test` runs these tests: keep the outer make's flags from the inner ones
BASE_ENV = {k: v for k, v in os.environ.items() if k not in ("MAKEFLAGS", "MFLAGS", "MAKELEVEL")}


def make(*args, env=None):
    return subprocess.run(["make", "--no-print-directory", "-s", *args], cwd=ROOT,
                          capture_output=True, text=True, env=env or BASE_ENV)


def test_deps_is_silent_when_everything_is_installed():
    r = make("deps")
    assert r.returncode == 0 and r.stdout == "" and r.stderr == ""


def test_deps_prints_the_apt_get_line_for_what_is_missing():
    env = dict(BASE_ENV, WISP_DEPS_EXTRA="wisp-no-such-package", WISP_DEPS_DRY="1")
    r = make("deps", env=env)
    assert r.returncode != 0
    assert "apt-get install -y --no-install-recommends wisp-no-such-package" in r.stderr


def test_doctor_names_every_tool():
    r = make("doctor")
    assert r.returncode == 0, r.stdout + r.stderr
    for tool in ("nasm", "qemu-system-x86", "pandoc", "clang-14", "pytest", "ovmf"):
        assert tool in r.stdout
    assert r.stdout.rstrip().endswith("doctor: every tool is present")


def test_a_missing_tool_names_its_package(tmp_path):
    # a PATH holding only bash: ar and everything else is "missing"
    (tmp_path / "bash").symlink_to(shutil.which("bash"))
    env = dict(BASE_ENV, PATH=str(tmp_path))
    r = subprocess.run(["/usr/bin/make", "-n", "all"], cwd=ROOT, capture_output=True,
                       text=True, env=env)
    assert r.returncode != 0
    assert "missing ar: run make deps (package binutils)" in r.stderr


def test_help_lists_every_target():
    out = make("help").stdout
    for target in ("all", "deps", "doctor", "test", "book", "clean", "help",
                   "compile_commands.json", "check-labN", "demo", "solved", "spec",
                   "check-graders", "check-graders-full", "export-student", "lab-status",
                   "lab-sync", "lab-check", "lab-list", "check-fresh"):
        assert f"  make {target} " in out
    assert all(line.startswith("  make ") for line in out.splitlines())


def test_check_lab_names_the_labs_that_have_graders():
    r = make("check-lab99")
    # make exits 2 whenever a recipe fails; it names the grader's own status
    assert r.returncode == 2 and "Error 3" in r.stderr
    assert "lab 99 has no grader (labs/lab99.toml); labs with graders: 1" in r.stderr


def test_check_fresh_needs_root_and_says_so():
    # as root, drop to nobody first; an ordinary user runs it as is
    user = ["setpriv", "--reuid=nobody", "--regid=nogroup", "--clear-groups"]
    r = subprocess.run([*(user if os.geteuid() == 0 else []), "make", "-s", "check-fresh"],
                       cwd=ROOT, capture_output=True, text=True, env=BASE_ENV)
    assert r.returncode != 0
    assert "needs root" in r.stderr and "sudo make check-fresh" in r.stderr
