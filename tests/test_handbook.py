"""The real handbook: builds warning-free with -W -n, and the Engineering page is whole."""

from __future__ import annotations

import html
import re
import subprocess
import unicodedata
from pathlib import Path
from urllib.parse import urljoin, urlparse

import pytest

REPO = Path(__file__).resolve().parent.parent
# These tests check the handbook's structure (every link resolves, every principle keeps its
# emoji), never its wording: an ordinary edit to the docs must not fail them.


@pytest.fixture(scope="session")
def site(tmp_path_factory) -> Path:
    """`make html` as a writer runs it, but with warnings as errors, into a temporary BUILDDIR."""
    builddir = tmp_path_factory.mktemp("handbook")
    result = subprocess.run(["make", "html", f"BUILDDIR={builddir}", "SPHINXOPTS=-W --keep-going -q"],
                            cwd=REPO, capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "WARNING" not in result.stderr, result.stderr
    return builddir / "html"


def article(page: Path) -> str:
    text = page.read_text(encoding="utf-8")
    return text[text.index("<article"):text.index("</article>")]


def is_emoji(char: str) -> bool:
    return unicodedata.category(char) == "So" and ord(char) >= 0x2300


def test_engineering_page_principles_keep_real_emoji(site):
    source = (REPO / "docs" / "engineering" / "index.md").read_text(encoding="utf-8")
    # Every principle heading the page has (### headings led by a symbol) starts with a real emoji.
    headings = [line[4:] for line in source.split("\n") if line.startswith("### ") and not line[4:5].isalnum()]
    assert headings, "the Engineering page lost its principle headings"
    page = article(site / "engineering" / "index.html")
    for heading in headings:
        assert is_emoji(heading[0]), f"{heading!r} does not start with an emoji"
        assert html.escape(heading, quote=False) in page, heading
    # Nothing of a mis-decoded original survives: no private-use characters, no Mac Roman runs.
    assert not re.search("[\ue000-\uf8ff]|Ô∏è|üö|ü§", page)


def links_in(page: Path) -> list[str]:
    return [html.unescape(href) for href in re.findall(r'<a class="reference internal" href="([^"]+)"', article(page))]


def test_every_link_on_the_engineering_page_lands_on_a_page_with_content(site):
    page = site / "engineering" / "index.html"
    targets = links_in(page)
    assert targets, "the Engineering page links nowhere"
    for href in targets:
        url = urlparse(urljoin(page.as_uri(), href))
        target = Path(url.path)
        assert target.is_file(), href
        body = article(target)
        text = re.sub(r"<[^>]+>", " ", body)
        assert len(text.split()) > 150, f"{href} has almost no content"
        if url.fragment:
            assert f'id="{url.fragment}"' in target.read_text(encoding="utf-8"), href


def test_every_internal_link_in_the_site_resolves(site):
    pages = sorted(site.rglob("*.html"))
    assert len(pages) >= 20
    for page in pages:
        if page.name in ("genindex.html", "search.html"):
            continue
        for href in links_in(page):
            url = urlparse(urljoin(page.as_uri(), href))
            target = Path(url.path)
            assert target.is_file(), f"{page.relative_to(site)} -> {href}"
            if url.fragment:
                assert f'id="{url.fragment}"' in target.read_text(encoding="utf-8"), f"{page} -> {href}"


def test_home_page_cards_lead_to_every_section(site):
    home = (site / "index.html").read_text(encoding="utf-8")
    cards = re.findall(r'<a class="sd-stretched-link[^"]*" href="([^"]+)"', home)
    for section in ("engineering/index.html", "people/index.html", "engineering/adr/index.html",
                    "engineering/rfcs/index.html", "engineering/runbooks/index.html"):
        assert section in cards


def test_decision_log_renders_with_boxes_and_indexes(site):
    records = sorted((REPO / "docs" / "engineering" / "adr").glob("0*.md"))
    index = article(site / "engineering" / "adr" / "index.html")
    assert index.count("handbook-badge-") >= len(records)
    # Every superseded record says so in a retired box that links its successor.
    for source in records:
        successor = re.search(r"^superseded-by:\s*(\d+)", source.read_text(encoding="utf-8"), re.M)
        if successor:
            page = article(site / "engineering" / "adr" / f"{source.stem}.html")
            [target] = (REPO / "docs" / "engineering" / "adr").glob(f"{int(successor.group(1)):04d}-*.md")
            assert "handbook-retired" in page and f"{target.stem}.html" in page, source.name
    for record in (site / "engineering" / "adr").glob("0*.html"):
        assert "handbook-status-box" in article(record), record.name
    for record in (site / "engineering" / "rfcs").glob("0*.html"):
        assert "handbook-status-box" in article(record), record.name


COPY_SAMPLE = "$ make html\nbuild succeeded.\n$ make test\n42 passed\n"


def test_copy_button_leaves_prompts_and_output_out(site, tmp_path):
    """Run the site's own copybutton.js text filter (as configured) on a console block in Node."""
    script = (site / "_static" / "copybutton.js").read_text(encoding="utf-8")
    call = re.search(r"return (formatCopyText\(text, .*\))", script).group(1)
    # Its plain functions (escapeRegExp .. formatCopyText), without the parts that need a DOM.
    functions = script[script.index("function escapeRegExp"):script.index("var copyTargetText")]
    probe = tmp_path / "probe.js"
    probe.write_text(f"{functions}\nconst text = {COPY_SAMPLE!r};\nprocess.stdout.write({call});\n", encoding="utf-8")
    copied = subprocess.run(["node", str(probe)], capture_output=True, text=True, check=True).stdout
    assert copied == "make html\nmake test"


def test_every_in_page_anchor_resolves(site):
    # GitHub-style heading anchors ([x](#some-heading)) and every other #fragment link in a page's
    # article lands on an id of that page.
    checked = 0
    for page in sorted(site.rglob("*.html")):
        text = page.read_text(encoding="utf-8")
        if "<article" not in text:
            continue
        ids = set(re.findall(r'\bid="([^"]+)"', text))
        for fragment in re.findall(r'href="#([^"]+)"', article(page)):
            assert html.unescape(fragment) in ids, f"{page.relative_to(site)}: #{fragment}"
            checked += 1
    assert checked > 0
