"""Reader features in Chromium: the decision map, tags, What's new and its feed, the review page,
and the rough edges (favicon, checklists, the ADR index on a phone, copied commands, front-matter
highlighting); each checked with axe-core (no serious or critical finding, light and dark) and
under the Content-Security-Policy the site promises (issue: strict CSP, no inline script).

The site is built once with `make html` into a temporary BUILDDIR and served from 127.0.0.1 with
that policy as a response header (script-src 'self' plus hashes of the inline scripts and styles
the theme writes). Every request for another origin goes to a proxy that refuses it.
"""

from __future__ import annotations

import base64
import functools
import hashlib
import re
import subprocess
from collections.abc import Callable, Iterator
from http.server import SimpleHTTPRequestHandler
from pathlib import Path
from urllib.parse import urljoin, urlsplit

import defusedxml.ElementTree as SafeET
import pytest
from playwright.sync_api import Browser, Page
from test_browser import isolated_chromium, serving

pytestmark = [pytest.mark.browser, pytest.mark.slow]

REPO = Path(__file__).resolve().parent.parent
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
                 "--disable-sync", "--no-first-run", "--disable-quic"]
AXE = REPO / "tests" / "browser" / "node_modules" / "axe-core" / "axe.min.js"
DESKTOP = {"width": 1280, "height": 900}
PHONE = {"width": 375, "height": 812}

ADR_INDEX = "engineering/adr/index.html"
RFC_INDEX = "engineering/rfcs/index.html"
TAGS = "tags.html"
WHATS_NEW = "whats-new.html"
OWNERS = "engineering/owners.html"
PEOPLE = "people/index.html"
RUNBOOK = "engineering/runbooks/build-fails.html"
TEMPLATES = "engineering/templates/index.html"
READER_PAGES = [ADR_INDEX, RFC_INDEX, TAGS, "tags/ci.html", WHATS_NEW, OWNERS, PEOPLE, RUNBOOK]

# What a reader's features may never need: inline script, eval, plugins, a foreign base.
INLINE = re.compile(rb"<(script|style)(?![^>]*\bsrc=)[^>]*>(.*?)</\1>", re.S | re.I)


def policy_for(html: bytes) -> str:
    """The site's policy for one page: its own files, plus the hashes of the inline scripts and
    style elements the theme writes into it (never 'unsafe-inline')."""
    hashes: dict[str, list[str]] = {"script": [], "style": []}
    for kind, body in INLINE.findall(html):
        digest = base64.b64encode(hashlib.sha256(body).digest()).decode()
        hashes[kind.decode().lower()].append(f"'sha256-{digest}'")
    return ("default-src 'self'; script-src 'self' " + " ".join(hashes["script"])
            + "; style-src 'self' " + " ".join(hashes["style"])
            + "; object-src 'none'; base-uri 'self'; form-action 'self'; img-src 'self' data:")


class SiteHandler(SimpleHTTPRequestHandler):
    """Static files with the Content-Security-Policy header on every HTML page, the policy made
    from the page as built (kept, so a script injected into the file later is not allowed)."""

    policies: dict[Path, str] = {}

    def log_message(self, format: str, *args) -> None:
        pass

    def end_headers(self) -> None:
        path = Path(self.translate_path(self.path))
        if path.is_dir():
            path = path / "index.html"
        if path.suffix == ".html" and path.is_file():
            if path not in self.policies:
                self.policies[path] = policy_for(path.read_bytes())
            self.send_header("Content-Security-Policy", self.policies[path])
        super().end_headers()


@pytest.fixture(scope="module")
def site(tmp_path_factory) -> Path:
    builddir = tmp_path_factory.mktemp("readers")
    result = subprocess.run(["make", "html", f"BUILDDIR={builddir}", "SPHINXOPTS=-q"], cwd=REPO,
                            capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr
    return builddir / "html"


@pytest.fixture(scope="module")
def server(site) -> Iterator[str]:
    with serving(functools.partial(SiteHandler, directory=str(site))) as url:
        yield url


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    with isolated_chromium() as chromium:
        yield chromium


# Every CSP violation, every failed request and every console error of a page, as it loads.
WATCH = """
window.__violations = [];
document.addEventListener('securitypolicyviolation', e => window.__violations.push({
  directive: e.violatedDirective, blocked: e.blockedURI, sample: e.sample,
  where: e.target && e.target.closest ? (e.target.closest('[class]') || e.target).className.toString() : ''}));
"""


@pytest.fixture
def open_page(browser, server) -> Iterator[Callable[..., Page]]:
    contexts = []

    def open_(viewport: dict[str, int] = DESKTOP, theme: str = "light", bypass_csp: bool = False) -> Page:
        context = browser.new_context(base_url=server, viewport=viewport, color_scheme=theme, bypass_csp=bypass_csp)
        context.add_init_script(f"try {{ localStorage.setItem('theme', '{theme}'); }} catch (e) {{}}")
        context.add_init_script(WATCH)
        contexts.append(context)
        page = context.new_page()
        page.failed = []  # type: ignore[attr-defined]
        page.on("response", lambda response: response.status >= 400 and page.failed.append(response.url))
        # A request the page itself abandons by moving on (a favicon still loading when a link is
        # clicked) is not a missing file: Chromium reports it as net::ERR_ABORTED.
        page.on("requestfailed", lambda request: request.failure != "net::ERR_ABORTED"
                and page.failed.append(request.url))
        return page

    yield open_
    for context in contexts:
        context.close()


def go(page: Page, path: str) -> None:
    page.goto(path)
    page.wait_for_load_state("networkidle")


def violations(page: Page) -> list[dict]:
    return page.evaluate("window.__violations")


# Elements of the reader features; a violation on any of them is theirs. (The theme's own inline
# style attributes are the site-wide policy's business, not these features'.)
FEATURES = ("handbook-decision-map", "handbook-map", "handbook-tag", "handbook-whats-new", "handbook-owner",
            "handbook-review", "handbook-task", "task-list", "handbook-feed-link")


def feature_violations(page: Page) -> list[dict]:
    """Violations on the reader features' elements, and any script refused anywhere."""
    return [v for v in violations(page)
            if any(feature in v["where"] for feature in FEATURES) or v["directive"].startswith("script-src")]


def no_sideways_scroll(page: Page) -> bool:
    return page.evaluate("document.scrollingElement.scrollWidth <= document.scrollingElement.clientWidth")


# --- 1. the decision map --------------------------------------------------------------------------

@pytest.mark.parametrize("path", [ADR_INDEX, RFC_INDEX])
def test_decision_map_boxes_are_links_to_their_records(open_page, server, path):
    page = open_page()
    go(page, path)
    boxes = page.locator("svg.handbook-decision-map a")
    assert boxes.count() >= 8  # every ADR and RFC of the handbook
    names = boxes.evaluate_all("links => links.map(a => a.querySelector('title').textContent)")
    assert "ADR-0005 · 2026-10-26 · superseded: Maintain the decision index by hand" in names
    superseded = page.locator("svg.handbook-decision-map a[href*='0005-maintain']").first
    assert superseded.locator("rect").get_attribute("fill") == "#7339c9"
    assert page.locator("svg.handbook-decision-map path.handbook-map-supersedes").count() >= 1
    box = superseded.bounding_box()
    assert box and box["width"] > 200 and box["height"] > 20, "boxes are drawn at a readable size"
    superseded.click()
    page.wait_for_url(urljoin(server, "engineering/adr/0005-maintain-the-decision-index-by-hand.html"))
    assert page.locator("article h1").first.inner_text().startswith("ADR-0005")
    assert page.failed == [] and feature_violations(page) == []


def test_decision_map_is_reachable_by_keyboard(open_page):
    page = open_page()
    go(page, ADR_INDEX)
    first = page.locator("svg.handbook-decision-map a").first
    first.focus()
    assert page.evaluate("document.activeElement.closest('svg.handbook-decision-map') !== null")
    stroke = first.locator("rect").evaluate("r => getComputedStyle(r).strokeWidth")
    assert stroke == "3px", "a focused box is outlined"


def test_decision_map_fits_a_phone_without_sideways_scrolling(open_page):
    page = open_page(PHONE)
    go(page, ADR_INDEX)
    assert no_sideways_scroll(page)
    svg = page.locator("svg.handbook-decision-map").first.bounding_box()
    assert svg and svg["x"] >= 0 and svg["x"] + svg["width"] <= PHONE["width"]
    size = page.locator("svg.handbook-decision-map text.handbook-map-title").first.evaluate(
        "t => t.getBoundingClientRect().height")
    assert size >= 10, "the titles stay readable at phone width"


# --- 2. tags -------------------------------------------------------------------------------------------

def test_tags_lead_to_a_page_per_tag_and_the_index_counts_them(open_page, server):
    page = open_page()
    go(page, RUNBOOK)
    chip = page.locator("p.handbook-tags a", has_text="ci")
    chip.click()
    page.wait_for_url(urljoin(server, "tags/ci.html"))
    listed = page.locator("ul.handbook-tag-pages li a").all_inner_texts()
    assert "The handbook build fails" in listed
    page.locator("a", has_text="All tags").click()
    page.wait_for_url(urljoin(server, TAGS))
    counts = dict(zip(page.locator("ul.handbook-tag-index .handbook-tag").all_inner_texts(),
                      page.locator("ul.handbook-tag-index .handbook-tag-count").all_inner_texts(), strict=True))
    assert counts["ci"] == f"{len(listed)} pages"
    for name in counts:
        page.locator("ul.handbook-tag-index a", has_text=name).first.click()
        assert page.locator("article h1").inner_text() == f"Tagged “{name}”"
        n = page.locator("ul.handbook-tag-pages li").count()
        assert counts[name] == f"{n} page{'s' if n != 1 else ''}"
        page.go_back()
    assert page.failed == [] and feature_violations(page) == []


def test_record_tags_in_the_status_box_are_links(open_page, server):
    page = open_page()
    go(page, "engineering/adr/0003-build-the-pdf-with-lualatex.html")
    page.locator(".handbook-status-box a", has_text="pdf").click()
    page.wait_for_url(urljoin(server, "tags/pdf.html"))
    assert "ADR-0003: Build the PDF with LuaLaTeX" in page.locator("ul.handbook-tag-pages").inner_text()


# --- 3. What's new and the feed ----------------------------------------------------------------------

def test_whats_new_shows_history_and_the_feed_it_links_is_atom(open_page, server):
    page = open_page()
    go(page, WHATS_NEW)
    decisions = page.locator("table.handbook-whats-new-decisions tbody tr").count()
    assert decisions >= 8
    assert "proposed → accepted" in page.locator("table.handbook-whats-new-decisions").inner_text()
    assert page.locator("table.handbook-whats-new-pages tbody tr").count() >= 3
    feed_link = page.locator("head link[rel='alternate'][type='application/atom+xml']")
    assert feed_link.count() == 1
    assert page.failed == []
    page.locator("a", has_text="Atom feed of decision records").click()
    page.wait_for_url(urljoin(server, "decisions.atom"))
    response = page.request.get(urljoin(server, "decisions.atom"))
    assert response.status == 200
    feed = SafeET.fromstring(response.body())
    entries = feed.findall("{http://www.w3.org/2005/Atom}entry")
    assert len(entries) == decisions


# --- 4. the review page -------------------------------------------------------------------------------

def test_review_page_lists_every_owned_page(open_page, server):
    page = open_page()
    go(page, OWNERS)
    owners = page.locator("p.handbook-owner strong").all_inner_texts()
    assert "handbook-maintainers" in owners
    links = page.locator("table.handbook-owners-by-owner a").evaluate_all("as => as.map(a => a.href)")
    assert urljoin(server, RUNBOOK) in links
    assert page.failed == [] and feature_violations(page) == []


# --- 5. rough edges ------------------------------------------------------------------------------------

def test_no_page_requests_anything_that_is_missing_and_favicon_ico_exists(open_page, server):
    page = open_page()
    for path in READER_PAGES:
        go(page, path)
        assert page.failed == [], f"{path}: {page.failed}"
        icon = page.locator("head link[rel~='icon']")
        assert icon.count() == 1 and page.request.get(icon.get_attribute("href") and
                                                      urljoin(page.url, icon.get_attribute("href"))).status == 200
    response = page.request.get(urljoin(server, "favicon.ico"))
    assert response.status == 200 and response.body()[:4] == b"\x00\x00\x01\x00"


def test_checklist_has_no_bullets_and_boxes_tick_with_room_beside_the_text(open_page):
    page = open_page()
    go(page, PEOPLE)
    items = page.locator("li.task-list-item")
    assert items.count() >= 10
    assert items.first.evaluate("li => getComputedStyle(li).listStyleType") == "none"
    for index in range(items.count()):
        box = items.nth(index).locator("input[type=checkbox]")
        assert box.is_enabled()
        label = items.nth(index).locator("label.handbook-task")
        gap = label.evaluate("""l => {
            const box = l.querySelector('input').getBoundingClientRect();
            const range = document.createRange();
            range.setStart(l.querySelector('input').nextSibling, 0);
            range.setEnd(l.querySelector('input').nextSibling, 1);
            return range.getBoundingClientRect().left - box.right; }""")
        assert gap >= 6, f"item {index}: the box is {gap:.1f}px from its text"
    first = items.first
    first.locator("label").click(position={"x": 60, "y": 5})  # on the text, not the box
    assert first.locator("input").is_checked()
    name = page.evaluate("""() => { const i = document.querySelector('li.task-list-item input');
        return i.labels.length && i.labels[0].textContent.trim(); }""")
    assert name.startswith("Read the Engineering overview")


def test_adr_index_on_a_phone_needs_no_sideways_scrolling_and_ids_never_break(open_page):
    page = open_page(PHONE)
    go(page, ADR_INDEX)
    assert no_sideways_scroll(page)
    ids = page.locator("table.handbook-record-index td").evaluate_all("""cells => cells.flatMap(td =>
        Array.from(td.querySelectorAll('a, p')).filter(e => /^(ADR|RFC)-\\d+$/.test(e.textContent.trim()))
          .map(e => [e.textContent.trim(), e.getClientRects().length]))""")
    assert len(ids) >= 12 and all(lines == 1 for _, lines in ids), ids
    for column in (4, 5):  # Date and Relations: on screen, not off to the right
        edges = page.locator(f"table.handbook-record-index td:nth-child({column})").evaluate_all(
            "cells => cells.filter(c => c.offsetParent).map(c => [c.getBoundingClientRect().left, "
            "c.getBoundingClientRect().right])")
        assert edges and all(0 <= left and right <= PHONE["width"] for left, right in edges), (column, edges)


def test_front_matter_looks_the_same_in_every_template_listing(open_page):
    page = open_page()
    go(page, TEMPLATES)
    listings = page.locator("div.highlight-markdown pre")
    assert listings.count() == 3
    shapes = []
    for index in range(listings.count()):
        shapes.append(listings.nth(index).evaluate("""pre => {
            const lines = pre.textContent.split('\\n'); const end = lines.indexOf('---', 1);
            const spans = Array.from(pre.querySelectorAll('span[class]'));
            const keys = spans.filter(s => s.className === 'nt').map(s => getComputedStyle(s).color);
            const headings = spans.filter(s => /^(gh|gu)$/.test(s.className))
                                  .map(s => s.textContent).filter(t => t.startsWith('---') || /^[a-z-]+:/.test(t));
            return {end, keys: Array.from(new Set(keys)), headings}; }"""))
    assert all(shape["headings"] == [] for shape in shapes), shapes
    assert all(len(shape["keys"]) == 1 for shape in shapes)
    assert len({shape["keys"][0] for shape in shapes}) == 1, "keys share one colour in every listing"


def test_copied_commands_never_end_with_a_newline(open_page, server):
    page = open_page()
    page.context.grant_permissions(["clipboard-read", "clipboard-write"],
                                   origin=f"{urlsplit(server).scheme}://{urlsplit(server).netloc}")
    copied_any = 0
    for path in (RUNBOOK, PEOPLE, TEMPLATES, ADR_INDEX):
        go(page, path)
        for block in page.locator("div.highlight").all():
            page.evaluate("navigator.clipboard.writeText('x')")
            block.scroll_into_view_if_needed()
            block.hover()
            block.locator(".copybtn").click()
            copied = page.evaluate("navigator.clipboard.readText()")
            assert copied and not copied.endswith("\n"), f"{path}: {copied!r}"
            assert not re.search(r"^\$ ", copied, re.M), f"{path}: a prompt was copied: {copied!r}"
            copied_any += 1
    assert copied_any >= 15
    assert feature_violations(page) == []


# --- accessibility and the policy, page by page ---------------------------------------------------------

@pytest.mark.parametrize("theme", ["light", "dark"])
def test_reader_pages_have_no_serious_accessibility_findings(open_page, theme):
    if not AXE.is_file():
        pytest.fail(f"axe-core is not installed ({AXE.relative_to(REPO)}): run `npm ci --prefix tests/browser`",
                    pytrace=False)
    page = open_page(theme=theme, bypass_csp=True)  # axe itself is injected as an inline script
    found = []
    for path in READER_PAGES:
        go(page, path)
        page.add_script_tag(path=str(AXE))
        for violation in page.evaluate("async () => (await axe.run()).violations"):
            if violation["impact"] in ("serious", "critical"):
                targets = "; ".join(" ".join(map(str, node["target"])) for node in violation["nodes"])
                found.append(f"{path} ({theme}): [{violation['impact']}] {violation['id']}: {targets}")
    assert not found, "axe-core found:\n" + "\n".join(found)


@pytest.mark.parametrize("viewport", [DESKTOP, PHONE], ids=["desktop", "phone"])
def test_reader_features_cause_no_policy_violation(open_page, viewport):
    page = open_page(viewport)
    theirs = []
    for path in READER_PAGES:
        go(page, path)
        theirs += [f"{path}: {v}" for v in feature_violations(page)]
    assert theirs == []


def test_an_inline_script_injected_into_a_page_does_not_run(open_page, site, server):
    """The policy the features are tested under is real: inline script is refused."""
    page_file = site / "tags.html"
    original = page_file.read_bytes()
    page = open_page()
    go(page, TAGS)  # the policy is made from the page as built
    try:
        page_file.write_bytes(original.replace(b"</article>", b"<script>window.__ran = 1</script></article>"))
        page.reload()
        page.wait_for_load_state("networkidle")
        assert "window.__ran" in page.content()
        assert page.evaluate("window.__ran") is None
        assert any(v["directive"].startswith("script-src") for v in violations(page))
    finally:
        page_file.write_bytes(original)
