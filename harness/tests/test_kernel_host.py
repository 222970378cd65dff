"""Host-side tests of the kernel's pure C and of its symbol-table tool:
kprintf's formatting engine (kernel/fmt.c), the symbol lookup
(kernel/symbols.c), the frame bitmap and the heap allocator
(kernel/mm/frames.c, heap.c: each group of their unit tests on its own),
kernel/tools/mksymtab.py, and the table embedded in the built kernel."""

import importlib.util
import re
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
HOST = ROOT / "build" / "host"
ELF = ROOT / "build" / "kernel" / "wisp.elf"


def run_unit(name, *groups):
    path = HOST / name
    if not path.is_file():
        pytest.fail(f"{path} is missing: run make test (or make {path.relative_to(ROOT)})")
    return subprocess.run([str(path), *groups], capture_output=True, text=True, timeout=120)


# Each unit binary's groups of checks, and the fewest checks each makes (so a
# group that silently stops checking fails).
UNIT_GROUPS = [
    ("kernel_fmt_test", "integers", 15),
    ("kernel_fmt_test", "width", 15),
    ("kernel_fmt_test", "strings", 10),
    ("kernel_fmt_test", "pointers", 5),
    ("kernel_fmt_test", "truncation", 2),
    ("kernel_sym_test", "edges", 15),
    ("kernel_sym_test", "random", 1000),
    ("kernel_pmm_test", "partial", 10),
    ("kernel_pmm_test", "exclusions", 1000),
    ("kernel_pmm_test", "reuse", 1000),
    ("kernel_pmm_test", "bad_frees", 20),
    ("kernel_pmm_test", "random", 100000),
    ("kernel_heap_test", "sizes", 1000),
    ("kernel_heap_test", "split", 30),
    ("kernel_heap_test", "reuse", 8),
    ("kernel_heap_test", "coalesce", 300),
    ("kernel_heap_test", "shrink", 8),
    ("kernel_heap_test", "exhaustion", 10),
    ("kernel_heap_test", "bad_frees", 15),
    ("kernel_heap_test", "random", 30000),
]


@pytest.mark.parametrize("binary,group,least", UNIT_GROUPS,
                         ids=[f"{b}-{g}" for b, g, _ in UNIT_GROUPS])
def test_unit_group(binary, group, least):
    """One group of a unit binary's checks passes: the binary's own FAIL
    lines (each with what was expected and what came) say what did not."""
    r = run_unit(binary, group)
    tool = binary.removeprefix("kernel_")
    m = re.search(rf"{tool}: (\d+) checks, (\d+) failed", r.stdout)
    assert m, f"{binary} {group} printed no summary:\n{r.stdout}{r.stderr}"
    if int(m.group(2)) != 0 or r.returncode != 0:
        pytest.fail(f"{binary} {group}: {m.group(2)} of {m.group(1)} checks failed:\n"
                    f"{r.stdout}{r.stderr}", pytrace=False)
    assert int(m.group(1)) >= least, f"{binary} {group} made only {m.group(1)} checks"


def test_unit_binaries_run_every_group_by_default():
    for binary in {b for b, _, _ in UNIT_GROUPS}:
        r = run_unit(binary)
        groups = sum(least for b, _, least in UNIT_GROUPS if b == binary)
        m = re.search(r"(\d+) checks, 0 failed", r.stdout)
        assert r.returncode == 0 and m and int(m.group(1)) >= groups, r.stdout + r.stderr


def test_unit_binary_refuses_an_unknown_group():
    r = run_unit("kernel_sym_test", "no_such_group")
    assert r.returncode == 2
    assert "no group 'no_such_group'; groups: edges random" in r.stderr


def load_mksymtab():
    spec = importlib.util.spec_from_file_location(
        "mksymtab", ROOT / "kernel" / "tools" / "mksymtab.py")
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


NM_SAMPLE = """\
0000000000100000 T _start
0000000000100010 t build_page_tables
0000000000100040 d gdt64
ffffffff80109000 T _text_start
ffffffff80109000 T start64_high
ffffffff80109040 0000000000000020 T kmain
ffffffff80109040 0000000000000020 T kmain_alias
ffffffff80109060 0000000000000010 t helper
ffffffff80109070 t .Llocal
ffffffff80109080 t trap_common
ffffffff801090a0 T _text_end
ffffffff8010a000 0000000000000008 R some_table
"""


def test_mksymtab_sizes_aliases_markers():
    mk = load_mksymtab()
    funcs = mk.functions(mk.parse(NM_SAMPLE.splitlines()))
    assert funcs == [
        (0x100000, 0x10, "_start"),            # sizeless: up to the next symbol
        (0x100010, 0x30, "build_page_tables"),  # ends where data starts
        (0xffffffff80109000, 0x40, "start64_high"),
        (0xffffffff80109040, 0x20, "kmain"),    # alias dropped
        (0xffffffff80109060, 0x10, "helper"),
        (0xffffffff80109080, 0x20, "trap_common"),  # up to _text_end
    ]


def test_mksymtab_output_is_c():
    mk = load_mksymtab()
    src = mk.emit([(0x1000, 0x10, "f")])
    assert '{ 0x1000ull, 0x10ull, "f" },' in src
    assert "const size_t ksym_count = 1;" in src
    assert "const size_t ksym_count = 0;" in mk.emit([])


def test_embedded_table_matches_final_kernel():
    """The table compiled into wisp.elf names each function at the address
    nm finds it at in that same file."""
    if not ELF.is_file():
        pytest.fail(f"{ELF} is missing: run make")
    nm = subprocess.run(["nm", "-n", "-S", "--defined-only", str(ELF)],
                        capture_output=True, text=True, check=True).stdout
    mk = load_mksymtab()
    want = mk.functions(mk.parse(nm.splitlines()))
    table = (ROOT / "build" / "kernel" / "symtab.c").read_text()
    got = [(int(a, 16), int(s, 16), n) for a, s, n in
           re.findall(r'\{ 0x([0-9a-f]+)ull, 0x([0-9a-f]+)ull, "([^"]*)" \}', table)]
    assert got == want
    names = {n for _, _, n in got}
    assert {"kmain", "monitor_run", "panic", "trap", "sym_find"} <= names


def xmm_users(obj):
    """The functions of an object file whose code names an SSE register."""
    out = subprocess.run(["objdump", "-d", str(obj)], capture_output=True,
                         text=True, check=True).stdout
    users, func = set(), None
    for line in out.splitlines():
        m = re.match(r"^[0-9a-f]+ <(\S+)>:$", line)
        if m:
            func = m.group(1)
        elif "%xmm" in line or "%ymm" in line:
            users.add(func)
    return users


def test_ordinary_kernel_code_never_touches_sse():
    """Interrupt handlers do not save SSE registers, so only objects built
    with KERNEL_SSE_CFLAGS (under build/kernel/sse/) may use them."""
    kbuild = ROOT / "build" / "kernel"
    srcs = [*(ROOT / "kernel").glob("*.c"), *(ROOT / "kernel" / "arch" / "x86_64").glob("*.c")]
    objs = [kbuild / src.relative_to(ROOT / "kernel").with_suffix(".o")
            for src in srcs if src.name != "sse.c"]
    missing = [str(o) for o in objs if not o.is_file()]
    assert len(objs) >= 10 and not missing, f"kernel objects missing (run make): {missing}"
    offenders = {str(o.relative_to(ROOT)): xmm_users(o) for o in objs}
    assert {k: v for k, v in offenders.items() if v} == {}
    # and the SSE side really is compiled with SSE
    assert "sse_selftest" in xmm_users(kbuild / "sse" / "kernel" / "arch" / "x86_64" / "sse.o")
