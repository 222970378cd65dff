"""The built book in a real browser: headless Chromium opens every page of
build/book (the chapters, appendices, labs, glossary, bibliography, the
one-page book and every source listing) at a phone's width and checks
that it loads, that every image it shows was drawn and decoded, that
every link inside the book leads to a page that exists and, when it
names an anchor, to an element with that id, and that nothing makes the
page scroll sideways.

Chromium is driven over its DevTools protocol on a pipe
(--remote-debugging-pipe: commands on fd 3, answers on fd 4, each a JSON
object ended by a NUL byte), so no web driver is needed.  `make test`
builds the book first (book is in TEST_PREREQS)."""

import fcntl
import json
import os
import re
import shutil
import subprocess
import tempfile
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote, urlparse

import pytest

ROOT = Path(__file__).resolve().parents[2]
BOOK = ROOT / "build" / "book"
PHONE = {"width": 360, "height": 740, "deviceScaleFactor": 2, "mobile": True}
# What a page reports: its scroll width, broken images, the links it has.
CHECK_JS = """(() => {
  const imgs = [...document.images];
  return {
    ready: document.readyState,
    scroll: document.documentElement.scrollWidth,
    width: document.documentElement.clientWidth,
    wide: [...document.querySelectorAll('main *')]
      .filter(e => e.getBoundingClientRect().right > document.documentElement.clientWidth + 1
                   && getComputedStyle(e).position !== 'fixed'
                   && !e.closest('pre, table, div.sourceCode'))
      .slice(0, 5).map(e => e.tagName + ' ' + (e.textContent || '').slice(0, 60)),
    badimgs: imgs.filter(i => !i.complete || i.naturalWidth === 0).map(i => i.src),
    nimgs: imgs.length,
    links: [...document.querySelectorAll('a[href]')].map(a => a.href),
  };
})()"""


class Chromium:
    """A headless Chromium on a DevTools pipe, with one page (tab)."""

    def __init__(self):
        exe = shutil.which("chromium")
        if not exe:
            pytest.fail("chromium is missing: run make deps (package chromium)")
        self.profile = tempfile.mkdtemp(prefix="wisp-chromium-")
        cmd_r, cmd_w = os.pipe()            # their fd 3 reads our commands
        ans_r, ans_w = os.pipe()            # their fd 4 writes the answers

        def fds_3_and_4():
            # via fds above any in use, so that neither dup2 clobbers the other
            a = fcntl.fcntl(cmd_r, fcntl.F_DUPFD, 100)
            b = fcntl.fcntl(ans_w, fcntl.F_DUPFD, 100)
            os.dup2(a, 3)
            os.dup2(b, 4)
        self.proc = subprocess.Popen(
            [exe, "--headless", "--no-sandbox", "--disable-gpu", "--no-first-run",
             "--remote-debugging-pipe", "--allow-file-access-from-files",
             f"--user-data-dir={self.profile}", "about:blank"],
            close_fds=False, stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, preexec_fn=fds_3_and_4)
        os.close(cmd_r)
        os.close(ans_w)
        self.out = os.fdopen(cmd_w, "wb", buffering=0)
        self.inp = os.fdopen(ans_r, "rb", buffering=0)
        self.buf = b""
        self.next_id = 0
        self.events = []
        try:
            target = self.send("Target.createTarget", {"url": "about:blank"})["targetId"]
            self.session = self.send("Target.attachToTarget",
                                     {"targetId": target, "flatten": True})["sessionId"]
            self.send("Page.enable", session=True)
            self.send("Emulation.setDeviceMetricsOverride", PHONE, session=True)
        except Exception:
            self.close()
            raise

    def _read(self):
        while b"\0" not in self.buf:
            chunk = self.inp.read(65536)
            if not chunk:
                raise RuntimeError("chromium closed its DevTools pipe")
            self.buf += chunk
        msg, _, self.buf = self.buf.partition(b"\0")
        return json.loads(msg)

    def send(self, method, params=None, session=False):
        """Send one command; return its result (events meanwhile are kept)."""
        self.next_id += 1
        msg = {"id": self.next_id, "method": method, "params": params or {}}
        if session:
            msg["sessionId"] = self.session
        self.out.write(json.dumps(msg).encode() + b"\0")
        while True:
            m = self._read()
            if m.get("id") == self.next_id:
                if "error" in m:
                    raise RuntimeError(f"{method}: {m['error']}")
                return m["result"]
            self.events.append(m)

    def load(self, url):
        """Open url and wait for its load event."""
        self.events.clear()
        self.send("Page.navigate", {"url": url}, session=True)
        while not any(e.get("method") == "Page.loadEventFired" for e in self.events):
            self.events.append(self._read())

    def evaluate(self, js):
        r = self.send("Runtime.evaluate", {"expression": js, "returnByValue": True},
                      session=True)
        return r["result"]["value"]

    def close(self):
        try:
            self.send("Browser.close")
        except (RuntimeError, OSError):
            pass
        try:
            self.proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()
        shutil.rmtree(self.profile, ignore_errors=True)


class Ids(HTMLParser):
    """Every id of an HTML page."""

    def __init__(self):
        super().__init__()
        self.ids = set()

    def handle_starttag(self, tag, attrs):
        for k, v in attrs:
            if k == "id" and v:
                self.ids.add(v)


def ids_of(path, cache={}):
    if path not in cache:
        p = Ids()
        p.feed(path.read_text(errors="replace"))
        cache[path] = p.ids
    return cache[path]


def pages():
    return sorted(BOOK.glob("*.html")) + sorted((BOOK / "src").rglob("*.html"))


@pytest.fixture(scope="module")
def browser():
    if not (BOOK / "index.html").is_file():
        pytest.fail("build/book is not built: run make book")
    b = Chromium()
    yield b
    b.close()


def test_every_page_loads_with_its_figures_and_links_at_phone_width(browser):
    problems = []
    checked = 0
    for page in pages():
        name = page.relative_to(BOOK)
        browser.load(page.as_uri())
        r = browser.evaluate(CHECK_JS)
        checked += 1
        if r["ready"] != "complete":
            problems.append(f"{name}: not loaded ({r['ready']})")
        if r["scroll"] > r["width"] + 1:
            problems.append(f"{name}: {r['scroll']} px wide at a {r['width']} px screen "
                            f"(too wide: {r['wide']})")
        for src in r["badimgs"]:
            problems.append(f"{name}: image {src} did not load")
        for href in r["links"]:
            u = urlparse(href)
            if u.scheme != "file":
                continue
            target = Path(unquote(u.path))
            if not target.is_file():
                problems.append(f"{name}: link to {target} (no such file)")
            elif u.fragment and target.suffix == ".html" and \
                    unquote(u.fragment) not in ids_of(target):
                problems.append(f"{name}: link to {target.name}#{u.fragment} (no such anchor)")
    assert checked > 20, "too few pages to be the book"
    assert not problems, "\n".join(problems[:40])


def test_the_book_has_its_figures_and_a_pdf(browser):
    """Every chapter's figures are drawn, and the one-page book and its PDF
    were made."""
    browser.load((BOOK / "book.html").as_uri())
    r = browser.evaluate(CHECK_JS)
    dots = list((ROOT / "book" / "figures").glob("*.dot"))
    assert r["nimgs"] >= len(dots) and not r["badimgs"]
    pdf = BOOK / "book.pdf"
    assert pdf.is_file() and pdf.read_bytes()[:5] == b"%PDF-"
    assert len(re.findall(rb"/Type\s*/Page\b", pdf.read_bytes())) > 100
