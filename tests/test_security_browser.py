"""The Content-Security-Policy in Chromium: the whole handbook works under it with no violation,
and a script that got past the gate does not run.

The handbook is built with `make html` (a small stand-in PDF where `make pdf` would put the real
one, so the download link is there; tests/test_browser.py checks the real PDF), served from
127.0.0.1, and read by Debian's Chromium with every other origin refused.
"""

from __future__ import annotations

import functools
from collections.abc import Iterator
from pathlib import Path

import pytest
from conftest import write_tree
from playwright.sync_api import Page, expect
from test_browser import (
    PDF_NAME,
    RUNBOOK,
    SiteHandler,
    isolated_chromium,
    make,
    origin,
    serving,
)

from handbook.policy import csp

pytestmark = [pytest.mark.browser, pytest.mark.slow]

# Records every violation the page reports, before any of the page's own scripts runs
# (Playwright's init scripts are not subject to the page's policy).
RECORD_VIOLATIONS = """
window.__violations = [];
document.addEventListener('securitypolicyviolation', e => window.__violations.push(
    e.violatedDirective + ' ' + (e.blockedURI || 'inline') + ' ' + (e.sample || '')));
"""


@pytest.fixture(scope="module")
def site(tmp_path_factory) -> Path:
    builddir = tmp_path_factory.mktemp("csp")
    (builddir / "pdf").mkdir()
    (builddir / "pdf" / PDF_NAME).write_bytes(b"%PDF-1.4\n%stand-in\n")
    result = make("html", f"BUILDDIR={builddir}", "SPHINXOPTS=-q")
    assert result.returncode == 0, result.stdout + result.stderr
    return builddir / "html"


@pytest.fixture(scope="module")
def browser() -> Iterator:
    with isolated_chromium() as chromium:
        yield chromium


def reader(browser, root: Path) -> Iterator[tuple[Page, list[str], list[str]]]:
    """A page on a server of ``root``; the console's CSP messages and every dialog, recorded."""
    with serving(functools.partial(SiteHandler, directory=str(root))) as url:
        context = browser.new_context(base_url=url, accept_downloads=True, viewport={"width": 1440, "height": 900})
        context.add_init_script(RECORD_VIOLATIONS)
        page = context.new_page()
        console: list[str] = []
        dialogs: list[str] = []
        page.on("console", lambda message: console.append(message.text)
                if "Content Security Policy" in message.text or "Content-Security-Policy" in message.text else None)

        def on_dialog(dialog) -> None:
            dialogs.append(dialog.message)
            dialog.dismiss()

        page.on("dialog", on_dialog)
        page.context.grant_permissions(["clipboard-read", "clipboard-write"], origin=origin(url))
        try:
            yield page, console, dialogs
        finally:
            context.close()


@pytest.fixture
def handbook(browser, site):
    yield from reader(browser, site)


def no_violations(page: Page, console: list[str]) -> None:
    assert console == [], console
    assert page.evaluate("window.__violations") == []


def test_every_page_carries_the_policy_before_any_script(site):
    pages = [path for path in site.rglob("*.html") if "_static" not in path.parts]
    assert len(pages) > 15
    for path in pages:
        html = path.read_text(encoding="utf-8")
        assert csp.meta_tag().strip() in html, path
        assert html.index("Content-Security-Policy") < html.find("<script"), path


def test_the_policy_is_strict():
    policy = csp.policy()
    directives = {part.split()[0]: part.split()[1:] for part in policy.split("; ")}
    assert directives["default-src"] == ["'self'"]
    assert "'unsafe-inline'" not in directives["script-src"] and "'unsafe-eval'" not in directives["script-src"]
    assert directives["script-src"][:2] == ["'self'", "'wasm-unsafe-eval'"]  # the search's WebAssembly
    assert all(s.startswith("'sha256-") for s in directives["script-src"][2:])
    assert directives["object-src"] == ["'none'"]
    assert directives["base-uri"] == ["'self'"] and directives["form-action"] == ["'self'"]


def test_search_works_under_the_policy(handbook):
    page, console, _ = handbook
    page.goto("search.html?q=decision")
    expect(page.locator(".handbook-search-status")).to_contain_text("match", timeout=15_000)
    assert page.locator(".handbook-search-result").count() > 0
    no_violations(page, console)


def test_theme_toggle_works_under_the_policy(handbook):
    page, console, _ = handbook
    page.goto("index.html")
    before = page.locator("body").get_attribute("data-theme")
    page.locator("button.theme-toggle:visible").first.click()
    expect(page.locator("body")).not_to_have_attribute("data-theme", before or "")
    chosen = page.locator("body").get_attribute("data-theme")
    page.reload()  # the inline theme script (allowed by its hash) applies the choice before paint
    expect(page.locator("body")).to_have_attribute("data-theme", chosen)
    no_violations(page, console)


def test_copy_button_works_under_the_policy(handbook):
    page, console, _ = handbook
    page.goto(RUNBOOK)
    block = next(block for block in page.locator("div.highlight-console").all()
                 if block.locator("pre").inner_text().startswith("$ "))
    block.hover()
    block.locator(".copybtn").click()
    copied = page.evaluate("navigator.clipboard.readText()")
    assert copied.strip() and not copied.startswith("$ ")
    no_violations(page, console)


def test_pdf_download_works_under_the_policy(handbook, tmp_path):
    page, console, _ = handbook
    page.goto("engineering/index.html")
    with page.expect_download() as download_info:
        page.locator(".sidebar-drawer .handbook-download-pdf a").click()
    saved = tmp_path / PDF_NAME
    download_info.value.save_as(saved)
    assert saved.read_bytes().startswith(b"%PDF-")
    no_violations(page, console)


def test_404_page_works_under_the_policy(handbook):
    page, console, _ = handbook
    response = page.goto("no/such/page.html")
    assert response.status == 404
    expect(page.locator("article h1")).to_be_visible()
    expect(page.locator(".sidebar-tree")).to_be_visible()
    no_violations(page, console)


def test_a_script_past_the_gate_does_not_run(browser, tmp_path):
    """A plain `make html` (no gate) of a page with inline script: the policy stops every one."""
    src = write_tree(tmp_path / "src", {"index.md": """\
        # Injected

        <script>window.__ran = "inline"; alert("inline")</script>

        <img src="missing.png" onerror="window.__ran = 'handler'; alert('handler')">

        <a id="go" href="javascript:window.__ran='link';alert('link')">go</a>
        """})
    result = make("html", f"SOURCEDIR={src}", f"BUILDDIR={tmp_path / 'out'}", "SPHINXOPTS=-q")
    assert result.returncode == 0, result.stdout + result.stderr
    for page, _console, dialogs in reader(browser, tmp_path / "out" / "html"):
        page.goto("index.html")
        page.locator("#go").click()
        page.wait_for_timeout(300)
        assert page.evaluate("window.__ran") is None
        assert dialogs == []
        blocked = page.evaluate("window.__violations")
        assert len(blocked) >= 3 and all(v.startswith("script-src") for v in blocked), blocked


def test_readme_shows_the_same_policy_as_a_header():
    readme = (Path(__file__).parent.parent / "README.md").read_text(encoding="utf-8")
    assert f"Content-Security-Policy: {csp.policy()}; frame-ancestors 'self'\n" in readme
