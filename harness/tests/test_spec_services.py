"""spec/services.md against the code it describes: every request of
services/lib/proto.h and every manifest word init knows is stated
there, and every line of services/manifest uses only those words (the
manifest itself is checked in QEMU by test_services.py)."""

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
SPEC = (ROOT / "spec" / "services.md").read_text()
PROTO = (ROOT / "services" / "lib" / "proto.h").read_text()
MANIFEST = (ROOT / "services" / "lib" / "manifest.c").read_text()


def requests():
    """The request labels of proto.h: the NAMES_*, CONS_*, FS_* and INIT_*
    defines with a small number, less the file types and open flags."""
    names = re.findall(r"^#define ((?:NAMES|CONS|FS|INIT)_[A-Z_]+) \d+\s*$", PROTO, re.M)
    return [n for n in names if not n.startswith(("FS_TYPE_", "FS_O_"))]


def slot_words():
    """The slot words of init's init_slot_words table (services/lib/manifest.c)."""
    table = re.search(r"init_slot_words\[SK_COUNT\] = \{(.*?)\};", MANIFEST, re.S)
    return re.findall(r'"([^"]+)"', table.group(1))


def test_every_request_is_in_the_spec():
    reqs = requests()
    assert {"NAMES_REGISTER", "CONS_SET_FG", "FS_TRUNCATE", "CONS_MONITOR",
            "INIT_RESTART"} <= set(reqs), reqs
    missing = [r for r in reqs if f"`{r}`" not in SPEC]
    assert not missing, f"requests of proto.h not in spec/services.md: {missing}"


def test_every_open_flag_is_in_the_spec():
    flags = re.findall(r"^#define (FS_O_[A-Z]+) ", PROTO, re.M)
    assert "FS_O_WRITE" in flags, flags
    missing = [f for f in flags if f"`{f}`" not in SPEC]
    assert not missing, f"open flags of proto.h not in spec/services.md: {missing}"


def test_every_slot_word_is_in_the_spec():
    words = slot_words()
    assert {"-", "console", "serve", "device", "init"} <= set(words), words
    missing = [w for w in words if f"| `{w}` |" not in SPEC]
    assert not missing, f"slot words of init.c not in spec/services.md: {missing}"


def test_the_manifest_uses_only_known_words():
    words = set(slot_words())
    for line in (ROOT / "services" / "manifest").read_text().splitlines():
        line = line.split("#")[0].split(" -- ")[0]
        fields = line.split()
        if not fields:
            continue
        assert len(fields) >= 2, line
        for flag in fields[2:]:
            if flag.startswith("slots="):
                assert set(flag[6:].split(",")) <= words, line
            elif flag.startswith(("procs=", "mem=")):
                assert re.fullmatch(r"(procs|mem)=\d{1,4}", flag), line
            else:
                assert flag in ("restart", "register"), line
