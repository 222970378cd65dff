"""spec/ prose that names a constant must give the code's value.

Prose drifts: a limit changes in a header and the sentence that quotes it
does not.  Every place a spec page writes a constant with its value --
"`PROC_MAX` (128, ...)", "`HOST_CHUNK` (1024)", "`CONS_LINE_MAX` = 256",
a table row "| `HANDLES_MAX` | 64 |", "`SPEC_WASM_MAX` = 64 MiB" -- is compared with the #define
of that name in the C sources (kernel/, ipc/, interp/, services/)."""

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
SPEC = sorted((ROOT / "spec").glob("*.md"))
C_DIRS = ("kernel", "ipc", "interp", "services")

MENTION = re.compile(
    r"`([A-Z][A-Z0-9_]{2,})`\s*(?:\(|=\s*|\|\s*)([0-9][0-9_,]*)\b(?:\s*(KiB|MiB|GiB))?")
UNITS = {None: 1, "KiB": 1 << 10, "MiB": 1 << 20, "GiB": 1 << 30}
DEFINE = re.compile(r"^\s*#\s*define\s+([A-Z][A-Z0-9_]+)\s+(.+?)\s*(?:/[*/].*)?$", re.M)


def c_value(text):
    """The integer a #define's body stands for, or None."""
    t = re.sub(r"(?<=\d)[uUlL]+\b", "", text.strip())
    if not re.fullmatch(r"[0-9xXa-fA-F()+\-*/<> ]+", t):
        return None
    try:
        return int(eval(t, {"__builtins__": {}}))       # noqa: S307 (digits only)
    except Exception:
        return None


def defines():
    """name -> set of values it is #defined to anywhere in the C."""
    out = {}
    for d in C_DIRS:
        for f in (ROOT / d).rglob("*.[ch]"):
            for name, body in DEFINE.findall(f.read_text(errors="replace")):
                v = c_value(body)
                if v is not None:
                    out.setdefault(name, set()).add(v)
    return out


def mentions():
    """(page, name, value) for each constant a spec page gives a value."""
    for page in SPEC:
        for m in MENTION.finditer(page.read_text()):
            yield page.name, m[1], \
                int(m[2].replace(",", "").replace("_", "")) * UNITS[m[3]]


def test_spec_constants_match_the_code():
    defs, checked, wrong = defines(), 0, []
    for page, name, value in mentions():
        if name not in defs:
            continue
        checked += 1
        if value not in defs[name]:
            wrong.append(f"{page}: `{name}` is {value}, the code says {sorted(defs[name])}")
    assert not wrong, "\n".join(wrong)
    assert checked >= 10, f"only {checked} constants found in spec/: the pattern broke?"


def test_the_check_sees_a_stale_constant(tmp_path):
    """A sentence with an old value is found (the drift once seen here)."""
    defs = defines()
    stale = "At most `PROC_MAX` (64) processes exist at once."
    (name, value), = [(m[1], int(m[2])) for m in MENTION.finditer(stale)]
    assert name in defs and value not in defs[name]
