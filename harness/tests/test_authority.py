"""Authority by capability (book: Isolation; spec/abi.md "Authority"): a
hostile program (services/attack.c) tries each way to kill, starve,
freeze or lock out another program it was given no power over, and the
system survives it with nothing lost: the shell answers, the services
work, and `mem` and the IPC object count come back to their baselines.

    attack kill      kill needs a process handle with the kill right
    attack write     no host call runs unbounded: Ctrl-C ends it at once
    attack squat     quotas, and the slots only init may take
    attack mem       the shell's memory quota
    attack fsfill    files belong to their opener; a quota per client
    attack fsclose   another client's ids are EBADF
    attack monitor   the monitor needs the console device
    attack handles   stdout needs no free handle slot
    attack badfd     EBADF before the pointers
"""

import re

import pytest

from wisp_harness import Wisp
from wisp_harness.iso import iso_with_files
from wisp_harness.qemu import BANNER_RE
from wisp_harness.shell import SHELL_PROMPT_RE, end_re, ends

MEM_RE = re.compile(r"^heap: (\d+) bytes in use, \d+ free\nipc objects: (\d+)\n"
                    r"processes: (\d+)$", re.M)
PS_ROW_RE = re.compile(r"^ +(\d+) (\S+) +\S+ +\d+ +\d+ +\d+$", re.M)
SERVICES = ["init.wasm", "names.wasm", "console.wasm", "console.wasm", "vga.wasm",
            "kbd.wasm", "fs.wasm", "echo.wasm", "shell.wasm", "init.wasm"]


def mem(sh):
    """(kernel heap bytes in use, IPC objects, processes) by `mem` (the
    free frames are not compared: the heap keeps the frames it grew by)."""
    out = sh.cmd("mem")
    m = MEM_RE.search(out)
    assert m, out
    return tuple(int(g) for g in m.groups())


def services(sh):
    """[(pid, name)] of the live processes, by `ps`."""
    return [(int(p), n) for p, n in PS_ROW_RE.findall(sh.cmd("ps"))]


def baseline(sh):
    """The system's figures once the shell has run a program and its
    commands (their first use grows its stacks): `ps` and `mem`."""
    sh.cmd("attack badfd")
    sh.cmd("ps")
    mem(sh)
    return services(sh), mem(sh)


def killed(sh, n):
    """Wait until n attack.wasm processes have ended `killed` (a kill ends
    a whole subtree at once, but each process reports as its thread
    gets to it); return their pids."""
    pids = [p for p, how in ends(sh.log, "attack.wasm") if how == "killed"]
    while len(pids) < n:
        sh.expect(end_re("attack.wasm"), timeout=120)
        pids = [p for p, how in ends(sh.log, "attack.wasm") if how == "killed"]
    return pids


# The heap hands out a free block whole when what would be left is too
# small for a block of its own (kernel/mm/heap.c, take_block: under
# MIN_BLOCK, 32 bytes), so the same objects made again (a service
# restarted while the heap is fragmented differently) may use a few bytes
# more or less.  Anything a process or an IPC object leaves behind is
# hundreds of bytes or more.
HEAP_SLACK = 64


def survived(sh, base, timeout=None):
    """The shell answers, echo answers, and nothing was lost: the same
    services with the same pids, the same IPC objects and processes, the
    same kernel heap in use (give or take HEAP_SLACK)."""
    assert sh.cmd("echo alive", timeout=timeout).strip() == "alive"
    assert "3 round trips to echo" in sh.cmd("ping 3")
    assert services(sh) == base[0]
    heap, *counts = mem(sh)
    assert counts == list(base[1][1:])
    assert abs(heap - base[1][0]) <= HEAP_SLACK, (heap, base[1][0])


def test_kill_needs_a_process_handle(sh):
    base = baseline(sh)
    out = sh.cmd("attack kill", timeout=300)
    assert "attack kill: 0 of 57600 kills accepted" in out, out
    assert [n for _, n in base[0]] == SERVICES
    survived(sh, base)
    # the shell's own kill reaches only what it started
    out = sh.cmd("kill 6")
    assert "kill: 6 is not a program this shell started" in out, out
    assert services(sh) == base[0]


def test_the_shell_kills_its_jobs_and_what_they_started(sh):
    base = baseline(sh)
    sh.cmd("epipe hold &")
    sh.seen_or_expect(r"dier: holding the call, blocked in recv")
    server = int(re.search(r"epipe: dier hold is pid (\d+)", sh.log).group(1))
    sh.cmd(f"kill {server}")                # epipe's child: its job's handle
    assert ends(sh.log, "dier.wasm") == [(server, "killed")]
    sh.seen_or_expect(end_re("epipe.wasm"))
    out = sh.cmd("sleeper 1000 1000 &")
    pid = int(re.search(r"^\[pid (\d+)\]$", out, re.M).group(1))
    sh.cmd(f"kill {pid}")
    assert (pid, "killed") in ends(sh.log, "sleeper.wasm")
    survived(sh, base)


def test_one_fd_write_cannot_freeze_the_kernel(sh):
    """512 MiB in one fd_write: the kernel prints HOST_CHUNK bytes at a
    time and checks for a kill between them, so Ctrl-C ends it as soon
    as the console has passed it on."""
    base = baseline(sh)
    sh.sendline("attack write")
    sh.expect("attack write: 512 MiB in one fd_write")
    sh.expect(r"\.{20}\n")
    sh.send("\x03")
    _, how = sh.wait_end("attack.wasm", timeout=30)
    assert how == "killed"
    sh.expect(SHELL_PROMPT_RE)
    assert "the call returned" not in sh.log
    survived(sh, base)


def test_a_writer_in_the_background_stops_nobody(sh):
    base = baseline(sh)
    out = sh.cmd("attack write &")
    pid = int(re.search(r"^\[pid (\d+)\]$", out, re.M).group(1))
    sh.expect(r"\.{20}\n")
    sh.sendline("echo alive")               # whole lines: the console keeps
    sh.expect(re.compile(r"^alive$", re.M), timeout=60)     # them apart
    sh.expect(SHELL_PROMPT_RE)
    sh.cmd(f"kill {pid}", timeout=60)
    sh.seen_or_expect(rf"^\[pid {pid} attack.wasm\] killed$")
    survived(sh, base, timeout=60)


def test_one_fd_write_at_the_monitor_ends_on_ctrl_c(monitor):
    """Without the console service the bytes go straight to the serial
    line, in the writer's own host call: it must still give way."""
    monitor.sendline("run attack write")
    monitor.expect(r"\.{20}\n")
    monitor.send("\x03")
    monitor.expect(r"\[pid \d+ attack.wasm\] killed", timeout=30)
    monitor.expect("monitor> ")
    assert "ipc objects: 0 live" in monitor.cmd("mem")


def test_squatters_get_their_quota_not_the_table(sh):
    """A program that spawns itself without end fills the shell's quota
    of processes (procs=48 in the manifest), not the table: init can
    still restart a service, and a kill of the first squatter takes all
    of them with it."""
    base = baseline(sh)
    out = sh.cmd("attack squat &")
    pid = int(re.search(r"^\[pid (\d+)\]$", out, re.M).group(1))
    m = sh.expect(r"attack squat: spawn failed \((\w+)\); (\d+) processes live",
                  timeout=300)
    assert m.group(1) == "EDQUOT" and int(m.group(2)) == len(SERVICES) + 48
    assert "spawn: " not in sh.log          # a full quota is only an errno
    sh.cmd("restart echo", timeout=60)
    sh.seen_or_expect(r"init: started echo \(pid (\d+)\)")
    sh.cmd(f"kill {pid}", timeout=120)
    assert len(killed(sh, 48)) == int(m.group(2)) - len(SERVICES) == 48
    assert "attack.wasm" not in sh.cmd("ps")
    echo = int(re.findall(r"init: started echo \(pid (\d+)\)", sh.log)[-1])
    base = ([(p, n) if n != "echo.wasm" else (echo, n) for p, n in base[0]], base[1])
    survived(sh, base)


def test_memory_is_partitioned(sh):
    """Children growing their memory stop at the shell's quota (mem=96
    MiB), well below the machine's."""
    base = baseline(sh)
    out = sh.cmd("attack mem &")
    pid = int(re.search(r"^\[pid (\d+)\]$", out, re.M).group(1))
    sh.seen_or_expect(r"attack mem: done", timeout=300)
    grown = [int(n) for n in re.findall(r"attack mem: child grew (\d+) MiB", sh.log)]
    assert len(grown) == 12 and 60 <= sum(grown) <= 96, sh.log
    sh.cmd(f"kill {pid}", timeout=120)          # and its twelve children
    assert len(killed(sh, 13)) == 13, sh.log
    survived(sh, base)


def test_limits_are_limit_errors(sh):
    """A module whose memory is over PROC_MEM_MAX_PAGES is a limit error
    (EDQUOT), not out of memory."""
    out = sh.cmd("bigmem")
    assert re.search(r"spawn: over a limit at offset 0x0: memory larger than the "
                     r"limit \(max_memory_pages\)", out), out
    assert "bigmem: over a limit" in out and "out of memory" not in out, out


def test_files_belong_to_their_opener(sh):
    """Closing every id the file service could hand out closes none of
    another program's: ids are bound to the badge of the opener."""
    base = baseline(sh)
    out = sh.cmd("attack victim &")
    victim = int(re.search(r"^\[pid (\d+)\]$", out, re.M).group(1))
    sh.seen_or_expect(r"victim: first half written \(11\)")
    out = sh.cmd("attack fsclose", timeout=300)
    assert "attack fsclose: 0 of 16384 closes accepted" in out, out
    sh.seen_or_expect(r"victim: second half: written", timeout=60)
    sh.seen_or_expect(rf"^\[pid {victim} attack.wasm\] exit 0$")
    assert sh.cmd("cat /tmp/victim").split() == ["first", "half", "second", "half"]
    sh.cmd("rm /tmp/victim")
    survived(sh, base)


def test_one_program_cannot_deny_files_to_all(sh):
    """FS_OPEN straight to the file service naming owner 0: the service
    goes by the badge and stops it at its quota; killed, its ids go."""
    base = baseline(sh)
    out = sh.cmd("attack fsfill &")
    pid = int(re.search(r"^\[pid (\d+)\]$", out, re.M).group(1))
    sh.seen_or_expect(r"attack fsfill: 16 files open, then EMFILE")
    assert "shell" in sh.cmd("cat /manifest")
    sh.cmd(f"kill {pid}")
    assert "shell" in sh.cmd("cat /manifest")
    survived(sh, base)


def test_the_monitor_needs_the_console_device(sh):
    base = baseline(sh)
    out = sh.cmd("attack monitor")
    assert "attack monitor: 0 of 64 monitor calls accepted; CONS_MONITOR: EACCES" \
        in out, out
    assert "monitor> " not in sh.log
    survived(sh, base)
    sh.sendline("monitor")                  # the shell asks the console
    sh.expect("monitor> ")
    assert "console" in sh.monitor_cmd("help")
    sh.sendline("exit")
    sh.expect("shell: back from the monitor")
    sh.expect(SHELL_PROMPT_RE)
    assert sh.cmd("echo alive").strip() == "alive"


def test_stdout_needs_no_free_handle_slot(sh):
    out = sh.cmd("attack handles")
    assert re.search(r"attack handles: \d+ endpoints made, table full, stdout works",
                     out), out


def test_a_closed_fd_is_ebadf_before_its_pointers(sh):
    out = sh.cmd("attack badfd")
    assert "attack badfd: fd_seek 8, fd_readdir 8, path_filestat_get 8" in out, out


# ---- init: reserved slots, back-off, restart from the shell --------------------

BASE = """\
names    names.wasm    restart           slots=-,-,notify,serve
console  console.wasm  restart register  slots=device,init,names,serve
fs       fs.wasm       restart register  slots=console,-,names,serve
"""


def boot_manifest(text):
    """A Wisp booting init.wasm with `text` as its manifest."""
    return Wisp(iso=iso_with_files({"manifest": text}, cmdline="init=init.wasm"))


def test_a_full_table_cannot_stop_init_restarting():
    """A squatter allowed the whole machine fills the process table but
    for the PROC_RESERVED slots only init may take: a service that keeps
    ending is still restarted."""
    manifest = BASE + ("hog attack.wasm slots=console procs=127 -- squat\n"
                       "hi hello.wasm restart slots=console\n")
    with boot_manifest(manifest) as w:
        w.expect(BANNER_RE)
        m = w.expect(r"attack squat: spawn failed \((\w+)\); (\d+) processes live",
                     timeout=300)
        assert m.group(1) == "EAGAIN" and int(m.group(2)) >= 118, m.group(0)
        for _ in range(2):
            w.expect(r"init: started hi \(pid \d+\)", timeout=60)


def test_init_backs_off_and_never_gives_up():
    with boot_manifest(BASE + "hi hello.wasm restart slots=console\n") as w:
        w.expect(BANNER_RE)
        w.expect(r"init: hi \(pid \d+\) ended 3 times right after starting; "
                 r"restarting in 250 ms")
        w.expect(r"init: hi \(pid \d+\) ended 4 times right after starting; "
                 r"restarting in 500 ms")
        w.expect(r"init: hi \(pid \d+\) ended 5 times right after starting; "
                 r"restarting in 1000 ms")
        w.expect(r"init: started hi \(pid \d+\)", timeout=30)   # the 6th start


def test_the_shell_restarts_a_retired_service():
    manifest = BASE + ("hi hello.wasm slots=console -- once\n"
                       "shell shell.wasm restart "
                       "slots=console-owner,fs-owner,names,control procs=48 mem=96\n")
    with boot_manifest(manifest) as w:
        w.expect(BANNER_RE)
        w.seen_or_expect(r"init: hi \(pid \d+\) ended")
        w.seen_or_expect(SHELL_PROMPT_RE)
        out = w.cmd("restart hi", prompt=SHELL_PROMPT_RE)
        w.seen_or_expect(r"init: hi: starting it again")
        starts = re.findall(r"init: started hi \(pid (\d+)\)", w.log)
        if len(starts) < 2:
            starts.append(w.expect(r"init: started hi \(pid (\d+)\)").group(1))
        w.seen_or_expect(rf"^\[pid {starts[1]} hello.wasm\] exit 0$")
        assert w.log.count("argv[1] = once") == 2, out
        assert "no service" in w.cmd("restart nosuch", prompt=SHELL_PROMPT_RE)
