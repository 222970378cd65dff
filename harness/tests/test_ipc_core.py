"""The IPC core (ipc/*.c) on the host: its unit tests (ipc/tests/*.c,
built with ASan and UBSan into build/host/ipc-core-test), and the limits
and error numbers of ipc/ipc.h against the reference model's
(spec/ipc/model.py), which spec/ipc.md says they repeat."""

import re
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
BINARY = ROOT / "build" / "host" / "ipc-core-test"
HEADER = ROOT / "ipc" / "ipc.h"

sys.path.insert(0, str(ROOT / "spec" / "ipc"))
import model  # noqa: E402  (spec/ipc/model.py)


def test_unit_tests_pass():
    if not BINARY.is_file():
        pytest.fail(f"{BINARY} is missing: run make test "
                    f"(or make {BINARY.relative_to(ROOT)})")
    r = subprocess.run([str(BINARY)], capture_output=True, text=True,
                       timeout=300)
    out = r.stdout + r.stderr
    assert r.returncode == 0, out
    assert "FAIL" not in out, out
    m = re.search(r"ipc-core-test: (\d+) checks, 0 failed", r.stdout)
    assert m, out
    assert int(m.group(1)) > 300        # the checks really ran


def header_defines():
    """Every `#define IPC_NAME VALUE` of ipc.h with an integer value,
    evaluated (values may be sums of earlier names)."""
    names = {}
    for line in HEADER.read_text().splitlines():
        m = re.match(r"#define (IPC_\w+)\s+(.+?)\s*(/\*.*)?$", line)
        if not m:
            continue
        expr = re.sub(r"\b(\d+)u\b", r"\1", m.group(2))
        try:
            names[m.group(1)] = eval(expr, {}, dict(names))   # noqa: S307
        except (NameError, SyntaxError):
            pass
    return names


@pytest.mark.parametrize("name", ["HANDLES_MAX", "MSG_WORDS_MAX",
                                  "MSG_HANDLES_MAX", "MSG_BUF_MAX",
                                  "RECV_FREE_SLOTS"])
def test_limits_match_model(name):
    assert header_defines()["IPC_" + name] == getattr(model, name)


# errors the model does not have: kernel memory, and the stub of a lab hole
KERNEL_ONLY = ("IPC_ENOMEM", "IPC_ENOSYS")


def test_errors_match_model():
    defs = header_defines()
    ours = {n[len("IPC_"):]: v for n, v in defs.items()
            if re.fullmatch(r"IPC_E[A-Z]+", n) and n not in KERNEL_ONLY}
    assert ours == {name: code for name, (code, _) in model.ERRORS.items()}
    assert defs["IPC_OK"] == 0
    # the kernel's own errors must not collide with the model's numbers
    for name in KERNEL_ONLY:
        assert defs[name] not in ours.values(), name


def test_rights_match_model():
    defs = header_defines()
    assert (defs["IPC_R_SEND"], defs["IPC_R_RECV"], defs["IPC_R_GRANT"],
            defs["IPC_R_ALL"]) == (model.R_SEND, model.R_RECV,
                                   model.R_GRANT, model.R_ALL)
