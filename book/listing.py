#!/usr/bin/python3
"""book/listing.py: the book's listings of the source files it cites.

    listing.py BOOKDIR

Every page X.html of the book has beside it X.d (written by
filters/quote.lua: the files it quotes, as make dependencies) and X.src
(written by filters/nav.lua: the files its text names).  For each of those
files this writes BOOKDIR/src/PATH.html: the whole file, each line with its
number and the anchor #L<number> that a quote's caption links to (the
analogue of xv6's printed listing).  A listing is rewritten only when its
text changes, so make and the browser see stable files.  The files are read
from the current directory: the tree the book is built from.
"""

import html
import sys
from pathlib import Path

PAGE = """<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{path} - the Wisp book</title>
<link rel="stylesheet" href="{up}book.css">
</head>
<body class="listing">
<nav class="top"><a href="{up}index.html">Contents</a> | listing of <code>{path}</code> ({n} lines)</nav>
<main>
<h1 class="title"><code>{path}</code></h1>
<pre class="listing">{body}</pre>
</main>
</body>
</html>
"""


def cited(book: Path) -> list[str]:
    """The files the pages quote (X.d) or name (X.src), each once, sorted."""
    files = set()
    for d in book.glob("*.d"):
        for line in d.read_text().splitlines()[1:]:
            if line.endswith(":"):
                files.add(line[:-1])
    for s in book.glob("*.src"):
        files.update(x for x in s.read_text().split() if x)
    return sorted(files)


def listing(path: str) -> str:
    """The HTML listing of one file (of the current directory)."""
    lines = Path(path).read_text(errors="replace").splitlines()
    width = len(str(len(lines)))
    body = "".join(
        f'<span class="line" id="L{i}"><a class="lineno" href="#L{i}">{i:>{width}}</a>  '
        f'{html.escape(text)}</span>\n'
        for i, text in enumerate(lines, 1))
    up = "../" * (path.count("/") + 1)
    return PAGE.format(path=html.escape(path), up=up, n=len(lines), body=body)


def main() -> int:
    book = Path(sys.argv[1])
    for path in cited(book):
        if path.startswith("solutions/"):
            print(f"listing.py: {path}: the book never lists a solution", file=sys.stderr)
            return 1
        if not Path(path).is_file():
            print(f"listing.py: {path}: no such file", file=sys.stderr)
            return 1
        out = book / "src" / (path + ".html")
        text = listing(path)
        if not out.is_file() or out.read_text() != text:
            out.parent.mkdir(parents=True, exist_ok=True)
            out.write_text(text)
    return 0


if __name__ == "__main__":
    sys.exit(main())
