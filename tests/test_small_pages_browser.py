"""Small pages in a real browser: after load the sidebar is Furo's, node for node; without script the
page's branch is there and works; keyboard and screen-reader view unchanged; under
``Content-Security-Policy: script-src 'self'``, over HTTP and from ``file://``.

The same generated handbook is built twice, with Furo's whole tree in every page and with small
pages, each served from 127.0.0.1 with that policy as a header; Chromium reads both.
"""

from __future__ import annotations

import functools
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser
from test_browser import SiteHandler, isolated_chromium, serving
from test_small_pages import WHOLE, build, sources, write_tree

pytestmark = [pytest.mark.browser, pytest.mark.slow]

CSP = "script-src 'self'"
PAGES = ["index.html", "people/deep/next/next/index.html", "people/deep/next/next/next/next/next/index.html",
         "orphan.html", "engineering/adr/index.html", "engineering/topic-000/page-1.html", "about.html",
         "people/deep/side/leaf.html"]
SIDEBAR_JS = """() => {
    const tree = document.querySelector('.sidebar-tree');
    return {html: tree.outerHTML,
            checked: [...tree.querySelectorAll('input.toctree-checkbox')].map(box => box.checked)};
}"""


FOCUSED_JS = """() => {
    const element = document.activeElement;
    return element.closest('.sidebar-tree') ? [element.tagName, element.getAttribute('href'), element.textContent] : null;
}"""


class PolicyHandler(SiteHandler):
    """The site, every answer with the Content-Security-Policy the handbook is published under."""

    def end_headers(self) -> None:
        self.send_header("Content-Security-Policy", CSP)
        super().end_headers()


@pytest.fixture(scope="module")
def sites(tmp_path_factory) -> dict[str, Path]:
    root = tmp_path_factory.mktemp("small-browser")
    small = build(write_tree(root / "small", sources()), root / "_small")
    whole = build(write_tree(root / "whole", sources(), WHOLE), root / "_whole")
    return {"small": Path(small.outdir), "whole": Path(whole.outdir)}


@pytest.fixture(scope="module")
def servers(sites) -> Iterator[dict[str, str]]:
    with serving(functools.partial(PolicyHandler, directory=str(sites["small"]))) as small, \
            serving(functools.partial(PolicyHandler, directory=str(sites["whole"]))) as whole:
        yield {"small": small, "whole": whole}


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    with isolated_chromium() as chromium:
        yield chromium


def sidebar(browser: Browser, url: str, **options) -> dict:
    context = browser.new_context(viewport={"width": 1440, "height": 900}, **options)
    page = context.new_page()
    refused: list[str] = []
    page.on("console", lambda message: refused.append(message.text) if "Content Security Policy" in message.text
            and "handbook" in message.text else None)
    page.goto(url)
    page.wait_for_load_state("load")
    found = page.evaluate(SIDEBAR_JS)
    found["aria"] = page.locator(".sidebar-tree").aria_snapshot()
    found["refused"] = refused
    context.close()
    return found


@pytest.mark.parametrize("path", PAGES)
def test_sidebar_after_load_is_furos(browser, servers, path):
    small = sidebar(browser, servers["small"] + path)
    whole = sidebar(browser, servers["whole"] + path)
    assert small["refused"] == []  # the sidebar script ran under script-src 'self'
    assert "data-handbook" not in small["html"]
    assert small["html"] == whole["html"]
    assert small["checked"] == whole["checked"] and len(small["checked"]) > 10
    assert small["aria"] == whole["aria"]  # what a screen reader is given


def test_sidebar_from_file_urls_is_furos(browser, sites):
    for path in PAGES[:3]:
        small = sidebar(browser, (sites["small"] / path).as_uri())
        whole = sidebar(browser, (sites["whole"] / path).as_uri())
        assert small["html"] == whole["html"], path


def test_without_script_the_branch_is_there_and_works(browser, servers):
    context = browser.new_context(java_script_enabled=False, viewport={"width": 1440, "height": 900})
    page = context.new_page()
    page.goto(servers["small"] + "people/deep/next/index.html")  # Deep 1
    tree = page.locator(".sidebar-tree")
    for title in ("Engineering", "People", "Deep 0", "Deep 1", "Deep 2", "Side 1", "Side 0", "Conditional"):
        assert tree.get_by_role("link", name=title).first.is_visible(), title
    assert tree.get_by_role("link", name="Leaf 1").count() == 0  # a nephew's child: in the shared file
    tree.get_by_role("link", name="Side 1").first.click()  # a sibling, reached without script
    page.wait_for_url("**/people/deep/next/side/index.html")
    assert page.locator(".sidebar-tree").get_by_role("link", name="Leaf 1").is_visible()  # its children
    context.close()


def test_keyboard_reaches_the_same_links_in_the_same_order(browser, servers):
    orders = {}
    for name, server in servers.items():
        context = browser.new_context(viewport={"width": 1440, "height": 900})
        page = context.new_page()
        page.goto(server + "people/deep/next/next/index.html")
        page.locator(".sidebar-tree a").first.focus()
        order = []
        for _ in range(200):  # Tab from the first sidebar link until focus leaves the sidebar
            focused = page.evaluate(FOCUSED_JS)
            if focused is None:
                break
            order.append(focused)
            page.keyboard.press("Tab")
        # Enter on a focused sidebar link follows it, as in Furo.
        page.locator(".sidebar-tree a", has_text="Side 1").focus()
        page.keyboard.press("Enter")
        page.wait_for_url("**/people/deep/next/side/index.html")
        orders[name] = order
        context.close()
    assert orders["small"] == orders["whole"]
    assert len(orders["small"]) > 10  # the open branch; collapsed entries are not focusable in Furo either
