#!/usr/bin/env python3
"""compdb.py: the reference tree's compile_commands.json, for this tree's editor.

    compdb.py TREE TREE/compile_commands.json > compile_commands.json

`make compile_commands.json` records the compilations of the reference
tree (every lab solved, build/ref).  An editor works on this tree, so each
entry is moved here: its directory becomes this tree, and a file with lab
holes is named by its complete version in solutions/, the file a kernel
hacker edits.
"""

import json
import os
import sys
from pathlib import Path


def rewrite(entries, tree, top):
    """The entries with tree's paths moved to top (holed files: solutions/)."""
    tree, top = Path(tree).resolve(), Path(top).resolve()
    out = []
    for e in entries:
        e = dict(e)
        path = Path(e["directory"], e["file"]).resolve()
        try:
            rel = path.relative_to(tree)
        except ValueError:
            out.append(e)
            continue
        sol = top / "solutions" / rel
        e["file"] = str(sol if sol.exists() else top / rel)
        e["directory"] = str(top / Path(e["directory"]).resolve().relative_to(tree))
        out.append(e)
    return out


def main(argv):
    if len(argv) != 3:
        print(__doc__.split("\n")[2].strip(), file=sys.stderr)
        return 2
    entries = json.loads(Path(argv[2]).read_text())
    json.dump(rewrite(entries, argv[1], os.getcwd()), sys.stdout, indent=2)
    print()
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
