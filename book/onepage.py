#!/usr/bin/python3
"""book/onepage.py: the whole book as one HTML page, for reading offline
and for printing to PDF.

    onepage.py BOOKDIR PAGE...

Takes the <main> of each built page (BOOKDIR/PAGE, in the order given:
the contents, the chapters, the appendices, the labs, the glossary, the
bibliography) and writes BOOKDIR/book.html with every page as a
<section id="PAGE-STEM">.  Ids are prefixed with the page's stem so that
they stay unique (id="x" in 03-memory.html becomes id="03-memory--x"),
and links between pages become links inside the one page.  Links to the
source listings (src/...) and images stay as they are, relative to
BOOKDIR.
"""

import re
import sys
from pathlib import Path

HEAD = """<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>The Wisp book</title>
<link rel="stylesheet" href="book.css">
{style}
</head>
<body class="onepage">
"""

MAIN_RE = re.compile(r"<main>(.*)</main>", re.S)
STYLE_RE = re.compile(r"<style>.*?</style>", re.S)
ID_RE = re.compile(r'\bid="([^"]+)"')
HREF_RE = re.compile(r'\bhref="([^"]+)"')


def relink(html, stem, pages):
    """Ids prefixed with stem; links to the book's pages made internal."""
    html = ID_RE.sub(lambda m: f'id="{stem}--{m.group(1)}"', html)

    def href(m):
        target = m.group(1)
        if re.match(r"^[a-z]+:", target) or target.startswith("src/"):
            return m.group(0)
        page, _, frag = target.partition("#")
        if page == "":
            return f'href="#{stem}--{frag}"'
        if page in pages:
            other = page[:-len(".html")]
            return f'href="#{other}--{frag}"' if frag else f'href="#{other}"'
        return m.group(0)
    return HREF_RE.sub(href, html)


def main():
    book = Path(sys.argv[1])
    pages = sys.argv[2:]
    style = ""
    sections = []
    for page in pages:
        html = (book / page).read_text()
        if not style:
            m = STYLE_RE.search(html)
            style = m.group(0) if m else ""
        body = MAIN_RE.search(html).group(1)
        stem = page[:-len(".html")]
        sections.append(f'<section class="page" id="{stem}">\n'
                        f'{relink(body, stem, set(pages))}\n</section>\n')
    out = HEAD.format(style=style) + "<main>\n" + "".join(sections) + "</main>\n</body>\n</html>\n"
    (book / "book.html").write_text(out)
    return 0


if __name__ == "__main__":
    sys.exit(main())
