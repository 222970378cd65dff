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


def test_every_chapter_says_what_real_systems_do_and_ends_with_graded_exercises():
    """A "Real world" section, then exercises, each marked *(easy)*,
    *(moderate)* or *(hard)*."""
    for md in chapters():
        text = md.read_text()
        assert "\n## Real world\n" in text, f"{md.name}: no Real world section"
        m = re.search(r"^## Exercises\n(.*?)(?=^## |\Z)", text, re.M | re.S)
        assert m, f"{md.name}: no exercises"
        items = re.findall(r"^\d+\.\s+(.*)$", m.group(1), re.M)
        assert items, f"{md.name}: no exercises"
        for it in items:
            assert re.match(r"\*\((easy|moderate|hard)\)\*", it), \
                f"{md.name}: exercise without a difficulty: {it[:50]}"


def test_the_contents_number_the_chapters_in_order_with_a_line_each():
    index = (BOOK / "index.html").read_text()
    for n, md in enumerate(chapters()):
        assert re.search(rf'<span class="secno">{n}</span> <a\s+href="{md.stem}.html"', index), \
            f"{md.name} is not chapter {n} in the contents"
        page = (BOOK / f"{md.stem}.html").read_text()
        assert f'<h1 class="title"><span class="secno">{n}</span>' in page
    assert index.count('class="description"') >= len(chapters()) - 1


def test_the_specification_is_the_books_appendices():
    index = (BOOK / "index.html").read_text()
    for spec in sorted((ROOT / "spec").glob("*.md")):
        page = BOOK / f"spec-{spec.stem}.html"
        assert page.is_file(), f"{spec} not rendered as an appendix"
        assert f'href="{page.name}"' in index


def test_a_quote_links_to_a_listing_of_its_file_at_its_line():
    for md in chapters():
        html = (BOOK / f"{md.stem}.html").read_text()
        for path, line in re.findall(r'<a href="src/([^"#]+)\.html#L(\d+)"', html):
            listing = BOOK / "src" / f"{path}.html"
            assert listing.is_file(), f"{md.name}: no listing of {path}"
            assert f'id="L{line}"' in listing.read_text()


def test_every_figure_has_a_number_and_its_references_resolve():
    for md in chapters():
        html = (BOOK / f"{md.stem}.html").read_text()
        assert "Figure\u00a0" not in html or not re.search(r"Figure\u00a0[\d.]*\?", html), \
            f"{md.name}: a figure without a number"
        for name in re.findall(r'href="#fig-([\w-]+)"', html):
            assert f'id="fig-{name}"' in html, f"{md.name}: Figure reference to fig-{name}"
