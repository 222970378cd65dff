"""The memory manager under QEMU, as a user on the serial console sees it:
`mem` reports frames and heap; the protections the kernel's own page
tables give (null page unmapped, text read-only, data no-execute, a guard
page under every kernel stack) turn bugs into loud FAULT lines; double
frees panic with a clear message; and the heap can be exhausted and
recovered without losing a frame or a byte."""

import re
import subprocess
from contextlib import contextmanager
from functools import lru_cache
from pathlib import Path

import pytest

from wisp_harness import Wisp

ROOT = Path(__file__).resolve().parents[2]
ELF = ROOT / "build" / "kernel" / "wisp.elf"
FRAMES_RE = re.compile(r"^frames: (\d+) free, (\d+) used, (\d+) total \((\d+) KiB free\)$", re.M)
HEAP_RE = re.compile(r"^heap: (\d+) bytes in use, (\d+) free, (\d+) allocs, (\d+) frees, "
                     r"(\d+) failures$", re.M)
FAULT_RE = (r"FAULT: (page fault|double fault) \(vector (\d+)\) error=0x([0-9a-f]+) "
            r"rip=0x([0-9a-f]{16}) (\S+)\+0x([0-9a-f]+)(?: cr2=0x([0-9a-f]{16}))?\n")


@lru_cache(maxsize=None)
def symbols():
    """{name: address} of the built kernel, from nm."""
    out = subprocess.run(["nm", "--defined-only", str(ELF)], capture_output=True,
                         text=True, check=True).stdout
    return {f[2]: int(f[0], 16) for f in map(str.split, out.splitlines()) if len(f) == 3}


def mem(w):
    """(frames free, used, total), (heap in use, free, allocs, frees, failures)."""
    out = w.cmd("mem")
    f, h = FRAMES_RE.search(out), HEAP_RE.search(out)
    assert f and h, out
    return tuple(map(int, f.groups()[:3])), tuple(map(int, h.groups()))


def expected_frames_kib(w):
    """KiB of RAM pmm should manage: available RAM above 1 MiB, minus the
    kernel image (kerninfo's footprint, from 1 MiB), the boot modules (the
    initrd) and the two frame bitmaps (one bit each per 4 KiB up to the
    end of RAM)."""
    out = w.cmd("mem")
    regions = re.findall(r"^  0x([0-9a-f]{16})-0x([0-9a-f]{16}) +\d+ KiB  available$",
                         out, re.M)
    modules = re.findall(r"^module \d+: 0x([0-9a-f]+)-0x([0-9a-f]+) ", out, re.M)
    spans = [(max(int(a, 16), 1 << 20), int(b, 16) + 1) for a, b in regions]
    above = sum(max(0, hi - lo) // 4096 * 4 for lo, hi in spans)
    foot = int(re.search(r"kernel footprint: (\d+) KiB", w.cmd("kerninfo")).group(1))
    ram_end = max(hi for _, hi in spans)
    bitmaps = -(-2 * (ram_end // 4096 // 8) // 4096) * 4
    mods = sum((-(-int(b, 16) // 4096) - int(a, 16) // 4096) * 4 for a, b in modules)
    return above - foot - bitmaps - mods


def send_fault(w, kind):
    """Type `fault kind` and wait until the kernel says it raises it; fails
    at once if the monitor does not know the command as typed."""
    w.sendline(f"fault {kind}")
    m = w.expect(r"raising .*\n|unknown command '.*' \(try help\)\n")
    if not m.group(0).startswith("raising "):
        pytest.fail(f"the monitor did not run 'fault {kind}': it said "
                    f"{m.group(0).strip()!r} (are its words split?)", pytrace=False)


def fault_or_none(w, kind, what):
    """After `fault kind`: the FAULT line's match; fails at once, saying
    `what` happened instead, when the kernel says the fault did not come."""
    m = w.expect(rf"{FAULT_RE}|fault {kind} did not fault!\n")
    if m.group(0).startswith("fault "):
        pytest.fail(f"fault {kind}: {what} did not fault (want a FAULT line)",
                    pytrace=False)
    return m


@contextmanager
def fault(kind, what):
    """A machine that ran `fault kind`; yields (machine, the FAULT match)."""
    with Wisp(allow_panic=True) as w:
        w.boot()
        send_fault(w, kind)
        yield w, fault_or_none(w, kind, what)


def ends_in_panic(w):
    w.expect(r"backtrace:\n")
    e = w.wait_exit()
    assert (e.status, e.marker, e.reason) == (3, 1, "panic")


# ---- mem ------------------------------------------------------------------

def test_mem_shows_frames_and_heap(monitor):
    (free, used, total), (in_use, hfree, allocs, frees, failures) = mem(monitor)
    assert free + used == total
    # and the multiboot information GRUB left (a frame or two)
    assert 0 <= expected_frames_kib(monitor) - total * 4 <= 8
    assert used < 200                       # page tables and a few stacks
    assert (in_use + hfree) % 4096 == 0     # the heap is whole pages
    assert failures == 0 and frees <= allocs


def test_heap_exhaustion_returns_null_and_recovers(monitor):
    frames0, heap0 = mem(monitor)
    out = monitor.cmd("heapfill", timeout=120)
    m = re.search(r"^heapfill: (\d+) blocks, (\d+) KiB; kmalloc now returns NULL$", out, re.M)
    assert m, out
    blocks, kib = int(m.group(1)), int(m.group(2))
    assert kib * 1024 > frames0[0] * 4096 * 0.98        # nearly every free frame
    frames1, heap1 = mem(monitor)
    assert frames1[0] < 16                              # frames gone too
    assert heap1[4] > heap0[4]                          # the NULLs were counted
    assert monitor.cmd("echo still alive") == "still alive\n"
    # with no frame left, growing a region or making a stack fails cleanly
    out = monitor.cmd("vmtest")
    assert "vmtest: FAILED: grew" in out and "vmtest: FAILED: top != NULL" in out
    assert re.search(r"^vmtest: \d+ checks, [1-9]\d* failed$", out, re.M), out
    assert mem(monitor)[0] == frames1
    out = monitor.cmd("heapfree")
    assert f"heapfree: freed {blocks} blocks, {kib} KiB" in out
    frames2, heap2 = mem(monitor)
    assert frames2 == frames0                           # no frame lost
    assert heap2[:2] == heap0[:2]                       # nor a heap byte
    assert heap2[3] - heap0[3] == blocks                # every block freed
    # and it can be done again, the same way
    assert f"heapfill: {blocks} blocks, {kib} KiB" in monitor.cmd("heapfill", timeout=120)
    monitor.cmd("heapfree")
    assert mem(monitor)[0] == frames0


def test_regions_and_stacks_selftest(monitor):
    """vmtest: a region grows in place (old bytes kept, new bytes zero),
    cannot pass its reservation, shrinks; a stack has its guard page; a
    multi-page heap block works; every frame comes back."""
    frames0 = mem(monitor)[0]
    out = monitor.cmd("vmtest")
    m = re.search(r"^vmtest: (\d+) checks, 0 failed$", out, re.M)
    assert m and int(m.group(1)) >= 15, out
    assert mem(monitor)[0] == frames0


def test_linear_memory_grown_and_shrunk_leaks_no_frame(monitor):
    """memgrow: a region as big as a process's linear memory, grown a Wasm
    page at a time and at once, shrunk a page at a time and at once, and
    released, three times: every frame comes back, page tables included."""
    frames0, heap0 = mem(monitor)
    out = monitor.cmd("memgrow", timeout=180)
    failed = re.findall(r"^memgrow: FAILED: .*$", out, re.M)
    assert not failed, "\n".join(failed)
    m = re.search(r"^memgrow: (\d+) rounds of a (\d+) KiB memory: frames in use (\d+) "
                  r"before, (\d+) after$", out, re.M)
    assert m, f"no memgrow summary in:\n{out}"
    before, after = int(m.group(3)), int(m.group(4))
    assert after == before, \
        f"{after - before} frames leaked by {m.group(1)} rounds of growing and " \
        f"shrinking a {m.group(2)} KiB memory ({before} in use before, {after} after)"
    assert mem(monitor) == (frames0, heap0)


def test_ram_above_2_gib_is_used_through_the_direct_map():
    """With 2.5 GiB, the last half GiB is reached only through the direct
    map; filling the heap zeroes every one of those frames."""
    with Wisp(memory="2560M", total_timeout=300) as w:
        w.boot()
        (free0, used0, total0), _ = mem(w)
        assert total0 * 4096 > 2.4 * 2**30
        out = w.cmd("heapfill", timeout=240)
        assert "kmalloc now returns NULL" in out and "heapfill: 2304 MiB" in out
        assert mem(w)[0][0] < 16
        w.cmd("heapfree")
        assert mem(w)[0] == (free0, used0, total0)


# ---- protections ------------------------------------------------------------

def test_null_dereference_faults():
    with fault("null", "reading address 0") as (w, m):
        assert m.group(1) == "page fault" and m.group(5) == "mm_fault_null"
        assert int(m.group(7), 16) == 0
        w.expect(r"cause: read from a not-present page")
        ends_in_panic(w)


def test_kernel_text_is_read_only():
    with fault("wp", "writing to the kernel's text (the page is writable)") as (w, m):
        assert (m.group(1), m.group(5)) == ("page fault", "mm_fault_wp"), \
            f"want a page fault in mm_fault_wp, got: {m.group(0).strip()}"
        assert int(m.group(7), 16) == symbols()["mm_fault_wp"]
        c = w.expect(r"cause: (.*)\n").group(1)
        assert c == "write to a protected page", f"the report says 'cause: {c}'"
        ends_in_panic(w)


def test_kernel_data_is_not_executable():
    with fault("nx", "running code in the kernel's data (the page is executable)") as (w, m):
        assert m.group(1) == "page fault", f"want a page fault, got: {m.group(0).strip()}"
        rip = int(m.group(4), 16)
        assert rip == symbols()["nx_code"] == int(m.group(7), 16)
        c = w.expect(r"cause: (.*)\n").group(1)
        assert c == "instruction fetch from a protected page", \
            f"the report says 'cause: {c}'"
        ends_in_panic(w)


def test_kernel_stack_overflow_hits_the_guard_page():
    """The overflow faults on the guard page, and the report (a double
    fault on the IST stack, or a page fault if page faults get their own
    stack) comes out instead of a triple fault, saying that a kernel
    stack overflowed into its guard page."""
    with Wisp(allow_panic=True) as w:
        w.boot()
        send_fault(w, "stack")
        g = w.expect(r"stack 0x([0-9a-f]{16})-0x([0-9a-f]{16}), "
                     r"guard page 0x([0-9a-f]{16})-0x([0-9a-f]{16})\n")
        base, top, lo, hi = (int(x, 16) for x in g.groups())
        assert hi - lo == 4096 and hi == base
        m = fault_or_none(w, "stack", "overflowing a kernel stack")
        assert m.group(5).startswith("mm_recurse"), m.group(0)
        note = w.expect(r"  kernel stack overflow: 0x([0-9a-f]{16}) is in the guard page "
                        r"0x([0-9a-f]{16})-0x([0-9a-f]{16}) below the stack "
                        r"0x([0-9a-f]{16})-0x([0-9a-f]{16})\n|registers:\n")
        assert note.group(0) != "registers:\n", \
            "the fault report does not say 'kernel stack overflow': the overflow " \
            "did not touch a stack's guard page"
        at, glo, ghi, slo, shi = (int(x, 16) for x in note.groups())
        assert (glo, ghi, slo, shi) == (lo, hi, base, top), \
            f"the report names the guard page {glo:#x}-{ghi:#x} below the stack " \
            f"{slo:#x}-{shi:#x}; the stack was {base:#x}-{top:#x}, guard {lo:#x}-{hi:#x}"
        assert lo <= at < hi
        r = w.expect(r"rsp=0x([0-9a-f]{16}) r8=")
        rsp = int(r.group(1), 16)
        assert lo <= rsp <= hi, f"rsp {rsp:#x} not at the guard page {lo:#x}-{hi:#x}"
        if m.group(7):
            assert lo <= int(m.group(7), 16) < hi
        ends_in_panic(w)


# ---- bad frees ----------------------------------------------------------------

DOUBLE_FREES = [
    # fault kind, what the kernel says it frees, the panic message
    ("pmmdf", r"freeing frame 0x([0-9a-f]+) twice\n", "pmm_free: double free of frame 0x"),
    ("heapdf", r"freeing 0x([0-9a-f]{16}) twice\n", "kfree: double free of 0x"),
]


@pytest.mark.parametrize("kind,freeing,message", DOUBLE_FREES, ids=[d[0] for d in DOUBLE_FREES])
def test_double_free_panics_naming_the_address(kind, freeing, message):
    with Wisp(allow_panic=True) as w:
        w.boot()
        send_fault(w, kind)
        m = w.expect(freeing)
        p = w.expect(rf"PANIC: .*\n|fault {kind} did not fault!\n")
        assert p.group(0).startswith("PANIC: "), \
            f"the second free was accepted; want 'PANIC: {message}{m.group(1)}'"
        assert p.group(0) == f"PANIC: {message}{m.group(1)}\n", \
            f"want 'PANIC: {message}{m.group(1)}', got '{p.group(0).strip()}'"
        ends_in_panic(w)
