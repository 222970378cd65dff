"""wisp_harness: drive Wisp in QEMU over its serial port (see qemu.py)."""

from .qemu import (BANNER_RE, PROMPT_RE, Exit, HarnessError, Wisp,
                   default_name, instances, log_dir, timeout_scale)

__all__ = ["BANNER_RE", "PROMPT_RE", "Exit", "HarnessError", "Wisp",
           "default_name", "instances", "log_dir", "timeout_scale"]
