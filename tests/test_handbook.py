"""The real handbook: builds warning-free with -W -n, and the Engineering page is whole."""

from __future__ import annotations

import html
import re
import subprocess
from pathlib import Path
from urllib.parse import urljoin, urlparse

import pytest

REPO = Path(__file__).resolve().parent.parent
EMOJI_HEADINGS = ["\U0001f3d7\ufe0f Build for Scale", "\U0001f52c Research-Driven Development",
                  "\U0001f6e1\ufe0f Security &amp; Reliability", "\U0001f680 Developer Experience"]


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


def test_engineering_page_has_the_four_principles_with_real_emoji(site):
    page = article(site / "engineering" / "index.html")
    for heading in EMOJI_HEADINGS:
        assert f"<h3>{heading}<a class=\"headerlink\"" in page
    # Nothing of the mis-decoded original survives.
    assert "\uf8ff" not in page and "Ô∏è" not in page


def links_in(page: Path) -> list[str]:
    return [html.unescape(href) for href in re.findall(r'<a class="reference internal" href="([^"]+)"', article(page))]


def test_every_link_on_the_engineering_page_lands_on_a_page_with_content(site):
    page = site / "engineering" / "index.html"
    targets = links_in(page)
    assert len(targets) == 7  # the seed's seven links
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
    index = article(site / "engineering" / "adr" / "index.html")
    assert index.count("handbook-badge-") >= 6
    superseded = article(site / "engineering" / "adr" / "0005-maintain-the-decision-index-by-hand.html")
    assert "handbook-retired" in superseded and "0006-generate-decision-indexes-from-front-matter.html" in superseded
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


def test_heading_anchors_resolve_github_style_links(site):
    people = (site / "people" / "index.html").read_text(encoding="utf-8")
    assert 'href="#build-the-handbook-locally"' in people
    assert 'id="build-the-handbook-locally"' in people
