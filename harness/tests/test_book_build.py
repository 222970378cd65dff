"""The committed book: `make test` builds it first; every chapter must
have become a page that the contents page links to."""

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
BOOK = ROOT / "build" / "book"


def chapters():
    return sorted((ROOT / "book").glob("[0-9][0-9]-*.md"))


def test_every_chapter_has_a_page_linked_from_the_contents():
    index = (BOOK / "index.html").read_text()
    assert chapters(), "no chapters in book/"
    for md in chapters():
        page = BOOK / (md.stem + ".html")
        assert page.is_file(), f"{page} not built (run make book)"
        assert f'href="{page.name}"' in index


def test_pages_are_not_stale_and_quote_only_through_the_filter():
    for md in chapters():
        page = BOOK / (md.stem + ".html")
        assert page.stat().st_mtime >= md.stat().st_mtime, f"{page} older than {md}"
        # a chapter's code comes from the filter: every code block with a
        # language sits in a quote with a caption naming its file
        html = page.read_text()
        assert html.count('class="quote"') == len(re.findall(r'\{quote="', md.read_text()))


def test_getting_started_ends_with_exercises():
    text = (ROOT / "book" / "01-getting-started.md").read_text()
    assert re.search(r"^## Exercises\n(\n.*)*\n1\. ", text, re.M)


def test_every_figure_a_chapter_shows_is_drawn():
    """A chapter shows a figure as ![caption](figures/NAME.svg); its source
    is book/figures/NAME.dot, and make book draws it."""
    shown = {name for md in chapters()
             for name in re.findall(r"\]\(figures/([\w-]+)\.svg\)", md.read_text())}
    assert shown, "no chapter shows a figure"
    for name in sorted(shown):
        assert (ROOT / "book" / "figures" / f"{name}.dot").is_file(), f"{name}.dot missing"
        svg = BOOK / "figures" / f"{name}.svg"
        assert svg.is_file() and "<svg" in svg.read_text(), f"{svg} not drawn (run make book)"
