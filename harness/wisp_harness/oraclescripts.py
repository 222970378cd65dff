"""The oracle's own scripts (harness/wisp_harness/ipcoracle.py): what
random and directed scripts do not aim at and only the real system has
-- processes killed while blocked in each place a process can block,
the allocation-failure switch (ENOMEM), the ABI's check order (a bad
pointer is EFAULT before the handle is looked at), watch and the console
device (the kernel's own references).  Each is run in the
model and through the real system calls, and the traces must agree."""

import sys

from .ipcscripts import S

K = S.HANDLES_MAX
WATCHES_MAX = sys.modules["model"].WATCHES_MAX


def _sc(nprocs, lines):
    return S.parse_script(f"{S.SCRIPT_MAGIC}\nprocs {nprocs}\n" + "\n".join(lines) + "\n")


# name -> (processes, steps)
SCRIPTS = {
    # kill while blocked, in each place: a send queue (send and call), a
    # receive queue, a wait queue, waiting for a reply
    "kill_queued_sender": (2, ["1 ep_create", "1 give 0 2", "2 send 0 label=1",
                               "2 kill", "1 try_recv 0"]),
    "kill_queued_caller": (3, ["1 ep_create", "1 give 0 2", "1 give 0 3",
                               "2 call 0 label=1", "3 call 0 label=2", "2 kill",
                               "1 recv 0", "1 reply 1 label=7"]),
    "kill_receiver": (3, ["1 ep_create", "1 give 0 2", "1 give 0 3", "2 recv 0",
                          "3 recv 0", "2 kill", "1 send 0 label=4"]),
    "kill_waiter": (3, ["1 ntfn_create", "1 give 0 2", "1 give 0 3", "2 wait 0",
                        "3 wait 0", "2 kill", "1 signal 0", "1 signal 0", "1 wait 0"]),
    "kill_caller_in_reply": (2, ["1 ep_create", "1 give 0 2", "2 call 0 label=1",
                                 "1 recv 0", "2 kill", "1 reply 1 label=2"]),
    "kill_server_with_reply": (2, ["1 ep_create", "1 dup 0 s-- 0", "1 give 1 2",
                                   "2 call 0 label=1", "1 recv 0", "1 kill"]),
    "kill_server_two_callers": (3, ["1 ep_create", "1 dup 0 s-- 0", "1 give 1 2",
                                    "1 give 1 3", "2 call 0 label=1", "3 call 0 label=2",
                                    "1 kill"]),
    "kill_last_sender_wakes_receivers": (3, [
        "1 ep_create", "1 dup 0 s-- 0", "1 give 1 2", "1 close 1", "1 dup 0 -r- 0",
        "1 give 1 3", "1 close 0", "1 recv 1", "3 recv 0", "2 kill"]),
    "kill_last_signaller_wakes_waiters": (3, [
        "1 ntfn_create", "1 dup 0 s-- 5", "1 give 1 2", "1 close 1", "1 dup 0 -r- 0",
        "1 give 1 3", "1 close 0", "1 wait 1", "3 wait 0", "2 kill"]),
    "exit_while_holding_grants": (2, [
        "1 ep_create", "1 give 0 2", "2 ntfn_create", "2 dup 1 -r- 0", "1 recv 0",
        "2 send 0 label=1 handles=2m", "1 wait 1", "2 exit", "1 wait 1"]),
    "kill_blocked_reply_recv": (2, [
        "1 ep_create", "1 give 0 2", "2 call 0 label=1", "1 recv 0",
        "1 reply_recv 1 0 label=2", "1 kill", "2 call 0"]),
    # the allocation-failure switch: ENOMEM after EMFILE, nothing made
    "enomem_create": (1, ["1 fail_alloc 1", "1 ep_create", "1 ep_create",
                          "1 fail_alloc 2", "1 ntfn_create", "1 ep_create",
                          "1 ntfn_create", "1 ep_create"]),
    "enomem_after_emfile": (1, ["1 ep_create"] + ["1 dup 0 srg 0"] * (K - 1) +
                            ["1 fail_alloc 1", "1 ep_create", "1 close 5",
                             "1 ntfn_create", "1 ntfn_create"]),
    # the ABI's check order: a bad pointer is EFAULT whatever the handle
    "badptr_before_bad_handle": (1, [
        "1 ep_create badptr=1", "1 ntfn_create badptr=1", "1 dup 9 srg 0 badptr=1",
        "1 send 9 badptr=1", "1 try_send 9 badptr=1", "1 call 9 badptr=1",
        "1 recv 9 badptr=1", "1 try_recv 9 badptr=1", "1 reply 9 badptr=1",
        "1 reply_recv 9 9 badptr=1", "1 wait 9 badptr=1", "1 send 9",
        "1 wait 9", "1 recv 9", "1 dup 9 srg 0"]),
    "badptr_changes_nothing": (2, [
        "1 ep_create", "1 ntfn_create", "1 give 0 2", "1 give 1 2",
        "2 send 0 label=3 badptr=1", "2 call 0 label=3 badptr=1", "1 try_recv 0",
        "2 signal 1", "1 wait 1 badptr=1", "1 wait 1", "1 recv 0 badptr=1",
        "2 call 0 label=5", "1 recv 0 badptr=1", "1 recv 0",
        "1 reply 2 label=1 badptr=1", "1 reply_recv 2 0 badptr=1", "1 reply 2 label=6"]),
    "badptr_on_a_full_table": (1, ["1 ep_create"] + ["1 dup 0 srg 0"] * (K - 1) +
                               ["1 ep_create badptr=1", "1 ep_create", "1 recv 0 badptr=1",
                                "1 recv 0"]),
    # watch: the kernel's reference to a notification (ipc/kref.h)
    "watch_exit_signals_the_last_reference": (3, [
        "1 ntfn_create", "1 dup 0 s-- 4", "1 give 1 2", "1 close 1", "1 dup 0 -r- 0",
        "1 close 0", "2 watch 0 3", "2 close 0", "1 wait 1", "3 exit", "1 wait 1"]),
    "watch_kill_of_a_blocked_target": (3, [
        "1 ep_create", "1 ntfn_create", "1 give 0 3", "1 dup 1 s-- 6", "1 watch 2 3",
        "1 watch 1 3", "3 recv 0", "1 close 2", "3 kill", "1 wait 1", "1 wait 1"]),
    "watch_errors": (3, [
        "1 ep_create", "1 ntfn_create", "1 dup 1 -r- 0", "1 watch 0 2", "1 watch 5 2",
        "1 watch 2 2", "1 watch 1 9", "2 exit", "1 watch 1 2", "1 wait 1",
        "1 watch 1 3", "1 watch 1 3", "3 exit", "1 wait 1"]),
    "watch_keeps_the_object_alive": (3, [
        "1 ntfn_create", "1 watch 0 2", "1 watch 0 3", "1 close 0", "2 exit"]),
    "watcher_dies_first": (3, [
        "1 ntfn_create", "1 dup 0 -r- 0", "1 give 1 3", "1 close 1", "1 watch 0 2",
        "1 close 0", "3 wait 0", "1 exit", "2 exit"]),
    "watch_limit": (2, ["1 ntfn_create"] + ["1 watch 0 2"] * (WATCHES_MAX + 1) +
                    ["2 exit", "1 wait 0", "1 watch 0 2"]),
    # the console device: a notification the kernel made and signals
    # (kernel/proc/consdev.c's consdev_make and consdev_signal); its
    # holder's handle has r alone, the kernel's reference is the signaller
    "kdev_input_wakes_a_waiter": (2, [
        "1 kdev", "1 wait 0", "2 kinput 1", "1 signal 0", "1 wait 0",
        "2 kinput 1", "1 kinput 1"]),
    "kdev_input_before_a_wait": (1, [
        "1 kdev", "1 kinput 1", "1 kinput 1", "1 wait 0", "1 kinput 0",
        "1 kinput 2", "1 kdev", "1 kinput 2", "1 wait 1", "1 wait 0"]),
    "kdev_passed_on": (3, [
        "1 ep_create", "1 give 0 2", "1 kdev", "1 dup 1 srg 0", "1 dup 1 s-- 0",
        "1 dup 1 -r- 7", "1 give 1 3", "2 recv 0", "1 send 0 label=1 handles=1m",
        "1 close 2", "2 wait 1", "3 wait 0", "1 kinput 1", "1 kinput 1",
        "2 signal 1", "1 kinput 1", "3 close 0", "2 wait 1"]),
    "kdev_holder_killed_while_waiting": (3, [
        "1 kdev", "1 dup 0 -r- 0", "1 give 0 2", "2 wait 0", "1 wait 1",
        "2 kill", "1 kill", "3 kinput 1"]),
    "kdev_table_full": (1, ["1 ep_create"] + ["1 dup 0 srg 0"] * (K - 1) + [
        "1 kdev", "1 kinput 1", "1 close 3", "1 fail_alloc 1", "1 kdev",
        "1 kdev", "1 kdev", "1 kinput 1", "1 wait 3"]),
    # badges and grants through real messages; FIFO wakes
    "badges_and_grants": (3, [
        "1 ep_create", "1 dup 0 s-g 7", "1 dup 0 s-g 9", "1 give 1 2", "1 give 2 3",
        "2 ntfn_create", "3 call 0 label=1 words=1,2,3", "2 call 0 label=2 handles=1m",
        "1 recv 0 rbuf=0+16", "1 recv 0", "1 reply 5 label=3 handles=4c",
        "1 reply 3 label=4 buf=0+100"]),
    "fifo_wakes": (4, [
        "1 ep_create", "1 give 0 2", "1 give 0 3", "1 give 0 4", "2 recv 0",
        "3 recv 0", "4 recv 0", "1 send 0 label=1", "1 send 0 label=2",
        "1 send 0 label=3 buf=0+100", "1 close 0"]),
}


def scripts():
    """The scripts, in SCRIPTS's order."""
    return [_sc(n, lines) for n, lines in SCRIPTS.values()]


def named():
    """{name: script}."""
    return {name: _sc(n, lines) for name, (n, lines) in SCRIPTS.items()}
