"""The built handbook in a real browser: readers find every page, copy commands, download the PDF,
use it on a phone and with assistive technology, and nothing is fetched from anywhere else.

The site is built once (`make pdf`, then `make html`, so it carries the PDF), served from
127.0.0.1 by a real HTTP server, and read by Debian's Chromium through Playwright. Every request
for another origin goes to a proxy that refuses it, so no test can reach past this machine.
"""

from __future__ import annotations

import contextlib
import functools
import json
import os
import pickle
import re
import subprocess
import threading
from collections.abc import Callable, Iterator
from http.server import BaseHTTPRequestHandler, SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import urljoin, urlsplit

import pytest
from pdf import pdf_name
from playwright.sync_api import Browser, BrowserContext, Page, expect, sync_playwright
from playwright.sync_api import Error as PlaywrightError

pytestmark = [pytest.mark.browser, pytest.mark.slow]

REPO = Path(__file__).resolve().parent.parent
CHROMIUM = "/usr/bin/chromium"
# No background traffic of the browser's own: the machine has no network, and the tests must not need one.
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
                 "--disable-sync", "--no-first-run", "--disable-quic"]
AXE = REPO / "tests" / "browser" / "node_modules" / "axe-core" / "axe.min.js"
# Screenshots go to a temporary folder (a test leaves nothing in the checkout); set
# HANDBOOK_SCREENSHOTS to a folder to keep them and look at them.
SCREENSHOTS_KEPT = os.environ.get("HANDBOOK_SCREENSHOTS", "")
PDF_NAME = pdf_name(REPO / "conf")  # as conf.py names it

DESKTOP = {"width": 1440, "height": 900}  # wide enough for Furo to show the "On this page" column
PHONE = {"width": 390, "height": 844}
THEMES = ["light", "dark"]

ADR_INDEX = "engineering/adr/index.html"
ADR = "engineering/adr/0005-maintain-the-decision-index-by-hand.html"  # superseded: notice, box and links
ACCEPTED_ADR = "engineering/adr/0001-record-architecture-decisions.html"
RUNBOOK = "engineering/runbooks/build-fails.html"  # console blocks, one with an output line


# --- the site, its server and the browser -------------------------------------------------------

def make(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run(["make", *args], cwd=REPO, capture_output=True, text=True)


@pytest.fixture(scope="module")
def site(tmp_path_factory) -> Path:
    """BUILDDIR after `make pdf` then `make html`, as the publish runbook does it."""
    builddir = tmp_path_factory.mktemp("browser")
    for target in ("pdf", "html"):
        result = make(target, f"BUILDDIR={builddir}", "SPHINXOPTS=-q")
        assert result.returncode == 0, f"make {target} failed:\n{result.stdout}{result.stderr}"
    return builddir


class SiteHandler(SimpleHTTPRequestHandler):
    """Static files, quietly; a missing page gets the handbook's 404 page, as on GitHub Pages."""

    def log_message(self, format: str, *args) -> None:
        pass

    def send_error(self, code: int, message: str | None = None, explain: str | None = None) -> None:
        not_found = Path(self.directory) / "404.html"
        if code != 404 or not not_found.is_file():
            super().send_error(code, message, explain)
            return
        body = not_found.read_bytes()
        self.send_response(404)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)


class RefusingProxy(BaseHTTPRequestHandler):
    """The browser's proxy for every origin but 127.0.0.1: whatever it is asked, it answers 403."""

    def log_message(self, format: str, *args) -> None:
        pass

    def refuse(self) -> None:
        self.send_error(403, "the browser tests reach nothing but 127.0.0.1")

    do_GET = do_HEAD = do_POST = do_PUT = do_DELETE = do_OPTIONS = do_PATCH = do_CONNECT = refuse


@contextlib.contextmanager
def serving(handler: Callable[..., BaseHTTPRequestHandler]) -> Iterator[str]:
    """A real HTTP server on a free port of 127.0.0.1, in a thread; yields its base URL."""
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=httpd.serve_forever, name="handbook-test-server", daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{httpd.server_address[1]}/"
    finally:
        httpd.shutdown()
        httpd.server_close()
        thread.join()


@pytest.fixture(scope="module")
def server(site) -> Iterator[str]:
    """The built site; its base URL, ending in a slash."""
    with serving(functools.partial(SiteHandler, directory=str(site / "html"))) as url:
        yield url


@contextlib.contextmanager
def isolated_chromium() -> Iterator[Browser]:
    """Chromium, with every request for another origin sent to a proxy that refuses it: nothing
    leaves this machine, whatever a page asks for (requests to 127.0.0.1 never use the proxy).
    Every browser test module takes its browser from here."""
    with serving(RefusingProxy) as proxy, sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS,
                                              proxy={"server": proxy, "bypass": "127.0.0.1"})
        try:
            yield chromium
        finally:
            chromium.close()


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    with isolated_chromium() as chromium:
        yield chromium


def origin(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}"


@pytest.fixture(scope="module")
def contexts(browser, server) -> Iterator[Callable[..., BrowserContext]]:
    """Browser contexts on the site, one per theme and viewport, shared by the module's tests;
    the theme is chosen before any page loads."""
    opened: dict[tuple[str, int, int], BrowserContext] = {}

    def context_for(theme: str = "light", viewport: dict[str, int] = DESKTOP) -> BrowserContext:
        key = (theme, viewport["width"], viewport["height"])
        if key not in opened:
            context = browser.new_context(base_url=server, viewport=viewport, color_scheme=theme)
            # Furo keeps the reader's choice in localStorage["theme"] and applies it as body[data-theme].
            context.add_init_script(f"try {{ localStorage.setItem('theme', {json.dumps(theme)}); }} catch (e) {{}}")
            opened[key] = context
        return opened[key]

    yield context_for
    for context in opened.values():
        context.close()


@pytest.fixture
def open_page(contexts) -> Iterator[Callable[..., Page]]:
    """A new page in the context for a theme and viewport; closed when the test ends."""
    pages: list[Page] = []

    def open_(theme: str = "light", viewport: dict[str, int] = DESKTOP) -> Page:
        pages.append(contexts(theme, viewport).new_page())
        return pages[-1]

    yield open_
    for page in pages:
        page.close()


@pytest.fixture
def page(open_page) -> Page:
    return open_page()


def built_pages(site: Path) -> set[str]:
    """Every document of the build, from the environment Sphinx saved."""
    with open(site / "html" / ".doctrees" / "environment.pickle", "rb") as handle:
        env = pickle.load(handle)
    return set(env.found_docs)


def heading(page: Page) -> str:
    return page.locator("article h1").first.inner_text().strip()


# --- colours: WCAG 2 relative luminance and contrast ratio -----------------------------------------

def parse_colour(css: str) -> tuple[float, float, float, float]:
    """A computed CSS colour as (r, g, b) in 0..255 and alpha in 0..1."""
    match = re.fullmatch(r"rgba?\(\s*([\d.]+)[,\s]+([\d.]+)[,\s]+([\d.]+)(?:\s*[,/]\s*([\d.]+))?\s*\)", css.strip())
    if match:
        r, g, b, a = match.groups()
        return float(r), float(g), float(b), float(a) if a is not None else 1.0
    match = re.fullmatch(r"color\(srgb\s+([\d.]+)\s+([\d.]+)\s+([\d.]+)(?:\s*/\s*([\d.]+))?\s*\)", css.strip())
    if match:
        r, g, b, a = match.groups()
        return float(r) * 255, float(g) * 255, float(b) * 255, float(a) if a is not None else 1.0
    raise AssertionError(f"cannot read the computed colour {css!r}")


def over(top: tuple[float, float, float, float], bottom: tuple[float, float, float]) -> tuple[float, float, float]:
    """A colour with alpha painted over an opaque one."""
    alpha = top[3]
    return tuple(top[i] * alpha + bottom[i] * (1 - alpha) for i in range(3))


def relative_luminance(rgb: tuple[float, float, float]) -> float:
    """WCAG 2: L = 0.2126 R + 0.7152 G + 0.0722 B of the linearised sRGB channels."""
    def linear(channel: float) -> float:
        c = channel / 255
        return c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4

    r, g, b = (linear(channel) for channel in rgb)
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def contrast_ratio(first: tuple[float, float, float], second: tuple[float, float, float]) -> float:
    """WCAG 2: (L1 + 0.05) / (L2 + 0.05), the lighter colour's luminance on top."""
    lighter, darker = sorted((relative_luminance(first), relative_luminance(second)), reverse=True)
    return (lighter + 0.05) / (darker + 0.05)


# The element's text colour and the background colours from it up to <html>, as computed.
COLOURS_JS = """element => {
    const backgrounds = [];
    for (let node = element; node; node = node.parentElement) {
        backgrounds.push(getComputedStyle(node).backgroundColor);
    }
    return {text: getComputedStyle(element).color, backgrounds};
}"""


def text_contrast(element) -> float:
    """The contrast of an element's text with what is painted behind it (the canvas is white)."""
    colours = element.evaluate(COLOURS_JS)
    behind = (255.0, 255.0, 255.0)
    for css in reversed(colours["backgrounds"]):  # paint from <html> down to the element
        behind = over(parse_colour(css), behind)
    return contrast_ratio(over(parse_colour(colours["text"]), behind), behind)


def test_contrast_formula_matches_wcag_examples():
    assert contrast_ratio((0, 0, 0), (255, 255, 255)) == pytest.approx(21.0)
    assert contrast_ratio((119, 119, 119), (255, 255, 255)) == pytest.approx(4.48, abs=0.01)
    assert parse_colour("rgba(0, 0, 0, 0)") == (0, 0, 0, 0)


# --- 1. findability --------------------------------------------------------------------------------

def test_home_cards_lead_to_every_section(page, site, server):
    page.goto("index.html")
    cards = page.locator(".sd-card")
    titles = [title.strip() for title in cards.locator(".sd-card-title").all_inner_texts()]
    targets = cards.locator("a.sd-stretched-link").evaluate_all("links => links.map(a => a.href)")
    assert len(titles) == len(targets) == cards.count() > 0
    for index, (title, target) in enumerate(zip(titles, targets, strict=False)):
        cards.nth(index).click()  # anywhere on the card, not only its title
        page.wait_for_url(target)
        assert heading(page) == title, f"the card {title!r} led to {page.url}"
        page.go_back()
        page.wait_for_url(urljoin(server, "index.html"))
    sections = {urljoin(server, f"{doc}.html") for doc in built_pages(site) if doc.endswith("/index")}
    assert set(targets) == sections, "every section, and only sections, has a card on the home page"


@pytest.mark.parametrize("word, where", [("architecture", "title"), ("Nygard", "body")])
def test_search_finds_a_decision_record(page, word, where):
    page.goto(ACCEPTED_ADR)
    title = heading(page)
    assert (word.lower() in title.lower()) == (where == "title"), f"{word!r} is not only in the {where}"
    assert word.lower() in page.locator("article").inner_text().lower()
    page.goto(f"search.html?q={word}")
    # Pagefind's search runs in the page, offline; the status line comes once results are shown.
    expect(page.locator(".handbook-search-status")).to_contain_text("match", timeout=15_000)
    results = page.locator(".handbook-search-result > a").evaluate_all(
        "links => links.map(a => [a.getAttribute('href'), a.textContent])")
    pages = {text for href, text in results if re.split(r"[#?]", href)[0].lstrip("/") == ACCEPTED_ADR}
    assert title in pages, f"searching {word!r} did not find {title!r}: {results}"


def test_sidebar_lists_every_page(page, site, server):
    page.goto("index.html")
    listed = page.locator(".sidebar-tree a.reference").evaluate_all("links => links.map(a => a.href)")
    listed = {url.split("#")[0] for url in listed}
    expected = {urljoin(server, f"{doc}.html") for doc in built_pages(site) - {"index"}}
    assert len(expected) >= 15
    assert listed == expected, f"missing: {sorted(expected - listed)}; extra: {sorted(listed - expected)}"
    home = page.locator("a.sidebar-brand").evaluate("a => a.href")
    assert home.split("#")[0] == urljoin(server, "index.html")


@pytest.mark.parametrize("theme", THEMES)
def test_status_badges_visible_with_enough_contrast(open_page, theme):
    page = open_page(theme)
    for path, least in ((ADR_INDEX, 6), (ADR, 1)):
        page.goto(path)
        assert page.locator("body").get_attribute("data-theme") == theme
        badges = page.locator("article .handbook-badge")
        assert badges.count() >= least, f"{path}: {badges.count()} badges"
        for badge in badges.all():
            expect(badge).to_be_visible()
            ratio = text_contrast(badge)
            assert ratio >= 4.5, f"{path} ({theme}): badge {badge.inner_text()!r} has contrast {ratio:.2f}:1"
    expect(page.locator("article .handbook-status-box")).to_be_visible()


# --- 2. copying commands -------------------------------------------------------------------------

def test_copy_button_copies_commands_without_prompts_or_output(page, server):
    # Reading the clipboard back needs the permission; it stays granted for the shared context.
    page.context.grant_permissions(["clipboard-read", "clipboard-write"], origin=origin(server))
    page.goto(RUNBOOK)
    blocks = [block for block in page.locator("div.highlight-console").all()
              if block.locator("pre").inner_text().startswith("$ ")]
    assert len(blocks) >= 2
    with_output = 0
    for block in blocks:
        lines = block.locator("pre").inner_text().splitlines()
        commands = [line[2:] for line in lines if line.startswith("$ ")]
        with_output += len(commands) < len(lines)
        page.evaluate("navigator.clipboard.writeText('')")
        block.hover()
        block.locator(".copybtn").click()
        copied = page.evaluate("navigator.clipboard.readText()")
        assert copied.rstrip("\n") == "\n".join(commands), f"copied {copied!r} from {lines!r}"
    assert with_output, "no console block with an output line on the runbook"


# --- 3. the PDF ---------------------------------------------------------------------------------

def test_download_pdf_link_downloads_the_handbook(page, site, tmp_path):
    page.goto("engineering/index.html")
    link = page.locator(".sidebar-drawer .handbook-download-pdf a")
    expect(link).to_be_visible()
    expect(link).to_have_text("Download PDF")
    with page.expect_download() as download_info:
        link.click()
    download = download_info.value
    assert download.suggested_filename == PDF_NAME
    saved = tmp_path / PDF_NAME
    download.save_as(saved)
    data = saved.read_bytes()
    assert data.startswith(b"%PDF-")
    assert data == (site / "pdf" / PDF_NAME).read_bytes()


# --- 4. on a phone ---------------------------------------------------------------------------------

def test_phone_navigation_drawer_opens(open_page, server):
    page = open_page(viewport=PHONE)
    page.goto("index.html")
    drawer = page.locator(".sidebar-drawer")
    toggle = page.locator("label.nav-overlay-icon")
    expect(toggle).to_be_visible()
    expect(drawer).not_to_be_in_viewport()
    toggle.click()
    expect(drawer).to_be_in_viewport(ratio=0.9)
    link = drawer.locator(".sidebar-tree a.reference", has_text="Engineering").first
    expect(link).to_be_in_viewport()
    link.click()
    page.wait_for_url(urljoin(server, "engineering/index.html"))
    assert heading(page) == "Engineering"

    # A page with sections: the table of contents has its own drawer, from the right.
    page.goto(ADR)
    toc = page.locator(".toc-drawer")
    expect(toc).not_to_be_in_viewport()
    page.locator("label.toc-overlay-icon.toc-header-icon").click()
    expect(toc).to_be_in_viewport(ratio=0.9)
    expect(toc.locator(".toc-tree a", has_text="Context")).to_be_in_viewport()


# --- 5. nothing from another origin --------------------------------------------------------------------

@pytest.mark.parametrize("path", ["index.html", "engineering/index.html", ADR, ADR_INDEX,
                                  "search.html?q=decision", "no/such/page.html"])
def test_pages_request_nothing_from_another_origin(page, server, path):
    requested: list[str] = []
    page.on("request", lambda request: requested.append(request.url))
    response = page.goto(path)
    page.wait_for_load_state("networkidle")
    if path.startswith("search.html"):
        expect(page.locator(".handbook-search-status")).to_contain_text("match")
    if path.startswith("no/"):  # the server answers with the handbook's 404 page
        assert response.status == 404
        expect(page.locator("article h1")).to_be_visible()
        expect(page.locator(".sidebar-tree")).to_be_visible()  # its assets load from a nested path too
    assert len(requested) > 3
    foreign = [url for url in requested if not url.startswith(("data:", "blob:")) and origin(url) != origin(server)]
    assert not foreign, f"{path} requests from another origin: {foreign}"


def test_the_browser_reaches_nothing_but_127_0_0_1(page):
    """The guard itself: another origin is answered by the refusing proxy (.invalid never resolves)."""
    response = page.goto("http://handbook.invalid/page.html")
    assert response.status == 403 and "reach nothing but 127.0.0.1" in page.content()
    with pytest.raises(PlaywrightError, match="ERR_TUNNEL_CONNECTION_FAILED"):
        page.goto("https://handbook.invalid/page.html")


# --- 6. screenshots ------------------------------------------------------------------------------------

SHOTS = {
    "home": "index.html",
    "engineering": "engineering/index.html",
    "adr-index": ADR_INDEX,
    "adr": ADR,
    "runbook": RUNBOOK,
    "search": "search.html?q=decision",
}


def test_screenshots_of_key_pages(open_page, tmp_path):
    """Pictures of the key pages, in light and dark, on a desktop and a phone; kept with HANDBOOK_SCREENSHOTS."""
    screenshots = Path(SCREENSHOTS_KEPT) if SCREENSHOTS_KEPT else tmp_path
    screenshots.mkdir(parents=True, exist_ok=True)
    for old in screenshots.glob("*.png"):  # only this run's pictures, none left from renamed pages
        old.unlink()
    shots: dict[tuple[str, str, str], bytes] = {}
    for device, viewport in (("desktop", DESKTOP), ("phone", PHONE)):
        for theme in THEMES:
            page = open_page(theme, viewport)
            for name, path in SHOTS.items():
                if device == "phone" and name != "home":
                    continue
                page.goto(path)
                if name == "search":
                    expect(page.locator(".handbook-search-status")).to_contain_text("match")
                page.evaluate("document.fonts.ready.then(() => true)")
                file = screenshots / f"{name}-{theme}-{device}.png"
                page.screenshot(path=file, full_page=device == "desktop")
                shots[name, theme, device] = file.read_bytes()
    for (name, theme, device), data in shots.items():
        assert data.startswith(b"\x89PNG\r\n\x1a\n"), (name, theme, device)
        if theme == "dark":
            assert data != shots[name, "light", device], f"{name} ({device}) looks the same in both themes"


# --- 7. accessibility -------------------------------------------------------------------------------

@pytest.mark.parametrize("theme", THEMES)
def test_no_serious_accessibility_violations(request, theme):
    if not AXE.is_file():  # before building anything: say at once what to run
        pytest.fail(f"axe-core is not installed ({AXE.relative_to(REPO)} is missing): "
                    "run `npm ci --prefix tests/browser`", pytrace=False)
    page = request.getfixturevalue("open_page")(theme)
    # As an init script: the pages' Content-Security-Policy (rightly) refuses an injected <script>.
    page.add_init_script(path=str(AXE))
    found = []
    for path in ("index.html", "engineering/index.html", ADR, ADR_INDEX, RUNBOOK):
        page.goto(path)
        violations = page.evaluate("async () => (await axe.run()).violations")
        for violation in violations:
            if violation["impact"] in ("serious", "critical"):
                targets = "; ".join(" ".join(map(str, node["target"])) for node in violation["nodes"])
                found.append(f"{path} ({theme}): [{violation['impact']}] {violation['id']}: "
                             f"{violation['help']} -> {targets}")
    assert not found, "axe-core found:\n" + "\n".join(found)
