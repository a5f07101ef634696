"""Small things readers noticed: front matter highlighted alike in every listing, tickable and
labelled checklists, a favicon at every page and at the site's root, commands copied without a
trailing newline. (How they look and behave in Chromium: tests/test_browser_readers.py.)"""

from __future__ import annotations

import re
import struct
from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st
from pygments.lexers.markup import MarkdownLexer
from pygments.token import Generic, Name

from handbook.highlighting import MarkdownWithFrontMatterLexer

REPO = Path(__file__).resolve().parent.parent
TEMPLATES = sorted((REPO / "docs" / "engineering" / "templates").glob("*.md.tmpl"))

keys = st.from_regex(r"[a-z][a-z-]{0,12}", fullmatch=True)
values = st.one_of(st.from_regex(r"[A-Za-z0-9][A-Za-z0-9 .-]{0,19}", fullmatch=True).map(str.strip),
                   st.lists(st.from_regex(r"[a-z]{1,8}", fullmatch=True), min_size=1, max_size=3)
                   .map(lambda items: "[" + ", ".join(items) + "]"))


def front_matter_tokens(text: str) -> list[tuple[object, str]]:
    tokens = list(MarkdownWithFrontMatterLexer().get_tokens(text))
    end = next(i for i in range(1, len(tokens)) if tokens[i][1].strip() == "---")
    return tokens[:end + 1]


@settings(max_examples=200, deadline=None)
@given(st.lists(st.tuples(keys, values), min_size=1, max_size=8, unique_by=lambda kv: kv[0]),
       st.sampled_from(["# Title\n", "# {{title}}\n\nText\n---\n", "Para\n===\n"]))
def test_front_matter_is_yaml_whatever_its_fields(fields, body):
    """Every field name is a YAML key and no front-matter line is read as a Markdown heading."""
    text = "---\n" + "".join(f"{key}: {value}\n" for key, value in fields) + "---\n" + body
    tokens = front_matter_tokens(text)
    assert [value for token, value in tokens if token in Name.Tag] == [key for key, _ in fields]
    assert not any(token in Generic.Heading or token in Generic.Subheading for token, _ in tokens)


def test_every_template_listing_highlights_its_front_matter_the_same_way():
    shapes = set()
    for template in TEMPLATES:
        tokens = front_matter_tokens(template.read_text(encoding="utf-8"))
        shapes.add(tuple(sorted({str(token) for token, _ in tokens})))
        assert not any(token in Generic.Heading or token in Generic.Subheading for token, _ in tokens), template
    assert len(TEMPLATES) >= 3 and len(shapes) == 1


@settings(max_examples=100, deadline=None)
@given(st.text(alphabet="ab#-=*`\n >[]()", max_size=80).filter(lambda text: not text.startswith("---")))
def test_markdown_without_front_matter_is_highlighted_as_before(text):
    assert list(MarkdownWithFrontMatterLexer().get_tokens(text)) == list(MarkdownLexer().get_tokens(text))


CHECKLIST = {
    "index.md": """
        # Start

        ```{toctree}
        tasks
        ```
        """,
    "tasks.md": """
        # Tasks

        - [ ] Read the [other page](other.md) first.
        - [x] Already done
        - plain item
        """,
    "other.md": "---\norphan: true\n---\n# Other\n",
}


def test_checklist_boxes_are_enabled_and_labelled_by_their_item(build_tree):
    built = build_tree(CHECKLIST)
    html = built.html("tasks")
    items = re.findall(r'<li class="task-list-item[^"]*"><p>(.*?)</p></li>', html, re.S)
    assert len(items) == 2
    for item in items:
        assert item.startswith('<label class="handbook-task"><input class="task-list-item-checkbox" type="checkbox"')
        assert item.endswith("</label>") and "disabled" not in item
    assert 'href="other.html"' in items[0] and 'checked="checked"' in items[1]
    assert "<li><p>plain item</p></li>" in html


def test_checklist_boxes_are_printed_in_the_pdf(build_tree):
    built = build_tree(CHECKLIST, buildername="latex")
    tex = next(built.outdir.glob("*.tex")).read_text(encoding="utf-8")
    assert "☐\\ Read the" in tex and "☒\\ Already done" in tex
    assert "\\begingroup\\renewcommand{\\labelitemi}{}" in tex


def test_every_page_links_the_icon_and_the_site_root_has_favicon_ico(build_tree):
    built = build_tree(CHECKLIST)
    for page in ("index", "tasks", "other", "genindex", "search"):
        assert re.search(r'<link rel="(?:shortcut )?icon" href="[^"]*_static/favicon\.svg"', built.html(page)), page
    ico = (built.outdir / "favicon.ico").read_bytes()
    reserved, kind, count = struct.unpack("<HHH", ico[:6])
    assert (reserved, kind) == (0, 1) and count >= 1
    sizes = set()
    for index in range(count):
        width, height, _, _, _, _, size, offset = struct.unpack("<BBBBHHII", ico[6 + 16 * index:22 + 16 * index])
        assert ico[offset:offset + 8] == b"\x89PNG\r\n\x1a\n" and offset + size <= len(ico)
        sizes.add(width or 256)
    assert {16, 32} <= sizes
    assert (built.outdir / "_static" / "favicon.svg").read_text().startswith("<svg")


def test_copied_commands_keep_no_blank_lines():
    """sphinx-copybutton drops one trailing newline itself; an output line emptied by the exclude
    would put one back (the browser test copies every code block of the handbook's pages)."""
    namespace: dict[str, object] = {}
    exec((REPO / "conf" / "conf.py").read_text(encoding="utf-8"), {"__file__": str(REPO / "conf" / "conf.py")}, namespace)
    assert namespace["copybutton_copy_empty_lines"] is False
    assert namespace["copybutton_only_copy_prompt_lines"] is True
    # prompts are found by the pattern: removed by class first, no line would count as a command
    assert ".gp" not in str(namespace["copybutton_exclude"])
