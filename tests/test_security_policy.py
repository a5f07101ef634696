"""The built-site policy: every route the issue found, through MyST and raw HTML, is reported at
its source line; what a handbook page legitimately carries is not."""

from __future__ import annotations

import re

import pytest

from handbook.policy import csp, css, page, urls

SITE = page.Site(scripts=frozenset({"_static/furo.js"}), inline_hashes=csp.THEME_HASHES)


def breaches(html: str, at: str = "engineering/page.html") -> list[page.Breach]:
    return page.check(html, at, SITE)


@pytest.mark.parametrize("html, words", [
    ('<noscript><p title="</noscript><img src=x onerror=alert(1)>"></noscript>', "onerror"),
    ('<iframe srcdoc="<script>alert(1)</script>"></iframe>', "srcdoc"),
    ('<iframe srcdoc="<iframe srcdoc=&quot;<img src=x onerror=alert(1)>&quot;></iframe>"></iframe>', "onerror"),
    ('<svg><a xlink:href="javascript:alert(1)"><text>x</text></a></svg>', "xlink:href"),
    ('<svg><a><animate attributeName=href values="javascript:alert(1)"/></a></svg>', "values="),
    ('<svg><set attributeName=href to="javascript:alert(1)"/></svg>', "to="),
    ('<embed src="data:image/svg+xml,<svg onload=alert(1)>">', "<embed>"),
    ('<object data="data:image/svg+xml;base64,PHN2Zz4="></object>', "<object>"),
    ('<applet code="x"></applet>', "<applet>"),
    ('<base href="http://other.host/">', "<base>"),
    ('<meta http-equiv="Refresh" content="0; url=https://other.example/">', "refresh"),
    ('<a href="&#106;avascript:alert(1)">x</a>', "javascript:"),
    ('<a href=" java\tscript:alert(1)">x</a>', "javascript:"),
    ('<a href="\x01javascript:alert(1)">x</a>', "javascript:"),
    ('<a href="VBScript:msgbox(1)">x</a>', "vbscript:"),
    ('<a href="data:text/html,<script>alert(1)</script>">x</a>', "data:"),
    ('<form action="javascript:alert(1)"><button>go</button></form>', "javascript:"),
    ('<button formaction="javascript:alert(1)">go</button>', "javascript:"),
    ('<img srcset="data:image/png;base64,AA 1x">', "srcset"),
    ('<img src="data:image/svg+xml,<svg></svg>">', "data:"),
    ('<div style="background:u\\72l(\'javascript:alert(1)\')">x</div>', "CSS"),
    ('<style>@import "data:text/css,x";</style>', "CSS"),
    ('<script>alert(1)</script>', "inline <script>"),
    ('<svg><script>alert(1)</script></svg>', "inline <script>"),
    ('<script src="../_downloads/x.js"></script>', "not one of the site's own"),
    ('<details open ontoggle=alert(1)>x</details>', "ontoggle"),
    ('<math><mi href="javascript:alert(1)">x</mi></math>', "javascript:"),
    ('<iframe src="https://example.org/embed"></iframe>', "another site"),
    ('<frameset><frame src="//example.org/"></frameset>', "another site"),
])
def test_active_content_is_reported(html, words):
    found = [b for b in breaches(html) if b.rule == "active-content"]
    assert found and any(words in b.message for b in found), found


@pytest.mark.parametrize("html", [
    '<img src="https://images.example.org/a.png">',
    '<img src="//cdn.example.org/a.png">',
    '<img src="\\\\cdn.example.org/a.png">',
    '<img srcset="a.png 1x, https://cdn.example.org/b.png 2x">',
    '<video poster="https://cdn.example.org/p.png"></video>',
    '<audio src="https://cdn.example.org/a.mp3"></audio>',
    '<link rel="stylesheet" href="https://fonts.example.org/a.css">',
    '<link rel="preconnect" href="https://fonts.example.org">',
    '<svg><image href="https://cdn.example.org/a.png"/></svg>',
    '<svg><use xlink:href="https://cdn.example.org/s.svg#i"/></svg>',
    '<div style="background: url(https://cdn.example.org/bg.png)">x</div>',
    '<style>@import url("https://cdn.example.org/x.css");</style>',
    '<style>@font-face { src: url(//fonts.example.org/a.woff2) }</style>',
    '<style>a { background: image-set("https://cdn.example.org/a.png" 1x) }</style>',
    '<style>a { background: u/**/rl(x) } b { background: \\75 rl(https://cdn.example.org/e.png) }</style>',
    '<form action="https://forms.example.org/"><input name=q></form>',
    '<table background="https://cdn.example.org/bg.png"><tr><td>x</td></tr></table>',
])
def test_other_origins_are_reported(html):
    assert any(b.rule == "third-party" for b in breaches(html)), breaches(html)


@pytest.mark.parametrize("html", [
    '<a href="https://example.org/">a link a reader follows</a>',
    '<a href="mailto:team@example.org">mail</a>',
    '<a href="../adr/index.html#accepted">relative</a>',
    '<img src="../_images/a.png" alt="">',
    '<img src="data:image/png;base64,iVBORw0KGgo=" alt="">',
    '<iframe src="diagram.html"></iframe>',
    '<iframe srcdoc="<p>static text</p>"></iframe>',
    '<link rel="canonical" href="https://example.org/page">',
    '<script src="../_static/furo.js"></script>',
    '<p class="onboarding" title="javascript: the language">text about onclick handlers</p>',
    '<svg viewBox="0 0 1 1"><path d="M0 0"/><animate attributeName="opacity" values="0;1"/></svg>',
    '<div style="color: red; background: url(../_static/a.png)">x</div>',
    '<script>' + csp.THEME_SCRIPTS[0] + '</script>',
])
def test_what_pages_legitimately_carry_passes(html):
    assert breaches(html) == []


def test_the_handbook_writes_its_own_redirect_pages_with_a_refresh():
    html = '<meta http-equiv="refresh" content="0; url=new.html">'
    assert page.check(html, "old.html", SITE, redirect_page=True) == []
    assert page.check(html, "old.html", SITE, redirect_page=False)


def test_a_mistake_is_one_breach_even_when_both_parses_see_it():
    assert len(breaches('<img src=x onerror=alert(1)>')) == 1
    assert len(breaches('<a href="javascript:a()">1</a><a href="javascript:a()">2</a>')) == 2


def test_url_scheme_as_the_browser_reads_it():
    assert urls.scheme("\x00 JaVa\nScRiPt:x") == "javascript"
    assert urls.is_other_origin("//host/x") and urls.is_other_origin("https:host/x")
    assert not urls.is_other_origin("/_static/x.js") and not urls.is_other_origin("../x.png", "a/b.html")
    assert urls.site_path("../_static/x.js", "a/b.html") == "_static/x.js"


def test_css_urls_are_found_as_css_reads_them():
    assert css.stylesheet_urls('@import "a.css"; @import url(b.css); x { y: url( "c.png" ) }') == [
        "a.css", "b.css", "c.png"]
    assert css.declaration_urls("background: \\75 rl(d.png)") == ["d.png"]


# --- the whole route: MyST in, Sphinx out, the gate at the source line -------------------------

ROUTES = '''\
---
myst:
  html_meta:
    "http-equiv=refresh": "0; url=https://other.example/"
---
# Routes

```{button-link} javascript:alert(1)
Click
```

````{card} A card
:link: javascript:alert(2)

Body
````

```{image} pic.png
:target: javascript:alert(3)
```

```{eval-rst}
`x <javascript:alert(4)>`_
```

<noscript><p title="</noscript><img src=x onerror=alert(5)>"></noscript>

<iframe srcdoc="<script>alert(6)</script>"></iframe>

<svg><a xlink:href="javascript:alert(7)"><text y="20">svg link</text></a></svg>

<svg><a><animate attributeName=href values="javascript:alert(8)"/><text y="20">anim</text></a></svg>

<embed src="data:image/svg+xml,<svg xmlns='http://www.w3.org/2000/svg' onload='alert(9)'/>">

<object data="data:image/svg+xml,<svg xmlns='http://www.w3.org/2000/svg' onload='alert(10)'/>"></object>

<base href="http://other.host/">

<meta http-equiv="refresh" content="5; url=https://other.example/">

![foreign](https://images.example.org/logo.png)
'''
PNG = bytes.fromhex("89504e470d0a1a0a0000000d4948445200000001000000010806000000"
                    "1f15c4890000000d49444154789c6360606060000000050001a5f645400000000049454e44ae426082")


def build_with_gate(build_tree, tmp_path, files: dict[str, str]):
    src = tmp_path / "src"
    from conftest import write_tree
    write_tree(src, files)
    (src / "pic.png").write_bytes(PNG)
    with open(src / "conf.py", "a", encoding="utf-8") as conf:
        conf.write("\nhandbook_check_output = True\n")
    return build_tree(srcdir=src, freshenv=True)


def test_every_route_is_reported_at_its_line(build_tree, tmp_path):
    built = build_with_gate(build_tree, tmp_path, {"index.md": ROUTES})
    lines = ROUTES.split("\n")
    found = re.findall(r"index\.md:(\d+): WARNING: (.*?) \[handbook\.([\w-]+)\]", built.warnings)
    at = {int(line) for line, _, _ in found}
    expected = {number for number, text in enumerate(lines, 1)
                if ("javascript:" in text or "onerror" in text or "srcdoc" in text
                        or text.startswith(("<embed", "<object", "<base", "<meta")))
                or "http-equiv=refresh" in text or "images.example.org" in text}
    assert at == expected, built.warnings
    assert len(found) == len(expected), "one message per mistake"


def test_an_exempt_page_is_not_reported(build_tree, tmp_path):
    built = build_with_gate(build_tree, tmp_path, {
        "index.md": "---\nallow-active-content: the team's reviewed widget\n---\n# W\n\n<script>go()</script>\n"})
    assert "active-content" not in built.warnings
    assert built.app.env.domains["policy"].exempt() == [("index", "the team's reviewed widget", 2)]


def test_an_exemption_without_a_reason_is_a_finding(build_tree, tmp_path):
    built = build_with_gate(build_tree, tmp_path, {
        "index.md": "---\nallow-active-content: ''\n---\n# W\n\n<script>go()</script>\n"})
    assert "index.md:2: WARNING: 'allow-active-content' must state why" in built.warnings
    assert "index.md:6: WARNING: the page brings in active content: an inline <script>" in built.warnings


def test_the_theme_and_every_generated_page_pass(build_tree, tmp_path):
    """Furo, the search page, the index, the 404 page: the gate finds nothing of theirs."""
    built = build_with_gate(build_tree, tmp_path, {"index.md": "# Home\n\nText.\n"})
    assert built.warnings == ""
    assert {"search.html", "genindex.html", "404.html"} <= {p.name for p in built.outdir.iterdir()}


def test_a_theme_level_foreign_resource_is_reported_at_the_built_file(build_tree, tmp_path):
    src = tmp_path / "src"
    build_with_gate(build_tree, tmp_path, {"index.md": "# Home\n"})
    with open(src / "conf.py", "a", encoding="utf-8") as conf:
        conf.write('\nhtml_css_files = ["https://fonts.example.org/inter.css"]\n')
    rebuilt = build_tree(srcdir=src, freshenv=True)
    assert re.search(r"index\.md: WARNING: the page loads from another origin: <link rel=\"stylesheet\"> loads "
                     r"https://fonts\.example\.org/inter\.css \[handbook\.third-party\]", rebuilt.warnings), \
        rebuilt.warnings


def test_a_stylesheet_loading_from_another_origin_is_reported(build_tree, tmp_path):
    src = tmp_path / "src"
    build_with_gate(build_tree, tmp_path, {"index.md": "# Home\n"})
    (src / "_static").mkdir()
    (src / "_static" / "extra.css").write_text("body {}\n@import url(https://fonts.example.org/a.css);\n",
                                               encoding="utf-8")
    with open(src / "conf.py", "a", encoding="utf-8") as conf:
        conf.write('\nhtml_static_path = ["_static"]\n')
    rebuilt = build_tree(srcdir=src, freshenv=True)
    assert re.search(r"_static/extra\.css:2: WARNING: the stylesheet _static/extra\.css loads "
                     r"https://fonts\.example\.org/a\.css", rebuilt.warnings), rebuilt.warnings
