"""Search in a real browser: relevance at least Sphinx's, snippets, offline, one origin, the CSP it
needs, and a plain answer from ``file://``.

The real handbook plus a Japanese section (``test_search.JAPANESE``) is built twice: with Pagefind,
and with Sphinx's own search (``handbook_search = False``). Each query must find its page among the
first five results with Pagefind, and Pagefind must find every page Sphinx's search finds.
"""

from __future__ import annotations

import functools
import json
import re
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import quote

import pytest
from playwright.sync_api import Browser, Page, expect
from test_browser import SiteHandler, isolated_chromium, origin, serving
from test_search import build, with_japanese

pytestmark = [pytest.mark.browser, pytest.mark.slow]

# query -> the page it must find (among the first five results)
QUERIES = {
    "Nygard": "engineering/adr/0001-record-architecture-decisions.html",
    "architecture decisions": "engineering/adr/0001-record-architecture-decisions.html",
    "LuaLaTeX": "engineering/adr/0003-build-the-pdf-with-lualatex.html",
    "Retry-After": "engineering/adr/0004-link-check-policy.html",
    "external links": "engineering/runbooks/link-check-fails.html",
    "redirect page": "engineering/rfcs/0002-redirects-for-moved-pages.html",
    "overdue for review": "engineering/rfcs/0001-page-ownership-and-review-dates.html",
    "hand-written table": "engineering/adr/0006-generate-decision-indexes-from-front-matter.html",
    "roll back": "engineering/runbooks/publish-site-and-pdf.html",
    "zero warnings": "engineering/runbooks/build-fails.html",
    "Markdown": "engineering/adr/0002-build-with-sphinx-myst-and-furo.html",
    "first day": "people/index.html",
    "trade-offs": "engineering/rfcs/process.html",
    "デプロイ": "ja/deploy.html",
    "ロールバック": "ja/deploy.html",
    "バックアップ": "ja/backup.html",
    "復元": "ja/backup.html",
    "オンボーディング": "ja/onboarding.html",
    "メンター": "ja/onboarding.html",
    "インシデント": "ja/oncall.html",
    "オンコール当番": "ja/oncall.html",
    "領収書": "ja/expenses.html",
    "二要素認証": "ja/security.html",
    "パスワード": "ja/security.html",
}
WITH_WASM = "script-src 'self' 'wasm-unsafe-eval'"
ONLY_SELF = "script-src 'self'"


def policy_handler(policy: str):
    class PolicyHandler(SiteHandler):
        def end_headers(self) -> None:
            self.send_header("Content-Security-Policy", policy)
            super().end_headers()

    return PolicyHandler


@pytest.fixture(scope="module")
def sites(tmp_path_factory) -> dict[str, Path]:
    root = tmp_path_factory.mktemp("search-browser")
    pagefind = build(with_japanese(root / "pagefind"), root / "_pagefind")
    sphinx = build(with_japanese(root / "sphinx"), root / "_sphinx", "handbook_search = False\n")
    # The same site indexed in parts of at most 8 pages, merged by the search page (a large site's way).
    split = build(with_japanese(root / "split"), root / "_split", "handbook_search_pages_per_index = 8\n")
    return {"pagefind": Path(pagefind.outdir), "sphinx": Path(sphinx.outdir), "split": Path(split.outdir)}


@pytest.fixture(scope="module")
def servers(sites) -> Iterator[dict[str, str]]:
    with serving(functools.partial(policy_handler(WITH_WASM), directory=str(sites["pagefind"]))) as pagefind, \
            serving(functools.partial(policy_handler(ONLY_SELF), directory=str(sites["pagefind"]))) as strict, \
            serving(functools.partial(SiteHandler, directory=str(sites["sphinx"]))) as sphinx, \
            serving(functools.partial(policy_handler(WITH_WASM), directory=str(sites["split"]))) as split:
        yield {"pagefind": pagefind, "strict": strict, "sphinx": sphinx, "split": split}


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    with isolated_chromium() as chromium:
        yield chromium


@pytest.fixture
def page(browser) -> Iterator[Page]:
    context = browser.new_context()
    yield context.new_page()
    context.close()


def pagefind_results(page: Page, server: str, query: str) -> list[tuple[str, str, str]]:
    """(page path, title, snippet) of the first results, as the search page shows them."""
    page.goto(f"{server}search.html?q={quote(query)}")
    expect(page.locator(".handbook-search-status")).to_contain_text(re.compile("match"), timeout=10_000)
    found = page.locator(".handbook-search-result").evaluate_all("""items => items.map(item => [
        item.querySelector('a').getAttribute('href'), item.querySelector('a').textContent,
        item.querySelector('.handbook-search-excerpt').innerHTML])""")
    return [(href.removeprefix("/").split("#")[0], title, excerpt) for href, title, excerpt in found]


def sphinx_results(page: Page, server: str, query: str) -> list[str]:
    page.goto(f"{server}search.html?q={quote(query)}")
    expect(page.locator("#search-results .search-summary")).to_contain_text(
        re.compile("Search finished|did not match"), timeout=15_000)
    hrefs = page.locator("#search-results ul.search li > a").evaluate_all(
        "links => links.map(a => a.getAttribute('href'))")
    return [re.split(r"[#?]", href)[0] for href in hrefs]


@pytest.mark.parametrize("index", ["pagefind", "split"])
def test_every_query_finds_its_page_and_whatever_sphinx_finds(page, servers, sites, index):
    assert len(QUERIES) >= 20 and sum(1 for q in QUERIES if re.search(r"[\u3040-\u9fff]", q)) >= 10
    if index == "split":  # the index really is in parts, each a Pagefind bundle
        parts = json.loads((sites["split"] / "pagefind" / "handbook-parts.json").read_text(encoding="utf-8"))
        assert len(parts) >= 3 and all((sites["split"] / "pagefind" / part / "pagefind.js").is_file() for part in parts)
    missed, behind_sphinx, sphinx_found = [], [], 0
    for query, expected in QUERIES.items():
        results = pagefind_results(page, servers[index], query)
        top = [path for path, _, _ in results[:5]]
        if expected not in top:
            missed.append(f"{query!r}: {top}")
        if expected in sphinx_results(page, servers["sphinx"], query)[:5]:
            sphinx_found += 1
            if expected not in top:
                behind_sphinx.append(query)
    assert not missed, "queries that did not find their page in the first five:\n" + "\n".join(missed)
    assert not behind_sphinx
    assert sphinx_found >= 10  # the comparison means something: Sphinx's search finds the English ones


def test_results_have_titles_and_snippets_with_the_match_marked(page, servers):
    results = pagefind_results(page, servers["pagefind"], "Nygard")
    path, title, excerpt = results[0]
    assert path == QUERIES["Nygard"] and title == "ADR-0001: Record architecture decisions"
    assert re.search(r"<mark>Nygard\s*</mark>", excerpt)
    japanese = pagefind_results(page, servers["pagefind"], "領収書")
    assert japanese[0][1].replace("\u200b", "") == "経費精算" and "<mark>" in japanese[0][2]
    page.locator(".handbook-search-result a").first.click()  # a result leads to its page
    page.wait_for_url(re.compile(r"/ja/expenses\.html$"))


@pytest.mark.parametrize("index", ["pagefind", "split"])
def test_a_query_transfers_little_and_only_from_the_site(page, servers, index):
    requested: list[tuple[str, int]] = []
    page.on("requestfinished", lambda request: requested.append((request.url, request.sizes()["responseBodySize"])))
    pagefind_results(page, servers[index], "handbook")
    assert all(origin(url) == origin(servers[index]) for url, _ in requested)
    assert any("/pagefind/" in url for url, _ in requested)
    assert not any("searchindex" in url for url, _ in requested)
    assert sum(size for _, size in requested) < 1_000_000


def test_no_match_says_so(page, servers):
    page.goto(f"{servers['pagefind']}search.html?q=qwxq")
    expect(page.locator(".handbook-search-status")).to_have_text("No pages match \u201cqwxq\u201d.")


def test_the_sidebar_search_box_leads_to_results(page, servers):
    page.goto(servers["pagefind"] + "index.html")
    page.locator(".sidebar-drawer input.sidebar-search").fill("LuaLaTeX")
    page.locator(".sidebar-drawer input.sidebar-search").press("Enter")
    expect(page.locator(".handbook-search-status")).to_contain_text("match")
    assert page.locator(".handbook-search-result a").first.get_attribute("href").endswith(
        "0003-build-the-pdf-with-lualatex.html")


def test_csp_needs_wasm_unsafe_eval_and_says_so_without_it(page, servers):
    # With 'wasm-unsafe-eval' it works (above); with script-src 'self' alone the browser refuses
    # to compile Pagefind's WebAssembly, and the page says search could not load.
    page.goto(f"{servers['strict']}search.html?q=Nygard")
    expect(page.locator(".handbook-search-status")).to_contain_text("could not load", timeout=10_000)


def test_from_a_file_url_search_says_plainly_why_not(page, sites):
    page.goto((sites["pagefind"] / "search.html").as_uri() + "?q=Nygard")
    status = page.locator(".handbook-search-status")
    expect(status).to_contain_text("served over HTTP")
    expect(status).to_contain_text("python3 -m http.server")
