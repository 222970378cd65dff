"""The IPC oracle through the real system calls: scripts of the reference
model (spec/ipc/script.py) run by worker processes of the test kernel,
each step a real "wisp" host call, and their traces compared with the
model's line for line (spec/ipc.md, "The oracle through the system
calls").

The driver program (spec/ipc/oracle/oracle.c, built as
build/oracle/oracle.wasm) reads scripts in the numeric form encode()
writes, starts a worker per script process, has each worker make its
steps' host calls, and prints the trace: results, the wakes in the order
the kernel made them, and the final state as the kernel holds it.  The
test kernel (build/oracle/kernel/wisp.elf, IPC_ORACLE and IPC_DEBUG)
gives the driver its control calls ("wisptest", kernel/proc/oracle.c)
and checks the IPC invariants after every IPC host call.

The ABI cannot say everything a script can, so each script is first put
in its ABI form (abi_form), and the model runs that same form:
  - a message buffer of length 0 is no buffer (wisp_msg.len 0), and a
    receive buffer of capacity 0 none (wisp_in.cap 0);
Everything else in a script has its host call.

As a program (make spec-oracle):

    python3 -m wisp_harness.ipcoracle --all [--random N]
                                      the oracle's own scripts
                                      (oraclescripts.py), cover.py's
                                      directed suite, and N random scripts
                                      (script.py's gen_script, seeds 1..N)
    python3 -m wisp_harness.ipcoracle --own       the oracle's own scripts
    python3 -m wisp_harness.ipcoracle FILE...     the scripts of files
"""

import argparse
import re
import sys
from dataclasses import replace

from .iso import iso_with_files
from .qemu import ROOT, HarnessError, Wisp
from . import ipcscripts as I

S = I.S                                 # spec/ipc/script.py
ORACLE = ROOT / "build" / "oracle"
ORACLE_WASM = ORACLE / "oracle.wasm"
ORACLE_ELF = ORACLE / "kernel" / "wisp.elf"
ORACLE_INITRD = ORACLE / "initrd.img"
OPS = ("ep_create", "ntfn_create", "dup", "close", "give", "send", "try_send",
       "call", "recv", "try_recv", "reply", "reply_recv", "signal", "wait",
       "exit", "kill", "fail_alloc", "watch", "revoke", "kdev",
       "kinput")                        # oracle.c's OP_*
FIELDS = 37                             # oracle.c's ORACLE_FIELDS
PROCS_MAX = 8                           # kernel/proc/oracle.h
FILE_MAX = 120000                       # bytes of one file (oracle.c: 128 KiB)
WORKER_RE = re.compile(r"^\[pid \d+ oracle\.wasm\] .*$\n?", re.M)


def abi_form(sc):
    """The script as the ABI can say it: a buffer of length 0 and a
    receive buffer of capacity 0 dropped (the ABI's "none")."""
    steps = []
    for st in sc.steps:
        a = tuple((k, v) for k, v in st.args
                  if not (k in ("buf", "rbuf") and v[1] == 0))
        steps.append(replace(st, args=a))
    return S.Script(sc.nprocs, tuple(steps))


def encode_step(st):
    """One step as oracle.c's FIELDS numbers."""
    a = dict(st.args)
    f = [0] * FIELDS
    f[0], f[1] = st.pid, OPS.index(st.op)
    f[2], f[3] = a.get("h", 0), a.get("r", 0)
    f[4], f[5], f[6] = a.get("rights", 0), a.get("badge", 0), a.get("to", 0)
    f[7] = a.get("label", 0)
    words = a.get("words", ())
    f[8] = len(words)
    f[9:9 + min(9, len(words))] = words[:9]
    if "buf" in a:
        f[18], f[19], f[20] = 1, a["buf"][0], a["buf"][1]
    hs = a.get("handles", ())
    f[21] = len(hs)
    for i, (sl, mode) in enumerate(hs[:5]):
        f[22 + i], f[27 + i] = sl, 1 if mode == "m" else 0
    if "rbuf" in a:
        f[32], f[33], f[34] = 1, a["rbuf"][0], a["rbuf"][1]
    f[35] = a.get("badptr", 0)
    f[36] = a.get("n", a.get("d", 0))
    assert len(f) == FIELDS
    return " ".join(str(v) for v in f)


def encode(scripts):
    """The text of an oracle file holding the scripts."""
    out = []
    for sc in scripts:
        out.append(f"script {sc.nprocs}")
        out += [encode_step(st) for st in sc.steps]
        out.append("end")
    return "\n".join(out) + "\n"


def files_of(scripts):
    """The scripts cut into oracle files of at most FILE_MAX bytes each:
    [(name, [scripts])]."""
    files, cur, size = [], [], 0
    for sc in scripts:
        n = len(encode([sc]))
        if cur and size + n > FILE_MAX:
            files.append(cur)
            cur, size = [], 0
        cur.append(sc)
        size += n
    if cur:
        files.append(cur)
    return [(f"oracle{i}.txt", scs) for i, scs in enumerate(files)]


def runnable(sc):
    """Why the oracle cannot run a script (None if it can)."""
    if sc.nprocs > PROCS_MAX:
        return f"{sc.nprocs} processes (the test kernel has {PROCS_MAX} mailboxes)"
    return None


def oracle_iso(files):
    """An ISO of the test kernel with oracle.wasm and the files."""
    for p in (ORACLE_WASM, ORACLE_ELF, ORACLE_INITRD):
        if not p.is_file():
            raise HarnessError(f"{p} does not exist: run make oracle-kernel "
                               f"build/oracle/oracle.wasm")
    extra = {"oracle.wasm": ORACLE_WASM.read_bytes()}
    extra.update((name, encode(scs)) for name, scs in files)
    return iso_with_files(extra, kernel=ORACLE_ELF, initrd=ORACLE_INITRD)


def kernel_traces(scripts, name=None, timeout=900):
    """The traces the oracle prints for the scripts (each in its ABI form
    already): one boot, `run oracle.wasm FILE` at the monitor per file."""
    files = files_of(scripts)
    traces = []
    with Wisp(iso=oracle_iso(files), name=name, total_timeout=timeout + 120) as w:
        w.boot()
        for fname, scs in files:
            out = w.cmd(f"run oracle.wasm {fname}", timeout=timeout)
            got = I.split_container(WORKER_RE.sub("", out), lenient=True)
            traces += got + [["(no trace: the oracle stopped)"]] * (len(scs) - len(got))
    return traces


def compare(scripts, name=None, timeout=900):
    """(the ABI forms of the scripts, Divergences) of a run: each
    script's oracle trace against the model's."""
    forms = [abi_form(sc) for sc in scripts]
    traces = kernel_traces(forms, name=name, timeout=timeout)
    return forms, I.compare(forms, traces)


def report(divs, limit=3):
    """A readable report of the first divergences."""
    return "\n".join(I.describe(d, who="oracle") + "\n" +
                     "\n".join(I.side_by_side(d.script, d.expected, d.actual, "oracle"))
                     for d in divs[:limit])


def main(argv):
    ap = argparse.ArgumentParser(prog="ipcoracle")
    ap.add_argument("--all", action="store_true")
    ap.add_argument("--own", action="store_true")
    ap.add_argument("--random", type=int, default=0)
    ap.add_argument("files", nargs="*")
    args = ap.parse_args(argv)
    scripts = []
    if args.all or args.own:
        from . import oraclescripts
        scripts += oraclescripts.scripts()
    if args.all:
        import cover            # spec/ipc/cover.py, on the path (ipcscripts)
        scripts += cover.directed_suite()[0]
        scripts += [S.gen_script(k) for k in range(1, args.random + 1)]
    for f in args.files:
        text = open(f).read()
        scripts += [S.parse_script(S.SCRIPT_MAGIC + part)
                    for part in text.split(S.SCRIPT_MAGIC)[1:]]
    skipped = [(sc, why) for sc in scripts if (why := runnable(sc))]
    scripts = [sc for sc in scripts if not runnable(sc)]
    for sc, why in skipped:
        print(f"oracle: not run ({why}):\n{S.format_script(sc)}")
    forms, divs = compare(scripts, timeout=3600)
    steps = sum(len(sc.steps) for sc in forms)
    if divs:
        print(report(divs))
        print(f"oracle: {len(divs)} of {len(forms)} scripts differ from the model")
        return 1
    print(f"oracle: {len(forms)} scripts ({steps} steps) through the real system "
          f"calls give the model's traces")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
