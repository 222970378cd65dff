"""The book's quote filter (book/filters/quote.lua) on temporary files: it
quotes what it is asked for, exactly, and fails the build, naming chapter,
file and symbol, when something quoted does not exist."""

import json
import subprocess
import textwrap
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
QUOTE = ROOT / "book" / "filters" / "quote.lua"
NAV = ROOT / "book" / "filters" / "nav.lua"

C_SRC = """\
#include <stdint.h>

#define COM1 0x3f8   /* the first serial port */
#define SPLIT(x) \\
\t((x) + 1)

// A point on the screen.
struct point {
\tint x, y;
};

enum color { RED, GREEN };

typedef struct {
\tint a;
} pair_t;

typedef int (*handler_fn)(int);

/*
 * serial_putc: the prototype's comment, not quoted.
 */
void serial_putc(char c);

/*
 * serial_putc: send one byte.
 * needs: serial_init done.  holds: nothing.
 */
void
serial_putc(char c)
{
\tif (c == '\\n') {
\t\tserial_putc('\\r');
\t}
\t// book: send
\toutb(COM1, c);
\t// book: send
}

static int add(int a, int b) {
\treturn a + b;
}
"""

ASM_SRC = """\
; Enter long mode.
start:
\tmov esp, stack_top
.spin:
\tjmp .spin

; Not part of start.
other:
\tret
; book: gdt
gdt: dq 0
; book: gdt
"""

PY_SRC = """\
import functools

# book: imports
import os
# book: imports


@functools.lru_cache
def cached(x):
    \"\"\"Doc.\"\"\"
    if x:
        return 1

    return 2


class Machine:
    def start(self):
        pass


def op_send(state,
            slot):
    \"\"\"send(h).
    Pre: h open, else EBADF.\"\"\"
    return state


def nodoc(x):
    return x
"""

PML_SRC = """\
byte n;

/* Count one answer (needs: inside atomic). */
inline answer(c) {
\tn++
}

proctype client(byte c) {
\tatomic { answer(c) }
}
"""


def chapter(tmp_path, *specs, name="01-test.md"):
    """Write the sources and a chapter quoting each spec; return its path."""
    (tmp_path / "src").mkdir(exist_ok=True)
    (tmp_path / "src" / "serial.c").write_text(C_SRC)
    (tmp_path / "src" / "entry.asm").write_text(ASM_SRC)
    (tmp_path / "src" / "tool.py").write_text(PY_SRC)
    (tmp_path / "src" / "model.pml").write_text(PML_SRC)
    blocks = "\n".join(f'```{{quote="{s}"}}\n```\n' for s in specs)
    path = tmp_path / name
    path.write_text(f"# Test\n\n{blocks}")
    return path


def pandoc(tmp_path, md, *extra):
    return subprocess.run(
        ["pandoc", "-t", "json", f"--lua-filter={QUOTE}", *extra, md.name],
        cwd=tmp_path, capture_output=True, text=True)


def quotes(tmp_path, *specs):
    """Run the filter; return [(caption, classes, text)] of the quotes."""
    r = pandoc(tmp_path, chapter(tmp_path, *specs))
    assert r.returncode == 0, r.stderr
    out = []
    for block in json.loads(r.stdout)["blocks"]:
        if block["t"] != "Div":
            continue
        (_, classes, _), (para, code) = block["c"]
        assert classes == ["quote"]
        inlines = [i for i in para["c"] if not (i["t"] == "Link" and i["c"][1][0]["t"] == "Str")]
        caption = "".join(flat(i) for i in inlines).strip()
        (_, lang, attrs), text = code["c"]
        out.append((caption, lang, dict(attrs), text))
    return out


def flat(i):
    """The text of one pandoc JSON inline (a link: its text)."""
    if i["t"] == "Str":
        return i["c"]
    if i["t"] == "Code":
        return i["c"][1]
    if i["t"] == "Link":
        return "".join(flat(x) for x in i["c"][1])
    return " "


def test_a_quote_caption_links_to_the_listing_at_its_first_line(tmp_path):
    r = pandoc(tmp_path, chapter(tmp_path, "src/serial.c:serial_putc"))
    assert r.returncode == 0, r.stderr
    [div] = [b for b in json.loads(r.stdout)["blocks"] if b["t"] == "Div"]
    links = [i for i in div["c"][1][0]["c"] if i["t"] == "Link"]
    # the comment above serial_putc's definition starts on line 25
    assert [x["c"][2][0] for x in links] == ["src/src/serial.c.html#L25"] * 2
    assert "".join(flat(x) for x in links[1]["c"][1]) == "(lines 25\u201338)"


def test_c_function_with_its_contract_comment(tmp_path):
    [(caption, lang, attrs, text)] = quotes(tmp_path, "src/serial.c:serial_putc")
    assert caption == "src/serial.c: serial_putc"
    assert lang == ["c"] and attrs == {"data-file": "src/serial.c"}
    assert text == textwrap.dedent("""\
        /*
         * serial_putc: send one byte.
         * needs: serial_init done.  holds: nothing.
         */
        void
        serial_putc(char c)
        {
        \tif (c == '\\n') {
        \t\tserial_putc('\\r');
        \t}
        \toutb(COM1, c);
        }""")


def test_c_types_and_defines(tmp_path):
    got = quotes(tmp_path, "src/serial.c:point", "src/serial.c:pair_t", "src/serial.c:color",
                 "src/serial.c:COM1", "src/serial.c:SPLIT", "src/serial.c:handler_fn",
                 "src/serial.c:add")
    texts = [t for _, _, _, t in got]
    assert texts == [
        "// A point on the screen.\nstruct point {\n\tint x, y;\n};",
        "typedef struct {\n\tint a;\n} pair_t;",
        "enum color { RED, GREEN };",
        "#define COM1 0x3f8   /* the first serial port */",
        "#define SPLIT(x) \\\n\t((x) + 1)",
        "typedef int (*handler_fn)(int);",
        "static int add(int a, int b) {\n\treturn a + b;\n}",
    ]


def test_regions_in_each_comment_syntax(tmp_path):
    got = quotes(tmp_path, "src/serial.c#send", "src/entry.asm#gdt", "src/tool.py#imports")
    assert [(c, lang, t) for c, lang, _, t in got] == [
        ("src/serial.c: region send", ["c"], "outb(COM1, c);"),
        ("src/entry.asm: region gdt", ["nasm"], "gdt: dq 0"),
        ("src/tool.py: region imports", ["python"], "import os"),
    ]


def test_nasm_label_and_python_def(tmp_path):
    got = quotes(tmp_path, "src/entry.asm:start", "src/tool.py:cached", "src/tool.py:Machine")
    assert got[0][3] == "; Enter long mode.\nstart:\n\tmov esp, stack_top\n.spin:\n\tjmp .spin"
    assert got[1][3] == ('@functools.lru_cache\ndef cached(x):\n    """Doc."""\n'
                         '    if x:\n        return 1\n\n    return 2')
    assert got[2][3] == "class Machine:\n    def start(self):\n        pass"


def test_python_docstring_is_the_contract_without_the_body(tmp_path):
    got = quotes(tmp_path, "src/tool.py:op_send.__doc__", "src/tool.py:cached.__doc__")
    assert got[0][0] == "src/tool.py: op_send.__doc__" and got[0][1] == ["python"]
    assert got[0][3] == ('def op_send(state,\n            slot):\n    """send(h).\n'
                         '    Pre: h open, else EBADF."""')
    assert got[1][3] == 'def cached(x):\n    """Doc."""'


def test_promela_inline_and_proctype(tmp_path):
    got = quotes(tmp_path, "src/model.pml:answer", "src/model.pml:client")
    assert got[0][1] == ["c"]
    assert got[0][3] == "/* Count one answer (needs: inside atomic). */\ninline answer(c) {\n\tn++\n}"
    assert got[1][3] == "proctype client(byte c) {\n\tatomic { answer(c) }\n}"


@pytest.mark.parametrize("spec, message", [
    ("src/serial.c:serial_getc", "quote src/serial.c:serial_getc: no symbol `serial_getc` in src/serial.c"),
    ("src/missing.c:serial_putc", "quote src/missing.c:serial_putc: no file src/missing.c"),
    ("src/serial.c#recv", "quote src/serial.c#recv: no region marked `book: recv` in src/serial.c"),
    ("src/tool.py:Nope", "no symbol `Nope` in src/tool.py"),
    ("src/entry.asm:finish", "no symbol `finish` in src/entry.asm"),
    ("src/tool.py:nodoc.__doc__", "`nodoc` has no docstring in src/tool.py"),
    ("src/tool.py:gone.__doc__", "no symbol `gone` in src/tool.py"),
    ("serial_putc", "write FILE:SYMBOL or FILE#REGION"),
])
def test_a_missing_quote_fails_the_build(tmp_path, spec, message):
    r = pandoc(tmp_path, chapter(tmp_path, spec, name="03-broken.md"))
    assert r.returncode != 0
    assert r.stderr.startswith(f"03-broken.md: quote {spec}: ") and message in r.stderr


def test_every_broken_quote_is_reported(tmp_path):
    r = pandoc(tmp_path, chapter(tmp_path, "src/serial.c:gone", "src/serial.c:add", "x.c:y"))
    assert r.returncode != 0
    assert "`gone`" in r.stderr and "no file x.c" in r.stderr and "add" not in r.stderr


def test_a_region_needs_two_markers(tmp_path):
    md = chapter(tmp_path, "src/serial.c#half")
    (tmp_path / "src" / "serial.c").write_text(C_SRC + "// book: half\nint x;\n")
    r = pandoc(tmp_path, md)
    assert r.returncode != 0 and "region `half` has only one marker" in r.stderr


def test_pasted_code_is_refused(tmp_path):
    md = tmp_path / "01-paste.md"
    md.write_text('```{quote="src/serial.c:add"}\nint add(int a, int b);\n```\n')
    chapter(tmp_path)
    r = pandoc(tmp_path, md)
    assert r.returncode != 0 and "the block must be empty" in r.stderr


def test_depfile_lists_quoted_files(tmp_path):
    md = chapter(tmp_path, "src/serial.c:add", "src/tool.py:cached", "src/serial.c:COM1")
    r = subprocess.run(["pandoc", f"--lua-filter={QUOTE}", "-o", "out.html", md.name],
                       cwd=tmp_path, capture_output=True, text=True)
    assert r.returncode == 0, r.stderr
    assert (tmp_path / "out.d").read_text().splitlines()[0] == \
        "out.html: src/serial.c src/tool.py"


def test_navigation_links_neighbours(tmp_path):
    names = ["00-first.md", "01-second.md", "02-third.md"]
    for i, n in enumerate(names):
        (tmp_path / n).write_text(f"# Chapter {n[3:-3]}\n\nText {i}.\n")
    r = subprocess.run(
        ["pandoc", "-s", f"--template={ROOT}/book/template/page.html", f"--lua-filter={NAV}",
         "-M", "book-chapters=" + " ".join(names), "01-second.md"],
        cwd=tmp_path, capture_output=True, text=True)
    assert r.returncode == 0, r.stderr
    assert 'rel="prev" href="00-first.html"' in r.stdout and "Chapter first" in r.stdout
    assert 'rel="next" href="02-third.html"' in r.stdout
    assert "<title>Chapter second - the Wisp book</title>" in r.stdout


def test_a_quoted_lab_hole_points_at_its_lab(tmp_path):
    """The student edition quotes carved files: a hole's stub is shown as
    it is, and a note after the code names the hole and links its lab."""
    md = chapter(tmp_path, "src/walk.c:walk")
    (tmp_path / "src" / "walk.c").write_text(
        "/* walk: follow the chain. */\nint walk(int x)\n{\n"
        "    // LAB 2: your code here (walk)\n    LAB_TODO(2, \"walk\");\n    return 0;\n}\n")
    r = pandoc(tmp_path, md)
    assert r.returncode == 0, r.stderr
    [div] = [b for b in json.loads(r.stdout)["blocks"] if b["t"] == "Div"]
    _, (_, code, note) = div["c"]
    assert "LAB_TODO(2, \"walk\");" in code["c"][1]
    words = json.dumps(note)
    assert '"Lab 2:"' in words and '"walk"' in words and '"lab2.html"' in words
    # an ordinary function gets no note
    [(_, _, _, text)] = quotes(tmp_path, "src/serial.c:add")
    assert "LAB" not in text


def nav_page(tmp_path, name, chapters, extra=()):
    """Run quote.lua and nav.lua on chapter `name` among `chapters`; the
    completed process (HTML on stdout)."""
    return subprocess.run(
        ["pandoc", "-s", "--wrap=none", f"--template={ROOT}/book/template/page.html",
         f"--lua-filter={QUOTE}", f"--lua-filter={NAV}",
         "-M", "book-chapters=" + " ".join(chapters), *extra, name],
        cwd=tmp_path, capture_output=True, text=True)


def test_numbers_come_from_the_order_and_links_follow_renumbering(tmp_path):
    """A chapter's number is its place in the list (from 0), whatever its
    file is called; sections are numbered under it; a link to a chapter
    by an old number finds it by name and shows its current number."""
    names = ["00-intro.md", "03-middle.md", "07-last.md"]
    for n in names:
        (tmp_path / n).write_text(f"---\ntitle: {n[3:-3]}\n---\n\nText.\n")
    (tmp_path / "07-last.md").write_text(
        "---\ntitle: last\n---\n\n## First\n\n### Inner\n\n## Second\n\n"
        "See [chapter 5](05-middle.html#x) and [3](01-middle.html).\n\n"
        "And [the old one](09-gone.html).\n")
    r = nav_page(tmp_path, "07-last.md", names)
    assert r.returncode == 0, r.stderr
    assert '<span class="secno">2</span> last</h1>' in r.stdout
    assert '<span class="secno">2.1</span> First' in r.stdout
    assert '<span class="secno">2.1.1</span> Inner' in r.stdout
    assert '<span class="secno">2.2</span> Second' in r.stdout
    assert '<a href="03-middle.html#x">chapter 1</a>' in r.stdout
    assert '<a href="03-middle.html">1</a>' in r.stdout
    # a chapter not in the book is text, with a warning
    assert 'class="missing-chapter">the old one</span>' in r.stdout
    assert "09-gone.html: no such chapter" in r.stderr


def test_figures_are_numbered_and_referenced(tmp_path):
    (tmp_path / "00-a.md").write_text("# A\n")
    (tmp_path / "01-b.md").write_text(
        "# B\n\nAs [Figure](#fig-two) shows.\n\n![One, with a caption\nof two lines.](figures/one.svg)\n\n"
        "![Two.](figures/two.svg)\n")
    r = nav_page(tmp_path, "01-b.md", ["00-a.md", "01-b.md"])
    assert r.returncode == 0, r.stderr
    assert 'id="fig-two"' in r.stdout and "Figure\u00a01.2." in r.stdout
    assert '<a href="#fig-two">Figure\u00a01.2</a>' in r.stdout


def test_citations_link_the_bibliography_and_an_unknown_one_fails(tmp_path):
    (tmp_path / "book").mkdir()
    (tmp_path / "book" / "bibliography.md").write_text(
        "- []{#ref-xv6}**[xv6]** Cox, Kaashoek, Morris.\n")
    (tmp_path / "00-a.md").write_text("# A\n\nAs in xv6 [@xv6].\n")
    r = nav_page(tmp_path, "00-a.md", ["00-a.md"])
    assert r.returncode == 0, r.stderr
    assert '<a href="bibliography.html#ref-xv6">xv6</a>' in r.stdout
    (tmp_path / "00-a.md").write_text("# A\n\nAs in [@nobody].\n")
    r = nav_page(tmp_path, "00-a.md", ["00-a.md"])
    assert r.returncode != 0 and "@nobody" in r.stderr


def test_spec_citations_and_file_names_become_links(tmp_path):
    (tmp_path / "spec").mkdir()
    (tmp_path / "spec" / "ipc.md").write_text("# IPC\n")
    (tmp_path / "src").mkdir()
    (tmp_path / "src" / "a.c").write_text("int x;\n")
    (tmp_path / "00-a.md").write_text(
        "# A\n\nSee `spec/ipc.md`, [Appendix Q](spec/ipc.md#rules) and `src/a.c`.\n")
    r = nav_page(tmp_path, "00-a.md", ["00-a.md"], ("-M", "book-appendices=spec/ipc.md",
                                                     "-o", "00-a.html"))
    assert r.returncode == 0, r.stderr
    html = (tmp_path / "00-a.html").read_text()
    assert '<a href="spec-ipc.html"><code>spec/ipc.md</code></a>' in html
    assert '<a href="spec-ipc.html#rules">Appendix A</a>' in html
    assert '<a href="src/src/a.c.html"><code>src/a.c</code></a>' in html
    assert (tmp_path / "00-a.src").read_text().split() == ["src/a.c"]


def test_a_transcript_is_rendered_with_its_varying_parts_marked(tmp_path):
    transcript = ROOT / "book" / "filters" / "transcript.lua"
    (tmp_path / "00-a.md").write_text(
        '# A\n\n```{.transcript boot="monitor"}\nmonitor> mem\nframes: «12» free <ok>\n```\n')
    r = subprocess.run(["pandoc", f"--lua-filter={transcript}", "00-a.md"],
                       cwd=tmp_path, capture_output=True, text=True)
    assert r.returncode == 0, r.stderr
    assert "typed at the kernel monitor" in r.stdout
    assert '<span class="varies" title="varies from run to run">12</span> free &lt;ok&gt;' \
        in r.stdout
    (tmp_path / "00-a.md").write_text('# A\n\n```{.transcript boot="moon"}\nx\n```\n')
    r = subprocess.run(["pandoc", f"--lua-filter={transcript}", "00-a.md"],
                       cwd=tmp_path, capture_output=True, text=True)
    assert r.returncode != 0 and 'boot="moon"' in r.stderr
