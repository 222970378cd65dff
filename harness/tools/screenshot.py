#!/usr/bin/env python3
"""Draw the picture of the VGA console the book and the README show.

    harness/tools/screenshot.py OUT.png [ISO]

Boots the demo ISO (default build/ref/build/wisp-demo.iso, `make solved`
builds it) headless, types a few commands on the PS/2 keyboard (QEMU's
sendkey), runs one on the serial line, and saves what QEMU's display
shows (QMP screendump) as a PNG.  Everything on it comes from the
running system."""

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "harness"))

from wisp_harness.screen import Screen            # noqa: E402
from wisp_harness.shell import SHELL_PROMPT_RE    # noqa: E402


def main(argv):
    if len(argv) not in (2, 3):
        print(__doc__.strip().splitlines()[2].strip(), file=sys.stderr)
        return 2
    out = Path(argv[1]).resolve()
    iso = argv[2] if len(argv) == 3 else "build/ref/build/wisp-demo.iso"
    with Screen(iso=str(Path(iso).resolve()), name="screenshot") as sc:
        sc.boot()
        sc.wait_screen(r"^\$$")
        for line in ("echo typed on the PS/2 keyboard\n", "ps\n", "hello\n"):
            sc.type_text(line)
            sc.expect(SHELL_PROMPT_RE)
        sc.cmd("devtest colors")                 # from the serial line
        sc.wait_screen(r"end$")
        sc.screendump(out)
    print(f"screenshot: {out}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
