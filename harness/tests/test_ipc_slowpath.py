"""The IPC demos of test_ipc_demos.py again, on the slow path: the same
tests, each on a machine where the monitor's `ipcfast off` has turned
off the fast path of call and reply_recv (kernel/proc/ipcfast.c) before
the demo runs.  The fast path is an optimisation only, so what the
programs print must be the same either way; test_ipc_demos.py runs them
as the kernel boots, with the fast path on."""
import pytest

from test_ipc_demos import *  # noqa: F401,F403 -- the same tests, collected here too
from wisp_harness import Wisp


@pytest.fixture
def monitor():
    """The monitor fixture of conftest.py, with the IPC fast path off."""
    with Wisp() as w:
        w.boot()
        w.ipcfast("off")
        yield w
