"""Active content in raw HTML and third-party resources, in sources and in the built site."""

from __future__ import annotations

import pytest

from handbook.quality import active


@pytest.mark.parametrize("html, words", [
    ("<script>x()</script>", "<script>"),
    ('<script src="/local.js"></script>', "<script>"),
    ('<img src="a.png" onerror="x()">', "onerror"),
    ('<a href=" JavaScript:alert(1)">x</a>', "script URL"),
    ('<a href="java\tscript:alert(1)">x</a>', "script URL"),
    ('<a href="&#106;avascript:alert(1)">x</a>', "script URL"),
    ('<iframe src="https://example.org/embed"></iframe>', "<iframe> showing another site"),
    ('<object data="//example.org/x.swf"></object>', "<object> showing another site"),
    ('<form action="data:text/html,x"><button formaction="javascript:x()">go</button></form>', "script URL"),
])
def test_active_content_is_found(html, words):
    found, _ = active.scan(html)
    assert any(words in hit.message for hit in found), found


@pytest.mark.parametrize("html", [
    '<a href="https://example.org/">a link a reader clicks</a>',
    '<iframe src="diagram.html"></iframe>',
    '<p class="onboarding">text about onclick handlers</p>',
    '<details><summary>More</summary>text</details>',
])
def test_harmless_html_is_not_flagged(html):
    assert active.scan(html)[0] == []


@pytest.mark.parametrize("html, words", [
    ('<link rel="stylesheet" href="https://fonts.googleapis.com/css?family=Inter">', "fonts.googleapis.com"),
    ('<script async src="https://www.googletagmanager.com/gtag/js"></script>', "googletagmanager"),
    ('<img src="//cdn.example.org/logo.png">', "cdn.example.org"),
    ('<link rel="preconnect" href="https://fonts.gstatic.com">', "fonts.gstatic.com"),
    ('<style>@import url("https://cdn.example.org/x.css");</style>', "cdn.example.org"),
    ('<div style="background: url(https://cdn.example.org/bg.png)"></div>', "another origin"),
])
def test_third_party_resources_are_found(html, words):
    _, found = active.scan(html)
    assert any(words in hit.message for hit in found), found


def test_links_and_metadata_to_other_sites_are_not_resources():
    html = ('<a href="https://example.org/">x</a><link rel="canonical" href="https://example.org/page">'
            '<link rel="stylesheet" href="_static/furo.css"><img src="_images/a.png">')
    assert active.scan(html)[1] == []


def test_css_imports_and_urls_with_their_lines():
    css = "body{}\n@font-face{src:url(https://fonts.example.org/a.woff2)}\n.x{background:url(img/a.png)}"
    assert [(hit.line, hit.message) for hit in active.third_party_in_css(css)] == [
        (1, "loads https://fonts.example.org/a.woff2")]


def test_the_built_handbook_loads_nothing_from_other_origins(build_tree, tmp_path):
    """The output scan finds a theme-level third-party resource, and the handbook has none."""
    src = tmp_path / "src"
    built = build_tree({"index.md": "# Home\n\nText.\n"})
    assert built.warnings == ""
    with open(src / "conf.py", "a", encoding="utf-8") as conf:
        conf.write('\nhandbook_check_output = True\n'
                   'html_css_files = ["https://fonts.example.org/inter.css"]\n')
    rebuilt = build_tree(srcdir=src, freshenv=True)
    assert "the built site loads from another origin" in rebuilt.warnings
    assert "fonts.example.org/inter.css" in rebuilt.warnings and "[handbook.third-party]" in rebuilt.warnings
